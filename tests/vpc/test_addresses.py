"""Elastic IPs through the real SDK: allocate, bind, unbind, describe, release, and every refusal."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.release.helpers import api, assert_shape, instance, refused, run_instances

pytestmark = pytest.mark.cloud_options(transitions="immediate")  # BINDING/UNBINDING: test_binding_states


@pytest.fixture
def vpc(cloud: Cloud) -> Any:
    return sdk.client("vpc")


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def allocate(vpc: Any, count: int = 1, **params: Any) -> list[str]:
    answer = api(vpc, "AllocateAddresses", AddressCount=count, **params)
    assert answer["TaskId"]
    return answer["AddressSet"]  # type: ignore[no-any-return]


def address(vpc: Any, address_id: str) -> dict[str, Any]:
    found = api(vpc, "DescribeAddresses", AddressIds=[address_id])["AddressSet"]
    assert len(found) == 1
    return found[0]  # type: ignore[no-any-return]


def test_an_allocated_eip_is_unbind_with_every_field_the_schema_requires(vpc: Any) -> None:
    [eip] = allocate(vpc, AddressName="web", Tags=[{"Key": "team", "Value": "a"}])
    got = address(vpc, eip)
    assert_shape("vpc", "Address", got)
    assert got["AddressId"] == eip and got["AddressStatus"] == "UNBIND" and got["AddressType"] == "EIP"
    assert got["InstanceId"] is None and got["AddressName"] == "web"
    assert got["TagSet"] == [{"Key": "team", "Value": "a"}]
    assert got["CreatedTime"].endswith("Z")


def test_describe_pages_with_offset_and_limit_and_counts_everything(cloud: Cloud, vpc: Any) -> None:
    cloud.world.vpc.address_quota = None  # more EIPs than an account's quota
    eips = allocate(vpc, 25)
    first = api(vpc, "DescribeAddresses")
    assert first["TotalCount"] == 25 and [a["AddressId"] for a in first["AddressSet"]] == eips[:20]
    rest = api(vpc, "DescribeAddresses", Offset=20, Limit=100)
    assert [a["AddressId"] for a in rest["AddressSet"]] == eips[20:]
    assert api(vpc, "DescribeAddresses", Offset=3, Limit=2)["AddressSet"][0]["AddressId"] == eips[3]


def test_describe_filters(vpc: Any, cvm: Any) -> None:
    a, b, c = allocate(vpc, 3)
    api(vpc, "AllocateAddresses", Tags=[{"Key": "env", "Value": "prod"}])
    [ins] = run_instances(cvm)
    api(vpc, "AssociateAddress", AddressId=b, InstanceId=ins)

    def ids(*filters: tuple[str, list[str]]) -> list[str]:
        answer = api(vpc, "DescribeAddresses", Filters=[{"Name": n, "Values": v} for n, v in filters])
        return [x["AddressId"] for x in answer["AddressSet"]]

    assert ids(("address-status", ["BIND"])) == [b]
    assert ids(("instance-id", [ins])) == [b]
    assert ids(("address-id", [a, c])) == [a, c]
    assert len(ids(("tag:env", ["prod"]))) == 1 and len(ids(("tag-key", ["env"]))) == 1
    assert ids(("address-status", ["UNBIND"]), ("address-id", [a, b])) == [a]
    assert ids(("address-ip", [address(vpc, c)["AddressIp"]])) == [c]


def test_unknown_well_formed_ids_are_simply_absent(vpc: Any) -> None:
    answer = api(vpc, "DescribeAddresses", AddressIds=["eip-00000000"])
    assert answer["TotalCount"] == 0 and answer["AddressSet"] == []


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"AddressIds": ["eip-bad"]}, "InvalidParameterValue.AddressIdMalformed"),
        ({"AddressIds": ["eip-12345678"], "Filters": [{"Name": "address-id", "Values": ["x"]}]},
         "InvalidParameter.Coexist"),
        ({"Filters": [{"Name": "colour", "Values": ["red"]}]}, "InvalidParameter.FilterInvalidKey"),
        ({"Limit": 101}, "InvalidParameterValue.Range"),
        ({"Offset": -1}, "InvalidParameterValue.Range"),
        ({"AddressIds": [f"eip-{i:08d}" for i in range(101)]}, "InvalidParameterValue.LimitExceeded"),
    ],
)
def test_describe_refuses_bad_input(cloud: Cloud, vpc: Any, params: dict[str, Any], code: str) -> None:
    allocate(vpc)
    refused(cloud, vpc, "DescribeAddresses", code, **params)


def test_associate_binds_the_eip_and_shows_it_on_the_instance(vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm, InternetAccessible={"InternetMaxBandwidthOut": 5, "PublicIpAssigned": True})
    [eip] = allocate(vpc)
    assert api(vpc, "AssociateAddress", AddressId=eip, InstanceId=ins)["TaskId"]
    got = address(vpc, eip)
    assert got["AddressStatus"] == "BIND" and got["InstanceId"] == ins and got["InstanceType"] == "CVM"
    assert got["PrivateAddressIp"] == instance(cvm, ins)["PrivateIpAddresses"][0]
    # binding releases the ordinary public IP of the primary private IP (AssociateAddress docs)
    assert instance(cvm, ins)["PublicIpAddresses"] == [got["AddressIp"]]


def test_disassociate_unbinds_and_can_give_back_an_ordinary_public_ip(vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    [eip] = allocate(vpc)
    api(vpc, "AssociateAddress", AddressId=eip, InstanceId=ins)
    assert api(vpc, "DisassociateAddress", AddressId=eip, ReallocateNormalPublicIp=True)["TaskId"]
    got = address(vpc, eip)
    assert got["AddressStatus"] == "UNBIND" and got["InstanceId"] is None
    public = instance(cvm, ins)["PublicIpAddresses"]
    assert public and got["AddressIp"] not in public


def test_associate_refusals_change_nothing(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    first, second = run_instances(cvm, 2)
    eip, spare, other = allocate(vpc, 3)
    api(vpc, "AssociateAddress", AddressId=eip, InstanceId=first)
    cases = [
        ({"AddressId": "eip-x", "InstanceId": second}, "InvalidParameterValue.AddressIdMalformed"),
        ({"AddressId": "eip-00000000", "InstanceId": second}, "InvalidAddressId.NotFound"),
        ({"AddressId": spare, "InstanceId": "ins-00000000"}, "InvalidInstanceId.NotFound"),
        ({"AddressId": spare, "InstanceId": "ins-bad"}, "InvalidParameterValue.InstanceIdMalformed"),
        ({"AddressId": eip, "InstanceId": second}, "InvalidAddressIdStatus.NotPermit"),
        ({"AddressId": spare, "InstanceId": first}, "InvalidInstanceId.AlreadyBindEip"),
    ]
    for params, code in cases:
        refused(cloud, vpc, "AssociateAddress", code, **params)
    # a released instance is unknown
    api(cvm, "TerminateInstances", InstanceIds=[second])
    api(cvm, "DescribeInstances", InstanceIds=[second])
    refused(cloud, vpc, "AssociateAddress", "InvalidInstanceId.NotFound", AddressId=other, InstanceId=second)


def test_an_instance_in_another_region_is_unknown(cloud: Cloud, vpc: Any) -> None:
    [ins] = run_instances(sdk.client("cvm", "ap-shanghai"), Placement={"Zone": "ap-shanghai-2"})
    [eip] = allocate(vpc)
    refused(cloud, vpc, "AssociateAddress", "InvalidInstanceId.NotFound", AddressId=eip, InstanceId=ins)


def test_disassociate_refuses_an_unbound_eip(cloud: Cloud, vpc: Any) -> None:
    [eip] = allocate(vpc)
    refused(cloud, vpc, "DisassociateAddress", "UnsupportedOperation.AddressStatusNotPermit", AddressId=eip)
    refused(cloud, vpc, "DisassociateAddress", "InvalidParameterValue.AddressIdMalformed", AddressId="eip")


def test_release_removes_unbind_eips(vpc: Any) -> None:
    a, b = allocate(vpc, 2)
    assert api(vpc, "ReleaseAddresses", AddressIds=[a])["TaskId"]
    answer = api(vpc, "DescribeAddresses")
    assert answer["TotalCount"] == 1 and answer["AddressSet"][0]["AddressId"] == b


def test_release_refuses_a_bound_eip_and_releases_nothing_of_the_batch(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    bound, idle = allocate(vpc, 2)
    api(vpc, "AssociateAddress", AddressId=bound, InstanceId=ins)
    message = refused(cloud, vpc, "ReleaseAddresses", "InvalidAddressState", AddressIds=[idle, bound])
    assert bound in message
    refused(cloud, vpc, "ReleaseAddresses", "InvalidAddressId.NotFound", AddressIds=["eip-00000000"])
    refused(cloud, vpc, "ReleaseAddresses", "InvalidParameterValue.AddressIdMalformed", AddressIds=["ins-1"])


def test_allocate_refuses_bad_input(cloud: Cloud, vpc: Any) -> None:
    refused(cloud, vpc, "AllocateAddresses", "InvalidParameterValue.Range", AddressCount=0)
    refused(cloud, vpc, "AllocateAddresses", "InvalidParameterValue", AddressType="Gold")
    refused(cloud, vpc, "AllocateAddresses", "InvalidParameterValue.ReservedTagKey",
            Tags=[{"Key": "qcloud:x", "Value": "1"}])


def test_an_idle_eip_is_charged_and_a_bound_one_is_not(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    idle, bound = allocate(vpc, 2)
    api(vpc, "AssociateAddress", AddressId=bound, InstanceId=ins)
    billing, uin = cloud.world.billing, cloud.default_account
    assert billing.rate(uin, idle, "eip_idle") == cloud.prices["eip_idle_hour"] > 0
    assert billing.rate(uin, bound, "eip_idle") == Decimal(0)
    api(vpc, "ReleaseAddresses", AddressIds=[idle])
    assert billing.rate(uin, idle, "eip_idle") == Decimal(0)


def test_the_async_client_allocates_and_describes(cloud: Cloud) -> None:
    async def scenario() -> tuple[Any, Any]:
        client = sdk.client("vpc", asynchronous=True)
        allocated = await client.AllocateAddresses(sdk.request("vpc", "AllocateAddresses", AddressCount=2))
        described = await client.DescribeAddresses(sdk.request("vpc", "DescribeAddresses"))
        return allocated, described

    allocated, described = asyncio.run(scenario())
    assert described.TotalCount == 2
    assert [a.AddressId for a in described.AddressSet] == allocated.AddressSet


def test_v1_signatures_and_get_flatten_filters(cloud: Cloud) -> None:
    client = sdk.client("vpc", sign="HmacSHA256", method="GET")
    a, b = api(client, "AllocateAddresses", AddressCount=2)["AddressSet"]
    answer = api(client, "DescribeAddresses", Filters=[{"Name": "address-id", "Values": [b]}], Limit=5)
    assert [x["AddressId"] for x in answer["AddressSet"]] == [b]


def test_ordinary_public_ips_are_listed_only_when_asked_for(vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm, InternetAccessible={"InternetMaxBandwidthOut": 5, "PublicIpAssigned": True})
    allocate(vpc)
    assert [a["AddressType"] for a in api(vpc, "DescribeAddresses")["AddressSet"]] == ["EIP"]
    wan = api(vpc, "DescribeAddresses", Filters=[{"Name": "address-type", "Values": ["WanIP"]}])["AddressSet"]
    assert len(wan) == 1
    assert_shape("vpc", "Address", wan[0])
    assert wan[0]["InstanceId"] == ins and wan[0]["AddressStatus"] == "BIND"
    assert [wan[0]["AddressIp"]] == instance(cvm, ins)["PublicIpAddresses"]
