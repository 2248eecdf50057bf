"""DescribeInstances and DescribeInstancesStatus: the Instance shape, ids, filters, paging and their limits."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.cvm.helpers import call_refused, describe, launch, settled
from tests.shape import assert_shape


def test_every_always_returned_member_is_present_with_its_type(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    launch(cvm, DataDisks=[{"DiskSize": 100}], TagSpecification=[
        {"ResourceType": "instance", "Tags": [{"Key": "k", "Value": "v"}]}])
    launch(cvm, InstanceChargeType="PREPAID", InstanceChargePrepaid={"Period": 1},
           InternetAccessible={"PublicIpAssigned": True, "InternetMaxBandwidthOut": 1})
    cloud.seed_instances(1, state="STOPPED")
    response = sdk.call(cvm, "DescribeInstances")
    body = json.loads(response.to_json_string())
    assert body["TotalCount"] == 3
    for n, instance in enumerate(body["InstanceSet"]):
        assert_shape("cvm", "Instance", instance, f"InstanceSet[{n}]")
    prepaid = response.InstanceSet[1]
    assert prepaid.RenewFlag == "NOTIFY_AND_MANUAL_RENEW"
    assert datetime.strptime(prepaid.ExpiredTime, "%Y-%m-%dT%H:%M:%SZ")
    assert datetime.strptime(prepaid.CreatedTime, "%Y-%m-%dT%H:%M:%SZ")


def test_unknown_or_released_ids_are_simply_absent(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = launch(cvm, 2)
    response = sdk.call(cvm, "DescribeInstances", InstanceIds=[ids[0], "ins-00000000"])
    assert response.TotalCount == 1 and [i.InstanceId for i in response.InstanceSet] == [ids[0]]
    empty = sdk.call(cvm, "DescribeInstances", InstanceIds=["ins-00000000"])
    assert empty.TotalCount == 0 and empty.InstanceSet == []


def test_ids_come_back_in_the_order_asked(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = launch(cvm, 3)
    assert [i.InstanceId for i in describe(cvm, ids[::-1])] == ids[::-1]


def test_paging_with_offset_and_limit(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    ids = cloud.seed_instances(45)
    first = sdk.call(cvm, "DescribeInstances")
    assert first.TotalCount == 45 and [i.InstanceId for i in first.InstanceSet] == ids[:20]
    last = sdk.call(cvm, "DescribeInstances", Offset=40, Limit=100)
    assert [i.InstanceId for i in last.InstanceSet] == ids[40:]
    beyond = sdk.call(cvm, "DescribeInstances", Offset=100)
    assert beyond.TotalCount == 45 and beyond.InstanceSet == []
    status = sdk.call(cvm, "DescribeInstancesStatus", Offset=10, Limit=5)
    assert status.TotalCount == 45
    assert [(s.InstanceId, s.InstanceState) for s in status.InstanceStatusSet] == [(i, "RUNNING") for i in ids[10:15]]


def _filtered(cvm: Any, name: str, *values: str) -> list[str]:
    response = sdk.call(cvm, "DescribeInstances", Filters=[{"Name": name, "Values": list(values)}], Limit=100)
    assert response.TotalCount == len(response.InstanceSet)
    return [i.InstanceId for i in response.InstanceSet]


def test_every_documented_filter(cloud: Cloud) -> None:
    cvm, vpc = sdk.client("cvm"), sdk.client("vpc")
    vpc_id = sdk.call(vpc, "CreateVpc", VpcName="other", CidrBlock="10.8.0.0/16").Vpc.VpcId
    subnet_id = sdk.call(vpc, "CreateSubnet", VpcId=vpc_id, SubnetName="other", CidrBlock="10.8.1.0/24",
                         Zone="ap-guangzhou-3").Subnet.SubnetId
    group_id = sdk.call(vpc, "CreateSecurityGroup", GroupName="special",
                        GroupDescription="").SecurityGroup.SecurityGroupId
    old = cloud.seed_instances(2, zone="ap-guangzhou-4", state="STOPPED", tags={"env": "prod"},
                               created_time=datetime(2025, 1, 1, tzinfo=timezone.utc), name="old")
    [web] = launch(cvm, InstanceName="web-frontend", InternetAccessible={
        "PublicIpAssigned": True, "InternetMaxBandwidthOut": 1}, TagSpecification=[
        {"ResourceType": "instance", "Tags": [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "a"}]}])
    [prepaid] = launch(cvm, InstanceChargeType="PREPAID", InstanceChargePrepaid={"Period": 1},
                       Placement={"Zone": "ap-guangzhou-3", "ProjectId": 7},
                       VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id},
                       SecurityGroupIds=[group_id])
    settled(cvm, [web, prepaid])
    shown = {i.InstanceId: i for i in describe(cvm, [web, prepaid, *old])}
    everything = set(shown)
    assert set(_filtered(cvm, "zone", "ap-guangzhou-4")) == set(old)
    assert _filtered(cvm, "project-id", "7") == [prepaid]
    assert _filtered(cvm, "vpc-id", vpc_id) == [prepaid]
    assert _filtered(cvm, "subnet-id", subnet_id) == [prepaid]
    assert _filtered(cvm, "instance-id", web, prepaid) == [web, prepaid]
    assert _filtered(cvm, "uuid", shown[web].Uuid) == [web]
    assert _filtered(cvm, "security-group-id", group_id) == [prepaid]
    assert _filtered(cvm, "instance-name", "frontend") == [web]
    assert _filtered(cvm, "instance-charge-type", "PREPAID") == [prepaid]
    assert set(_filtered(cvm, "instance-state", "STOPPED")) == set(old)
    assert set(_filtered(cvm, "instance-state", "RUNNING", "STOPPED")) == everything
    assert _filtered(cvm, "private-ip-address", shown[web].PrivateIpAddresses[0]) == [web]
    assert _filtered(cvm, "public-ip-address", shown[web].PublicIpAddresses[0]) == [web]
    assert _filtered(cvm, "ipv6-address", "::1") == []
    assert _filtered(cvm, "host-id", "host-1a2b3c4d") == []
    assert _filtered(cvm, "dedicated-cluster-id", "cluster-1a2b3c4d") == []
    assert set(_filtered(cvm, "tag-key", "env")) == {web, *old}
    assert _filtered(cvm, "tag-value", "dev") == [web]
    assert set(_filtered(cvm, "tag:env", "prod")) == set(old)
    assert _filtered(cvm, "tag:team", "a", "b") == [web]
    assert set(_filtered(cvm, "creation-start-time", "2026-01-01 00:00:00")) == {web, prepaid}
    assert set(_filtered(cvm, "creation-end-time", "2025-06-01T00:00:00Z")) == set(old)


def test_filters_combine_with_and(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    a = cloud.seed_instances(1, state="STOPPED", tags={"env": "prod"})
    cloud.seed_instances(1, state="RUNNING", tags={"env": "prod"})
    cloud.seed_instances(1, state="STOPPED")
    response = sdk.call(cvm, "DescribeInstances", Filters=[
        {"Name": "instance-state", "Values": ["STOPPED"]}, {"Name": "tag:env", "Values": ["prod"]}])
    assert [i.InstanceId for i in response.InstanceSet] == a and response.TotalCount == 1


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"Filters": [{"Name": "flavour", "Values": ["x"]}]}, "InvalidFilter"),
        ({"Filters": [{"Name": "tag:", "Values": ["x"]}]}, "InvalidFilter"),
        ({"InstanceIds": ["ins-00000000"], "Filters": [{"Name": "zone", "Values": ["ap-guangzhou-3"]}]},
         "InvalidParameter"),
        ({"InstanceIds": [f"ins-{n:08d}" for n in range(101)]}, "InvalidParameterValue.LimitExceeded"),
        ({"Filters": [{"Name": "zone", "Values": ["a"]}] * 11}, "InvalidParameterValue.LimitExceeded"),
        ({"Filters": [{"Name": "zone", "Values": ["a", "b", "c", "d", "e", "f"]}]},
         "InvalidFilterValue.LimitExceeded"),
        ({"Limit": 101}, "InvalidParameterValue.LimitExceeded"),
        ({"Limit": 0}, "InvalidParameterValue"),
        ({"Offset": -1}, "InvalidParameterValue"),
        ({"InstanceIds": ["i-12345678"]}, "InvalidInstanceId.Malformed"),
        ({"InstanceIds": ["ins-UPPER123"]}, "InvalidInstanceId.Malformed"),
        ({"Filters": [{"Name": "creation-start-time", "Values": ["yesterday"]}]},
         "InvalidParameterValue.InvalidTimeFormat"),
    ],
)
def test_bad_describe_is_refused_with_its_code(cloud: Cloud, params: dict[str, Any], code: str) -> None:
    cvm = sdk.client("cvm")
    assert call_refused(cvm, "DescribeInstances", **params).code == code


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"InstanceIds": [f"ins-{n:08d}" for n in range(101)]}, "InvalidParameterValue.LimitExceeded"),
        ({"InstanceIds": ["bogus"]}, "InvalidInstanceId.Malformed"),
        ({"Limit": 101}, "InvalidParameterValue.LimitExceeded"),
    ],
)
def test_bad_describe_status_is_refused_with_its_code(cloud: Cloud, params: dict[str, Any], code: str) -> None:
    assert call_refused(sdk.client("cvm"), "DescribeInstancesStatus", **params).code == code


def test_refusal_message_names_the_filter(cloud: Cloud) -> None:
    error = call_refused(sdk.client("cvm"), "DescribeInstances", Filters=[{"Name": "flavour", "Values": ["x"]}])
    assert "flavour" in error.message


def test_other_accounts_and_regions_are_not_listed(cloud: Cloud) -> None:
    cloud.seed_instances(3, account="200000000002")
    cloud.seed_instances(2, region="ap-shanghai")
    assert sdk.call(sdk.client("cvm"), "DescribeInstances").TotalCount == 0
    assert sdk.call(sdk.client("cvm", "ap-shanghai"), "DescribeInstances").TotalCount == 2


def test_async_describe_with_filters(cloud: Cloud) -> None:
    ids = cloud.seed_instances(3, state="STOPPED")

    async def scenario() -> Any:
        cvm = sdk.client("cvm", asynchronous=True)
        return await cvm.DescribeInstances(sdk.request(
            "cvm", "DescribeInstances", Filters=[{"Name": "instance-state", "Values": ["STOPPED"]}]))

    response = asyncio.run(scenario())
    assert [i.InstanceId for i in response.InstanceSet] == ids
