"""HPC clusters, rescue mode and operating-system conversion through the real SDK."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mockcvm import Cloud, mock_cvm
from tests import sdk
from tests.cvm.helpers import IMAGE, ZONE, call_refused, describe, launch

pytestmark = pytest.mark.cloud_options(transitions="immediate")
PASSWORD = "Rescue-me-2026"


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def test_hpc_cluster_lifecycle(cvm: Any) -> None:
    (created,) = sdk.call(cvm, "CreateHpcCluster", Zone=ZONE, Name="train", Remark="gpu jobs").HpcClusterSet
    cluster_id = created.HpcClusterId
    assert (created.Zone, created.CurrentNum, created.InstanceIds) == (ZONE, 0, [])
    sdk.call(cvm, "ModifyHpcClusterAttribute", HpcClusterId=cluster_id, Name="training")
    (shown,) = sdk.call(cvm, "DescribeHpcClusters", Zone=ZONE).HpcClusterSet
    assert (shown.Name, shown.Remark) == ("training", "gpu jobs")
    error = call_refused(cvm, "RunInstances", Placement={"Zone": ZONE}, ImageId=IMAGE, HpcClusterId=cluster_id)
    assert error.code == "InvalidParameterValue.InstanceTypeNotSupportHpcCluster"
    error = call_refused(cvm, "RunInstances", Placement={"Zone": "ap-guangzhou-4"}, ImageId=IMAGE,
                         HpcClusterId=cluster_id)
    assert error.code == "InvalidParameterValue.HpcClusterIdZoneIdNotMatch"
    sdk.call(cvm, "DeleteHpcClusters", HpcClusterIds=[cluster_id])
    assert sdk.call(cvm, "DescribeHpcClusters").TotalCount == 0
    assert call_refused(cvm, "DeleteHpcClusters", HpcClusterIds=[cluster_id]).code == "ResourceNotFound.HpcCluster"


def test_hpc_cluster_refusals(cvm: Any) -> None:
    assert call_refused(cvm, "CreateHpcCluster", Zone="ap-shanghai-2", Name="x").code == "InvalidZone.MismatchRegion"
    for n in range(5):
        sdk.call(cvm, "CreateHpcCluster", Zone=ZONE, Name=f"c{n}")
    assert call_refused(cvm, "CreateHpcCluster", Zone=ZONE, Name="c5").code == "LimitExceeded.HpcClusterQuota"


def test_rescue_mode_enters_and_exits_stopped(cvm: Any) -> None:
    (instance_id,) = launch(cvm)
    sdk.call(cvm, "EnterRescueMode", InstanceId=instance_id, Password=PASSWORD)
    assert describe(cvm, [instance_id])[0].InstanceState == "RESCUE_MODE"
    assert call_refused(cvm, "StartInstances", InstanceIds=[instance_id]).code == (
        "UnsupportedOperation.InstanceStateRescueMode")
    sdk.call(cvm, "ExitRescueMode", InstanceId=instance_id)
    assert describe(cvm, [instance_id])[0].InstanceState == "STOPPED"
    assert call_refused(cvm, "ExitRescueMode", InstanceId=instance_id).code == (
        "UnsupportedOperation.InstanceStateStopped")
    assert call_refused(cvm, "EnterRescueMode", InstanceId=instance_id, Password="weak").code == "InvalidPassword"


@pytest.mark.cloud_options(transitions="manual")
def test_rescue_mode_shows_its_transitional_state(cloud: Cloud, cvm: Any) -> None:
    (instance_id,) = launch(cvm)
    cloud.settle()
    sdk.call(cvm, "EnterRescueMode", InstanceId=instance_id, Password=PASSWORD)
    assert describe(cvm, [instance_id])[0].InstanceState == "ENTER_RESCUE_MODE"
    cloud.settle()
    assert describe(cvm, [instance_id])[0].InstanceState == "RESCUE_MODE"


def test_convert_centos_to_tencentos(cvm: Any) -> None:
    (centos,) = launch(cvm, ImageId="img-9qabwvbn")  # CentOS 7.6
    dry = sdk.call(cvm, "ConvertOperatingSystems", InstanceIds=[centos], DryRun=True)
    assert [(t.TargetOSType, t.TargetOSVersion) for t in dry.SupportTargetOSList] == [("TencentOS", "2.4")]
    assert describe(cvm, [centos])[0].OsName == "CentOS 7.6 64位"
    assert sdk.call(cvm, "ConvertOperatingSystems", InstanceIds=[centos]).TaskId
    assert describe(cvm, [centos])[0].OsName == "TencentOS Server 2.4 (TK4)"
    (ubuntu,) = launch(cvm, ImageId="img-dkwyg6sr")
    assert call_refused(cvm, "ConvertOperatingSystems", InstanceIds=[ubuntu]).code == (
        "UnsupportedOperation.InstanceOsConvertOsNotSupport")


def test_hpc_clusters_async() -> None:
    async def main() -> Any:
        client = sdk.client("cvm", asynchronous=True)
        await sdk.call(client, "CreateHpcCluster", Zone=ZONE, Name="async")
        return await sdk.call(client, "DescribeHpcClusters")

    with mock_cvm():
        assert asyncio.run(main()).HpcClusterSet[0].Name == "async"
