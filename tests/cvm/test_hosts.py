"""Dedicated hosts through the real SDK: allocate (prepaid), describe, modify, renew and its quote, expiry."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from mockcvm import Cloud, mock_cvm
from tests import sdk
from tests.conftest import Clock
from tests.cvm.helpers import ZONE, call_refused

pytestmark = pytest.mark.cloud_options(transitions="immediate")
PREPAID = {"Period": 1}


def test_allocate_describe_modify_renew_and_expire(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    before = cloud.balance()
    (host_id,) = sdk.call(cvm, "AllocateHosts", Placement={"Zone": ZONE}, HostChargePrepaid=PREPAID).HostIdSet
    assert before - cloud.balance() == Decimal("3000.00")
    (host,) = sdk.call(cvm, "DescribeHosts", Filters=[{"Name": "zone", "Values": [ZONE]}]).HostSet
    assert (host.HostId, host.HostState, host.HostType, host.HostResource.CpuTotal) == (host_id, "RUNNING", "HC20", 56)
    sdk.call(cvm, "ModifyHostsAttribute", HostIds=[host_id], HostName="db-host")  # one of the two per call
    sdk.call(cvm, "ModifyHostsAttribute", HostIds=[host_id], RenewFlag="NOTIFY_AND_AUTO_RENEW")
    assert sdk.call(cvm, "DescribeHosts").HostSet[0].HostName == "db-host"
    quote = sdk.call(cvm, "InquiryPriceRenewHosts", HostIds=[host_id],
                     HostChargePrepaid={"Period": 2}).Price.HostPrice.DiscountPrice
    balance = cloud.balance()
    sdk.call(cvm, "RenewHosts", HostIds=[host_id], HostChargePrepaid={"Period": 2})
    assert quote == 6000.0 and balance - cloud.balance() == Decimal("6000.00")
    clock.tick(100 * 86400)
    assert sdk.call(cvm, "DescribeHosts", Filters=[{"Name": "host-state", "Values": ["EXPIRED"]}]).TotalCount == 1


def test_host_refusals(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    for params, code in [({"HostType": "HX99"}, "InvalidParameterValue"),
                         ({"Placement": {"Zone": "ap-shanghai-2"}}, "InvalidZone.MismatchRegion"),
                         ({"HostChargePrepaid": {"Period": 7000}}, "InvalidPeriod")]:
        request = {"Placement": {"Zone": ZONE}, "HostChargePrepaid": PREPAID, **params}
        assert call_refused(cvm, "AllocateHosts", **request).code == code
    cloud.set_balance("10")
    assert call_refused(cvm, "AllocateHosts", Placement={"Zone": ZONE},
                        HostChargePrepaid=PREPAID).code == "InvalidAccount.InsufficientBalance"
    assert sdk.call(cvm, "DescribeHosts").TotalCount == 0
    assert call_refused(cvm, "RenewHosts", HostIds=["host-zzzzzzzz"],
                        HostChargePrepaid=PREPAID).code == "InvalidHostId.NotFound"


def test_hosts_async() -> None:
    async def main() -> Any:
        client = sdk.client("cvm", asynchronous=True)
        await sdk.call(client, "AllocateHosts", Placement={"Zone": ZONE}, HostChargePrepaid=PREPAID)
        return await sdk.call(client, "DescribeHosts")

    with mock_cvm():
        assert asyncio.run(main()).TotalCount == 1
