"""Billing (SPEC §5): per-second rating, hourly settlement, the ledger, the balance, DescribeAccountBalance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mockcvm import Cloud, MockcvmError
from tests import sdk
from tests.billing.helpers import assert_books_balance, launch, states
from tests.conftest import Clock

HOUR = 3600.0
OPENING = Decimal("1000000")
#: Only the instance is charged (the system disk CBS creates costs nothing).
NO_DISK_CHARGES = pytest.mark.cloud_options(prices={"disk_gb_hour": 0})


def amounts(cloud: Cloud, resource_id: str) -> list[str]:
    return [str(row.amount) for row in cloud.ledger() if row.resource_id == resource_id]


@NO_DISK_CHARGES
def test_a_running_postpaid_instance_is_charged_every_full_hour(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    clock.tick(HOUR - 1)
    assert cloud.balance() == OPENING and cloud.ledger() == []
    clock.tick(1)
    assert cloud.balance() == OPENING - Decimal("0.50")
    clock.tick(2 * HOUR + 1800)
    assert amounts(cloud, instance_id) == ["0.50", "0.50", "0.50"]
    assert cloud.balance() == OPENING - Decimal("1.50")
    [row] = cloud.ledger()[:1]
    assert (row.account, row.reason, row.time) == (cloud.default_account, "instance", cloud.now() - 2.5 * HOUR)
    assert_books_balance(cloud)


def test_a_partial_hour_is_rated_per_second(cloud: Cloud, clock: Clock) -> None:
    clock.tick(1200)  # launched at hh:20:00, so the first settlement covers 40 minutes
    [instance_id] = launch(cloud)
    clock.tick(2400 + HOUR)
    assert amounts(cloud, instance_id) == ["0.33", "0.50"]
    assert_books_balance(cloud)


@NO_DISK_CHARGES
def test_billing_stops_when_an_instance_starts_terminating(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    clock.tick(1.5 * HOUR)
    sdk.call(sdk.client(), "TerminateInstances", InstanceIds=[instance_id])
    assert states(cloud).get(instance_id) in (None, "TERMINATING")
    clock.tick(10 * HOUR)
    assert amounts(cloud, instance_id) == ["0.50", "0.25"]
    assert cloud.balance() == OPENING - Decimal("0.75")
    assert_books_balance(cloud)


def test_a_stopped_instance_is_charged_unless_stop_charging(cloud: Cloud, clock: Clock) -> None:
    keep, stop = launch(cloud, count=2)
    sdk.call(sdk.client(), "StopInstances", InstanceIds=[keep], StoppedMode="KEEP_CHARGING")
    sdk.call(sdk.client(), "StopInstances", InstanceIds=[stop], StoppedMode="STOP_CHARGING")
    states(cloud)
    clock.tick(2 * HOUR)
    assert states(cloud) == {keep: "STOPPED", stop: "STOPPED"}
    assert amounts(cloud, keep) == ["0.50", "0.50"]
    assert amounts(cloud, stop) == []


@NO_DISK_CHARGES
def test_a_prepaid_instance_is_charged_up_front_only(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud, "PREPAID")
    assert cloud.balance() == OPENING - Decimal("200.00")
    clock.tick(5 * HOUR)
    assert amounts(cloud, instance_id) == ["200.00"]
    assert_books_balance(cloud)


def test_prices_can_be_changed(clock: Clock) -> None:
    from mockcvm import mock_cvm

    with mock_cvm(prices={"instance_hour": "1.20"}) as cloud:
        assert cloud.prices["instance_hour"] == Decimal("1.20")
        [instance_id] = launch(cloud)
        clock.tick(HOUR)
        assert amounts(cloud, instance_id) == ["1.20"]


def test_disks_and_idle_eips_are_charged_at_their_rate(cloud: Cloud, clock: Clock) -> None:
    uin = cloud.default_account
    with cloud.world.lock:
        cloud.world.catch_up()
        cloud.world.billing.set_rate(uin, "disk-aaaaaaaa", "disk", Decimal("0.025"))
        cloud.world.billing.set_rate(uin, "eip-bbbbbbbb", "eip_idle", Decimal("0.20"))
    clock.tick(HOUR)
    with cloud.world.lock:
        cloud.world.catch_up()
        cloud.world.billing.set_rate(uin, "eip-bbbbbbbb", "eip_idle", Decimal(0))
    clock.tick(HOUR)
    assert amounts(cloud, "disk-aaaaaaaa") == ["0.03", "0.03"]
    assert amounts(cloud, "eip-bbbbbbbb") == ["0.20"]
    assert_books_balance(cloud)


def test_describe_account_balance_is_in_cents(cloud: Cloud, clock: Clock) -> None:
    cloud.set_balance("12.34")
    answer = sdk.call(sdk.client("billing", ""), "DescribeAccountBalance")
    assert (answer.Balance, answer.RealBalance, answer.CashAccountBalance, answer.OweAmount) == (1234, 1234, 1234, 0)
    assert answer.Uin == int(cloud.default_account)
    cloud.set_balance("-5.5")
    answer = sdk.call(sdk.client("billing", ""), "DescribeAccountBalance")
    assert (answer.Balance, answer.RealBalance, answer.CashAccountBalance, answer.OweAmount) == (-550, -550, 0, 550)


def test_balances_are_per_account(cloud: Cloud, clock: Clock) -> None:
    cloud.top_up("10", account="200000000002")
    assert cloud.balance("200000000002") == OPENING + 10
    assert cloud.balance() == OPENING


def test_set_balance_and_top_up_are_exact(cloud: Cloud, clock: Clock) -> None:
    cloud.set_balance("0.10")
    cloud.top_up(Decimal("0.20"))
    assert cloud.balance() == Decimal("0.30")
    assert [p.kind for p in cloud.world.billing.payments()] == ["opening", "set_balance", "top_up"]
    assert_books_balance(cloud)


@pytest.mark.parametrize("amount", [-1, 0, "-0.01"])
def test_a_top_up_that_is_not_positive_is_refused(cloud: Cloud, amount: object) -> None:
    with pytest.raises(ValueError, match="more than 0"):
        cloud.top_up(amount)
    assert cloud.balance() == OPENING
    assert len(cloud.world.billing.payments()) == 1


@pytest.mark.parametrize("amount", ["ten", 1.5, None, True, "NaN"])
def test_a_non_numeric_amount_is_refused_with_a_value_error(cloud: Cloud, amount: object) -> None:
    with pytest.raises(ValueError, match="amount must be"):
        cloud.top_up(amount)
    with pytest.raises(MockcvmError, match="amount must be"):
        cloud.set_balance(amount)
    assert cloud.balance() == OPENING
    assert len(cloud.world.billing.payments()) == 1


def test_a_prepaid_launch_the_balance_cannot_cover_changes_nothing(cloud: Cloud, clock: Clock) -> None:
    from tests.billing.helpers import error_code, snapshot

    cloud.set_balance("100")
    before = snapshot(cloud)
    code = error_code(
        "RunInstances",
        InstanceChargeType="PREPAID",
        InstanceChargePrepaid={"Period": 1},
        ImageId="img-eb30mz89",
        Placement={"Zone": "ap-guangzhou-3"},
    )
    assert code == "InvalidAccount.InsufficientBalance"
    assert snapshot(cloud) == before
