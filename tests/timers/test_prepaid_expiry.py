"""Prepaid expiry as the clock moves (SPEC §6): into the bin at ExpiredTime, released at 00:00 Beijing time of the
8th day unless renewed; auto-renew charges a month and carries on."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from mockcvm import Cloud
from tests import sdk
from tests.billing.helpers import instance, launch, states
from tests.conftest import Clock

BEIJING = timezone(timedelta(hours=8))


def test_an_expired_instance_is_released_at_beijing_midnight_of_day_8_unless_renewed(
    cloud: Cloud, clock: Clock
) -> None:
    doomed, renewed = launch(cloud, "PREPAID", count=2)
    expiry = datetime(2026, 2, 5, 4, 0, 0, tzinfo=timezone.utc)  # launched 2026-01-05 04:00 UTC for 1 month
    clock.move_to(expiry - timedelta(seconds=1))
    assert states(cloud) == {doomed: "RUNNING", renewed: "RUNNING"}
    clock.move_to(expiry)
    shown = instance(cloud, doomed)
    assert (shown.InstanceState, shown.RestrictState, shown.IsolatedSource) == ("SHUTDOWN", "EXPIRED", "EXPIRE")
    clock.move_to(expiry + timedelta(days=3))
    sdk.call(sdk.client(), "RenewInstances", InstanceIds=[renewed], InstanceChargePrepaid={"Period": 1})
    release = datetime(2026, 2, 13, 0, 0, 0, tzinfo=BEIJING)  # 00:00 Beijing time of the 8th day after expiry
    clock.move_to(release - timedelta(seconds=1))
    assert states(cloud)[doomed] == "SHUTDOWN"
    clock.move_to(release + timedelta(seconds=10))
    assert states(cloud) == {renewed: "STOPPED"}


def test_auto_renew_charges_a_month_and_keeps_running(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(
        cloud, "PREPAID", InstanceChargePrepaid={"Period": 1, "RenewFlag": "NOTIFY_AND_AUTO_RENEW"}
    )
    charged = [row.amount for row in cloud.ledger() if row.resource_id == instance_id]
    clock.move_to(datetime(2026, 3, 1, tzinfo=timezone.utc))
    assert states(cloud)[instance_id] == "RUNNING"
    rows = [row for row in cloud.ledger() if row.resource_id == instance_id]
    assert len(rows) == len(charged) + 1
    assert rows[-1].time == datetime(2026, 2, 5, 4, 0, 0, tzinfo=timezone.utc).timestamp()
