"""Network interfaces and EIPs on any private IP, through the real SDK: primary interfaces, secondary ones with
attach/detach, secondary private IPs, quotas, and every refusal."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.release.helpers import OTHER_ZONE, ZONE, api, assert_shape, instance, refused, run_instances

pytestmark = pytest.mark.cloud_options(transitions="immediate")  # BINDING/UNBINDING: test_binding_states


@pytest.fixture
def vpc(cloud: Cloud) -> Any:
    return sdk.client("vpc")


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def default_subnet(vpc: Any, zone: str = ZONE) -> dict[str, Any]:
    filters = [{"Name": "is-default", "Values": ["true"]}, {"Name": "zone", "Values": [zone]}]
    return api(vpc, "DescribeSubnets", Filters=filters)["SubnetSet"][0]  # type: ignore[no-any-return]


def make_interface(vpc: Any, zone: str = ZONE, **params: Any) -> dict[str, Any]:
    subnet = default_subnet(vpc, zone)
    answer = api(vpc, "CreateNetworkInterface", VpcId=subnet["VpcId"], SubnetId=subnet["SubnetId"],
                 NetworkInterfaceName="extra", **params)
    return answer["NetworkInterface"]  # type: ignore[no-any-return]


def interface(vpc: Any, interface_id: str) -> dict[str, Any]:
    [found] = api(vpc, "DescribeNetworkInterfaces", NetworkInterfaceIds=[interface_id])["NetworkInterfaceSet"]
    return found  # type: ignore[no-any-return]


def of_instance(vpc: Any, instance_id: str) -> list[dict[str, Any]]:
    filters = [{"Name": "attachment.instance-id", "Values": [instance_id]}]
    return api(vpc, "DescribeNetworkInterfaces", Filters=filters)["NetworkInterfaceSet"]  # type: ignore


def eip(vpc: Any, address_id: str) -> dict[str, Any]:
    [found] = api(vpc, "DescribeAddresses", AddressIds=[address_id])["AddressSet"]
    return found  # type: ignore[no-any-return]


def test_every_instance_has_a_primary_interface(vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    shown = instance(cvm, ins)
    [primary] = of_instance(vpc, ins)
    assert_shape("vpc", "NetworkInterface", primary)
    assert primary["Primary"] is True and primary["Attachment"]["InstanceId"] == ins
    assert primary["Attachment"]["DeviceIndex"] == 0 and primary["State"] == "AVAILABLE"
    assert primary["SubnetId"] == shown["VirtualPrivateCloud"]["SubnetId"]
    assert primary["GroupSet"] == shown["SecurityGroupIds"]
    assert [(a["PrivateIpAddress"], a["Primary"]) for a in primary["PrivateIpAddressSet"]] == [
        (shown["PrivateIpAddresses"][0], True)]
    filters = [{"Name": "is-primary", "Values": ["true"]}]
    assert api(vpc, "DescribeNetworkInterfaces", Filters=filters)["TotalCount"] == 1


@pytest.mark.cloud_options(transitions="default")
def test_a_secondary_interface_attaches_and_detaches_through_its_states(vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    made = make_interface(vpc, SecondaryPrivateIpAddressCount=2)
    assert made["State"] == "AVAILABLE" and made["Primary"] is False and made["Attachment"] is None
    assert len(made["PrivateIpAddressSet"]) == 3
    api(vpc, "AttachNetworkInterface", NetworkInterfaceId=made["NetworkInterfaceId"], InstanceId=ins)
    assert interface(vpc, made["NetworkInterfaceId"])["State"] == "ATTACHING"
    attached = interface(vpc, made["NetworkInterfaceId"])
    assert attached["State"] == "AVAILABLE" and attached["Attachment"]["InstanceId"] == ins
    assert attached["Attachment"]["DeviceIndex"] == 1
    assert [i["Primary"] for i in of_instance(vpc, ins)] == [True, False]
    api(vpc, "DetachNetworkInterface", NetworkInterfaceId=made["NetworkInterfaceId"], InstanceId=ins)
    assert interface(vpc, made["NetworkInterfaceId"])["State"] == "DETACHING"
    assert interface(vpc, made["NetworkInterfaceId"])["Attachment"] is None
    api(vpc, "DeleteNetworkInterface", NetworkInterfaceId=made["NetworkInterfaceId"])
    assert api(vpc, "DescribeNetworkInterfaces", NetworkInterfaceIds=[made["NetworkInterfaceId"]])[
        "TotalCount"] == 0


def test_secondary_private_ips_are_assigned_and_unassigned(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm, InstanceType="S5.MEDIUM4")  # 2 cores: 10 addresses per interface
    [primary] = of_instance(vpc, ins)
    subnet = default_subnet(vpc)
    added = api(vpc, "AssignPrivateIpAddresses", NetworkInterfaceId=primary["NetworkInterfaceId"],
                SecondaryPrivateIpAddressCount=2)["PrivateIpAddressSet"]
    assert len(added) == 2 and not any(a["Primary"] for a in added)
    assert default_subnet(vpc)["AvailableIpAddressCount"] == subnet["AvailableIpAddressCount"] - 2
    chosen = "172.16.200.9"
    api(vpc, "AssignPrivateIpAddresses", NetworkInterfaceId=primary["NetworkInterfaceId"],
        PrivateIpAddresses=[{"PrivateIpAddress": chosen}])
    shown = [a["PrivateIpAddress"] for a in interface(vpc, primary["NetworkInterfaceId"])["PrivateIpAddressSet"]]
    assert shown[1:] == [a["PrivateIpAddress"] for a in added] + [chosen]
    eni = primary["NetworkInterfaceId"]
    refused(cloud, vpc, "AssignPrivateIpAddresses", "ResourceInUse.Address", NetworkInterfaceId=eni,
            PrivateIpAddresses=[{"PrivateIpAddress": chosen}])
    refused(cloud, vpc, "AssignPrivateIpAddresses", "InvalidParameterValue.Range", NetworkInterfaceId=eni,
            PrivateIpAddresses=[{"PrivateIpAddress": "10.9.9.9"}])
    refused(cloud, vpc, "AssignPrivateIpAddresses", "LimitExceeded.EniPrivateIpLimit", NetworkInterfaceId=eni,
            SecondaryPrivateIpAddressCount=7)
    refused(cloud, vpc, "UnassignPrivateIpAddresses", "InvalidParameterValue.AddressIpNotFound",
            NetworkInterfaceId=eni, PrivateIpAddresses=[{"PrivateIpAddress": "172.16.250.1"}])
    refused(cloud, vpc, "UnassignPrivateIpAddresses", "InvalidParameterValue", NetworkInterfaceId=eni,
            PrivateIpAddresses=[{"PrivateIpAddress": shown[0]}])
    api(vpc, "UnassignPrivateIpAddresses", NetworkInterfaceId=eni, PrivateIpAddresses=[
        {"PrivateIpAddress": chosen}])
    assert len(interface(vpc, eni)["PrivateIpAddressSet"]) == 3
    filters = [{"Name": "address-ip", "Values": [added[0]["PrivateIpAddress"]]}]
    assert api(vpc, "DescribeNetworkInterfaces", Filters=filters)["NetworkInterfaceSet"][0][
        "NetworkInterfaceId"] == eni


def test_attach_detach_and_delete_refusals(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    [small] = run_instances(cvm, InstanceType="S5.SMALL1")  # 1 core: 2 interfaces, 6 addresses each
    [other] = run_instances(cvm)
    [primary] = of_instance(vpc, small)
    far = make_interface(vpc, OTHER_ZONE)["NetworkInterfaceId"]
    big = make_interface(vpc, SecondaryPrivateIpAddressCount=6)["NetworkInterfaceId"]
    first = make_interface(vpc)["NetworkInterfaceId"]
    second = make_interface(vpc)["NetworkInterfaceId"]
    refused(cloud, vpc, "AttachNetworkInterface", "UnsupportedOperation.ZoneMismatch",
            NetworkInterfaceId=far, InstanceId=small)
    refused(cloud, vpc, "AttachNetworkInterface", "LimitExceeded.EniPrivateIpLimit",
            NetworkInterfaceId=big, InstanceId=small)
    refused(cloud, vpc, "AttachNetworkInterface", "InvalidInstanceId.NotFound",
            NetworkInterfaceId=first, InstanceId="ins-00000000")
    refused(cloud, vpc, "AttachNetworkInterface", "ResourceNotFound",
            NetworkInterfaceId="eni-00000000", InstanceId=small)
    refused(cloud, vpc, "AttachNetworkInterface", "InvalidParameterValue.NetworkInterfaceIdMalformed",
            NetworkInterfaceId="eni-1", InstanceId=small)
    api(vpc, "AttachNetworkInterface", NetworkInterfaceId=first, InstanceId=small)
    refused(cloud, vpc, "AttachNetworkInterface", "LimitExceeded", NetworkInterfaceId=second, InstanceId=small)
    refused(cloud, vpc, "AttachNetworkInterface", "UnsupportedOperation.AttachmentAlreadyExists",
            NetworkInterfaceId=first, InstanceId=other)
    refused(cloud, vpc, "DetachNetworkInterface", "UnsupportedOperation.AttachmentNotFound",
            NetworkInterfaceId=first, InstanceId=other)
    refused(cloud, vpc, "DetachNetworkInterface", "UnsupportedOperation.InvalidState",
            NetworkInterfaceId=primary["NetworkInterfaceId"], InstanceId=small)
    refused(cloud, vpc, "DeleteNetworkInterface", "UnsupportedOperation.InvalidState", NetworkInterfaceId=first)
    refused(cloud, vpc, "DeleteNetworkInterface", "UnsupportedOperation.InvalidState",
            NetworkInterfaceId=primary["NetworkInterfaceId"])
    subnet = default_subnet(vpc)
    refused(cloud, vpc, "DeleteSubnet", "ResourceInUse", SubnetId=subnet["SubnetId"])
    refused(cloud, vpc, "CreateNetworkInterface", "UnsupportedOperation.VpcMismatch", VpcId=api(
        vpc, "CreateVpc", VpcName="x", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"], SubnetId=subnet["SubnetId"],
        NetworkInterfaceName="x")
    refused(cloud, vpc, "CreateNetworkInterface", "ResourceInUse.Address", VpcId=subnet["VpcId"],
            SubnetId=subnet["SubnetId"], NetworkInterfaceName="x",
            PrivateIpAddresses=[{"PrivateIpAddress": primary["PrivateIpAddressSet"][0]["PrivateIpAddress"],
                                 "Primary": True}])
    refused(cloud, vpc, "CreateNetworkInterface", "InvalidSecurityGroupID.NotFound", VpcId=subnet["VpcId"],
            SubnetId=subnet["SubnetId"], NetworkInterfaceName="x", SecurityGroupIds=["sg-00000000"])


def test_modify_an_interface_and_its_groups(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    group = api(vpc, "CreateSecurityGroup", GroupName="g", GroupDescription="")["SecurityGroup"]["SecurityGroupId"]
    made = make_interface(vpc, SecurityGroupIds=[group])["NetworkInterfaceId"]
    assert interface(vpc, made)["GroupSet"] == [group]
    refused(cloud, vpc, "DeleteSecurityGroup", "ResourceInUse", SecurityGroupId=group)
    api(vpc, "ModifyNetworkInterfaceAttribute", NetworkInterfaceId=made, NetworkInterfaceName="renamed",
        SecurityGroupIds=[])
    assert interface(vpc, made)["NetworkInterfaceName"] == "renamed" and interface(vpc, made)["GroupSet"] == []
    [ins] = run_instances(cvm)
    [primary] = of_instance(vpc, ins)
    api(vpc, "ModifyNetworkInterfaceAttribute", NetworkInterfaceId=primary["NetworkInterfaceId"],
        SecurityGroupIds=[group])
    assert instance(cvm, ins)["SecurityGroupIds"] == [group]


def test_eips_bind_to_any_private_ip_and_the_instance_lists_them_all(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm, InstanceType="S5.MEDIUM4")
    [primary] = of_instance(vpc, ins)
    [secondary_ip] = api(vpc, "AssignPrivateIpAddresses", NetworkInterfaceId=primary["NetworkInterfaceId"],
                         SecondaryPrivateIpAddressCount=1)["PrivateIpAddressSet"]
    extra = make_interface(vpc)
    api(vpc, "AttachNetworkInterface", NetworkInterfaceId=extra["NetworkInterfaceId"], InstanceId=ins)
    a, b, c = api(vpc, "AllocateAddresses", AddressCount=3)["AddressSet"]
    api(vpc, "AssociateAddress", AddressId=a, InstanceId=ins)
    api(vpc, "AssociateAddress", AddressId=b, NetworkInterfaceId=primary["NetworkInterfaceId"],
        PrivateIpAddress=secondary_ip["PrivateIpAddress"])
    extra_ip = extra["PrivateIpAddressSet"][0]["PrivateIpAddress"]
    api(vpc, "AssociateAddress", AddressId=c, NetworkInterfaceId=extra["NetworkInterfaceId"],
        PrivateIpAddress=extra_ip)
    shown = eip(vpc, c)
    assert shown["AddressStatus"] == "BIND" and shown["InstanceId"] == ins
    assert shown["NetworkInterfaceId"] == extra["NetworkInterfaceId"] and shown["PrivateAddressIp"] == extra_ip
    assert eip(vpc, a)["NetworkInterfaceId"] == primary["NetworkInterfaceId"]
    public = instance(cvm, ins)["PublicIpAddresses"]
    assert sorted(public) == sorted(eip(vpc, x)["AddressIp"] for x in (a, b, c))
    listed = interface(vpc, extra["NetworkInterfaceId"])["PrivateIpAddressSet"][0]
    assert listed["AddressId"] == c and listed["PublicIpAddress"] == shown["AddressIp"]
    filters = [{"Name": "network-interface-id", "Values": [primary["NetworkInterfaceId"]]}]
    assert [x["AddressId"] for x in api(vpc, "DescribeAddresses", Filters=filters)["AddressSet"]] == [a, b]
    [d] = api(vpc, "AllocateAddresses")["AddressSet"]
    refused(cloud, vpc, "AssociateAddress", "InvalidPrivateIpAddress.AlreadyBindEip", AddressId=d,
            NetworkInterfaceId=extra["NetworkInterfaceId"], PrivateIpAddress=extra_ip)
    refused(cloud, vpc, "AssociateAddress", "InvalidNetworkInterfaceId.NotFound", AddressId=d,
            NetworkInterfaceId=extra["NetworkInterfaceId"], PrivateIpAddress="172.16.255.1")
    refused(cloud, vpc, "AssociateAddress", "InvalidParameterConflict", AddressId=d, InstanceId=ins,
            NetworkInterfaceId=extra["NetworkInterfaceId"], PrivateIpAddress=extra_ip)
    refused(cloud, vpc, "AssociateAddress", "MissingParameter", AddressId=d,
            NetworkInterfaceId=extra["NetworkInterfaceId"])
    refused(cloud, vpc, "UnassignPrivateIpAddresses", "UnsupportedOperation.BindEIP",
            NetworkInterfaceId=primary["NetworkInterfaceId"], PrivateIpAddresses=[secondary_ip])
    # detached, the interface keeps its EIP, bound to nothing but the interface, and idle
    api(vpc, "DetachNetworkInterface", NetworkInterfaceId=extra["NetworkInterfaceId"], InstanceId=ins)
    interface(vpc, extra["NetworkInterfaceId"])  # a client polls until the interface is detached
    shown = eip(vpc, c)
    assert shown["AddressStatus"] == "BIND_ENI" and shown["InstanceId"] is None
    assert cloud.world.billing.rate(cloud.default_account, c, "eip_idle") > 0
    refused(cloud, vpc, "DeleteNetworkInterface", "UnsupportedOperation.BindEIP",
            NetworkInterfaceId=extra["NetworkInterfaceId"])
    api(vpc, "DisassociateAddress", AddressId=c)
    assert eip(vpc, c)["AddressStatus"] == "UNBIND" and eip(vpc, c)["NetworkInterfaceId"] is None


def test_address_attribute_bandwidth_and_quota(cloud: Cloud, vpc: Any) -> None:
    [a, b] = api(vpc, "AllocateAddresses", AddressCount=2)["AddressSet"]
    api(vpc, "ModifyAddressAttribute", AddressId=a, AddressName="front")
    assert eip(vpc, a)["AddressName"] == "front"
    assert api(vpc, "ModifyAddressesBandwidth", AddressIds=[a, b], InternetMaxBandwidthOut=50)["TaskId"]
    assert eip(vpc, b)["Bandwidth"] == 50
    refused(cloud, vpc, "ModifyAddressesBandwidth", "InvalidParameterValue.BandwidthOutOfRange",
            AddressIds=[a], InternetMaxBandwidthOut=0)
    refused(cloud, vpc, "ModifyAddressesBandwidth", "InvalidAddressId.NotFound",
            AddressIds=[a, "eip-00000000"], InternetMaxBandwidthOut=5)
    refused(cloud, vpc, "ModifyAddressAttribute", "UnsupportedOperation.ModifyAddressAttribute", AddressId=a,
            EipDirectConnection="TRUE")
    quota = {q["QuotaId"]: q for q in api(vpc, "DescribeAddressQuota")["QuotaSet"]}
    assert (quota["TOTAL_EIP_QUOTA"]["QuotaCurrent"], quota["TOTAL_EIP_QUOTA"]["QuotaLimit"]) == (2, 20)
    assert quota["DAILY_EIP_APPLY"]["QuotaCurrent"] == 2
    api(vpc, "AllocateAddresses", AddressCount=18)
    refused(cloud, vpc, "AllocateAddresses", "AddressQuotaLimitExceeded")
    api(vpc, "ReleaseAddresses", AddressIds=[a])
    api(vpc, "AllocateAddresses")


def test_interfaces_are_tag_resources(cloud: Cloud, vpc: Any) -> None:
    made = make_interface(vpc, Tags=[{"Key": "team", "Value": "a"}])
    found = api(sdk.client("tag"), "GetResources", TagFilters=[{"TagKey": "team"}])["ResourceTagMappingList"]
    uin = cloud.default_account
    assert [r["Resource"] for r in found] == [f"qcs::vpc:ap-guangzhou:uin/{uin}:eni/{made['NetworkInterfaceId']}"]
    assert made["TagSet"] == [{"Key": "team", "Value": "a"}]


def test_async_client_binds_an_eip_to_a_secondary_ip(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    [primary] = of_instance(vpc, ins)

    async def scenario() -> str:
        client = sdk.client("vpc", asynchronous=True)
        added = await client.AssignPrivateIpAddresses(sdk.request(
            "vpc", "AssignPrivateIpAddresses", NetworkInterfaceId=primary["NetworkInterfaceId"],
            SecondaryPrivateIpAddressCount=1))
        ip = added.PrivateIpAddressSet[0].PrivateIpAddress
        made = await client.AllocateAddresses(sdk.request("vpc", "AllocateAddresses"))
        await client.AssociateAddress(sdk.request("vpc", "AssociateAddress", AddressId=made.AddressSet[0],
                                                  NetworkInterfaceId=primary["NetworkInterfaceId"],
                                                  PrivateIpAddress=ip))
        shown = await client.DescribeAddresses(sdk.request("vpc", "DescribeAddresses", AddressIds=made.AddressSet))
        return str(shown.AddressSet[0].PrivateAddressIp) + " " + str(ip)

    got, wanted = asyncio.run(scenario()).split()
    assert got == wanted


@pytest.mark.cloud_options(transitions="default")
def test_binding_states(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    """BINDING and UNBINDING show to the next read under the default policy; nothing else may happen meanwhile."""
    [ins] = run_instances(cvm)
    [a] = api(vpc, "AllocateAddresses")["AddressSet"]
    api(vpc, "AssociateAddress", AddressId=a, InstanceId=ins)
    refused(cloud, vpc, "DisassociateAddress", "UnsupportedOperation.AddressStatusNotPermit", AddressId=a)
    assert eip(vpc, a)["AddressStatus"] == "BINDING"
    assert eip(vpc, a)["AddressStatus"] == "BIND"
    api(vpc, "DisassociateAddress", AddressId=a)
    refused(cloud, vpc, "ReleaseAddresses", "InvalidAddressState", AddressIds=[a])
    shown = eip(vpc, a)
    assert shown["AddressStatus"] == "UNBINDING" and shown["InstanceId"] == ins
    assert eip(vpc, a)["AddressStatus"] == "UNBIND"


@pytest.mark.cloud_options(transitions="manual")
def test_binding_waits_for_settle_under_the_manual_policy(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    cloud.settle()
    [a] = api(vpc, "AllocateAddresses")["AddressSet"]
    api(vpc, "AssociateAddress", AddressId=a, InstanceId=ins)
    assert eip(vpc, a)["AddressStatus"] == eip(vpc, a)["AddressStatus"] == "BINDING"
    assert cloud.settle([a]) == [a]
    assert eip(vpc, a)["AddressStatus"] == "BIND"
