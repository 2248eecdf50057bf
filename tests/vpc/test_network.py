"""VPCs and subnets through the real SDK: the default network, create/describe/modify/delete, RunInstances'
placement and private IPs, and every refusal."""

from __future__ import annotations

import asyncio
import ipaddress
from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.release.helpers import OTHER_ZONE, ZONE, api, assert_shape, instance, refused, run_instances

REGION = "ap-guangzhou"


@pytest.fixture
def vpc(cloud: Cloud) -> Any:
    return sdk.client("vpc")


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def make_vpc(vpc: Any, cidr: str = "10.0.0.0/16", name: str = "app", **params: Any) -> str:
    return api(vpc, "CreateVpc", VpcName=name, CidrBlock=cidr, **params)["Vpc"]["VpcId"]  # type: ignore[no-any-return]


def make_subnet(vpc: Any, vpc_id: str, cidr: str = "10.0.1.0/24", zone: str = ZONE, name: str = "web") -> str:
    answer = api(vpc, "CreateSubnet", VpcId=vpc_id, SubnetName=name, CidrBlock=cidr, Zone=zone)
    return answer["Subnet"]["SubnetId"]  # type: ignore[no-any-return]


def subnet(vpc: Any, subnet_id: str) -> dict[str, Any]:
    [found] = api(vpc, "DescribeSubnets", SubnetIds=[subnet_id])["SubnetSet"]
    return found  # type: ignore[no-any-return]


def test_a_new_account_has_a_default_vpc_and_a_default_subnet_per_zone(vpc: Any, cvm: Any) -> None:
    vpcs = api(vpc, "DescribeVpcs")["VpcSet"]
    assert len(vpcs) == 1 and vpcs[0]["IsDefault"] is True and vpcs[0]["CidrBlock"] == "172.16.0.0/12"
    assert_shape("vpc", "Vpc", vpcs[0])
    subnets = api(vpc, "DescribeSubnets", Limit="100")["SubnetSet"]
    zones = [z["Zone"] for z in api(cvm, "DescribeZones")["ZoneSet"]]
    assert [s["Zone"] for s in subnets] == zones
    assert all(s["IsDefault"] and s["VpcId"] == vpcs[0]["VpcId"] for s in subnets)
    blocks = [ipaddress.ip_network(s["CidrBlock"]) for s in subnets]
    assert all(b.subnet_of(ipaddress.ip_network("172.16.0.0/12")) for b in blocks)
    assert len(set(blocks)) == len(blocks)
    # listing again shows the same network: it is made once
    assert api(vpc, "DescribeVpcs")["VpcSet"] == vpcs


def test_run_instances_without_a_network_uses_the_default_subnet_of_its_zone(vpc: Any, cvm: Any) -> None:
    [a] = run_instances(cvm)
    [b] = run_instances(cvm, VirtualPrivateCloud={"VpcId": "DEFAULT", "SubnetId": "DEFAULT"})
    [c] = run_instances(cvm, Placement={"Zone": OTHER_ZONE})
    default = api(vpc, "DescribeSubnets", Filters=[{"Name": "is-default", "Values": ["true"]},
                                                   {"Name": "zone", "Values": [ZONE]}])["SubnetSet"][0]
    for ins in (a, b):
        network = instance(cvm, ins)["VirtualPrivateCloud"]
        assert network["SubnetId"] == default["SubnetId"] and network["VpcId"] == default["VpcId"]
    assert instance(cvm, c)["VirtualPrivateCloud"]["SubnetId"] != default["SubnetId"]
    ips = [instance(cvm, i)["PrivateIpAddresses"][0] for i in (a, b)]
    assert len(set(ips)) == 2
    assert all(ipaddress.ip_address(ip) in ipaddress.ip_network(default["CidrBlock"]) for ip in ips)
    assert default["AvailableIpAddressCount"] == default["TotalIpAddressCount"] - 2


