"""ModifyInstancesChargeType: the scheduled-destroy rule (SPEC §4), its other checks, and what a change does."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mockcvm import Cloud
from mockcvm import clock as mock_clock
from tests import sdk
from tests.billing.helpers import error_code, instance, launch, snapshot
from tests.conftest import Clock

TO_PREPAID: dict[str, Any] = {"InstanceChargeType": "PREPAID", "InstanceChargePrepaid": {"Period": 1}}


def test_postpaid_to_prepaid_charges_up_front_and_sets_the_expiry(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    balance = cloud.balance()
    sdk.call(sdk.client(), "ModifyInstancesChargeType", InstanceIds=[instance_id], **TO_PREPAID)
    shown = instance(cloud, instance_id)
    assert shown.InstanceChargeType == "PREPAID"
    assert shown.ExpiredTime == "2026-02-05T04:00:00Z"
    assert cloud.balance() == balance - Decimal("200.00")
    clock.tick(5 * 3600)
    assert not [row for row in cloud.ledger() if row.resource_id == instance_id and row.reason == "instance"]


def test_prepaid_to_postpaid_starts_hourly_billing(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud, "PREPAID")
    sdk.call(
        sdk.client(), "ModifyInstancesChargeType", InstanceIds=[instance_id], InstanceChargeType="POSTPAID_BY_HOUR"
    )
    shown = instance(cloud, instance_id)
    assert (shown.InstanceChargeType, shown.ExpiredTime) == ("POSTPAID_BY_HOUR", None)
    clock.tick(3600)
    assert [str(r.amount) for r in cloud.ledger() if r.resource_id == instance_id and r.reason == "instance"] == [
        "0.50"
    ]
    clock.move_to(mock_clock.to_datetime(cloud.now() + 40 * 86400))
    assert instance(cloud, instance_id).InstanceState == "RUNNING"  # no expiry any more


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"InstanceChargeType": "PREPAID"}, "MissingParameter"),
        ({"InstanceChargeType": "PREPAID", "InstanceChargePrepaid": {"Period": 7 * 12}}, "InvalidPeriod"),
        ({"InstanceChargeType": "SPOTPAID"}, "InvalidParameterValue"),
        ({"InstanceChargeType": "POSTPAID_BY_HOUR"}, "UnsupportedOperation.InstanceChargeType"),
    ],
)
def test_bad_requests_are_refused(cloud: Cloud, clock: Clock, params: dict[str, Any], code: str) -> None:
    [instance_id] = launch(cloud)
    before = snapshot(cloud)
    assert error_code("ModifyInstancesChargeType", InstanceIds=[instance_id], **params) == code
    assert snapshot(cloud) == before


def test_an_instance_in_the_bin_is_refused(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud, "PREPAID")
    sdk.call(sdk.client(), "TerminateInstances", InstanceIds=[instance_id])
    before = snapshot(cloud)
    code = error_code(
        "ModifyInstancesChargeType", InstanceIds=[instance_id], InstanceChargeType="POSTPAID_BY_HOUR"
    )
    assert code == "UnsupportedOperation.InstanceStateShutdown"
    assert snapshot(cloud) == before


def test_a_conversion_the_balance_cannot_cover_changes_nothing(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    cloud.set_balance("10")
    before = snapshot(cloud)
    code = error_code("ModifyInstancesChargeType", InstanceIds=[instance_id], **TO_PREPAID)
    assert code == "InvalidAccount.InsufficientBalance"
    assert snapshot(cloud) == before


def test_unknown_and_malformed_ids(cloud: Cloud, clock: Clock) -> None:
    assert error_code("ModifyInstancesChargeType", InstanceIds=["ins-00000000"], **TO_PREPAID) == (
        "InvalidInstanceId.NotFound"
    )
    assert error_code("ModifyInstancesChargeType", InstanceIds=["nope"], **TO_PREPAID) == (
        "InvalidInstanceId.Malformed"
    )
