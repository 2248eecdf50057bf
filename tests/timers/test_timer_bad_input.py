"""Every refusal of the scheduled-destroy actions, with its code, and nothing changed."""

from __future__ import annotations

from typing import Any

import pytest

from mockcvm import Cloud
from mockcvm import clock as mock_clock
from tests import sdk
from tests.billing.helpers import error_code, has_action, import_timer, launch, snapshot, states, timers
from tests.conftest import Clock

HOUR = 3600.0


def _timer(at: Any, action: str = "TerminateInstances") -> dict[str, Any]:
    return {"TimerAction": action, "ActionTime": at}


@pytest.fixture
def postpaid(cloud: Cloud, clock: Clock) -> str:
    return launch(cloud)[0]


@pytest.mark.parametrize(
    ("offset", "code"),
    [
        (-HOUR, "InvalidParameterValue"),
        (0, "InvalidParameterValue"),
        (60, "InvalidParameterValue"),
        (300, "InvalidParameterValue"),
    ],
    ids=["past", "now", "1-minute", "exactly-5-minutes"],
)
def test_action_time_must_be_more_than_5_minutes_ahead(
    cloud: Cloud, postpaid: str, offset: float, code: str
) -> None:
    before = snapshot(cloud)
    at = mock_clock.iso(cloud.now() + offset)
    assert error_code("ImportInstancesActionTimer", InstanceIds=[postpaid], ActionTimer=_timer(at)) == code
    assert snapshot(cloud) == before


def test_five_minutes_and_one_second_ahead_is_accepted(cloud: Cloud, postpaid: str) -> None:
    assert import_timer([postpaid], cloud.now() + 301)


@pytest.mark.parametrize(
    "text",
    ["2026-01-05 06:00:00", "2026-01-05T06:00:00", "2026-01-05T06:00:00+08:00", "tomorrow", "2026-13-05T06:00:00Z"],
)
def test_a_wrong_time_format_is_refused(cloud: Cloud, postpaid: str, text: str) -> None:
    before = snapshot(cloud)
    code = error_code("ImportInstancesActionTimer", InstanceIds=[postpaid], ActionTimer=_timer(text))
    assert code == "InvalidParameterValue.InvalidTimeFormat"
    assert snapshot(cloud) == before


def test_an_unknown_timer_action_is_refused(cloud: Cloud, postpaid: str) -> None:
    before = snapshot(cloud)
    at = mock_clock.iso(cloud.now() + HOUR)
    code = error_code("ImportInstancesActionTimer", InstanceIds=[postpaid], ActionTimer=_timer(at, "StopInstances"))
    assert code == "InvalidParameterValue"
    assert snapshot(cloud) == before


def test_a_prepaid_instance_refuses_a_timer(cloud: Cloud, clock: Clock) -> None:
    [postpaid] = launch(cloud)
    [prepaid] = launch(cloud, "PREPAID")
    before = snapshot(cloud)
    at = mock_clock.iso(cloud.now() + HOUR)
    code = error_code("ImportInstancesActionTimer", InstanceIds=[postpaid, prepaid], ActionTimer=_timer(at))
    assert code == "UnsupportedOperation.NotSupportImportInstancesActionTimer"
    assert snapshot(cloud) == before


def test_a_second_timer_on_one_instance_is_refused(cloud: Cloud, postpaid: str) -> None:
    import_timer([postpaid], cloud.now() + HOUR)
    before = snapshot(cloud)
    at = mock_clock.iso(cloud.now() + 2 * HOUR)
    code = error_code("ImportInstancesActionTimer", InstanceIds=[postpaid], ActionTimer=_timer(at))
    assert code == "FailedOperation.MutActionTimerExist"
    assert snapshot(cloud) == before


@pytest.mark.parametrize(
    ("ids", "code"),
    [
        (["ins-00000000"], "InvalidInstanceId.NotFound"),
        (["i-123"], "InvalidParameterValue.InstanceIdMalformed"),
        ([f"ins-{n:08d}" for n in range(101)], "InvalidParameterValue.LimitExceeded"),
    ],
    ids=["unknown", "malformed", "too-many"],
)
def test_bad_instance_ids_are_refused(cloud: Cloud, postpaid: str, ids: list[str], code: str) -> None:
    before = snapshot(cloud)
    at = mock_clock.iso(cloud.now() + HOUR)
    assert error_code("ImportInstancesActionTimer", InstanceIds=[postpaid, *ids], ActionTimer=_timer(at)) == code
    assert snapshot(cloud) == before


def test_missing_parameters_are_refused(cloud: Cloud, postpaid: str) -> None:
    before = snapshot(cloud)
    at = mock_clock.iso(cloud.now() + HOUR)
    assert error_code("ImportInstancesActionTimer", ActionTimer=_timer(at)) == "MissingParameter"
    assert error_code("ImportInstancesActionTimer", InstanceIds=[postpaid]) == "MissingParameter"
    assert error_code("DeleteInstancesActionTimer") == "MissingParameter"
    assert snapshot(cloud) == before


