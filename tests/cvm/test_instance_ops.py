"""In-place instance operations through the real SDK: password, reinstall, type change, project, VNC."""

from __future__ import annotations

import asyncio
import base64
from decimal import Decimal
from typing import Any

import pytest

from mockcvm import Cloud, mock_cvm
from tests import sdk
from tests.cvm.helpers import IMAGE, call_refused, describe, launch, launch_prepaid, snapshot

PASSWORD = "Mock-cvm-2026"
IMMEDIATE = pytest.mark.cloud_options(transitions="immediate")


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


@IMMEDIATE
def test_reset_password_needs_stopped_or_force_stop(cloud: Cloud, cvm: Any) -> None:
    (instance_id,) = launch(cvm)
    before = snapshot(cloud)
    error = call_refused(cvm, "ResetInstancesPassword", InstanceIds=[instance_id], Password=PASSWORD)
    assert error.code == "UnsupportedOperation.InstanceStateRunning" and snapshot(cloud) == before
    sdk.call(cvm, "ResetInstancesPassword", InstanceIds=[instance_id], Password=PASSWORD, ForceStop=True)
    (shown,) = describe(cvm, [instance_id])
    assert (shown.LatestOperation, shown.LatestOperationState, shown.InstanceState) == (
        "ResetInstancesPassword", "SUCCESS", "RUNNING")


@pytest.mark.parametrize("password", ["sh1A!", "alllowercaseletters", "Abc1-" + "x" * 30, "/Abc12345", "Abc 12345"])
def test_passwords_follow_the_rules(cvm: Any, password: str) -> None:
    (instance_id,) = launch(cvm)
    error = call_refused(cvm, "ResetInstancesPassword", InstanceIds=[instance_id], Password=password, ForceStop=True)
    assert error.code == "InvalidPassword"


@IMMEDIATE
def test_reset_instance_reinstalls_with_the_new_image_and_keys(cvm: Any) -> None:
    key_id = sdk.call(cvm, "CreateKeyPair", KeyName="k", ProjectId=0).KeyPair.KeyId
    (instance_id,) = launch(cvm)
    user_data = base64.b64encode(b"#!/bin/sh\necho hi\n").decode()
    sdk.call(cvm, "ResetInstance", InstanceId=instance_id, ImageId="img-dkwyg6sr",
             LoginSettings={"KeyIds": [key_id]}, UserData=user_data)
    (shown,) = describe(cvm, [instance_id])
    assert (shown.ImageId, shown.OsName, shown.LoginSettings.KeyIds, shown.LatestOperation) == (
        "img-dkwyg6sr", "Ubuntu Server 20.04 LTS 64位", [key_id], "ResetInstance")


@pytest.mark.cloud_options(transitions="manual")
def test_reset_instance_shows_rebooting_then_running(cloud: Cloud, cvm: Any) -> None:
    (instance_id,) = launch(cvm)
    cloud.settle()
    sdk.call(cvm, "ResetInstance", InstanceId=instance_id)
    assert describe(cvm, [instance_id])[0].InstanceState == "REBOOTING"
    error = call_refused(cvm, "ResetInstance", InstanceId=instance_id)
    assert error.code == "UnsupportedOperation.InstanceStateRebooting"
    cloud.settle()
    assert describe(cvm, [instance_id])[0].InstanceState == "RUNNING"


@pytest.mark.parametrize(
    ("params", "code"),
    [({"ImageId": "img-zzzzzzzz"}, "InvalidImageId.NotFound"),
     ({"ImageId": "img-34vaef8f"}, "InvalidParameterValue.InvalidImageForGivenInstanceType"),
     ({"SystemDisk": {"DiskSize": 10}}, "InvalidParameterValue.Range"),
     ({"UserData": "not base64!"}, "InvalidParameterValue.InvalidUserDataFormat"),
     ({"LoginSettings": {"Password": "weak"}}, "InvalidPassword")],
)
def test_reset_instance_refusals_change_nothing(cloud: Cloud, cvm: Any, params: dict[str, Any], code: str) -> None:
    (instance_id,) = launch(cvm)
    before = snapshot(cloud)
    assert call_refused(cvm, "ResetInstance", InstanceId=instance_id, **params).code == code
    assert snapshot(cloud) == before and describe(cvm, [instance_id])[0].ImageId == IMAGE


