"""TerminateInstances and the recycle bin: each row of SPEC §3 and each refusal, through the real SDK."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from mockcvm import Cloud, mock_cvm
from tests import sdk
from tests.conftest import Clock
from tests.cvm.helpers import call_refused, describe, launch, launch_prepaid, settled, snapshot, states

DAY = 86400.0


def test_postpaid_terminate_goes_terminating_then_gone(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(2) + cloud.seed_instances(1, charge_type="SPOTPAID")
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids[:2])
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids[2:])
    shown = describe(cvm, ids)
    assert {(i.InstanceState, i.LatestOperation, i.LatestOperationState) for i in shown} == {
        ("TERMINATING", "TerminateInstances", "OPERATING")}
    assert describe(cvm, ids) == []
    assert sdk.call(cvm, "DescribeInstancesStatus", InstanceIds=ids).TotalCount == 0
    assert sdk.call(cvm, "DescribeInstances").TotalCount == 0


def test_terminating_instance_is_gone_after_a_few_seconds_even_unread(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1)
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids)
    clock.tick(cloud.world.options.duration("transition"))
    assert describe(cvm, ids) == []


@pytest.mark.cloud_options(postpaid_terminate_to_bin=True)
def test_option_postpaid_terminate_goes_to_the_bin_for_two_hours(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1)
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids)
    [shown] = settled(cvm, ids)
    assert (shown.InstanceState, shown.IsolatedSource) == ("SHUTDOWN", "MANMADE")
    clock.tick(2 * 3600 - 1)
    assert states(cvm, ids) == {ids[0]: "SHUTDOWN"}
    clock.tick(1)
    assert describe(cvm, ids) == []


def test_prepaid_terminate_goes_to_the_bin_for_seven_days_then_gone(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = launch_prepaid(cvm, period=12)
    settled(cvm, ids)
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids)
    [binned] = describe(cvm, ids)
    assert (binned.InstanceState, binned.IsolatedSource, binned.LatestOperationState) == (
        "SHUTDOWN", "MANMADE", "OPERATING")
    [binned] = describe(cvm, ids)
    assert binned.LatestOperationState == "SUCCESS"
    instance = cloud.world.cvm.get(cloud.default_account, "ap-guangzhou", ids[0])
    assert instance is not None and instance.recycle_bin_deadline == cloud.now() + 7 * DAY
    clock.tick(7 * DAY - 1)
    assert states(cvm, ids) == {ids[0]: "SHUTDOWN"}
    clock.tick(1)
    assert describe(cvm, ids) == []
    assert instance.released and instance.release_reason == "TerminateInstances"


def test_second_terminate_destroys_a_binned_instance_for_good(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1, charge_type="PREPAID", state="SHUTDOWN")
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids)
    assert states(cvm, ids) == {ids[0]: "TERMINATING"}
    assert describe(cvm, ids) == []
    error = call_refused(cvm, "RenewInstances", InstanceIds=ids, InstanceChargePrepaid={"Period": 1})
    assert error.code == "InvalidInstanceId.NotFound"


def test_renew_recovers_a_binned_prepaid_instance_and_charges(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = launch_prepaid(cvm, period=1)
    [before] = settled(cvm, ids)
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids)
    settled(cvm, ids)
    balance = cloud.balance()
    sdk.call(cvm, "RenewInstances", InstanceIds=ids, InstanceChargePrepaid={"Period": 2})
    [after] = settled(cvm, ids)
    assert (after.InstanceState, after.IsolatedSource, after.RestrictState) == ("STOPPED", "NOTISOLATED", "NORMAL")
    assert after.ExpiredTime == "2026-04-05T04:00:00Z" and before.ExpiredTime == "2026-02-05T04:00:00Z"
    assert cloud.balance() == balance - 2 * cloud.world.billing.price("instance_month")
    clock.tick(8 * DAY)
    assert states(cvm, ids) == {ids[0]: "STOPPED"}


def test_renew_of_a_running_prepaid_instance_extends_it(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1, charge_type="PREPAID", period=1, renew_flag="NOTIFY_AND_MANUAL_RENEW")
    [before] = describe(cvm, ids)
    sdk.call(cvm, "RenewInstances", InstanceIds=ids,
             InstanceChargePrepaid={"Period": 12, "RenewFlag": "NOTIFY_AND_AUTO_RENEW"})
    [after] = settled(cvm, ids)
    assert after.InstanceState == "RUNNING" and after.RenewFlag == "NOTIFY_AND_AUTO_RENEW"
    assert after.ExpiredTime[:4] == str(int(before.ExpiredTime[:4]) + 1)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"InstanceChargePrepaid": {"Period": 7}, "postpaid": True}, "UnsupportedOperation.InstanceChargeType"),
        ({"InstanceChargePrepaid": {"Period": 13}}, "InvalidPeriod"),
        ({}, "MissingParameter"),
        ({"InstanceChargePrepaid": {"Period": 60}, "poor": True}, "InvalidAccount.InsufficientBalance"),
    ],
)
def test_bad_renew_is_refused_and_changes_nothing(cloud: Cloud, params: dict[str, Any], code: str) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1, charge_type="PREPAID")
    if params.pop("postpaid", False):
        ids += cloud.seed_instances(1)
    if params.pop("poor", False):
        cloud.set_balance(100)
    before = snapshot(cloud)
    assert call_refused(cvm, "RenewInstances", InstanceIds=ids, **params).code == code
    assert snapshot(cloud) == before


def test_inside_the_bin_renew_and_reads_work(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1, charge_type="PREPAID", state="SHUTDOWN")
    assert sdk.call(cvm, "DescribeInstances").TotalCount == 1
    assert sdk.call(cvm, "DescribeInstances", Filters=[
        {"Name": "instance-state", "Values": ["SHUTDOWN"]}]).TotalCount == 1
    sdk.call(cvm, "RenewInstances", InstanceIds=ids, InstanceChargePrepaid={"Period": 1})


# -- refusals -----------------------------------------------------------------------------------------------


def test_terminate_needs_ids(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    assert call_refused(cvm, "TerminateInstances").code == "MissingParameter"
    assert call_refused(cvm, "TerminateInstances", InstanceIds=[]).code == "MissingParameter"


def test_terminate_of_more_than_100_ids_is_refused(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(101)
    before = snapshot(cloud)
    assert call_refused(cvm, "TerminateInstances", InstanceIds=ids).code == "InvalidParameterValue.LimitExceeded"
    assert snapshot(cloud) == before
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids[:100])


def test_malformed_id_is_refused_and_the_batch_changes_nothing(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(2)
    before = snapshot(cloud)
    error = call_refused(cvm, "TerminateInstances", InstanceIds=[*ids, "ins-BAD"])
    assert error.code == "InvalidInstanceId.Malformed" and "ins-BAD" in error.message
    assert snapshot(cloud) == before


def test_unknown_or_released_id_is_not_found(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(2)
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids[:1])
    describe(cvm, ids)  # the TERMINATING instance is shown once, then released
    before = snapshot(cloud)
    error = call_refused(cvm, "TerminateInstances", InstanceIds=[ids[1], ids[0]])
    assert error.code == "InvalidInstanceId.NotFound" and ids[0] in error.message
    assert call_refused(cvm, "TerminateInstances", InstanceIds=["ins-00000000"]).code == "InvalidInstanceId.NotFound"
    assert snapshot(cloud) == before


def test_mixed_charge_types_are_refused(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1) + cloud.seed_instances(1, charge_type="PREPAID")
    before = snapshot(cloud)
    error = call_refused(cvm, "TerminateInstances", InstanceIds=ids)
    assert error.code == "UnsupportedOperation.InstanceMixedPricingModel"
    assert snapshot(cloud) == before
    assert call_refused(cvm, "InquiryPriceTerminateInstances", InstanceIds=ids).code == (
        "UnsupportedOperation.InstanceMixedPricingModel")


def test_protected_instance_is_refused_and_the_batch_changes_nothing(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    free = cloud.seed_instances(2)
    protected = cloud.seed_instances(1, disable_api_termination=True)
    before = snapshot(cloud)
    error = call_refused(cvm, "TerminateInstances", InstanceIds=free + protected)
    assert error.code == "UnsupportedOperation.InstancesProtected" and protected[0] in error.message
    assert snapshot(cloud) == before
    sdk.call(cvm, "ModifyInstancesAttribute", InstanceIds=protected, DisableApiTermination=False)
    sdk.call(cvm, "TerminateInstances", InstanceIds=free + protected)


@pytest.mark.parametrize(
    ("action", "code"),
    [
        (None, "UnsupportedOperation.InstanceStatePending"),
        ("StopInstances", "UnsupportedOperation.InstanceStateStopping"),
        ("RebootInstances", "UnsupportedOperation.InstanceStateRebooting"),
        ("StartInstances", "UnsupportedOperation.InstanceStateStarting"),
        ("TerminateInstances", "UnsupportedOperation.InstanceStateTerminating"),
    ],
)
def test_transitional_states_refuse_terminate(cloud: Cloud, clock: Clock, action: str, code: str) -> None:
    cvm = sdk.client("cvm")
    if action is None:
        ids = launch(cvm)
    else:
        ids = cloud.seed_instances(1, state="STOPPED" if action == "StartInstances" else "RUNNING")
        sdk.call(cvm, action, InstanceIds=ids)
    others = cloud.seed_instances(1)
    before = snapshot(cloud)
    error = call_refused(cvm, "TerminateInstances", InstanceIds=others + ids)
    assert error.code == code and ids[0] in error.message
    assert snapshot(cloud) == before


def test_operation_in_flight_refuses_with_operation_denied(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1, charge_type="PREPAID")
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids)  # SHUTDOWN at once, LatestOperationState OPERATING
    error = call_refused(cvm, "TerminateInstances", InstanceIds=ids)
    assert error.code == "OperationDenied.InstanceOperationInProgress"


def test_release_flags_are_passed_on_at_release(cloud: Cloud, monkeypatch: pytest.MonkeyPatch) -> None:
    cvm = sdk.client("cvm")
    released: list[tuple[str, bool, bool]] = []
    world = cloud.world
    original = world.instance_released

    def spy(instance: Any, release_address: bool = False, release_prepaid_data_disks: bool = False) -> None:
        released.append((instance.instance_id, release_address, release_prepaid_data_disks))
        original(instance, release_address, release_prepaid_data_disks)

    monkeypatch.setattr(world, "instance_released", spy)
    a, b = cloud.seed_instances(2)
    sdk.call(cvm, "TerminateInstances", InstanceIds=[a], ReleaseAddress=True)
    sdk.call(cvm, "TerminateInstances", InstanceIds=[b])
    cloud.settle()
    assert released == [(a, True, False), (b, False, False)]
    [c] = cloud.seed_instances(1, charge_type="PREPAID")
    sdk.call(cvm, "TerminateInstances", InstanceIds=[c], ReleasePrepaidDataDisks=True)
    cloud.settle()
    assert released[2:] == []
    sdk.call(cvm, "TerminateInstances", InstanceIds=[c], ReleasePrepaidDataDisks=True, ReleaseAddress=True)
    cloud.settle()
    assert released[2:] == [(c, True, True)]


def test_inquiry_price_terminate(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(2, charge_type="PREPAID")
    response = sdk.call(cvm, "InquiryPriceTerminateInstances", InstanceIds=ids)
    assert [(r.InstanceId, r.Refunds) for r in response.InstanceRefundsSet] == [(i, 0.0) for i in ids]
    assert call_refused(cvm, "InquiryPriceTerminateInstances", InstanceIds=["x"]).code == (
        "InvalidInstanceId.Malformed")


# -- releases the user does not ask for -----------------------------------------------------------------------


def test_release_now_ignores_protection_and_skips_the_bin(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1, charge_type="PREPAID", disable_api_termination=True)
    instance = cloud.world.cvm.get(cloud.default_account, "ap-guangzhou", ids[0])
    assert instance is not None
    with cloud.world.lock:
        cloud.world.cvm.release_now(instance, "timer")
    assert states(cvm, ids) == {ids[0]: "TERMINATING"}
    assert describe(cvm, ids) == [] and instance.release_reason == "timer"


def test_protection_does_not_block_the_bin_deadline(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = launch_prepaid(cvm)
    settled(cvm, ids)
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids)
    settled(cvm, ids)
    with cloud.world.lock:
        cloud.world.cvm.get(cloud.default_account, "ap-guangzhou", ids[0]).disable_api_termination = True  # type: ignore[union-attr]
    clock.tick(timedelta(days=7))
    assert describe(cvm, ids) == []


def test_arrears_hooks(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1)
    instance = cloud.world.cvm.get(cloud.default_account, "ap-guangzhou", ids[0])
    assert instance is not None
    with cloud.world.lock:
        cloud.world.cvm.arrears_shutdown(instance)
    [shown] = describe(cvm, ids)
    assert (shown.InstanceState, shown.StopChargingMode, shown.RestrictState, shown.IsolatedSource) == (
        "STOPPED", "STOP_CHARGING", "EXPIRED", "ARREAR")
    with cloud.world.lock:
        cloud.world.cvm.arrears_end(instance)
    [shown] = describe(cvm, ids)
    assert (shown.InstanceState, shown.RestrictState, shown.IsolatedSource) == ("STOPPED", "NORMAL", "NOTISOLATED")


def test_whole_flow_under_the_immediate_policy() -> None:
    with mock_cvm(transitions="immediate") as cloud:
        cvm = sdk.client("cvm")
        ids = launch_prepaid(cvm)
        sdk.call(cvm, "TerminateInstances", InstanceIds=ids)
        assert states(cvm, ids) == {ids[0]: "SHUTDOWN"}
        sdk.call(cvm, "TerminateInstances", InstanceIds=ids)
        assert describe(cvm, ids) == [] and cloud.world.cvm.all_instances() == []


def test_arrears_row_shutdown_after_2h_then_released_directly(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    postpaid = cloud.seed_instances(1)
    prepaid = cloud.seed_instances(1, charge_type="PREPAID")
    cloud.set_balance(-1)
    clock.tick(2 * 3600)
    [shown] = describe(cvm, postpaid)
    assert (shown.InstanceState, shown.IsolatedSource, shown.StopChargingMode) == ("STOPPED", "ARREAR", "STOP_CHARGING")
    assert call_refused(cvm, "StartInstances", InstanceIds=postpaid).code == "InvalidAccount.InsufficientBalance"
    clock.tick(24 * 3600)
    seen = [i.InstanceState for i in describe(cvm, postpaid)]
    assert seen in ([], ["TERMINATING"])
    assert describe(cvm, postpaid) == []
    assert states(cvm, prepaid) == {prepaid[0]: "RUNNING"}


def test_async_terminate_and_poll_until_gone(cloud: Cloud, clock: Clock) -> None:
    import asyncio

    ids = cloud.seed_instances(3)

    async def scenario() -> int:
        cvm = sdk.client("cvm", asynchronous=True)
        await cvm.TerminateInstances(sdk.request("cvm", "TerminateInstances", InstanceIds=ids))
        polls = 0
        while True:
            polls += 1
            response = await cvm.DescribeInstances(sdk.request("cvm", "DescribeInstances", InstanceIds=ids))
            if response.TotalCount == 0:
                return polls
            assert polls < 5

    assert asyncio.run(scenario()) == 2


def test_v1_signed_get_reads_flattened_ids_and_filters(cloud: Cloud) -> None:
    cvm = sdk.client("cvm", sign="HmacSHA256", method="GET")
    ids = cloud.seed_instances(2, tags={"env": "prod"})
    assert [i.InstanceId for i in describe(cvm, ids)] == ids
    found = sdk.call(cvm, "DescribeInstances", Filters=[{"Name": "tag:env", "Values": ["prod"]}], Limit=1)
    assert found.TotalCount == 2 and [i.InstanceId for i in found.InstanceSet] == ids[:1]
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids, ReleaseAddress=True)
    assert {i.InstanceState for i in describe(cvm, ids)} == {"TERMINATING"}


@pytest.mark.parametrize(
    ("charge_type", "state", "after"),
    [
        ("POSTPAID_BY_HOUR", "RUNNING", "TERMINATING"),
        ("POSTPAID_BY_HOUR", "STOPPED", "TERMINATING"),
        ("POSTPAID_BY_HOUR", "SHUTDOWN", "TERMINATING"),
        ("POSTPAID_BY_HOUR", "LAUNCH_FAILED", "TERMINATING"),
        ("PREPAID", "RUNNING", "SHUTDOWN"),
        ("PREPAID", "STOPPED", "SHUTDOWN"),
        ("PREPAID", "SHUTDOWN", "TERMINATING"),
    ],
)
def test_terminate_is_allowed_from_settled_states(cloud: Cloud, charge_type: str, state: str, after: str) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1, charge_type=charge_type, state=state)
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids)
    assert states(cvm, ids) == {ids[0]: after}