def test_deleting_an_unknown_timer_is_refused_and_deletes_nothing(cloud: Cloud, postpaid: str) -> None:
    [timer_id] = import_timer([postpaid], cloud.now() + HOUR)
    before = snapshot(cloud)
    unknown = "00000000-0000-4000-8000-000000000000"
    code = error_code("DeleteInstancesActionTimer", ActionTimerIds=[timer_id, unknown])
    assert code == "InvalidParameterValue"
    assert snapshot(cloud) == before


def test_deleting_a_done_timer_is_refused(cloud: Cloud, clock: Clock, postpaid: str) -> None:
    [timer_id] = import_timer([postpaid], cloud.now() + HOUR)
    clock.tick(HOUR + 60)
    states(cloud)
    before = snapshot(cloud)
    assert error_code("DeleteInstancesActionTimer", ActionTimerIds=[timer_id]) == "UnsupportedOperation"
    assert snapshot(cloud) == before
    assert [t.Status for t in timers()] == ["DONE"]


@pytest.mark.parametrize(
    ("filters", "code"),
    [
        ({"StartActionTime": "2026-01-05T06:00:00Z"}, "InvalidParameterValue.InvalidTimeFormat"),
        ({"EndActionTime": "yesterday"}, "InvalidParameterValue.InvalidTimeFormat"),
        ({"StatusList": ["PENDING"]}, "InvalidParameterValue"),
        ({"TimerAction": "StopInstances"}, "InvalidParameterValue"),
        ({"InstanceIds": ["bad"]}, "InvalidParameterValue.InstanceIdMalformed"),
    ],
)
def test_describe_refuses_bad_filters(cloud: Cloud, clock: Clock, filters: dict[str, Any], code: str) -> None:
    assert error_code("DescribeInstancesActionTimer", **filters) == code


def test_a_timer_in_another_region_is_not_found(cloud: Cloud, postpaid: str) -> None:
    [timer_id] = import_timer([postpaid], cloud.now() + HOUR)
    assert timers("ap-shanghai") == []
    assert error_code("DeleteInstancesActionTimer", region="ap-shanghai", ActionTimerIds=[timer_id]) == (
        "InvalidParameterValue"
    )


def test_modify_charge_type_refuses_an_instance_with_a_pending_timer(cloud: Cloud, postpaid: str) -> None:
    [timer_id] = import_timer([postpaid], cloud.now() + HOUR)
    before = snapshot(cloud)
    code = error_code(
        "ModifyInstancesChargeType",
        InstanceIds=[postpaid],
        InstanceChargeType="PREPAID",
        InstanceChargePrepaid={"Period": 1},
    )
    assert code == "UnsupportedOperation.InvalidInstanceNotSupportedProtectedInstance"
    assert snapshot(cloud) == before
    sdk.call(sdk.client(), "DeleteInstancesActionTimer", ActionTimerIds=[timer_id])
    balance = cloud.balance()
    sdk.call(
        sdk.client(),
        "ModifyInstancesChargeType",
        InstanceIds=[postpaid],
        InstanceChargeType="PREPAID",
        InstanceChargePrepaid={"Period": 1},
    )
    assert cloud.balance() == balance - cloud.prices["instance_month"]
    assert cloud.world.cvm.get(cloud.default_account, "ap-guangzhou", postpaid).charge_type == "PREPAID"


@pytest.mark.skipif(not has_action("RunInstances"), reason="RunInstances is not built yet")
@pytest.mark.parametrize(
    ("timer", "charge_type", "code"),
    [
        (_timer("2020-01-01T00:00:00Z"), "POSTPAID_BY_HOUR", "InvalidParameterValue"),
        (_timer("soon"), "POSTPAID_BY_HOUR", "InvalidParameterValue.InvalidTimeFormat"),
        (_timer("2026-02-01T00:00:00Z"), "PREPAID", "UnsupportedOperation.NotSupportImportInstancesActionTimer"),
    ],
)
def test_run_instances_refuses_a_bad_action_timer(
    cloud: Cloud, clock: Clock, timer: dict[str, Any], charge_type: str, code: str
) -> None:
    before = snapshot(cloud)
    params: dict[str, Any] = {
        "InstanceChargeType": charge_type,
        "ImageId": "img-eb30mz89",
        "Placement": {"Zone": "ap-guangzhou-3"},
        "ActionTimer": timer,
    }
    if charge_type == "PREPAID":
        params["InstanceChargePrepaid"] = {"Period": 1}
    assert error_code("RunInstances", **params) == code
    assert snapshot(cloud) == before
