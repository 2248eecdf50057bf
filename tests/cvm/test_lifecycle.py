"""Start, stop, reboot, modify; transitional states under the three policies; the polling loop of a real client."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from mockcvm import Cloud, mock_cvm
from tests import sdk
from tests.conftest import Clock
from tests.cvm.helpers import call_refused, describe, launch, settled, snapshot, states


def test_polling_loop_until_running_then_until_gone_finishes_under_frozen_time(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = launch(cvm, 2)
    seen: list[set[str]] = []
    for _ in range(10):
        current = describe(cvm, ids)
        seen.append({i.InstanceState for i in current})
        if all(i.InstanceState == "RUNNING" for i in current):
            break
        time.sleep(0)  # a real client sleeps here; frozen time does not move
    assert seen == [{"PENDING"}, {"RUNNING"}]
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids)
    polls = 0
    while describe(cvm, ids):
        polls += 1
        assert polls < 10
    assert polls == 1


def test_transitional_state_settles_after_a_few_seconds_without_a_read(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = launch(cvm)
    clock.tick(cloud.world.options.duration("transition"))
    [shown] = describe(cvm, ids)
    assert (shown.InstanceState, shown.LatestOperationState) == ("RUNNING", "SUCCESS")


def test_status_read_also_shows_the_transition_once(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = launch(cvm)
    first = sdk.call(cvm, "DescribeInstancesStatus", InstanceIds=ids).InstanceStatusSet[0].InstanceState
    second = sdk.call(cvm, "DescribeInstancesStatus", InstanceIds=ids).InstanceStatusSet[0].InstanceState
    assert (first, second) == ("PENDING", "RUNNING")


def test_immediate_policy_never_shows_a_transitional_state() -> None:
    with mock_cvm(transitions="immediate") as cloud:
        cvm = sdk.client("cvm")
        ids = launch(cvm)
        [shown] = describe(cvm, ids)
        assert (shown.InstanceState, shown.LatestOperationState) == ("RUNNING", "SUCCESS")
        sdk.call(cvm, "StopInstances", InstanceIds=ids)
        assert states(cvm, ids) == {ids[0]: "STOPPED"}
        sdk.call(cvm, "TerminateInstances", InstanceIds=ids)
        assert describe(cvm, ids) == [] and cloud.world.cvm.all_instances() == []


def test_manual_policy_keeps_transitional_states_until_settled(clock: Clock) -> None:
    with mock_cvm(transitions="manual") as cloud:
        cvm = sdk.client("cvm")
        a, b = launch(cvm, 2)
        clock.tick(3600)
        assert states(cvm, [a, b]) == {a: "PENDING", b: "PENDING"}
        assert cloud.settle([a]) == [a]
        assert states(cvm, [a, b]) == {a: "RUNNING", b: "PENDING"}
        assert cloud.settle() == [b]
        assert cloud.settle() == []
        sdk.call(cvm, "TerminateInstances", InstanceIds=[a])
        assert states(cvm, [a]) == {a: "TERMINATING"}
        cloud.settle()
        assert describe(cvm, [a]) == []


def test_stop_start_reboot_cycle_with_latest_operation(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = launch(cvm)
    settled(cvm, ids)
    for action, transitional, final in [
        ("StopInstances", "STOPPING", "STOPPED"),
        ("StartInstances", "STARTING", "RUNNING"),
        ("RebootInstances", "REBOOTING", "RUNNING"),
    ]:
        sdk.call(cvm, action, InstanceIds=ids)
        request_id = cloud.calls(action)[-1].request_id
        [during] = describe(cvm, ids)
        assert (during.InstanceState, during.LatestOperation, during.LatestOperationState) == (
            transitional, action, "OPERATING")
        assert during.LatestOperationRequestId == request_id
        [after] = describe(cvm, ids)
        assert (after.InstanceState, after.LatestOperationState) == (final, "SUCCESS")


def test_stop_modes(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    keep, stop = cloud.seed_instances(2)
    sdk.call(cvm, "StopInstances", InstanceIds=[keep], StopType="HARD")
    sdk.call(cvm, "StopInstances", InstanceIds=[stop], StoppedMode="STOP_CHARGING")
    shown = {i.InstanceId: i for i in settled(cvm, [keep, stop])}
    assert shown[keep].StopChargingMode == "KEEP_CHARGING"
    assert shown[stop].StopChargingMode == "STOP_CHARGING"
    sdk.call(cvm, "StartInstances", InstanceIds=[stop])
    assert settled(cvm, [stop])[0].StopChargingMode == "NOT_APPLICABLE"


def test_stop_charging_is_refused_for_prepaid(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1, charge_type="PREPAID")
    before = snapshot(cloud)
    error = call_refused(cvm, "StopInstances", InstanceIds=ids, StoppedMode="STOP_CHARGING")
    assert error.code == "UnsupportedOperation.StoppedModeStopCharging"
    assert snapshot(cloud) == before


@pytest.mark.parametrize(
    ("action", "state", "code"),
    [
        ("StartInstances", "RUNNING", "UnsupportedOperation.InstanceStateRunning"),
        ("StopInstances", "STOPPED", "UnsupportedOperation.InstanceStateStopped"),
        ("RebootInstances", "STOPPED", "UnsupportedOperation.InstanceStateStopped"),
        ("StartInstances", "SHUTDOWN", "UnsupportedOperation.InstanceStateShutdown"),
        ("StopInstances", "SHUTDOWN", "UnsupportedOperation.InstanceStateShutdown"),
        ("RebootInstances", "SHUTDOWN", "UnsupportedOperation.InstanceStateShutdown"),
        ("ModifyInstancesAttribute", "SHUTDOWN", "UnsupportedOperation.InstanceStateShutdown"),
    ],
)
def test_wrong_state_is_refused_and_the_batch_changes_nothing(
    cloud: Cloud, action: str, state: str, code: str
) -> None:
    cvm = sdk.client("cvm")
    good = cloud.seed_instances(2, state="RUNNING" if action != "StartInstances" else "STOPPED")
    [bad] = cloud.seed_instances(1, state=state, charge_type="PREPAID")
    before = snapshot(cloud)
    extra = {"InstanceName": "renamed"} if action == "ModifyInstancesAttribute" else {}
    error = call_refused(cvm, action, InstanceIds=[*good, bad], **extra)
    assert error.code == code and bad in error.message
    assert snapshot(cloud) == before


@pytest.mark.parametrize(
    ("action", "code"),
    [
        ("StopInstances", "UnsupportedOperation.InstanceStatePending"),
        ("StartInstances", "UnsupportedOperation.InstanceStatePending"),
        ("RebootInstances", "UnsupportedOperation.InstanceStatePending"),
        ("ModifyInstancesAttribute", "UnsupportedOperation.InstanceStatePending"),
    ],
)
def test_transitional_state_refuses_other_operations(cloud: Cloud, clock: Clock, action: str, code: str) -> None:
    cvm = sdk.client("cvm")
    ids = launch(cvm)
    extra = {"InstanceName": "x"} if action == "ModifyInstancesAttribute" else {}
    assert call_refused(cvm, action, InstanceIds=ids, **extra).code == code


def test_stopping_refuses_start(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1)
    sdk.call(cvm, "StopInstances", InstanceIds=ids)
    assert call_refused(cvm, "StartInstances", InstanceIds=ids).code == "UnsupportedOperation.InstanceStateStopping"


@pytest.mark.parametrize("action", ["StartInstances", "StopInstances", "RebootInstances", "ModifyInstancesAttribute"])
def test_id_checks_of_every_batch_action(cloud: Cloud, action: str) -> None:
    cvm = sdk.client("cvm")
    assert call_refused(cvm, action, InstanceIds=["nope"]).code == "InvalidInstanceId.Malformed"
    assert call_refused(cvm, action, InstanceIds=["ins-00000000"]).code == "InvalidInstanceId.NotFound"
    too_many = [f"ins-{n:08d}" for n in range(101)]
    assert call_refused(cvm, action, InstanceIds=too_many).code == "InvalidParameterValue.LimitExceeded"
    assert call_refused(cvm, action, InstanceIds=[]).code == "MissingParameter"


def test_start_is_refused_while_the_balance_is_not_above_zero(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(1, state="STOPPED")
    cloud.set_balance(0)
    before = snapshot(cloud)
    error = call_refused(cvm, "StartInstances", InstanceIds=ids)
    assert error.code == "InvalidAccount.InsufficientBalance"
    assert snapshot(cloud) == before
    cloud.top_up(10)
    sdk.call(cvm, "StartInstances", InstanceIds=ids)


def test_modify_name_and_destroy_protection(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(2)
    sdk.call(cvm, "ModifyInstancesAttribute", InstanceIds=ids, InstanceName="renamed", DisableApiTermination=True)
    shown = describe(cvm, ids)
    assert {(i.InstanceName, i.DisableApiTermination) for i in shown} == {("renamed", True)}
    assert {(i.LatestOperation, i.LatestOperationState) for i in shown} == {("ModifyInstancesAttribute", "SUCCESS")}
    assert call_refused(cvm, "ModifyInstancesAttribute", InstanceIds=ids, InstanceName="").code == (
        "InvalidInstanceName.TooLong")


def test_async_stop_and_start(cloud: Cloud) -> None:
    ids = cloud.seed_instances(1)

    async def scenario() -> list[Any]:
        cvm = sdk.client("cvm", asynchronous=True)
        seen = []
        for action in ("StopInstances", "StartInstances"):
            await getattr(cvm, action)(sdk.request("cvm", action, InstanceIds=ids))
            for _ in range(2):
                response = await cvm.DescribeInstancesStatus(sdk.request("cvm", "DescribeInstancesStatus",
                                                                         InstanceIds=ids))
                seen.append(response.InstanceStatusSet[0].InstanceState)
        return seen

    assert asyncio.run(scenario()) == ["STOPPING", "STOPPED", "STARTING", "RUNNING"]


def test_a_read_that_does_not_show_the_instance_does_not_settle_it(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    cloud.seed_instances(3)
    ids = launch(cvm)
    sdk.call(cvm, "DescribeInstances", Limit=3)  # the seeded three only
    sdk.call(cvm, "DescribeInstances", Filters=[{"Name": "instance-state", "Values": ["RUNNING"]}])
    assert states(cvm, ids) == {ids[0]: "PENDING"}
    assert states(cvm, ids) == {ids[0]: "RUNNING"}


def test_settle_ignores_ids_not_in_flight(cloud: Cloud) -> None:
    ids = cloud.seed_instances(1)
    assert cloud.settle(ids + ["ins-00000000"]) == []
