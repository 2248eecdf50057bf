"""The instance's disks through the real SDK: resize (grow only, the rules for a running instance), disk type,
and the quotes of the resize and of a bandwidth change."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from mockcvm import Cloud, mock_cvm
from tests import sdk
from tests.cvm.helpers import IMAGE, call_refused, describe, launch, snapshot

pytestmark = pytest.mark.cloud_options(transitions="immediate")


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def test_resize_grows_the_system_disk_and_its_rate(cloud: Cloud, cvm: Any) -> None:
    (instance_id,) = launch(cvm)
    quote = sdk.call(cvm, "InquiryPriceResizeInstanceDisks", InstanceId=instance_id, SystemDisk={"DiskSize": 100},
                     ForceStop=True).Price.InstancePrice.UnitPrice
    before = snapshot(cloud)
    assert call_refused(cvm, "ResizeInstanceDisks", InstanceId=instance_id,
                        SystemDisk={"DiskSize": 100}).code == "UnsupportedOperation.InstanceStateRunning"
    assert snapshot(cloud) == before
    sdk.call(cvm, "ResizeInstanceDisks", InstanceId=instance_id, SystemDisk={"DiskSize": 100}, ForceStop=True)
    (shown,) = describe(cvm, [instance_id])
    assert shown.SystemDisk.DiskSize == 100 and shown.InstanceState == "RUNNING"
    disk_id = shown.SystemDisk.DiskId
    (disk,) = sdk.call(sdk.client("cbs"), "DescribeDisks", DiskIds=[disk_id]).DiskSet
    assert disk.DiskSize == 100
    assert cloud.world.billing.rate(cloud.default_account, disk_id, "disk") == Decimal(str(quote))
    assert call_refused(cvm, "ResizeInstanceDisks", InstanceId=instance_id, SystemDisk={"DiskSize": 80},
                        ResizeOnline=True).code == "InvalidParameterValue.Range"


def test_resize_a_data_disk_online(cvm: Any) -> None:
    (instance_id,) = launch(cvm, DataDisks=[{"DiskSize": 100, "DiskType": "CLOUD_SSD"}])
    disk_id = describe(cvm, [instance_id])[0].DataDisks[0].DiskId
    sdk.call(cvm, "ResizeInstanceDisks", InstanceId=instance_id, DataDisks=[{"DiskId": disk_id, "DiskSize": 200}],
             ResizeOnline=True)
    assert describe(cvm, [instance_id])[0].DataDisks[0].DiskSize == 200
    assert call_refused(cvm, "ResizeInstanceDisks", InstanceId=instance_id, ResizeOnline=True,
                        DataDisks=[{"DiskId": "disk-zzzzzzzz", "DiskSize": 300}]).code == (
        "InvalidParameter.DataDiskNotBelongSpecifiedInstance")


def test_modify_disk_type_of_a_stopped_instance(cvm: Any) -> None:
    (instance_id,) = launch(cvm)
    assert call_refused(cvm, "ModifyInstanceDiskType", InstanceId=instance_id,
                        SystemDisk={"DiskType": "CLOUD_SSD"}).code == "UnsupportedOperation.InstanceStateRunning"
    sdk.call(cvm, "StopInstances", InstanceIds=[instance_id])
    sdk.call(cvm, "ModifyInstanceDiskType", InstanceId=instance_id, SystemDisk={"DiskType": "CLOUD_SSD"})
    assert describe(cvm, [instance_id])[0].SystemDisk.DiskType == "CLOUD_SSD"
    assert call_refused(cvm, "ModifyInstanceDiskType", InstanceId=instance_id,
                        SystemDisk={"DiskType": "FLOPPY"}).code == "InvalidParameterValue"


def test_bandwidth_quote_is_zero_after_the_checks(cvm: Any) -> None:
    (instance_id,) = launch(cvm, InternetAccessible={"InternetMaxBandwidthOut": 5})
    price = sdk.call(cvm, "InquiryPriceResetInstancesInternetMaxBandwidth", InstanceIds=[instance_id],
                     InternetAccessible={"InternetMaxBandwidthOut": 10}).Price
    assert price.BandwidthPrice.UnitPrice == 0.0
    assert call_refused(cvm, "InquiryPriceResetInstancesInternetMaxBandwidth", InstanceIds=[instance_id],
                        InternetAccessible={"InternetMaxBandwidthOut": 9999}).code == "InvalidParameterValue.Range"


def test_resize_async() -> None:
    async def main() -> Any:
        client = sdk.client("cvm", asynchronous=True)
        ids = (await sdk.call(client, "RunInstances", Placement={"Zone": "ap-guangzhou-3"},
                              ImageId=IMAGE)).InstanceIdSet
        await sdk.call(client, "ResizeInstanceDisks", InstanceId=ids[0], SystemDisk={"DiskSize": 60}, ForceStop=True)
        return (await sdk.call(client, "DescribeInstances", InstanceIds=ids)).InstanceSet[0].SystemDisk.DiskSize

    with mock_cvm(transitions="immediate"):
        assert asyncio.run(main()) == 60
