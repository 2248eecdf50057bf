"""Cloud disks through the real SDK: create, attach, detach, describe, terminate, and every refusal."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.release.helpers import OTHER_ZONE, ZONE, api, assert_shape, instance, refused, run_instances

pytestmark = pytest.mark.cloud_options(transitions="immediate")  # ATTACHING/DETACHING: tests/cbs/test_lifecycle.py


@pytest.fixture
def cbs(cloud: Cloud) -> Any:
    return sdk.client("cbs")


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def create(cbs: Any, count: int = 1, zone: str = ZONE, **params: Any) -> list[str]:
    params.setdefault("DiskChargeType", "POSTPAID_BY_HOUR")
    params.setdefault("DiskType", "CLOUD_PREMIUM")
    params.setdefault("DiskSize", 100)
    return api(cbs, "CreateDisks", Placement={"Zone": zone}, DiskCount=count, **params)["DiskIdSet"]  # type: ignore


def disk(cbs: Any, disk_id: str) -> dict[str, Any]:
    found = api(cbs, "DescribeDisks", DiskIds=[disk_id])["DiskSet"]
    assert len(found) == 1, f"{disk_id} is not listed"
    return found[0]  # type: ignore[no-any-return]


def test_a_created_disk_is_elastic_and_unattached_with_every_field(cbs: Any) -> None:
    [d] = create(cbs, DiskName="data", Tags=[{"Key": "team", "Value": "a"}])
    got = disk(cbs, d)
    assert_shape("cbs", "Disk", got)
    assert got["DiskState"] == "UNATTACHED" and got["Attached"] is False and got["Portable"] is True
    assert got["DiskUsage"] == "DATA_DISK" and got["DiskSize"] == 100 and got["Placement"]["Zone"] == ZONE
    assert got["Tags"] == [{"Key": "team", "Value": "a"}] and got["DiskName"] == "data"


def test_run_instances_disks_show_attached_to_their_instance(cbs: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm, SystemDisk={"DiskType": "CLOUD_SSD", "DiskSize": 60},
                          DataDisks=[{"DiskType": "CLOUD_PREMIUM", "DiskSize": 200, "DeleteWithInstance": False}])
    described = instance(cvm, ins)
    system_id, data_id = described["SystemDisk"]["DiskId"], described["DataDisks"][0]["DiskId"]
    system, data = disk(cbs, system_id), disk(cbs, data_id)
    assert system["DiskUsage"] == "SYSTEM_DISK" and system["Portable"] is False and system["DiskSize"] == 60
    assert data["DiskUsage"] == "DATA_DISK" and data["Portable"] is True and data["DeleteWithInstance"] is False
    for d in (system, data):
        assert d["Attached"] is True and d["InstanceId"] == ins and d["DiskState"] == "ATTACHED"
    on_instance = api(cbs, "DescribeDisks", Filters=[{"Name": "instance-id", "Values": [ins]}])
    assert {d["DiskId"] for d in on_instance["DiskSet"]} == {system_id, data_id}


def test_local_disks_get_ldisk_ids_and_are_not_cbs_disks(cbs: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm, SystemDisk={"DiskType": "LOCAL_BASIC", "DiskSize": 50},
                          DataDisks=[{"DiskType": "LOCAL_SSD", "DiskSize": 100}])
    described = instance(cvm, ins)
    assert described["SystemDisk"]["DiskId"].startswith("ldisk-")
    assert described["DataDisks"][0]["DiskId"].startswith("ldisk-")
    assert api(cbs, "DescribeDisks")["TotalCount"] == 0


def test_attach_and_detach_move_an_elastic_disk(cbs: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    [d] = create(cbs)
    api(cbs, "AttachDisks", DiskIds=[d], InstanceId=ins, DeleteWithInstance=True)
    got = disk(cbs, d)
    assert got["Attached"] and got["InstanceId"] == ins and got["DeleteWithInstance"] is True
    assert d in [x["DiskId"] for x in instance(cvm, ins)["DataDisks"]]
    api(cbs, "DetachDisks", DiskIds=[d], InstanceId=ins)
    got = disk(cbs, d)
    assert not got["Attached"] and got["DiskState"] == "UNATTACHED" and got["LastAttachInsId"] == ins
    assert d not in [x["DiskId"] for x in instance(cvm, ins)["DataDisks"]]


def test_attach_refusals_change_nothing(cloud: Cloud, cbs: Any, cvm: Any) -> None:
    first, second = run_instances(cvm, 2, DataDisks=[{"DiskType": "CLOUD_PREMIUM", "DiskSize": 50}])
    [free] = create(cbs)
    [elsewhere] = create(cbs, zone=OTHER_ZONE)
    [taken] = create(cbs)
    api(cbs, "AttachDisks", DiskIds=[taken], InstanceId=first)
    system = instance(cvm, first)["SystemDisk"]["DiskId"]
    cases = [
        ({"DiskIds": [taken], "InstanceId": second}, "ResourceUnavailable.Attached"),
        ({"DiskIds": [free, taken], "InstanceId": second}, "ResourceUnavailable.Attached"),
        ({"DiskIds": [elsewhere], "InstanceId": second}, "ResourceUnavailable.ZoneNotMatch"),
        ({"DiskIds": [system], "InstanceId": second}, "ResourceUnavailable.TypeError"),
        ({"DiskIds": ["disk-bad"], "InstanceId": second}, "InvalidParameterValue"),
        ({"DiskIds": ["disk-00000000"], "InstanceId": second}, "InvalidDiskId.NotFound"),
        ({"DiskIds": [free], "InstanceId": "ins-00000000"}, "InvalidInstanceId.NotFound"),
    ]
    for params, code in cases:
        refused(cloud, cbs, "AttachDisks", code, **params)


def test_a_non_elastic_disk_cannot_move(cloud: Cloud, cbs: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm, DataDisks=[{"DiskType": "CLOUD_PREMIUM", "DiskSize": 50}])
    data_id = instance(cvm, ins)["DataDisks"][0]["DiskId"]
    cloud.world.cbs.get(cloud.default_account, "ap-guangzhou", data_id).portable = False  # type: ignore[union-attr]
    refused(cloud, cbs, "DetachDisks", "ResourceUnavailable.NotPortable", DiskIds=[data_id])


def test_detach_refuses_an_unattached_disk(cloud: Cloud, cbs: Any) -> None:
    [d] = create(cbs)
    refused(cloud, cbs, "DetachDisks", "InvalidDisk.NotSupported", DiskIds=[d])


def test_terminate_deletes_unattached_disks_and_refuses_attached_ones(cloud: Cloud, cbs: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    free, attached = create(cbs, 2)
    api(cbs, "AttachDisks", DiskIds=[attached], InstanceId=ins)
    refused(cloud, cbs, "TerminateDisks", "ResourceUnavailable.NotSupported", DiskIds=[free, attached])
    refused(cloud, cbs, "TerminateDisks", "InvalidParameterValue", DiskIds=["disk-!"])
    refused(cloud, cbs, "TerminateDisks", "InvalidDiskId.NotFound", DiskIds=["disk-00000000"])
    api(cbs, "TerminateDisks", DiskIds=[free])
    assert api(cbs, "DescribeDisks", DiskIds=[free])["TotalCount"] == 0


def test_describe_pages_orders_and_filters(cbs: Any) -> None:
    disks = create(cbs, 25)
    [other] = create(cbs, zone=OTHER_ZONE, DiskType="CLOUD_SSD")
    first = api(cbs, "DescribeDisks")
    assert first["TotalCount"] == 26 and [d["DiskId"] for d in first["DiskSet"]] == disks[:20]
    assert [d["DiskId"] for d in api(cbs, "DescribeDisks", Offset=20, Limit=10)["DiskSet"]] == [*disks[20:], other]
    newest = api(cbs, "DescribeDisks", Order="DESC", Limit=2)["DiskSet"]
    assert [d["DiskId"] for d in newest] == [other, disks[-1]]

    def ids(name: str, values: list[str]) -> list[str]:
        answer = api(cbs, "DescribeDisks", Filters=[{"Name": name, "Values": values}])
        return [d["DiskId"] for d in answer["DiskSet"]]

    assert ids("zone", [OTHER_ZONE]) == [other]
    assert ids("disk-type", ["CLOUD_SSD"]) == [other]
    assert ids("disk-state", ["ATTACHED"]) == []
    assert ids("portable", ["TRUE"])[:2] == disks[:2]
    assert ids("disk-id", [disks[3]]) == [disks[3]]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"DiskIds": ["disk-1"]}, "InvalidParameterValue"),
        ({"Filters": [{"Name": "colour", "Values": ["red"]}]}, "InvalidFilter"),
        ({"DiskIds": ["disk-12345678"], "Filters": [{"Name": "zone", "Values": [ZONE]}]}, "InvalidParameterValue"),
        ({"Limit": 101}, "InvalidParameterValue"),
    ],
)
def test_describe_refuses_bad_input(cloud: Cloud, cbs: Any, params: dict[str, Any], code: str) -> None:
    create(cbs)
    refused(cloud, cbs, "DescribeDisks", code, **params)


def test_create_refuses_bad_input(cloud: Cloud, cbs: Any) -> None:
    base = {"Placement": {"Zone": ZONE}, "DiskChargeType": "POSTPAID_BY_HOUR", "DiskType": "CLOUD_PREMIUM"}
    refused(cloud, cbs, "CreateDisks", "InvalidParameterValue", **base, DiskSize=5)
    refused(cloud, cbs, "CreateDisks", "InvalidParameterValue", **{**base, "DiskType": "FLOPPY"}, DiskSize=50)
    refused(cloud, cbs, "CreateDisks", "InvalidParameterValue",
            **{**base, "Placement": {"Zone": "ap-shanghai-2"}}, DiskSize=50)
    refused(cloud, cbs, "CreateDisks", "MissingParameter", **{**base, "DiskChargeType": "PREPAID"}, DiskSize=50)


def test_a_postpaid_disk_is_charged_by_size_until_terminated(cloud: Cloud, cbs: Any) -> None:
    [d] = create(cbs, DiskSize=200)
    rate = cloud.world.billing.rate(cloud.default_account, d, "disk")
    assert rate == cloud.prices["disk_gb_hour"] * 200 > 0
    api(cbs, "TerminateDisks", DiskIds=[d])
    assert cloud.world.billing.rate(cloud.default_account, d, "disk") == Decimal(0)


def test_a_prepaid_disk_has_a_deadline(cbs: Any) -> None:
    [d] = create(cbs, DiskChargeType="PREPAID", DiskChargePrepaid={"Period": 1})
    got = disk(cbs, d)
    assert got["DiskChargeType"] == "PREPAID" and got["DeadlineTime"]


def test_the_async_client_creates_and_describes(cloud: Cloud) -> None:
    async def scenario() -> Any:
        client = sdk.client("cbs", asynchronous=True)
        await client.CreateDisks(sdk.request(
            "cbs", "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR",
            DiskType="CLOUD_BSSD", DiskSize=20, DiskCount=3))
        return await client.DescribeDisks(sdk.request("cbs", "DescribeDisks"))

    assert asyncio.run(scenario()).TotalCount == 3


def test_no_attaching_to_an_instance_in_the_recycle_bin_or_released(cloud: Cloud, cbs: Any, cvm: Any) -> None:
    [binned] = run_instances(cvm, InstanceChargeType="PREPAID", InstanceChargePrepaid={"Period": 1})
    [released] = run_instances(cvm)
    api(cvm, "TerminateInstances", InstanceIds=[binned])
    api(cvm, "TerminateInstances", InstanceIds=[released])
    api(cvm, "DescribeInstances", InstanceIds=[binned, released])
    assert instance(cvm, binned)["InstanceState"] == "SHUTDOWN"
    [d] = create(cbs)
    refused(cloud, cbs, "AttachDisks", "InvalidInstance.NotSupported", DiskIds=[d], InstanceId=binned)
    refused(cloud, cbs, "AttachDisks", "InvalidInstanceId.NotFound", DiskIds=[d], InstanceId=released)
