"""Placement groups through the real SDK: create, describe, quota, modify, delete, and instances in them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mockcvm import Cloud, mock_cvm
from tests import sdk
from tests.cvm.helpers import call_refused, describe, launch, settled, snapshot

pytestmark = pytest.mark.cloud_options(transitions="immediate")


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def _group(cvm: Any, name: str = "spread", group_type: str = "HOST", **params: Any) -> str:
    return str(sdk.call(cvm, "CreateDisasterRecoverGroup", Name=name, Type=group_type,
                        **params).DisasterRecoverGroupId)


def test_create_describe_and_quota(cvm: Any) -> None:
    group_id = _group(cvm, "web-spread", "RACK")
    answer = sdk.call(cvm, "DescribeDisasterRecoverGroups", DisasterRecoverGroupIds=[group_id])
    (group,) = answer.DisasterRecoverGroupSet
    assert (group.Name, group.Type, group.CvmQuotaTotal, group.CurrentNum, group.InstanceIds) == (
        "web-spread", "RACK", 30, 0, [])
    assert sdk.call(cvm, "DescribeDisasterRecoverGroups", Name="web").TotalCount == 1
    quota = sdk.call(cvm, "DescribeDisasterRecoverGroupQuota")
    assert (quota.GroupQuota, quota.CurrentNum, quota.CvmInHostGroupQuota) == (10, 1, 50)
    sdk.call(cvm, "ModifyDisasterRecoverGroupAttribute", DisasterRecoverGroupId=group_id, Name="renamed")
    assert sdk.call(cvm, "DescribeDisasterRecoverGroups").DisasterRecoverGroupSet[0].Name == "renamed"


def test_instances_join_at_launch_and_a_full_group_refuses(cloud: Cloud, cvm: Any) -> None:
    group_id = _group(cvm, group_type="SW")  # 20 instances
    ids = launch(cvm, 18, DisasterRecoverGroupIds=[group_id])
    assert describe(cvm, ids[:1])[0].DisasterRecoverGroupIds == [group_id]
    before = snapshot(cloud)
    error = call_refused(cvm, "RunInstances", Placement={"Zone": "ap-guangzhou-3"}, ImageId="img-eb30mz89",
                         InstanceCount=3, DisasterRecoverGroupIds=[group_id])
    assert error.code == "ResourceInsufficient.DisasterRecoverGroupCvmQuota" and snapshot(cloud) == before
    assert call_refused(cvm, "DeleteDisasterRecoverGroups",
                        DisasterRecoverGroupIds=[group_id]).code == "FailedOperation.PlacementSetNotEmpty"
    sdk.call(cvm, "TerminateInstances", InstanceIds=ids)
    settled(cvm, ids)
    sdk.call(cvm, "DeleteDisasterRecoverGroups", DisasterRecoverGroupIds=[group_id])
    assert sdk.call(cvm, "DescribeDisasterRecoverGroups").TotalCount == 0


def test_move_and_remove_instances(cvm: Any) -> None:
    first, second = _group(cvm, "a"), _group(cvm, "b")
    (instance_id,) = launch(cvm)
    sdk.call(cvm, "ModifyInstancesDisasterRecoverGroup", InstanceIds=[instance_id], DisasterRecoverGroupIds=[first])
    assert describe(cvm, [instance_id])[0].DisasterRecoverGroupIds == [first]
    assert call_refused(cvm, "ModifyInstancesDisasterRecoverGroup", InstanceIds=[instance_id],
                        DisasterRecoverGroupIds=[second]).code == "FailedOperation.AlreadyInDisasterRecoverGroup"
    sdk.call(cvm, "ModifyInstancesDisasterRecoverGroup", InstanceIds=[instance_id], DisasterRecoverGroupIds=[second],
             Force=True)
    groups = {g.DisasterRecoverGroupId: g.InstanceIds for g in
              sdk.call(cvm, "DescribeDisasterRecoverGroups").DisasterRecoverGroupSet}
    assert groups == {first: [], second: [instance_id]}
    assert call_refused(cvm, "DeleteInstancesDisasterRecoverGroups", InstanceIds=[instance_id],
                        DisasterRecoverGroupIds=[first]).code == "FailedOperation.DisasterRecoverGroupNotMatch"
    sdk.call(cvm, "DeleteInstancesDisasterRecoverGroups", InstanceIds=[instance_id], DisasterRecoverGroupIds=[second])
    assert describe(cvm, [instance_id])[0].DisasterRecoverGroupIds == []


@pytest.mark.parametrize(
    ("params", "code"),
    [({"Type": "ROOM"}, "InvalidParameterValue"), ({"Name": ""}, "InvalidParameterValue"),
     ({"Affinity": 11}, "InvalidParameterValue.Range"),
     ({"Strategy": "PARTITION", "PartitionCount": 1}, "InvalidParameterValue.Range")],
)
def test_create_refusals(cloud: Cloud, cvm: Any, params: dict[str, Any], code: str) -> None:
    request = {"Name": "g", "Type": "HOST", **params}
    assert call_refused(cvm, "CreateDisasterRecoverGroup", **request).code == code
    assert len(cloud.world.placements.groups) == 0


def test_quota_and_unknown_ids(cvm: Any) -> None:
    for n in range(10):
        _group(cvm, f"g{n}")
    assert call_refused(cvm, "CreateDisasterRecoverGroup", Name="one-more",
                        Type="HOST").code == "LimitExceeded.DisasterRecoverGroup"
    assert call_refused(cvm, "DescribeDisasterRecoverGroups", DisasterRecoverGroupIds=["ps-1"]).code == (
        "InvalidParameterValue.DisasterRecoverGroupIdMalformed")
    assert call_refused(cvm, "DeleteDisasterRecoverGroups", DisasterRecoverGroupIds=["ps-zzzzzzzz"]).code == (
        "FailedOperation.DisasterRecoverGroupNotFound")


def test_client_token_makes_create_idempotent(cvm: Any) -> None:
    first = _group(cvm, ClientToken="once")
    assert _group(cvm, ClientToken="once") == first
    assert sdk.call(cvm, "DescribeDisasterRecoverGroups").TotalCount == 1


def test_placement_groups_async() -> None:
    async def main() -> Any:
        client = sdk.client("cvm", asynchronous=True)
        await sdk.call(client, "CreateDisasterRecoverGroup", Name="async", Type="HOST")
        return await sdk.call(client, "DescribeDisasterRecoverGroups")

    with mock_cvm():
        assert asyncio.run(main()).DisasterRecoverGroupSet[0].Name == "async"
