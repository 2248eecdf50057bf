"""Renew flag, bandwidth, FPGA programming, user data, operation limits and the types an instance may change to."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest

from mockcvm import Cloud, mock_cvm
from tests import sdk
from tests.cvm.helpers import IMAGE, call_refused, describe, launch, launch_prepaid, snapshot

pytestmark = pytest.mark.cloud_options(transitions="immediate")


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def test_modify_renew_flag_of_prepaid_instances(cloud: Cloud, cvm: Any) -> None:
    (prepaid,) = launch_prepaid(cvm)
    sdk.call(cvm, "ModifyInstancesRenewFlag", InstanceIds=[prepaid], RenewFlag="NOTIFY_AND_AUTO_RENEW")
    assert describe(cvm, [prepaid])[0].RenewFlag == "NOTIFY_AND_AUTO_RENEW"
    (postpaid,) = launch(cvm)
    before = snapshot(cloud)
    error = call_refused(cvm, "ModifyInstancesRenewFlag", InstanceIds=[prepaid, postpaid],
                         RenewFlag="NOTIFY_AND_MANUAL_RENEW")
    assert error.code == "UnsupportedOperation.InstanceChargeType" and snapshot(cloud) == before
    assert call_refused(cvm, "ModifyInstancesRenewFlag", InstanceIds=[prepaid],
                        RenewFlag="SOMETIMES").code == "InvalidParameterValue"


def test_user_data_given_at_launch_is_read_back(cvm: Any) -> None:
    user_data = base64.b64encode(b"#cloud-config\n").decode()
    (instance_id,) = launch(cvm, UserData=user_data)
    answer = sdk.call(cvm, "DescribeInstancesAttributes", InstanceIds=[instance_id], Attributes=["UserData"])
    (row,) = answer.InstanceSet
    assert (row.InstanceId, row.Attributes.UserData) == (instance_id, user_data)
    assert call_refused(cvm, "DescribeInstancesAttributes", InstanceIds=[instance_id],
                        Attributes=["Colour"]).code == "InvalidParameterValue"
    assert call_refused(cvm, "RunInstances", Placement={"Zone": "ap-guangzhou-3"}, ImageId=IMAGE,
                        UserData="%%%").code == "InvalidParameterValue.InvalidUserDataFormat"


def test_operation_limit_counts_prepaid_downgrades(cvm: Any) -> None:
    (instance_id,) = launch_prepaid(cvm, InstanceType="S5.2XLARGE16")
    sdk.call(cvm, "ResetInstancesType", InstanceIds=[instance_id], InstanceType="S5.MEDIUM4", ForceStop=True)
    (limit,) = sdk.call(cvm, "DescribeInstancesOperationLimit", InstanceIds=[instance_id],
                        Operation="INSTANCE_DEGRADE").InstanceOperationLimitSet
    assert (limit.CurrentCount, limit.LimitCount) == (1, 4)
    assert call_refused(cvm, "DescribeInstancesOperationLimit", InstanceIds=[instance_id],
                        Operation="REBOOT").code == "InvalidParameterValue"


def test_modification_lists_the_types_the_instance_may_take(cvm: Any) -> None:
    (instance_id,) = launch(cvm)
    answer = sdk.call(cvm, "DescribeInstancesModification", InstanceIds=[instance_id],
                      Filters=[{"Name": "status", "Values": ["SELL"]}])
    types = {row.InstanceTypeConfig.InstanceType for row in answer.InstanceTypeConfigStatusSet}
    assert "S5.2XLARGE16" in types and "S5.MEDIUM4" not in types and "GN7.2XLARGE32" not in types
    assert answer.TotalCount == len(types)


def test_program_fpga_image_only_on_fpga_types(cvm: Any) -> None:
    (plain,) = launch(cvm)
    error = call_refused(cvm, "ProgramFpgaImage", InstanceId=plain, FPGAUrl="https://b.cos.ap-guangzhou.myqcloud.com/a")
    assert error.code == "UnsupportedOperation.NotFpgaInstance"
    (fpga,) = launch(cvm, InstanceType="FX4.4XLARGE88")
    url = "https://bucket-1250000000.cos.ap-guangzhou.myqcloud.com/image.tar"
    assert call_refused(cvm, "ProgramFpgaImage", InstanceId=fpga, FPGAUrl=url, DryRun=True).code == "DryRunOperation"
    sdk.call(cvm, "ProgramFpgaImage", InstanceId=fpga, FPGAUrl=url)
    assert describe(cvm, [fpga])[0].LatestOperation == "ProgramFpgaImage"


def test_reset_bandwidth_of_postpaid_bandwidth(cvm: Any) -> None:
    (instance_id,) = launch(cvm, InternetAccessible={"InternetMaxBandwidthOut": 5})
    sdk.call(cvm, "ResetInstancesInternetMaxBandwidth", InstanceIds=[instance_id],
             InternetAccessible={"InternetMaxBandwidthOut": 20})
    assert describe(cvm, [instance_id])[0].InternetAccessible.InternetMaxBandwidthOut == 20
    assert call_refused(cvm, "ResetInstancesInternetMaxBandwidth", InstanceIds=[instance_id],
                        InternetAccessible={"InternetMaxBandwidthOut": 100000}).code == "InvalidParameterValue.Range"


def test_renew_flag_async() -> None:
    async def main() -> Any:
        client = sdk.client("cvm", asynchronous=True)
        ids = (await sdk.call(client, "RunInstances", Placement={"Zone": "ap-guangzhou-3"}, ImageId=IMAGE,
                              InstanceChargeType="PREPAID", InstanceChargePrepaid={"Period": 1})).InstanceIdSet
        await sdk.call(client, "ModifyInstancesRenewFlag", InstanceIds=ids, RenewFlag="NOTIFY_AND_AUTO_RENEW")
        return (await sdk.call(client, "DescribeInstances", InstanceIds=ids)).InstanceSet[0].RenewFlag

    with mock_cvm(transitions="immediate"):
        assert asyncio.run(main()) == "NOTIFY_AND_AUTO_RENEW"
