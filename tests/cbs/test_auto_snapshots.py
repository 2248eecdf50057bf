"""Auto snapshot policies through the real SDK: they fire on the timeline and delete past their retention."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.conftest import START, Clock
from tests.release.helpers import ZONE, api, assert_shape, refused

pytestmark = pytest.mark.cloud_options(transitions="immediate")
DAILY_AT_13_BEIJING = [{"DayOfWeek": [0, 1, 2, 3, 4, 5, 6], "Hour": [13]}]  # 05:00 UTC


@pytest.fixture
def cbs(cloud: Cloud) -> Any:
    return sdk.client("cbs")


def new_disk(cbs: Any) -> str:
    [disk_id] = api(cbs, "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR",
                    DiskType="CLOUD_PREMIUM", DiskSize=20)["DiskIdSet"]
    return str(disk_id)


def snapshots_of(cbs: Any, disk_id: str) -> list[dict[str, Any]]:
    return list(api(cbs, "DescribeSnapshots", Filters=[{"Name": "disk-id", "Values": [disk_id]}])["SnapshotSet"])


def test_a_daily_policy_fires_and_keeps_its_retention(cloud: Cloud, clock: Clock, cbs: Any) -> None:
    disk_id = new_disk(cbs)
    made = api(cbs, "CreateAutoSnapshotPolicy", Policy=DAILY_AT_13_BEIJING, RetentionDays=2,
               AutoSnapshotPolicyName="nightly")
    assert made["NextTriggerTime"] == "2026-01-05 05:00:00"
    policy_id = made["AutoSnapshotPolicyId"]
    api(cbs, "BindAutoSnapshotPolicy", AutoSnapshotPolicyId=policy_id, DiskIds=[disk_id])
    clock.move_to(START + timedelta(days=5, hours=2))  # triggers on Jan 5..10 at 05:00 UTC
    kept = snapshots_of(cbs, disk_id)
    assert [s["CreateTime"] for s in kept] == ["2026-01-09 05:00:00", "2026-01-10 05:00:00"]
    assert all(s["AutoSnapshotPolicyId"] == policy_id and not s["IsPermanent"] for s in kept)
    assert kept[0]["DeadlineTime"] == "2026-01-11 05:00:00"
    [policy] = api(cbs, "DescribeAutoSnapshotPolicies", AutoSnapshotPolicyIds=[policy_id])["AutoSnapshotPolicySet"]
    assert_shape("cbs", "AutoSnapshotPolicy", policy)
    assert policy["DiskIdSet"] == [disk_id] and policy["NextTriggerTime"] == "2026-01-11 05:00:00"
    api(cbs, "ModifyAutoSnapshotPolicyAttribute", AutoSnapshotPolicyId=policy_id, IsActivated=False)
    clock.move_to(START + timedelta(days=9))
    assert snapshots_of(cbs, disk_id) == []  # retention went on; nothing new was taken


def test_a_permanent_weekly_policy_and_unbinding(cloud: Cloud, clock: Clock, cbs: Any) -> None:
    first, second = new_disk(cbs), new_disk(cbs)
    policy_id = api(cbs, "CreateAutoSnapshotPolicy", Policy=[{"DayOfWeek": [1], "Hour": [0, 12]}],
                    IsPermanent=True)["AutoSnapshotPolicyId"]
    api(cbs, "BindAutoSnapshotPolicy", AutoSnapshotPolicyId=policy_id, DiskIds=[first, second])
    [associated] = api(cbs, "DescribeDiskAssociatedAutoSnapshotPolicy", DiskId=second)["AutoSnapshotPolicySet"]
    assert associated["AutoSnapshotPolicyId"] == policy_id
    api(cbs, "UnbindAutoSnapshotPolicy", AutoSnapshotPolicyId=policy_id, DiskIds=[second])
    # Mondays 00:00 and 12:00 Beijing; the start instant (Monday Jan 5 12:00 Beijing) itself is not a trigger
    clock.move_to(START + timedelta(days=14))
    assert [s["CreateTime"] for s in snapshots_of(cbs, first)] == [
        "2026-01-11 16:00:00", "2026-01-12 04:00:00", "2026-01-18 16:00:00", "2026-01-19 04:00:00"]
    assert snapshots_of(cbs, second) == []
    api(cbs, "DeleteAutoSnapshotPolicies", AutoSnapshotPolicyIds=[policy_id])
    assert api(cbs, "DescribeAutoSnapshotPolicies")["TotalCount"] == 0


def test_dry_run_and_refusals(cloud: Cloud, cbs: Any) -> None:
    disk_id = new_disk(cbs)
    dry = api(cbs, "CreateAutoSnapshotPolicy", Policy=DAILY_AT_13_BEIJING, DryRun=True)
    assert dry["AutoSnapshotPolicyId"] == "" and dry["NextTriggerTime"] == "2026-03-02 05:00:00"
    policy_id = api(cbs, "CreateAutoSnapshotPolicy", Policy=DAILY_AT_13_BEIJING)["AutoSnapshotPolicyId"]
    other = api(cbs, "CreateAutoSnapshotPolicy", Policy=DAILY_AT_13_BEIJING)["AutoSnapshotPolicyId"]
    api(cbs, "BindAutoSnapshotPolicy", AutoSnapshotPolicyId=policy_id, DiskIds=[disk_id])
    refused(cloud, cbs, "BindAutoSnapshotPolicy", "InvalidDisk.AlreadyBound", AutoSnapshotPolicyId=other,
            DiskIds=[disk_id])
    refused(cloud, cbs, "CreateAutoSnapshotPolicy", "InvalidParameterValue", Policy=[{"DayOfWeek": [1], "Hour": [24]}])
    refused(cloud, cbs, "CreateAutoSnapshotPolicy", "InvalidParameterValue",
            Policy=[{"DayOfWeek": [1], "DayOfMonth": [1], "Hour": [1]}])
    refused(cloud, cbs, "BindAutoSnapshotPolicy", "InvalidAutoSnapshotPolicyId.NotFound",
            AutoSnapshotPolicyId="asp-00000000", DiskIds=[disk_id])
    refused(cloud, cbs, "UnbindAutoSnapshotPolicy", "InvalidDiskId.NotFound", AutoSnapshotPolicyId=other,
            DiskIds=[disk_id])


def test_the_async_client_creates_a_policy(cloud: Cloud) -> None:
    async def scenario() -> Any:
        client = sdk.client("cbs", asynchronous=True)
        return await client.CreateAutoSnapshotPolicy(sdk.request(
            "cbs", "CreateAutoSnapshotPolicy", Policy=[{"DayOfMonth": [1], "Hour": [2]}]))

    answer = asyncio.run(scenario())
    assert answer.AutoSnapshotPolicyId.startswith("asp-") and answer.NextTriggerTime == "2026-03-31 18:00:00"
