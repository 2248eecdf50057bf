"""The money-related refusals of issue 4, each with its code, changing nothing."""

from __future__ import annotations

import pytest

from mockcvm import Cloud
from tests.billing.helpers import error_code, launch, snapshot
from tests.conftest import Clock


def test_renewing_a_postpaid_instance_is_refused(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    before = snapshot(cloud)
    code = error_code("RenewInstances", InstanceIds=[instance_id], InstanceChargePrepaid={"Period": 1})
    assert code == "UnsupportedOperation.InstanceChargeType"
    assert snapshot(cloud) == before


def test_starting_an_instance_in_arrears_is_refused(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    cloud.set_balance("-1")
    clock.tick(3 * 3600)
    before = snapshot(cloud)
    assert error_code("StartInstances", InstanceIds=[instance_id]) == "InvalidAccount.InsufficientBalance"
    assert snapshot(cloud) == before


@pytest.mark.parametrize("balance", ["0", "-0.01"])
def test_starting_is_refused_while_the_balance_is_not_above_zero(cloud: Cloud, clock: Clock, balance: str) -> None:
    from tests import sdk

    [instance_id] = launch(cloud)
    sdk.call(sdk.client(), "StopInstances", InstanceIds=[instance_id])
    clock.tick(60)
    cloud.set_balance(balance)
    before = snapshot(cloud)
    assert error_code("StartInstances", InstanceIds=[instance_id]) == "InvalidAccount.InsufficientBalance"
    assert snapshot(cloud) == before


def test_a_refused_top_up_changes_nothing(cloud: Cloud, clock: Clock) -> None:
    before = snapshot(cloud)
    with pytest.raises(ValueError):
        cloud.top_up("-5")
    assert snapshot(cloud) == before
