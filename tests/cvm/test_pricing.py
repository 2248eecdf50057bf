"""The InquiryPrice* quotes through the real SDK, and the property that a quote is what the ledger then charges."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockcvm import Cloud, mock_cvm
from tests import sdk
from tests.cvm.helpers import IMAGE, ZONE, call_refused, launch, launch_prepaid

EXAMPLES = int(os.environ.get("MOCKCVM_HYPOTHESIS_EXAMPLES", "4"))
TYPES = ["S5.MEDIUM4", "S5.2XLARGE16", "SA2.LARGE8", "X1.LARGE8"]
EXTRA = {"instance_types": [{"InstanceType": "X1.LARGE8", "HourlyPrice": "1.25", "MonthlyPrice": "321.50"}]}


def _run_params(instance_type: str, count: int, prepaid: bool, period: int, disk: int) -> dict[str, Any]:
    params: dict[str, Any] = {"Placement": {"Zone": ZONE}, "ImageId": IMAGE, "InstanceType": instance_type,
                              "InstanceCount": count, "SystemDisk": {"DiskSize": disk}}
    if prepaid:
        params.update(InstanceChargeType="PREPAID", InstanceChargePrepaid={"Period": period})
    return params


@settings(max_examples=EXAMPLES, deadline=None)
@given(instance_type=st.sampled_from(TYPES), count=st.integers(1, 3), prepaid=st.booleans(),
       period=st.sampled_from([1, 2, 12]), disk=st.sampled_from([20, 50, 100]))
def test_a_run_instances_quote_is_what_the_ledger_charges(instance_type: str, count: int, prepaid: bool,
                                                          period: int, disk: int) -> None:
    from freezegun import freeze_time

    start = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
    with freeze_time(start) as frozen, mock_cvm(transitions="immediate", catalogue=EXTRA) as cloud:
        cvm = sdk.client("cvm")
        params = _run_params(instance_type, count, prepaid, period, disk)
        price = sdk.call(cvm, "InquiryPriceRunInstances", **params).Price.InstancePrice
        before = cloud.balance()
        ids = sdk.call(cvm, "RunInstances", **params).InstanceIdSet
        if prepaid:
            assert before - cloud.balance() == Decimal(str(price.DiscountPrice))
            return
        world, uin = cloud.world, cloud.default_account
        rates = [world.billing.rate(uin, i, "instance") for i in ids] + [
            world.billing.rate(uin, d.disk_id, "disk") for i in ids for d in world.cbs.attached_to(i, uin, ZONE[:-2])]
        assert sum(rates) == Decimal(str(price.UnitPrice))  # the quote is the hourly rate billing applies
        frozen.tick(timedelta(hours=1))  # and each resource's hour is settled to the cent
        assert before - cloud.balance() == sum(r.quantize(Decimal("0.01"), ROUND_HALF_UP) for r in rates)


@pytest.mark.cloud_options(transitions="immediate", catalogue=EXTRA)
def test_renew_and_charge_type_quotes_match_the_charges(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    (prepaid,) = launch_prepaid(cvm, InstanceType="X1.LARGE8")
    quote = sdk.call(cvm, "InquiryPriceRenewInstances", InstanceIds=[prepaid],
                     InstanceChargePrepaid={"Period": 3}).Price.InstancePrice.DiscountPrice
    before = cloud.balance()
    sdk.call(cvm, "RenewInstances", InstanceIds=[prepaid], InstanceChargePrepaid={"Period": 3})
    assert quote == 964.5 and before - cloud.balance() == Decimal("964.50")
    (postpaid,) = launch(cvm, InstanceType="X1.LARGE8")
    quote = sdk.call(cvm, "InquiryPriceModifyInstancesChargeType", InstanceIds=[postpaid],
                     InstanceChargeType="PREPAID", InstanceChargePrepaid={"Period": 2}).Price.InstancePrice
    before = cloud.balance()
    sdk.call(cvm, "ModifyInstancesChargeType", InstanceIds=[postpaid], InstanceChargeType="PREPAID",
             InstanceChargePrepaid={"Period": 2})
    assert before - cloud.balance() == Decimal(str(quote.DiscountPrice)) == Decimal("643")


@pytest.mark.cloud_options(transitions="immediate")
def test_quotes_refuse_what_the_action_refuses(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    assert call_refused(cvm, "InquiryPriceRunInstances", Placement={"Zone": ZONE},
                        ImageId="img-zzzzzzzz").code == "InvalidImageId.NotFound"
    assert call_refused(cvm, "InquiryPriceRunInstances", Placement={"Zone": ZONE}, ImageId=IMAGE,
                        InstanceType="SR1.LARGE8").code == "ResourceNotFound.InvalidZoneInstanceType"
    (postpaid,) = launch(cvm)
    assert call_refused(cvm, "InquiryPriceRenewInstances", InstanceIds=[postpaid],
                        InstanceChargePrepaid={"Period": 1}).code == "UnsupportedOperation.InstanceChargeType"
    reset = sdk.call(cvm, "InquiryPriceResetInstance", InstanceId=postpaid, ImageId="img-dkwyg6sr").Price
    assert reset.InstancePrice.UnitPrice == 0.5 and reset.InstancePrice.ChargeUnit == "HOUR"
    assert call_refused(cvm, "InquiryPriceResetInstance", InstanceId=postpaid,
                        ImageId="img-zzzzzzzz").code == "InvalidImageId.NotFound"


def test_inquiry_price_run_instances_async() -> None:
    async def main() -> Any:
        client = sdk.client("cvm", asynchronous=True)
        return await sdk.call(client, "InquiryPriceRunInstances", **_run_params("S5.MEDIUM4", 2, True, 1, 50))

    with mock_cvm():
        assert asyncio.run(main()).Price.InstancePrice.OriginalPrice == 400.0
