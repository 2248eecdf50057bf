"""Security groups and rules through the real SDK, the default group, RunInstances' SecurityGroupIds and cvm
AssociateSecurityGroups / DisassociateSecurityGroups."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.release.helpers import ZONE, api, assert_shape, instance, refused, run_instances

SSH = {"Protocol": "TCP", "Port": "22", "CidrBlock": "10.0.0.0/8", "Action": "ACCEPT"}
WEB = {"Protocol": "tcp", "Port": "80,443", "CidrBlock": "0.0.0.0/0", "Action": "accept"}
PING = {"Protocol": "ICMP", "CidrBlock": "0.0.0.0/0", "Action": "DROP"}


@pytest.fixture
def vpc(cloud: Cloud) -> Any:
    return sdk.client("vpc")


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def make_group(vpc: Any, name: str = "web", **params: Any) -> str:
    answer = api(vpc, "CreateSecurityGroup", GroupName=name, GroupDescription="for " + name, **params)
    return answer["SecurityGroup"]["SecurityGroupId"]  # type: ignore[no-any-return]


def rules(vpc: Any, group_id: str) -> dict[str, Any]:
    return api(vpc, "DescribeSecurityGroupPolicies", SecurityGroupId=group_id)["SecurityGroupPolicySet"]  # type: ignore


def brief(rule_set: list[dict[str, Any]]) -> list[tuple[int, str, str, str]]:
    return [(r["PolicyIndex"], r["Protocol"], r["Port"], r["Action"]) for r in rule_set]


def test_the_default_group_exists_and_instances_launch_into_it(vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    [group] = api(vpc, "DescribeSecurityGroups")["SecurityGroupSet"]
    assert_shape("vpc", "SecurityGroup", group)
    assert group["IsDefault"] is True and group["SecurityGroupName"] == "default"
    assert instance(cvm, ins)["SecurityGroupIds"] == [group["SecurityGroupId"]]
    policies = rules(vpc, group["SecurityGroupId"])
    assert policies["Egress"][0]["Protocol"] == "ALL" and len(policies["Ingress"]) > 1


def test_create_describe_modify_and_delete(vpc: Any) -> None:
    group_id = make_group(vpc, ProjectId="3", Tags=[{"Key": "team", "Value": "a"}])
    [shown] = api(vpc, "DescribeSecurityGroups", SecurityGroupIds=[group_id])["SecurityGroupSet"]
    assert shown["SecurityGroupName"] == "web" and shown["SecurityGroupDesc"] == "for web"
    assert shown["ProjectId"] == "3" and shown["IsDefault"] is False
    assert shown["TagSet"] == [{"Key": "team", "Value": "a"}]
    api(vpc, "ModifySecurityGroupAttribute", SecurityGroupId=group_id, GroupName="api")
    found = api(vpc, "DescribeSecurityGroups", Filters=[{"Name": "security-group-name", "Values": ["api"]}])
    assert [g["SecurityGroupId"] for g in found["SecurityGroupSet"]] == [group_id]
    assert api(vpc, "DescribeSecurityGroups", Filters=[{"Name": "project-id", "Values": ["3"]}])["TotalCount"] == 1
    everything = api(vpc, "DescribeSecurityGroups", OrderDirection="DESC")["SecurityGroupSet"]
    assert everything[0]["SecurityGroupId"] == group_id and everything[-1]["IsDefault"]
    api(vpc, "DeleteSecurityGroup", SecurityGroupId=group_id)
    assert api(vpc, "DescribeSecurityGroups", SecurityGroupIds=[group_id])["TotalCount"] == 0


def test_rules_are_created_inserted_replaced_and_deleted(vpc: Any) -> None:
    group_id = make_group(vpc)
    api(vpc, "CreateSecurityGroupPolicies", SecurityGroupId=group_id, SecurityGroupPolicySet={"Ingress": [SSH, WEB]})
    api(vpc, "CreateSecurityGroupPolicies", SecurityGroupId=group_id,
        SecurityGroupPolicySet={"Ingress": [{**PING, "PolicyIndex": 0}]})
    got = rules(vpc, group_id)
    assert brief(got["Ingress"]) == [(0, "ICMP", "ALL", "DROP"), (1, "TCP", "22", "ACCEPT"),
                                     (2, "TCP", "80,443", "ACCEPT")]
    assert got["Egress"] == [] and got["Version"] == "2"
    api(vpc, "ReplaceSecurityGroupPolicies", SecurityGroupId=group_id,
        SecurityGroupPolicySet={"Ingress": [{**SSH, "Port": "2222", "PolicyIndex": 1}]})
    api(vpc, "DeleteSecurityGroupPolicies", SecurityGroupId=group_id,
        SecurityGroupPolicySet={"Ingress": [{"PolicyIndex": 0}]})
    api(vpc, "DeleteSecurityGroupPolicies", SecurityGroupId=group_id, SecurityGroupPolicySet={"Ingress": [WEB]})
    got = rules(vpc, group_id)
    assert brief(got["Ingress"]) == [(0, "TCP", "2222", "ACCEPT")] and got["Version"] == "5"
    api(vpc, "ModifySecurityGroupPolicies", SecurityGroupId=group_id,
        SecurityGroupPolicySet={"Egress": [{"Protocol": "ALL", "CidrBlock": "0.0.0.0/0", "Action": "ACCEPT"}]})
    got = rules(vpc, group_id)
    assert got["Ingress"] == [] and brief(got["Egress"]) == [(0, "ALL", "ALL", "ACCEPT")]
    filtered = api(vpc, "DescribeSecurityGroupPolicies", SecurityGroupId=group_id,
                   Filters=[{"Name": "Direction", "Values": ["INGRESS"]}])["SecurityGroupPolicySet"]
    assert filtered["Egress"] == []


def test_a_group_created_with_policies_has_them(vpc: Any) -> None:
    other = make_group(vpc, "peers")
    answer = api(vpc, "CreateSecurityGroupWithPolicies", GroupName="db", GroupDescription="",
                 SecurityGroupPolicySet={"Ingress": [{"Protocol": "TCP", "Port": "3306",
                                                      "SecurityGroupId": other, "Action": "ACCEPT"}]})
    got = rules(vpc, answer["SecurityGroup"]["SecurityGroupId"])
    assert got["Ingress"][0]["SecurityGroupId"] == other and got["Ingress"][0]["CidrBlock"] == ""


def test_bad_rules_and_groups_are_refused(cloud: Cloud, vpc: Any) -> None:
    group_id = make_group(vpc)
    api(vpc, "CreateSecurityGroupPolicies", SecurityGroupId=group_id, SecurityGroupPolicySet={"Ingress": [SSH]})

    def ingress(**rule: Any) -> dict[str, Any]:
        return {"SecurityGroupId": group_id, "SecurityGroupPolicySet": {"Ingress": [{**SSH, **rule}]}}

    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("CreateSecurityGroupPolicies", "InvalidParameterValue.Malformed", ingress(Protocol="SCTP")),
        ("CreateSecurityGroupPolicies", "InvalidParameterValue.Malformed", ingress(Port="70000")),
        ("CreateSecurityGroupPolicies", "InvalidParameterValue.Malformed", ingress(Port="90-80")),
        ("CreateSecurityGroupPolicies", "InvalidParameterValue.Malformed", ingress(Protocol="ICMP", Port="22")),
        ("CreateSecurityGroupPolicies", "InvalidParameterValue.Malformed", ingress(Action="ALLOW")),
        ("CreateSecurityGroupPolicies", "InvalidParameterValue.Malformed", ingress(CidrBlock="10.0.0.1/8")),
        ("CreateSecurityGroupPolicies", "InvalidParameter.Coexist", ingress(SecurityGroupId=group_id)),
        ("CreateSecurityGroupPolicies", "InvalidSecurityGroupID.NotFound",
         ingress(CidrBlock=None, SecurityGroupId="sg-00000000")),
        ("CreateSecurityGroupPolicies", "UnsupportedOperation.DuplicatePolicy", ingress()),
        ("CreateSecurityGroupPolicies", "InvalidParameter.Coexist",
         {"SecurityGroupId": group_id, "SecurityGroupPolicySet": {"Ingress": [WEB], "Egress": [WEB]}}),
        ("CreateSecurityGroupPolicies", "InvalidParameterValue",
         {"SecurityGroupId": group_id, "SecurityGroupPolicySet": {"Version": "0", "Ingress": [WEB]}}),
        ("CreateSecurityGroupPolicies", "InvalidParameterValue.Range",
         {"SecurityGroupId": group_id, "SecurityGroupPolicySet": {"Ingress": [{**WEB, "PolicyIndex": 5}]}}),
        ("DeleteSecurityGroupPolicies", "InvalidParameterValue.Range",
         {"SecurityGroupId": group_id, "SecurityGroupPolicySet": {"Ingress": [{"PolicyIndex": 3}]}}),
        ("DeleteSecurityGroupPolicies", "ResourceNotFound",
         {"SecurityGroupId": group_id, "SecurityGroupPolicySet": {"Ingress": [WEB]}}),
        ("DescribeSecurityGroupPolicies", "InvalidSecurityGroupID.NotFound", {"SecurityGroupId": "sg-00000000"}),
        ("DescribeSecurityGroupPolicies", "InvalidSecurityGroupID.Malformed", {"SecurityGroupId": "sg-1"}),
        ("CreateSecurityGroup", "InvalidParameterValue.Range", {"GroupName": "", "GroupDescription": ""}),
        ("DeleteSecurityGroup", "InvalidSecurityGroupID.NotFound", {"SecurityGroupId": "sg-00000000"}),
        ("DescribeSecurityGroups", "InvalidParameter.FilterInvalidKey", {"Filters": [{"Name": "x", "Values": ["1"]}]}),
    ]
    for action, code, params in cases:
        refused(cloud, vpc, action, code, **params)


def test_a_group_in_use_cannot_be_deleted(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    group_id = make_group(vpc)
    referrer = make_group(vpc, "referrer")
    [ins] = run_instances(cvm, SecurityGroupIds=[group_id])
    assert instance(cvm, ins)["SecurityGroupIds"] == [group_id]
    refused(cloud, vpc, "DeleteSecurityGroup", "ResourceInUse", SecurityGroupId=group_id)
    api(cvm, "AssociateSecurityGroups", InstanceIds=[ins], SecurityGroupIds=[referrer])
    api(cvm, "DisassociateSecurityGroups", InstanceIds=[ins], SecurityGroupIds=[group_id])
    assert instance(cvm, ins)["SecurityGroupIds"] == [referrer]
    api(vpc, "CreateSecurityGroupPolicies", SecurityGroupId=referrer, SecurityGroupPolicySet={
        "Ingress": [{"Protocol": "ALL", "SecurityGroupId": group_id, "Action": "ACCEPT"}]})
    refused(cloud, vpc, "DeleteSecurityGroup", "ResourceInUse", SecurityGroupId=group_id)
    api(vpc, "ModifySecurityGroupPolicies", SecurityGroupId=referrer, SecurityGroupPolicySet={})
    api(vpc, "DeleteSecurityGroup", SecurityGroupId=group_id)


def test_run_instances_and_associate_check_the_groups(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    groups = [make_group(vpc, f"g{n}") for n in range(6)]
    launch = {"Placement": {"Zone": ZONE}, "ImageId": "img-eb30mz89"}
    refused(cloud, cvm, "RunInstances", "InvalidSecurityGroupId.NotFound", SecurityGroupIds=["sg-00000000"], **launch)
    refused(cloud, cvm, "RunInstances", "InvalidSgId.Malformed", SecurityGroupIds=["sg-1"], **launch)
    refused(cloud, cvm, "RunInstances", "LimitExceeded.AssociateUSGLimitExceeded", SecurityGroupIds=groups, **launch)
    [ins] = run_instances(cvm, SecurityGroupIds=groups[:4])
    refused(cloud, cvm, "AssociateSecurityGroups", "LimitExceeded.AssociateUSGLimitExceeded",
            InstanceIds=[ins], SecurityGroupIds=groups[4:])
    refused(cloud, cvm, "AssociateSecurityGroups", "InvalidSecurityGroupId.NotFound",
            InstanceIds=[ins], SecurityGroupIds=["sg-00000000"])
    refused(cloud, cvm, "AssociateSecurityGroups", "InvalidInstanceId.NotFound",
            InstanceIds=["ins-00000000"], SecurityGroupIds=groups[4:5])
    refused(cloud, cvm, "DisassociateSecurityGroups", "FailedOperation.SecurityGroupActionFailed",
            InstanceIds=[ins], SecurityGroupIds=groups[5:])
    api(cvm, "AssociateSecurityGroups", InstanceIds=[ins], SecurityGroupIds=[groups[0], groups[4]])
    assert instance(cvm, ins)["SecurityGroupIds"] == groups[:5]
    found = api(cvm, "DescribeInstances", Filters=[{"Name": "security-group-id", "Values": [groups[4]]}])
    assert [i["InstanceId"] for i in found["InstanceSet"]] == [ins]


def test_security_groups_are_tag_resources(cloud: Cloud, vpc: Any) -> None:
    group_id = make_group(vpc, Tags=[{"Key": "team", "Value": "a"}])
    found = api(sdk.client("tag"), "GetResources", TagFilters=[{"TagKey": "team"}])["ResourceTagMappingList"]
    uin = cloud.default_account
    assert [r["Resource"] for r in found] == [f"qcs::cvm:ap-guangzhou:uin/{uin}:sg/{group_id}"]


def test_async_client_associates_groups(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    group_id = make_group(vpc)
    [ins] = run_instances(cvm)

    async def scenario() -> list[str]:
        client = sdk.client("cvm", asynchronous=True)
        await client.AssociateSecurityGroups(sdk.request("cvm", "AssociateSecurityGroups", InstanceIds=[ins],
                                                         SecurityGroupIds=[group_id]))
        answer = await client.DescribeInstances(sdk.request("cvm", "DescribeInstances", InstanceIds=[ins]))
        return list(answer.InstanceSet[0].SecurityGroupIds)

    assert asyncio.run(scenario())[-1] == group_id
