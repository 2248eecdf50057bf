"""A disk's own lifecycle through the real SDK: prepaid disks, expiry and renewal, the recycle bin, charge type,
resize, attributes, prices and quotas, and the ATTACHING/DETACHING/EXPANDING states."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.conftest import START, Clock
from tests.release.helpers import ZONE, api, assert_shape, instance, refused, run_instances

MONTH_PRICE = Decimal("0.30")  # disk_gb_month
HOUR_PRICE = Decimal("0.0005")  # disk_gb_hour
immediate = pytest.mark.cloud_options(transitions="immediate")


@pytest.fixture
def cbs(cloud: Cloud) -> Any:
    return sdk.client("cbs")


def create(cbs: Any, count: int = 1, **params: Any) -> list[str]:
    params.setdefault("DiskChargeType", "POSTPAID_BY_HOUR")
    params.setdefault("DiskType", "CLOUD_PREMIUM")
    params.setdefault("DiskSize", 100)
    return api(cbs, "CreateDisks", Placement={"Zone": ZONE}, DiskCount=count, **params)["DiskIdSet"]  # type: ignore


def prepaid(cbs: Any, months: int = 1, flag: str = "NOTIFY_AND_MANUAL_RENEW", size: int = 100) -> str:
    [disk_id] = create(cbs, DiskChargeType="PREPAID", DiskSize=size,
                       DiskChargePrepaid={"Period": months, "RenewFlag": flag})
    return disk_id


def disk(cbs: Any, disk_id: str) -> dict[str, Any]:
    found = api(cbs, "DescribeDisks", DiskIds=[disk_id])["DiskSet"]
    return found[0] if found else {}  # type: ignore[no-any-return]


def charges(cloud: Cloud, disk_id: str) -> list[tuple[Decimal, str]]:
    return [(e.amount, e.reason) for e in cloud.ledger() if e.resource_id == disk_id and e.reason != "disk"]


def at(days: float) -> datetime:
    return START + timedelta(days=days)


@immediate
def test_a_prepaid_disk_is_charged_up_front_from_the_price_table(cloud: Cloud, cbs: Any) -> None:
    quoted = api(cbs, "InquiryPriceCreateDisks", DiskChargeType="PREPAID", DiskType="CLOUD_PREMIUM", DiskSize=100,
                 DiskCount=2, DiskChargePrepaid={"Period": 3})["DiskPrice"]
    assert_shape("cbs", "Price", quoted)
    before = cloud.balance()
    first, second = create(cbs, 2, DiskChargeType="PREPAID", DiskChargePrepaid={"Period": 3})
    assert charges(cloud, first) == [(MONTH_PRICE * 100 * 3, "disk prepaid 3 month(s)")]
    assert before - cloud.balance() == MONTH_PRICE * 100 * 3 * 2 == Decimal(str(quoted["DiscountPrice"]))
    got = disk(cbs, second)
    assert got["DiskChargeType"] == "PREPAID" and got["RenewFlag"] == "NOTIFY_AND_MANUAL_RENEW"
    assert got["DeadlineTime"] == "2026-06-02 04:00:00" and got["IsReturnable"] is True
    assert got["DifferDaysOfDeadline"] == 92


@immediate
def test_a_prepaid_disk_the_balance_cannot_cover_is_refused(cloud: Cloud, cbs: Any) -> None:
    cloud.set_balance(10)
    refused(cloud, cbs, "CreateDisks", "InvalidAccount.InsufficientBalance", Placement={"Zone": ZONE},
            DiskChargeType="PREPAID", DiskType="CLOUD_PREMIUM", DiskSize=100, DiskChargePrepaid={"Period": 1})


@immediate
def test_an_expired_disk_goes_to_the_bin_detached_and_is_released_7_days_later(
    cloud: Cloud, clock: Clock, cbs: Any
) -> None:
    [ins] = run_instances(sdk.client("cvm"))
    disk_id = prepaid(cbs)
    api(cbs, "AttachDisks", DiskIds=[disk_id], InstanceId=ins)
    deadline = datetime(2026, 2, 5, 4, 0, 0, tzinfo=timezone.utc)
    clock.move_to(deadline - timedelta(seconds=1))
    assert disk(cbs, disk_id)["DiskState"] == "ATTACHED"
    clock.move_to(deadline)
    got = disk(cbs, disk_id)
    assert got["DiskState"] == "TORECYCLE" and got["InstanceId"] == "" and got["IsReturnable"] is False
    assert disk_id not in [d["DiskId"] for d in instance(sdk.client("cvm"), ins)["DataDisks"] or []]
    refused(cloud, cbs, "AttachDisks", "ResourceUnavailable.Expire", DiskIds=[disk_id], InstanceId=ins)
    clock.move_to(deadline + timedelta(days=7, seconds=-1))
    assert disk(cbs, disk_id)["DiskState"] == "TORECYCLE"
    clock.move_to(deadline + timedelta(days=7))
    assert disk(cbs, disk_id) == {}


@immediate
def test_auto_renew_charges_a_month_at_the_deadline(cloud: Cloud, clock: Clock, cbs: Any) -> None:
    disk_id = prepaid(cbs, flag="NOTIFY_AND_AUTO_RENEW", size=50)
    clock.move_to(datetime(2026, 3, 20, tzinfo=timezone.utc))  # two deadlines passed: 02-05 and 03-05
    got = disk(cbs, disk_id)
    assert got["DiskState"] == "UNATTACHED" and got["DeadlineTime"] == "2026-04-05 04:00:00"
    assert [r for _a, r in charges(cloud, disk_id)] == ["disk prepaid 1 month(s)", *["disk auto-renew 1 month"] * 2]


@immediate
def test_renew_disk_takes_a_disk_out_of_the_bin(cloud: Cloud, clock: Clock, cbs: Any) -> None:
    disk_id = prepaid(cbs)
    clock.move_to(at(33))
    quoted = api(cbs, "InquiryPriceRenewDisks", DiskIds=[disk_id], DiskChargePrepaids=[{"Period": 2}])["DiskPrice"]
    assert_shape("cbs", "PrepayPrice", quoted)
    assert Decimal(str(quoted["OriginalPrice"])) == MONTH_PRICE * 100 * 2
    api(cbs, "RenewDisk", DiskId=disk_id, DiskChargePrepaid={"Period": 2})
    got = disk(cbs, disk_id)
    assert got["DiskState"] == "UNATTACHED" and got["DeadlineTime"] == "2026-04-07 04:00:00"
    clock.move_to(at(60))
    assert disk(cbs, disk_id)["DiskState"] == "UNATTACHED"


@immediate
def test_terminate_puts_a_prepaid_disk_in_the_bin_and_a_second_terminate_releases_it(
    cloud: Cloud, cbs: Any
) -> None:
    disk_id = prepaid(cbs)
    api(cbs, "TerminateDisks", DiskIds=[disk_id])
    assert disk(cbs, disk_id)["DiskState"] == "TORECYCLE"
    api(cbs, "TerminateDisks", DiskIds=[disk_id])
    assert disk(cbs, disk_id) == {}


@immediate
def test_renew_flag_and_charge_type_change(cloud: Cloud, cbs: Any) -> None:
    [disk_id] = create(cbs, DiskSize=40)
    assert cloud.world.billing.rate(cloud.default_account, disk_id, "disk") == HOUR_PRICE * 40
    refused(cloud, cbs, "ModifyDisksRenewFlag", "InvalidDisk.NotSupported", DiskIds=[disk_id],
            RenewFlag="NOTIFY_AND_AUTO_RENEW")
    api(cbs, "ModifyDisksChargeType", DiskIds=[disk_id], DiskChargePrepaid={"Period": 1})
    assert cloud.world.billing.rate(cloud.default_account, disk_id, "disk") == 0
    assert charges(cloud, disk_id) == [(MONTH_PRICE * 40, "disk to prepaid 1 month(s)")]
    api(cbs, "ModifyDisksRenewFlag", DiskIds=[disk_id], RenewFlag="NOTIFY_AND_AUTO_RENEW")
    assert disk(cbs, disk_id)["RenewFlag"] == "NOTIFY_AND_AUTO_RENEW"
    api(cbs, "ModifyDisksChargeType", DiskIds=[disk_id], DiskChargePostpaid=True)
    assert disk(cbs, disk_id)["DiskChargeType"] == "POSTPAID_BY_HOUR"
    assert cloud.world.billing.rate(cloud.default_account, disk_id, "disk") == HOUR_PRICE * 40


def test_resize_shows_expanding_once_and_charges_the_added_gb(cloud: Cloud, cbs: Any) -> None:
    disk_id = prepaid(cbs, months=2, size=100)
    quoted = api(cbs, "InquiryPriceResizeDisk", DiskId=disk_id, DiskSize=150)["DiskPrice"]
    api(cbs, "ResizeDisk", DiskId=disk_id, DiskSize=150)
    refused(cloud, cbs, "ResizeDisk", "InvalidDisk.Busy", DiskId=disk_id, DiskSize=200)
    first = disk(cbs, disk_id)
    assert first["DiskState"] == "EXPANDING" and first["DiskSize"] == 150
    assert disk(cbs, disk_id)["DiskState"] == "UNATTACHED"
    assert charges(cloud, disk_id)[-1] == (MONTH_PRICE * 50 * 2, "disk resize to 150 GB")
    assert Decimal(str(quoted["DiscountPrice"])) == MONTH_PRICE * 50 * 2
    refused(cloud, cbs, "ResizeDisk", "InvalidParameter.DiskSizeNotMatch", DiskId=disk_id, DiskSize=150)


def test_attach_and_detach_show_attaching_and_detaching_once(cloud: Cloud, cbs: Any) -> None:
    [ins] = run_instances(sdk.client("cvm"))
    [disk_id] = create(cbs)
    api(cbs, "AttachDisks", DiskIds=[disk_id], InstanceId=ins)
    assert disk(cbs, disk_id)["DiskState"] == "ATTACHING"
    assert disk(cbs, disk_id)["DiskState"] == "ATTACHED"
    api(cbs, "DetachDisks", DiskIds=[disk_id])
    refused(cloud, cbs, "TerminateDisks", "InvalidDisk.Busy", DiskIds=[disk_id])
    assert disk(cbs, disk_id)["DiskState"] == "DETACHING"
    got = disk(cbs, disk_id)
    assert got["DiskState"] == "UNATTACHED" and got["InstanceId"] == ""


@pytest.mark.cloud_options(transitions="manual")
def test_manual_transitions_wait_for_the_test(cloud: Cloud, cbs: Any) -> None:
    [disk_id] = create(cbs)
    api(cbs, "ResizeDisk", DiskId=disk_id, DiskSize=200)
    assert disk(cbs, disk_id)["DiskState"] == "EXPANDING"
    assert disk(cbs, disk_id)["DiskState"] == "EXPANDING"
    cloud.world.cbs.in_flight.settle(cloud.world.cbs.get(cloud.default_account, "ap-guangzhou", disk_id))  # type: ignore[arg-type]
    assert disk(cbs, disk_id)["DiskState"] == "UNATTACHED"


@immediate
def test_modify_disk_attributes(cloud: Cloud, cbs: Any) -> None:
    [ins] = run_instances(sdk.client("cvm"), DataDisks=[{"DiskType": "CLOUD_PREMIUM", "DiskSize": 50}])
    fixed = instance(sdk.client("cvm"), ins)["DataDisks"][0]["DiskId"]
    cloud.world.cbs.get(cloud.default_account, "ap-guangzhou", fixed).portable = False  # type: ignore[union-attr]
    [disk_id] = create(cbs)
    api(cbs, "AttachDisks", DiskIds=[disk_id], InstanceId=ins)
    api(cbs, "ModifyDiskAttributes", DiskIds=[disk_id], DiskName="logs", ProjectId=3, DeleteWithInstance=True)
    got = disk(cbs, disk_id)
    assert (got["DiskName"], got["Placement"]["ProjectId"], got["DeleteWithInstance"]) == ("logs", 3, True)
    shown = [d for d in instance(sdk.client("cvm"), ins)["DataDisks"] if d["DiskId"] == disk_id]
    assert shown[0]["DeleteWithInstance"] is True
    refused(cloud, cbs, "ModifyDiskAttributes", "InvalidParameterValue", DiskIds=[disk_id], Portable=False)
    refused(cloud, cbs, "ModifyDiskAttributes", "InvalidDisk.NotSupported", DiskIds=[fixed], DeleteWithInstance=False)
    api(cbs, "ModifyDiskAttributes", DiskIds=[fixed], Portable=True)
    assert disk(cbs, fixed)["Portable"] is True


@immediate
def test_quota_disk_num_and_initialize(cloud: Cloud, cbs: Any) -> None:
    [ins] = run_instances(sdk.client("cvm"))
    first, second = create(cbs, 2)
    api(cbs, "AttachDisks", DiskIds=[first], InstanceId=ins)
    [detail] = api(cbs, "DescribeInstancesDiskNum", InstanceIds=[ins])["AttachDetail"]
    assert detail == {"InstanceId": ins, "AttachedDiskCount": 1, "MaxAttachCount": 20}
    refused(cloud, cbs, "DescribeInstancesDiskNum", "InvalidInstanceId.NotFound", InstanceIds=["ins-00000000"])
    configs = api(cbs, "DescribeDiskConfigQuota", InquiryType="INQUIRY_CBS_CONFIG", Zones=[ZONE],
                  DiskTypes=["CLOUD_SSD"], DiskChargeType="POSTPAID_BY_HOUR")["DiskConfigSet"]
    assert [(c["Zone"], c["DiskType"], c["Available"], c["MinDiskSize"]) for c in configs] == [
        (ZONE, "CLOUD_SSD", True, 10)]
    assert_shape("cbs", "DiskConfig", configs[0])
    refused(cloud, cbs, "DescribeDiskConfigQuota", "InvalidParameterValue", InquiryType="EVERYTHING")
    refused(cloud, cbs, "InitializeDisks", "ResourceUnavailable.Attached", DiskIds=[first])
    api(cbs, "InitializeDisks", DiskIds=[second])


@immediate
def test_lifecycle_refusals_change_nothing(cloud: Cloud, cbs: Any) -> None:
    disk_id = prepaid(cbs)
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("RenewDisk", "InvalidParameterValue", {"DiskId": disk_id, "DiskChargePrepaid": {"Period": 13}}),
        ("RenewDisk", "InvalidDiskId.NotFound", {"DiskId": "disk-00000000", "DiskChargePrepaid": {"Period": 1}}),
        ("ModifyDisksRenewFlag", "InvalidParameterValue", {"DiskIds": [disk_id], "RenewFlag": "SOMETIMES"}),
        ("ModifyDisksChargeType", "InvalidDisk.NotSupported", {"DiskIds": [disk_id],
                                                                "DiskChargePrepaid": {"Period": 1}}),
        ("ModifyDisksChargeType", "InvalidParameterValue", {"DiskIds": [disk_id]}),
        ("ResizeDisk", "InvalidParameter.DiskSizeNotMatch", {"DiskId": disk_id, "DiskSize": 40000}),
        ("InquiryPriceCreateDisks", "InvalidParameterValue", {"DiskChargeType": "MONTHLY", "DiskType": "CLOUD_SSD",
                                                              "DiskSize": 10}),
    ]
    for action, code, params in cases:
        refused(cloud, cbs, action, code, **params)
    cloud.set_balance(1)
    refused(cloud, cbs, "RenewDisk", "InvalidAccount.InsufficientBalance", DiskId=disk_id,
            DiskChargePrepaid={"Period": 1})


@immediate
def test_the_async_client_renews_a_disk(cloud: Cloud) -> None:
    disk_id = prepaid(sdk.client("cbs"))

    async def scenario() -> Any:
        client = sdk.client("cbs", asynchronous=True)
        await client.RenewDisk(sdk.request("cbs", "RenewDisk", DiskId=disk_id, DiskChargePrepaid={"Period": 1}))
        return await client.DescribeDisks(sdk.request("cbs", "DescribeDisks", DiskIds=[disk_id]))

    answer = asyncio.run(scenario())
    assert answer.DiskSet[0].DeadlineTime == "2026-05-02 04:00:00"