@IMMEDIATE
def test_reset_type_changes_cpu_memory_and_the_hourly_rate(cloud: Cloud, cvm: Any) -> None:
    (instance_id,) = launch(cvm)
    sdk.call(cvm, "StopInstances", InstanceIds=[instance_id])
    sdk.call(cvm, "ResetInstancesType", InstanceIds=[instance_id], InstanceType="S5.2XLARGE16")
    (shown,) = describe(cvm, [instance_id])
    assert (shown.InstanceType, shown.CPU, shown.Memory, shown.InstanceState) == ("S5.2XLARGE16", 8, 16, "RUNNING")


@pytest.mark.parametrize(
    ("instance_type", "code"),
    [("S5.MEDIUM3", "InvalidParameterValue.InstanceTypeNotFound"),
     ("SR1.LARGE8", "ResourceNotFound.InvalidZoneInstanceType"),
     ("GN7.2XLARGE32", "InvalidParameterValue.InvalidGPUFamilyChange")],
)
def test_reset_type_refusals(cloud: Cloud, cvm: Any, instance_type: str, code: str) -> None:
    (instance_id,) = launch(cvm)
    before = snapshot(cloud)
    assert call_refused(cvm, "ResetInstancesType", InstanceIds=[instance_id], InstanceType=instance_type,
                        ForceStop=True).code == code
    assert snapshot(cloud) == before


@pytest.mark.cloud_options(transitions="immediate", catalogue={"instance_types": [
    {"InstanceType": "S5.2XLARGE16", "MonthlyPrice": "500"}]})
def test_upgrading_a_prepaid_instance_charges_the_quoted_difference(cloud: Cloud, cvm: Any) -> None:
    (instance_id,) = launch_prepaid(cvm, period=1)
    quote = sdk.call(cvm, "InquiryPriceResetInstancesType", InstanceIds=[instance_id],
                     InstanceType="S5.2XLARGE16").Price.InstancePrice.DiscountPrice
    balance = cloud.balance()
    sdk.call(cvm, "ResetInstancesType", InstanceIds=[instance_id], InstanceType="S5.2XLARGE16", ForceStop=True)
    assert quote > 0 and balance - cloud.balance() == Decimal(str(quote))


@IMMEDIATE
def test_modify_project_is_shown_and_filterable(cvm: Any) -> None:
    ids = launch(cvm, 2)
    sdk.call(cvm, "ModifyInstancesProject", InstanceIds=ids[:1], ProjectId=7)
    shown = describe(cvm, Filters=[{"Name": "project-id", "Values": ["7"]}])
    assert [i.InstanceId for i in shown] == ids[:1] and shown[0].Placement.ProjectId == 7
    error = call_refused(cvm, "ModifyInstancesProject", InstanceIds=ids, ProjectId=-1)
    assert error.code == "InvalidProjectId.NotFound"


@IMMEDIATE
def test_vnc_url_for_a_running_instance_only(cvm: Any) -> None:
    (instance_id,) = launch(cvm)
    first = sdk.call(cvm, "DescribeInstanceVncUrl", InstanceId=instance_id).InstanceVncUrl
    second = sdk.call(cvm, "DescribeInstanceVncUrl", InstanceId=instance_id).InstanceVncUrl
    assert first.startswith("wss://") and first != second  # each URL is for one use
    sdk.call(cvm, "StopInstances", InstanceIds=[instance_id])
    error = call_refused(cvm, "DescribeInstanceVncUrl", InstanceId=instance_id)
    assert error.code == "UnsupportedOperation.InstanceStateStopped"


def test_reset_password_async() -> None:
    async def main() -> Any:
        client = sdk.client("cvm", asynchronous=True)
        ids = (await sdk.call(client, "RunInstances", Placement={"Zone": "ap-guangzhou-3"}, ImageId=IMAGE,
                              InstanceType="S5.MEDIUM4")).InstanceIdSet
        await sdk.call(client, "ResetInstancesPassword", InstanceIds=ids, Password=PASSWORD, ForceStop=True)
        return (await sdk.call(client, "DescribeInstances", InstanceIds=ids)).InstanceSet[0]

    with mock_cvm(transitions="immediate"):
        assert asyncio.run(main()).LatestOperation == "ResetInstancesPassword"
