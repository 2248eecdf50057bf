"""RunInstances through the real SDK."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.conftest import Clock
from tests.cvm.helpers import IMAGE, ZONE, call_refused, describe, launch, launch_prepaid, settled, snapshot


def test_launch_returns_ids_and_instances_start_pending_with_the_operation_in_flight(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = launch(cvm, 3, InstanceName="web")
    assert len(ids) == 3 and all(i.startswith("ins-") and len(i) == 12 for i in ids)
    shown = describe(cvm, ids)
    assert [i.InstanceId for i in shown] == ids
    assert {i.InstanceState for i in shown} == {"PENDING"}
    assert {(i.LatestOperation, i.LatestOperationState) for i in shown} == {("RunInstances", "OPERATING")}
    assert [i.InstanceName for i in shown] == ["web1", "web2", "web3"]
    request_id = cloud.calls("RunInstances")[0].request_id
    assert {i.LatestOperationRequestId for i in shown} == {request_id}


def test_launched_instance_carries_what_was_asked(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    [instance_id] = launch(
        cvm, InstanceName="db", InstanceType="S5.2XLARGE16", DisableApiTermination=True,
        InternetAccessible={"PublicIpAssigned": True, "InternetMaxBandwidthOut": 10},
        SystemDisk={"DiskType": "CLOUD_SSD", "DiskSize": 100},
        DataDisks=[{"DiskType": "CLOUD_PREMIUM", "DiskSize": 200}],
        TagSpecification=[{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "data"}]}],
    )
    [shown] = describe(cvm, [instance_id])
    assert shown.InstanceName == "db"
    assert (shown.CPU, shown.Memory) == (8, 16)
    assert shown.DisableApiTermination is True
    assert shown.Placement.Zone == ZONE and shown.ImageId == IMAGE
    assert shown.InstanceChargeType == "POSTPAID_BY_HOUR"
    assert shown.ExpiredTime is None and shown.RenewFlag is None
    assert len(shown.PublicIpAddresses) == 1
    assert shown.SystemDisk.DiskType == "CLOUD_SSD" and shown.SystemDisk.DiskSize == 100
    assert [(d.DiskSize, d.DeleteWithInstance) for d in shown.DataDisks] == [(200, True)]
    assert [(t.Key, t.Value) for t in shown.Tags] == [("team", "data")]
    assert shown.RestrictState == "NORMAL" and shown.IsolatedSource == "NOTISOLATED"


def test_no_public_ip_unless_assigned(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    [shown] = describe(cvm, launch(cvm))
    assert shown.PublicIpAddresses is None


def test_prepaid_launch_charges_up_front_and_sets_expiry(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    before = cloud.balance()
    ids = launch_prepaid(cvm, 2, period=3, prepaid={"RenewFlag": "NOTIFY_AND_AUTO_RENEW"})
    assert cloud.balance() == before - 2 * 3 * cloud.world.billing.price("instance_month")
    for shown in describe(cvm, ids):
        assert shown.InstanceChargeType == "PREPAID"
        assert shown.RenewFlag == "NOTIFY_AND_AUTO_RENEW"
        assert shown.ExpiredTime > shown.CreatedTime


def test_prepaid_batch_the_balance_cannot_cover_creates_nothing(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    price = cloud.world.billing.price("instance_month")
    cloud.set_balance(price * 3 - 1)
    error = call_refused(
        cvm, "RunInstances", InstanceChargeType="PREPAID", InstanceChargePrepaid={"Period": 1},
        Placement={"Zone": ZONE}, ImageId=IMAGE, InstanceCount=3,
    )
    assert error.code == "InvalidAccount.InsufficientBalance"
    assert cloud.world.cvm.all_instances() == []
    assert cloud.balance() == price * 3 - 1


@pytest.mark.parametrize("charge_type", ["POSTPAID_BY_HOUR", "SPOTPAID"])
def test_postpaid_launch_is_refused_while_the_balance_is_not_above_zero(cloud: Cloud, charge_type: str) -> None:
    cvm = sdk.client("cvm")
    cloud.set_balance("-0.01")
    error = call_refused(
        cvm, "RunInstances", InstanceChargeType=charge_type, Placement={"Zone": ZONE}, ImageId=IMAGE
    )
    assert error.code == "InvalidAccount.InsufficientBalance"
    assert "top up first" in error.message
    assert cloud.world.cvm.all_instances() == []
    cloud.top_up(1)
    assert len(launch(cvm, InstanceChargeType=charge_type)) == 1


def test_client_token_makes_launch_idempotent(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    first = launch(cvm, 2, ClientToken="abc-123")
    again = launch(cvm, 2, ClientToken="abc-123")
    assert first == again
    assert len(cloud.world.cvm.all_instances()) == 2
    assert launch(cvm, 1, ClientToken="other") != first


def test_dry_run_answers_dry_run_operation_and_creates_nothing(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    error = call_refused(cvm, "RunInstances", Placement={"Zone": ZONE}, ImageId=IMAGE, DryRun=True)
    assert error.code == "DryRunOperation"
    assert cloud.world.cvm.all_instances() == []


def test_dry_run_still_checks_the_request(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    error = call_refused(cvm, "RunInstances", Placement={"Zone": "ap-shanghai-2"}, ImageId=IMAGE, DryRun=True)
    assert error.code == "InvalidZone.MismatchRegion"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"Placement": {"Zone": "ap-shanghai-2"}}, "InvalidZone.MismatchRegion"),
        ({"Placement": {"Zone": "ap-guangzhou-99"}}, "InvalidParameterValue.ZoneNotSupported"),
        ({"ImageId": "ubuntu"}, "InvalidImageId.Malformed"),
        ({"InstanceType": "big-one"}, "InvalidInstanceType.Malformed"),
        ({"InstanceCount": 0}, "InvalidParameterValue"),
        ({"InstanceCount": 501}, "InvalidParameterValue"),
        ({"InstanceChargeType": "CDHPAID"}, "InvalidParameterValue"),
        ({"InstanceChargeType": "PREPAID"}, "MissingParameter"),
        ({"InstanceChargeType": "PREPAID", "InstanceChargePrepaid": {"Period": 13}}, "InvalidPeriod"),
        ({"InstanceChargeType": "PREPAID", "InstanceChargePrepaid": {"Period": 1, "RenewFlag": "SOMETIMES"}},
         "InvalidParameterValue"),
        ({"InstanceName": "x" * 129}, "InvalidInstanceName.TooLong"),
        ({"ClientToken": "t" * 65}, "InvalidClientToken.TooLong"),
    ],
)
def test_bad_launch_is_refused_with_its_code(cloud: Cloud, params: dict[str, object], code: str) -> None:
    cvm = sdk.client("cvm")
    request = {"Placement": {"Zone": ZONE}, "ImageId": IMAGE, **params}
    assert call_refused(cvm, "RunInstances", **request).code == code
    assert snapshot(cloud) == [("balance", cloud.world.options.balance)]


def test_missing_zone_and_image_are_missing_parameters(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    assert call_refused(cvm, "RunInstances", ImageId=IMAGE).code == "MissingParameter"
    assert call_refused(cvm, "RunInstances", Placement={"Zone": ZONE}).code == "MissingParameter"


def test_spot_instances_launch(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    [shown] = describe(cvm, launch(cvm, InstanceChargeType="SPOTPAID"))
    assert shown.InstanceChargeType == "SPOTPAID"


def test_launch_in_another_region_is_separate(cloud: Cloud) -> None:
    shanghai = sdk.client("cvm", "ap-shanghai")
    ids = launch(shanghai, Placement={"Zone": "ap-shanghai-2"})
    assert describe(sdk.client("cvm"), ids) == []
    assert [i.InstanceId for i in describe(shanghai, ids)] == ids


def test_async_client_launches_and_reads(cloud: Cloud) -> None:
    async def scenario() -> list[str]:
        cvm = sdk.client("cvm", asynchronous=True)
        response = await cvm.RunInstances(sdk.request(
            "cvm", "RunInstances", Placement={"Zone": ZONE}, ImageId=IMAGE, InstanceCount=2))
        described = await cvm.DescribeInstances(sdk.request("cvm", "DescribeInstances"))
        assert described.TotalCount == 2
        return list(response.InstanceIdSet)

    ids = asyncio.run(scenario())
    assert {i.instance_id for i in cloud.world.cvm.all_instances()} == set(ids)


def test_balance_is_decimal_exact(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    cloud.set_balance(Decimal("200.00"))
    launch_prepaid(cvm)
    assert cloud.balance() == Decimal("0.00")


def test_action_timer_at_launch_destroys_the_instance_at_its_time(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    ids = launch(cvm, 2, ActionTimer={"TimerAction": "TerminateInstances", "ActionTime": "2026-01-05T05:00:00Z"})
    clock.tick(3600 - 1)
    assert {i.InstanceState for i in settled(cvm, ids)} == {"RUNNING"}
    clock.tick(1)
    describe(cvm, ids)  # TERMINATING, shown once
    assert describe(cvm, ids) == []


def test_action_timer_is_checked_before_anything_is_launched_or_charged(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    error = call_refused(
        cvm, "RunInstances", Placement={"Zone": ZONE}, ImageId=IMAGE, InstanceChargeType="PREPAID",
        InstanceChargePrepaid={"Period": 1},
        ActionTimer={"TimerAction": "TerminateInstances", "ActionTime": "2026-01-05T05:00:00Z"},
    )
    assert error.code == "UnsupportedOperation.NotSupportImportInstancesActionTimer"
    assert snapshot(cloud) == [("balance", cloud.world.options.balance)]