def test_private_ips_come_from_the_subnet_and_are_counted(vpc: Any, cvm: Any) -> None:
    vpc_id = make_vpc(vpc)
    subnet_id = make_subnet(vpc, vpc_id, "10.0.1.0/28")
    made = subnet(vpc, subnet_id)
    assert_shape("vpc", "Subnet", made)
    assert made["TotalIpAddressCount"] == 13 and made["AvailableIpAddressCount"] == 13
    ids = run_instances(cvm, 3, VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id})
    ips = [instance(cvm, i)["PrivateIpAddresses"][0] for i in ids]
    assert ips == ["10.0.1.2", "10.0.1.3", "10.0.1.4"]
    assert subnet(vpc, subnet_id)["AvailableIpAddressCount"] == 10
    [chosen] = run_instances(cvm, VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id,
                                                       "PrivateIpAddresses": ["10.0.1.9"]})
    assert instance(cvm, chosen)["PrivateIpAddresses"] == ["10.0.1.9"]


def test_a_full_subnet_refuses_more_instances(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    vpc_id = make_vpc(vpc)
    subnet_id = make_subnet(vpc, vpc_id, "10.0.1.0/29")  # 5 usable addresses
    network = {"VpcId": vpc_id, "SubnetId": subnet_id}
    run_instances(cvm, 5, VirtualPrivateCloud=network)
    refused(cloud, cvm, "RunInstances", "FailedOperation.NoAvailableIpAddressCountInSubnet",
            Placement={"Zone": ZONE}, ImageId="img-eb30mz89", VirtualPrivateCloud=network)


def test_run_instances_refuses_a_bad_network(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    vpc_id = make_vpc(vpc)
    subnet_id = make_subnet(vpc, vpc_id)
    other_vpc = make_vpc(vpc, "10.1.0.0/16", "other")
    other_zone = make_subnet(vpc, vpc_id, "10.0.2.0/24", OTHER_ZONE)
    run_instances(cvm, VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id,
                                            "PrivateIpAddresses": ["10.0.1.7"]})
    cases = [
        ({"VpcId": "vpc-00000000", "SubnetId": subnet_id}, "InvalidParameterValue.VpcIdNotExist"),
        ({"VpcId": vpc_id, "SubnetId": "subnet-00000000"}, "InvalidParameterValue.SubnetNotExist"),
        ({"VpcId": "vpc-x", "SubnetId": subnet_id}, "InvalidParameterValue.VpcIdMalformed"),
        ({"VpcId": vpc_id, "SubnetId": "subnet"}, "InvalidParameterValue.SubnetIdMalformed"),
        ({"VpcId": other_vpc, "SubnetId": subnet_id}, "InvalidParameterValue.VpcIdSubnetIdNotMatch"),
        ({"VpcId": vpc_id, "SubnetId": other_zone}, "InvalidParameterValue.SubnetIdZoneIdNotMatch"),
        ({"VpcId": "DEFAULT", "SubnetId": subnet_id}, "InvalidParameterValue.VpcIdSubnetIdNotMatch"),
        ({"VpcId": vpc_id, "SubnetId": subnet_id, "PrivateIpAddresses": ["10.0.9.9"]}, "VpcAddrNotInSubNet"),
        ({"VpcId": vpc_id, "SubnetId": subnet_id, "PrivateIpAddresses": ["10.0.1.255"]}, "VpcAddrNotInSubNet"),
        ({"VpcId": vpc_id, "SubnetId": subnet_id, "PrivateIpAddresses": ["10.0.1.7"]}, "VpcIpIsUsed"),
    ]
    for network, code in cases:
        refused(cloud, cvm, "RunInstances", code, Placement={"Zone": ZONE}, ImageId="img-eb30mz89",
                VirtualPrivateCloud=network)


def test_a_refused_launch_into_the_default_network_makes_nothing(cloud: Cloud, cvm: Any) -> None:
    cloud.world.billing.balance(cloud.default_account)  # the account's billing record is made when first read
    refused(cloud, cvm, "RunInstances", "InvalidImageId.Malformed", Placement={"Zone": ZONE}, ImageId="bad")
    refused(cloud, cvm, "RunInstances", "DryRunOperation", Placement={"Zone": ZONE}, ImageId="img-eb30mz89",
            DryRun=True)


def test_create_describe_modify_and_delete(vpc: Any) -> None:
    vpc_id = make_vpc(vpc, Tags=[{"Key": "team", "Value": "a"}], EnableMulticast="true")
    [shown] = api(vpc, "DescribeVpcs", VpcIds=[vpc_id])["VpcSet"]
    assert shown["VpcName"] == "app" and shown["IsDefault"] is False and shown["EnableMulticast"] is True
    assert shown["TagSet"] == [{"Key": "team", "Value": "a"}] and shown["CreatedTime"].endswith("Z")
    api(vpc, "ModifyVpcAttribute", VpcId=vpc_id, VpcName="renamed", DnsServers=["1.1.1.1"])
    [shown] = api(vpc, "DescribeVpcs", Filters=[{"Name": "vpc-name", "Values": ["renamed"]}])["VpcSet"]
    assert shown["VpcId"] == vpc_id and shown["DnsServerSet"] == ["1.1.1.1"]
    made = api(vpc, "CreateSubnets", VpcId=vpc_id, Subnets=[
        {"SubnetName": "a", "CidrBlock": "10.0.1.0/24", "Zone": ZONE},
        {"SubnetName": "b", "CidrBlock": "10.0.2.0/24", "Zone": OTHER_ZONE}])["SubnetSet"]
    assert [s["SubnetName"] for s in made] == ["a", "b"]
    listed = api(vpc, "DescribeSubnets", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SubnetSet"]
    assert [s["SubnetId"] for s in listed] == [s["SubnetId"] for s in made]
    api(vpc, "ModifySubnetAttribute", SubnetId=made[0]["SubnetId"], SubnetName="a2")
    assert subnet(vpc, made[0]["SubnetId"])["SubnetName"] == "a2"
    api(vpc, "DeleteSubnet", SubnetId=made[0]["SubnetId"])
    assert api(vpc, "DescribeSubnets", SubnetIds=[made[0]["SubnetId"]])["TotalCount"] == 0
    api(vpc, "DeleteVpc", VpcId=vpc_id)  # its empty subnets go with it
    assert api(vpc, "DescribeVpcs", VpcIds=[vpc_id])["TotalCount"] == 0
    assert api(vpc, "DescribeSubnets", SubnetIds=[made[1]["SubnetId"]])["TotalCount"] == 0


def test_a_vpc_or_subnet_holding_instances_cannot_be_deleted(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    vpc_id = make_vpc(vpc)
    subnet_id = make_subnet(vpc, vpc_id)
    [ins] = run_instances(cvm, VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id})
    refused(cloud, vpc, "DeleteSubnet", "ResourceInUse", SubnetId=subnet_id)
    refused(cloud, vpc, "DeleteVpc", "ResourceInUse", VpcId=vpc_id)
    api(cvm, "TerminateInstances", InstanceIds=[ins])
    api(cvm, "DescribeInstances", InstanceIds=[ins])
    assert subnet(vpc, subnet_id)["AvailableIpAddressCount"] == 253
    api(vpc, "DeleteSubnet", SubnetId=subnet_id)
    api(vpc, "DeleteVpc", VpcId=vpc_id)


def test_bad_vpc_and_subnet_requests_are_refused(cloud: Cloud, vpc: Any) -> None:
    vpc_id = make_vpc(vpc)
    make_subnet(vpc, vpc_id)
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("CreateVpc", "InvalidParameterValue.Malformed", {"VpcName": "x", "CidrBlock": "10.0.0.1/16"}),
        ("CreateVpc", "InvalidParameterValue.Malformed", {"VpcName": "x", "CidrBlock": "ten"}),
        ("CreateVpc", "InvalidParameterValue.Range", {"VpcName": "x", "CidrBlock": "8.8.0.0/16"}),
        ("CreateVpc", "InvalidParameterValue.Range", {"VpcName": "x", "CidrBlock": "10.0.0.0/8"}),
        ("CreateVpc", "InvalidParameterValue.Range", {"VpcName": "", "CidrBlock": "10.0.0.0/16"}),
        ("CreateVpc", "MissingParameter", {"VpcName": "x"}),
        ("CreateSubnet", "InvalidParameterValue.SubnetRange",
         {"VpcId": vpc_id, "SubnetName": "s", "CidrBlock": "10.9.0.0/24", "Zone": ZONE}),
        ("CreateSubnet", "InvalidParameterValue.SubnetOverlap",
         {"VpcId": vpc_id, "SubnetName": "s", "CidrBlock": "10.0.1.128/25", "Zone": ZONE}),
        ("CreateSubnet", "InvalidParameterValue.UnavailableZone",
         {"VpcId": vpc_id, "SubnetName": "s", "CidrBlock": "10.0.5.0/24", "Zone": "ap-shanghai-2"}),
        ("CreateSubnet", "ResourceNotFound",
         {"VpcId": "vpc-00000000", "SubnetName": "s", "CidrBlock": "10.0.5.0/24", "Zone": ZONE}),
        ("CreateSubnet", "InvalidVpcId.Malformed",
         {"VpcId": "vpc", "SubnetName": "s", "CidrBlock": "10.0.5.0/24", "Zone": ZONE}),
        ("CreateSubnets", "InvalidParameterValue.SubnetOverlap",
         {"VpcId": vpc_id, "Subnets": [{"SubnetName": "a", "CidrBlock": "10.0.5.0/24", "Zone": ZONE},
                                       {"SubnetName": "b", "CidrBlock": "10.0.5.0/25", "Zone": ZONE}]}),
        ("DeleteVpc", "ResourceNotFound", {"VpcId": "vpc-00000000"}),
        ("DeleteSubnet", "ResourceNotFound", {"SubnetId": "subnet-00000000"}),
        ("ModifyVpcAttribute", "InvalidParameterValue.Malformed", {"VpcId": vpc_id, "DnsServers": ["x"]}),
        ("DescribeVpcs", "InvalidParameter.FilterInvalidKey", {"Filters": [{"Name": "colour", "Values": ["x"]}]}),
        ("DescribeSubnets", "InvalidParameterValue.Range", {"Limit": "101"}),
    ]
    for action, code, params in cases:
        refused(cloud, vpc, action, code, **params)


def test_the_vpc_quota_is_twenty_per_region(cloud: Cloud, vpc: Any) -> None:
    for n in range(19):  # and the default VPC
        make_vpc(vpc, f"10.{n}.0.0/16", f"v{n}")
    refused(cloud, vpc, "CreateVpc", "VpcLimitExceeded", VpcName="x", CidrBlock="10.99.0.0/16")


def test_a_refused_describe_makes_no_default_network(cloud: Cloud, vpc: Any) -> None:
    refused(cloud, vpc, "DescribeVpcs", "InvalidParameter.FilterInvalidKey",
            Filters=[{"Name": "colour", "Values": ["x"]}])


def test_seeded_instances_live_in_the_default_subnet(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    ids = cloud.seed_instances(3)
    default = api(vpc, "DescribeSubnets", Filters=[{"Name": "is-default", "Values": ["true"]}])["SubnetSet"][0]
    assert default["AvailableIpAddressCount"] == default["TotalIpAddressCount"] - 3
    assert {instance(cvm, i)["VirtualPrivateCloud"]["SubnetId"] for i in ids} == {default["SubnetId"]}


def test_vpcs_and_subnets_are_tag_resources(cloud: Cloud, vpc: Any) -> None:
    vpc_id = make_vpc(vpc, Tags=[{"Key": "team", "Value": "a"}])
    uin = cloud.default_account
    tag = sdk.client("tag")
    found = api(tag, "GetResources", TagFilters=[{"TagKey": "team"}])["ResourceTagMappingList"]
    assert [r["Resource"] for r in found] == [f"qcs::vpc:{REGION}:uin/{uin}:vpc/{vpc_id}"]
    subnet_id = make_subnet(vpc, vpc_id)
    name = f"qcs::vpc:{REGION}:uin/{uin}:subnet/{subnet_id}"
    api(tag, "TagResources", ResourceList=[name], Tags=[{"TagKey": "tier", "TagValue": "web"}])
    assert subnet(vpc, subnet_id)["TagSet"] == [{"Key": "tier", "Value": "web"}]
    assert api(vpc, "DescribeSubnets", Filters=[{"Name": "tag:tier", "Values": ["web"]}])["TotalCount"] == 1


def test_async_client_creates_and_lists_vpcs(cloud: Cloud) -> None:
    async def scenario() -> tuple[str, list[str]]:
        client = sdk.client("vpc", asynchronous=True)
        made = await client.CreateVpc(sdk.request("vpc", "CreateVpc", VpcName="a", CidrBlock="192.168.0.0/16"))
        listed = await client.DescribeVpcs(sdk.request("vpc", "DescribeVpcs"))
        return made.Vpc.VpcId, [v.VpcId for v in listed.VpcSet]

    vpc_id, listed = asyncio.run(scenario())
    assert len(listed) == 2 and listed[1] == vpc_id
