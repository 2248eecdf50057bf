"""Every always-returned member of the answers of the catalogue, key-pair, template, placement, image, host and
HPC reads is present with its type (walked from the official schema)."""

from __future__ import annotations

import json
from typing import Any

from mockcvm import Cloud, mock_cvm
from mockcvm.protocol import schema
from tests import sdk
from tests.cvm.helpers import IMAGE, ZONE
from tests.cvm.test_describe import _check


def _answer(client: Any, action: str, **params: Any) -> dict[str, Any]:
    return json.loads(sdk.call(client, action, **params).to_json_string())  # type: ignore[no-any-return]


def test_the_reads_return_every_always_returned_member() -> None:
    with mock_cvm(transitions="immediate") as cloud:
        cvm = sdk.client("cvm")
        _world(cloud, cvm)
        reads: list[tuple[str, dict[str, Any]]] = [
            ("DescribeImages", {}), ("DescribeImageFromFamily", {"ImageFamily": "ubuntu-22"}),
            ("DescribeImportImageOs", {}), ("DescribeInstanceTypeConfigs", {}),
            ("DescribeZoneInstanceConfigInfos", {"Filters": [{"Name": "zone", "Values": [ZONE]}]}),
            ("DescribeInstanceFamilyConfigs", {}), ("DescribeInternetChargeTypeConfigs", {}),
            ("DescribeAccountQuota", {}), ("DescribeKeyPairs", {}), ("DescribeLaunchTemplates", {}),
            ("DescribeDisasterRecoverGroups", {}), ("DescribeDisasterRecoverGroupQuota", {}),
            ("DescribeImageQuota", {}), ("DescribeHosts", {}), ("DescribeHpcClusters", {}),
            ("DescribeTaskInfo", {"Offset": 0, "Limit": 10}),
            ("InquiryPriceRunInstances", {"Placement": {"Zone": ZONE}, "ImageId": IMAGE}),
        ]
        for action, params in reads:
            _check(schema.output_object("cvm", action), _answer(cvm, action, **params), action)


def _world(cloud: Cloud, cvm: Any) -> None:
    """One resource of each kind, so that every list has an element to walk."""
    ids = sdk.call(cvm, "RunInstances", Placement={"Zone": ZONE}, ImageId=IMAGE).InstanceIdSet
    sdk.call(cvm, "CreateKeyPair", KeyName="k", ProjectId=0)
    sdk.call(cvm, "CreateLaunchTemplate", LaunchTemplateName="t1", Placement={"Zone": ZONE}, ImageId=IMAGE)
    sdk.call(cvm, "CreateDisasterRecoverGroup", Name="g", Type="HOST")
    sdk.call(cvm, "CreateImage", InstanceId=ids[0], ImageName="mine")
    sdk.call(cvm, "AllocateHosts", Placement={"Zone": ZONE}, HostChargePrepaid={"Period": 1})
    sdk.call(cvm, "CreateHpcCluster", Zone=ZONE, Name="h")
    cloud.repair_task(ids[0])
