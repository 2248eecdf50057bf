"""Arrears (SPEC §5): 2 h running and charged, then shut down and not charged, released directly 24 h later."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.billing.helpers import assert_books_balance, error_code, instance, launch, states
from tests.conftest import Clock

HOUR = 3600.0
pytestmark = pytest.mark.cloud_options(prices={"disk_gb_hour": 0})


def amounts(cloud: Cloud, resource_id: str) -> list[str]:
    return [str(row.amount) for row in cloud.ledger() if row.resource_id == resource_id]


def test_arrears_runs_2_hours_then_shuts_down_then_releases_at_26_hours(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    cloud.set_balance("-1")
    assert cloud.world.billing.in_arrears(cloud.default_account)
    clock.tick(2 * HOUR - 1)
    assert states(cloud)[instance_id] == "RUNNING"
    clock.tick(1)
    shown = instance(cloud, instance_id)
    assert (shown.InstanceState, shown.StopChargingMode, shown.RestrictState, shown.IsolatedSource) == (
        "STOPPED",
        "STOP_CHARGING",
        "EXPIRED",
        "ARREAR",
    )
    assert error_code("StartInstances", InstanceIds=[instance_id]) == "InvalidAccount.InsufficientBalance"
    clock.tick(24 * HOUR - 1)
    assert states(cloud)[instance_id] == "STOPPED"
    clock.tick(1)
    assert states(cloud).get(instance_id) in (None, "TERMINATING")
    clock.tick(60)
    assert instance_id not in states(cloud)
    assert amounts(cloud, instance_id) == ["0.50", "0.50"]  # charged while running, not once shut down
    assert_books_balance(cloud)


def test_arrears_begins_at_the_settlement_that_leaves_the_balance_below_zero(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    cloud.set_balance("1.20")  # 0.70 after one hour, 0.20 after two, -0.30 after three
    assert len([e for e in cloud.world.timeline.pending() if "settlement" in e.label]) == 1
    clock.tick(3 * HOUR - 1)
    assert not cloud.world.billing.in_arrears(cloud.default_account)
    assert cloud.balance() == Decimal("0.20")
    clock.tick(1)
    now = cloud.now()
    assert cloud.world.billing.arrears_since(cloud.default_account) == now
    assert cloud.balance() == Decimal("-0.30")
    clock.tick(2 * HOUR - 1)
    assert states(cloud)[instance_id] == "RUNNING"
    clock.tick(1)
    assert states(cloud)[instance_id] == "STOPPED"
    clock.tick(24 * HOUR + 60)
    assert instance_id not in states(cloud)
    assert cloud.balance() == Decimal("-1.30")
    assert_books_balance(cloud)


def test_a_top_up_before_release_saves_the_instance(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    cloud.set_balance("-1")
    clock.tick(3 * HOUR)
    assert states(cloud)[instance_id] == "STOPPED"
    cloud.top_up("100")
    assert not cloud.world.billing.in_arrears(cloud.default_account)
    shown = instance(cloud, instance_id)
    assert (shown.InstanceState, shown.RestrictState, shown.IsolatedSource) == ("STOPPED", "NORMAL", "NOTISOLATED")
    clock.tick(30 * HOUR)
    assert states(cloud)[instance_id] == "STOPPED"
    sdk.call(sdk.client(), "StartInstances", InstanceIds=[instance_id])
    clock.tick(60)
    assert states(cloud)[instance_id] == "RUNNING"


def test_a_top_up_that_leaves_the_balance_below_zero_does_not_end_arrears(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    cloud.set_balance("-10")
    clock.tick(3 * HOUR)
    cloud.top_up("5")
    assert cloud.world.billing.in_arrears(cloud.default_account)
    clock.tick(24 * HOUR)
    assert instance_id not in states(cloud)


def test_a_top_up_during_the_grace_period_keeps_the_instance_running(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    cloud.set_balance("-1")
    clock.tick(HOUR)
    cloud.top_up("1000")
    clock.tick(30 * HOUR)
    assert states(cloud)[instance_id] == "RUNNING"


def test_prepaid_instances_are_unaffected_by_arrears(cloud: Cloud, clock: Clock) -> None:
    [prepaid] = launch(cloud, "PREPAID")
    [postpaid] = launch(cloud)
    cloud.set_balance("-1")
    clock.tick(27 * HOUR)
    shown = states(cloud)
    assert shown[prepaid] == "RUNNING" and postpaid not in shown


@pytest.mark.cloud_options(durations={"arrears_release": 15 * 86400}, prices={"disk_gb_hour": 0})
def test_the_release_delay_is_an_option(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    cloud.set_balance("-1")
    clock.tick(2 * HOUR + 15 * 86400 - 1)
    assert states(cloud)[instance_id] == "STOPPED"
    clock.tick(61)
    assert instance_id not in states(cloud)
