"""Prepaid expiry and auto-renew (SPEC §6); the console's destroy and recover (SPEC §3)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from mockcvm import Cloud, MockcvmError
from tests import sdk
from tests.conftest import Clock
from tests.cvm.helpers import call_refused, describe, launch_prepaid, settled, snapshot, states

# START is 2026-01-05 04:00 UTC (12:00 Beijing); a 1-month instance expires 2026-02-05 04:00 UTC.
EXPIRY = datetime(2026, 2, 5, 4, 0, 0, tzinfo=timezone.utc)
#: 00:00 Beijing time of the 8th day after the expiry date (2026-02-13 00:00 +08:00).
EXPIRED_RELEASE = datetime(2026, 2, 12, 16, 0, 0, tzinfo=timezone.utc)


def test_expiry_without_auto_renew_goes_to_the_bin_then_released_at_beijing_midnight(
    cloud: Cloud, clock: Clock
) -> None:
    cvm = sdk.client("cvm")
    ids = launch_prepaid(cvm)
    settled(cvm, ids)
    clock.move_to(EXPIRY.replace(second=0, minute=59, hour=3))
    assert states(cvm, ids) == {ids[0]: "RUNNING"}
    clock.move_to(EXPIRY)
    [shown] = describe(cvm, ids)
    assert (shown.InstanceState, shown.RestrictState, shown.IsolatedSource) == ("SHUTDOWN", "EXPIRED", "EXPIRE")
    clock.move_to(EXPIRED_RELEASE.replace(hour=15, minute=59))
    assert states(cvm, ids) == {ids[0]: "SHUTDOWN"}
    clock.move_to(EXPIRED_RELEASE)
    assert describe(cvm, ids) == []


def test_auto_renew_with_enough_balance_renews_one_month(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = launch_prepaid(cvm, prepaid={"RenewFlag": "NOTIFY_AND_AUTO_RENEW"})
    balance = cloud.balance()
    clock.move_to(datetime(2026, 3, 6, tzinfo=timezone.utc))  # two expiries: Feb 5 and Mar 5
    [shown] = settled(cvm, ids)
    assert shown.InstanceState == "RUNNING" and shown.ExpiredTime == "2026-04-05T04:00:00Z"
    assert cloud.balance() == balance - 2 * cloud.world.billing.price("instance_month")


def test_auto_renew_without_balance_goes_to_the_bin(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = launch_prepaid(cvm, prepaid={"RenewFlag": "NOTIFY_AND_AUTO_RENEW"})
    cloud.set_balance(1)
    clock.move_to(EXPIRY)
    [shown] = describe(cvm, ids)
    assert (shown.InstanceState, shown.IsolatedSource) == ("SHUTDOWN", "EXPIRE")


def test_renewing_an_expired_instance_counts_from_the_old_expiry(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = launch_prepaid(cvm)
    clock.move_to(datetime(2026, 2, 8, tzinfo=timezone.utc))
    sdk.call(cvm, "RenewInstances", InstanceIds=ids, InstanceChargePrepaid={"Period": 1})
    [shown] = settled(cvm, ids)
    assert (shown.InstanceState, shown.RestrictState, shown.IsolatedSource) == ("STOPPED", "NORMAL", "NOTISOLATED")
    assert shown.ExpiredTime == "2026-03-05T04:00:00Z"
    clock.move_to(datetime(2026, 2, 20, tzinfo=timezone.utc))
    assert states(cvm, ids) == {ids[0]: "STOPPED"}


def test_expired_instance_is_released_despite_destroy_protection(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = launch_prepaid(cvm, DisableApiTermination=True)
    clock.move_to(EXPIRED_RELEASE)
    assert describe(cvm, ids) == []


# -- console --------------------------------------------------------------------------------------------------


def test_console_release_now_destroys_postpaid_directly(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(2)
    result = cloud.console.destroy("ap-guangzhou", ids, release="now")
    assert [(r.ok, r.state) for r in result.values()] == [(True, "TERMINATING")] * 2
    assert states(cvm, ids) == dict.fromkeys(ids, "TERMINATING")
    assert describe(cvm, ids) == []


def test_console_release_after_2h_bins_postpaid_for_two_hours(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1)
    result = cloud.console.destroy("ap-guangzhou", ids, release="after_2h")
    assert result[ids[0]].ok and result[ids[0]].state == "SHUTDOWN"
    [shown] = settled(cvm, ids)
    assert (shown.InstanceState, shown.IsolatedSource) == ("SHUTDOWN", "MANMADE")
    clock.tick(2 * 3600)
    assert describe(cvm, ids) == []


@pytest.mark.parametrize("release", ["now", "after_2h"])
def test_console_destroy_of_prepaid_is_as_the_api(cloud: Cloud, clock: Clock, release: str) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1, charge_type="PREPAID")
    assert cloud.console.destroy("ap-guangzhou", ids, release=release)[ids[0]].state == "SHUTDOWN"
    settled(cvm, ids)
    clock.tick(7 * 86400 - 1)
    assert states(cvm, ids) == {ids[0]: "SHUTDOWN"}
    assert cloud.console.destroy("ap-guangzhou", ids, release=release)[ids[0]].state == "TERMINATING"
    describe(cvm, ids)
    assert describe(cvm, ids) == []


def test_console_destroy_gives_a_reason_per_instance(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    [free] = cloud.seed_instances(1)
    [protected] = cloud.seed_instances(1, disable_api_termination=True)
    [busy] = cloud.seed_instances(1)
    sdk.call(cvm, "StopInstances", InstanceIds=[busy])
    result = cloud.console.destroy("ap-guangzhou", [free, protected, busy, "ins-00000000", "junk"])
    assert result[free].ok and result[free].reason is None
    assert not result[protected].ok and "protection" in (result[protected].reason or "")
    assert not result[busy].ok and "STOPPING" in (result[busy].reason or "")
    assert not result["ins-00000000"].ok and "not found" in (result["ins-00000000"].reason or "")
    assert not result["junk"].ok
    with pytest.raises(MockcvmError):
        cloud.console.destroy("ap-guangzhou", [free], release="later")


def test_console_recover_brings_a_binned_postpaid_instance_back(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1)
    cloud.console.destroy("ap-guangzhou", ids, release="after_2h")
    settled(cvm, ids)
    result = cloud.console.recover("ap-guangzhou", ids)
    assert result[ids[0]].ok and result[ids[0]].state == "STOPPED"
    [shown] = describe(cvm, ids)
    assert (shown.InstanceState, shown.IsolatedSource) == ("STOPPED", "NOTISOLATED")
    clock.tick(3 * 3600)
    assert states(cvm, ids) == {ids[0]: "STOPPED"}


def test_console_recover_is_refused_in_arrears_and_for_prepaid(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    postpaid = cloud.seed_instances(1, state="SHUTDOWN")
    prepaid = cloud.seed_instances(1, state="SHUTDOWN", charge_type="PREPAID")
    running = cloud.seed_instances(1)
    result = cloud.console.recover("ap-guangzhou", prepaid + running)
    assert "RenewInstances" in (result[prepaid[0]].reason or "")
    assert "recycle bin" in (result[running[0]].reason or "")
    cloud.set_balance(-1)
    before = snapshot(cloud)
    result = cloud.console.recover("ap-guangzhou", postpaid)
    assert not result[postpaid[0]].ok and "top up" in (result[postpaid[0]].reason or "")
    assert snapshot(cloud) == before
    assert states(cvm, postpaid) == {postpaid[0]: "SHUTDOWN"}
    cloud.top_up(10)
    assert cloud.console.recover("ap-guangzhou", postpaid)[postpaid[0]].ok


def test_renew_is_refused_for_postpaid_in_the_bin(cloud: Cloud) -> None:
    ids = cloud.seed_instances(1, state="SHUTDOWN")
    error = call_refused(sdk.client("cvm"), "RenewInstances", InstanceIds=ids, InstanceChargePrepaid={"Period": 1})
    assert error.code == "UnsupportedOperation.InstanceChargeType"
