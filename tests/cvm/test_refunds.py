"""Refunds of prepaid instances at TerminateInstances, quoted beforehand by InquiryPriceTerminateInstances, under
freezegun and time-machine."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from mockcvm import Cloud, mock_cvm
from tests import sdk
from tests.billing.helpers import assert_books_balance
from tests.conftest import Clock
from tests.cvm.helpers import launch, launch_prepaid

DAY = 86400.0
pytestmark = pytest.mark.cloud_options(transitions="immediate")


def _quote(cvm: object, instance_id: str) -> tuple[float, dict[str, str]]:
    (row,) = sdk.call(cvm, "InquiryPriceTerminateInstances", InstanceIds=[instance_id]).InstanceRefundsSet
    return row.Refunds, json.loads(row.PriceDetail)


def test_within_five_days_everything_paid_comes_back(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    (instance_id,) = launch_prepaid(cvm, period=3)  # 600 yuan
    clock.tick(4 * DAY)
    refunds, detail = _quote(cvm, instance_id)
    assert refunds == 600.0 and detail["Rule"] == "five-day"
    before = cloud.balance()
    sdk.call(cvm, "TerminateInstances", InstanceIds=[instance_id])
    assert cloud.balance() - before == Decimal("600.00")
    (row,) = [r for r in cloud.ledger() if r.resource_id == instance_id and r.amount < 0]
    assert (row.amount, row.reason) == (Decimal("-600.00"), "TerminateInstances refund")
    assert_books_balance(cloud)


def test_later_the_used_days_are_kept(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    (instance_id,) = launch_prepaid(cvm, period=3)  # 600 yuan at 200 a month
    clock.tick(10 * DAY + 60)  # 11 days started: 200 * 11 / 30 = 73.33 used
    refunds, detail = _quote(cvm, instance_id)
    assert refunds == 526.67 and detail["Rule"] == "used-days"
    before = cloud.balance()
    sdk.call(cvm, "TerminateInstances", InstanceIds=[instance_id])
    assert cloud.balance() - before == Decimal("526.67")
    assert _quote(cvm, instance_id)[0] == 0.0  # in the bin: nothing more to give back
    sdk.call(cvm, "TerminateInstances", InstanceIds=[instance_id])  # destroyed from the bin: no second refund
    assert cloud.balance() - before == Decimal("526.67")
    assert_books_balance(cloud)


def test_postpaid_and_seeded_instances_get_nothing(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    (postpaid,) = launch(cvm)
    seeded = cloud.seed_instances(1, charge_type="PREPAID")
    assert _quote(cvm, postpaid)[0] == 0.0 and _quote(cvm, seeded[0])[0] == 0.0


def test_a_refund_can_end_arrears(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    (instance_id,) = launch_prepaid(cvm)
    cloud.set_balance(-50)
    sdk.call(cvm, "TerminateInstances", InstanceIds=[instance_id])
    assert cloud.balance() == Decimal("150.00") and not cloud.world.billing.in_arrears(cloud.default_account)


def test_the_option_turns_refunds_off() -> None:
    with mock_cvm(transitions="immediate", prepaid_refunds=False) as cloud:
        cvm = sdk.client("cvm")
        (instance_id,) = launch_prepaid(cvm)
        before = cloud.balance()
        assert _quote(cvm, instance_id)[0] == 0.0
        sdk.call(cvm, "TerminateInstances", InstanceIds=[instance_id])
        assert cloud.balance() == before
