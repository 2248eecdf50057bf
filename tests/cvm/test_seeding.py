"""cloud.seed_instances: many settled instances at once, with chosen fields."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from mockcvm import Cloud, MockcvmError
from tests import sdk
from tests.conftest import Clock
from tests.cvm.helpers import describe


def test_seeded_instances_have_the_chosen_fields(cloud: Cloud, clock: Clock) -> None:
    created = datetime(2025, 6, 1, 8, 30, tzinfo=timezone.utc)  # the clock is at 2026-01-05
    ids = cloud.seed_instances(
        3, region="ap-shanghai", zone="ap-shanghai-4", charge_type="PREPAID", state="STOPPED",
        tags={"env": "prod"}, created_time=created, name="batch", period=12,
        renew_flag="NOTIFY_AND_AUTO_RENEW", instance_type="SA2.LARGE8",
    )
    shown = describe(sdk.client("cvm", "ap-shanghai"), ids)
    assert [i.InstanceId for i in shown] == ids
    assert [i.InstanceName for i in shown] == ["batch1", "batch2", "batch3"]
    first = shown[0]
    assert first.Placement.Zone == "ap-shanghai-4" and first.InstanceState == "STOPPED"
    assert first.CreatedTime == "2025-06-01T08:30:00Z" and first.ExpiredTime == "2026-06-01T08:30:00Z"
    assert (first.CPU, first.Memory, first.RenewFlag) == (4, 8, "NOTIFY_AND_AUTO_RENEW")
    assert [(t.Key, t.Value) for t in first.Tags] == [("env", "prod")]
    assert first.StopChargingMode == "KEEP_CHARGING"
    assert len({i.PrivateIpAddresses[0] for i in shown}) == 3


def test_seeded_shutdown_instances_are_in_the_bin(cloud: Cloud) -> None:
    [instance_id] = cloud.seed_instances(1, state="SHUTDOWN", charge_type="PREPAID")
    [shown] = describe(sdk.client("cvm"), [instance_id])
    assert (shown.InstanceState, shown.IsolatedSource) == ("SHUTDOWN", "MANMADE")


def test_seeding_many_gives_unique_listed_instances(cloud: Cloud) -> None:
    ids = cloud.seed_instances(5_000)  # timing is the benchmark's business (bench/bench_instances.py)
    assert len(set(ids)) == 5_000
    assert sdk.call(sdk.client("cvm"), "DescribeInstances").TotalCount == 5_000


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "PENDING"},
        {"charge_type": "CDHPAID"},
        {"region": "mars-1"},
        {"zone": "ap-shanghai-2"},
        {"instance_type": "huge"},
        {"created_time": datetime(2025, 1, 1)},
        {"charge_type": "PREPAID", "period": 13},
    ],
)
def test_bad_seeding_says_what_is_wrong(cloud: Cloud, fields: dict[str, object]) -> None:
    with pytest.raises(MockcvmError):
        cloud.seed_instances(1, **fields)  # type: ignore[arg-type]
    assert cloud.world.cvm.all_instances() == []
