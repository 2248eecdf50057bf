"""ModifyInstancesVpcAttribute through the real SDK: instances move to another subnet or VPC with a new private
IP, the addresses are counted on both subnets, the primary interface and an EIP move with the instance, the
indexed filters follow, the states, ForceStop and ReserveHostName, and every refusal (which changes nothing)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.conftest import Clock
from tests.release.helpers import (
    OTHER_ZONE,
    ZONE,
    api,
    frozen_time,  # noqa: F401  (autouse)
    instance,
    refused,
    run_instances,
)

ACTION = "ModifyInstancesVpcAttribute"


@pytest.fixture
def vpc(cloud: Cloud) -> Any:
    return sdk.client("vpc")


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def make_network(vpc: Any, cidr: str = "10.0.0.0/16", subnet_cidr: str = "10.0.1.0/24", zone: str = ZONE
                 ) -> tuple[str, str]:
    vpc_id = api(vpc, "CreateVpc", VpcName="app", CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet_id = api(vpc, "CreateSubnet", VpcId=vpc_id, SubnetName="web", CidrBlock=subnet_cidr,
                    Zone=zone)["Subnet"]["SubnetId"]
    return vpc_id, subnet_id


def subnet(vpc: Any, subnet_id: str) -> dict[str, Any]:
    [found] = api(vpc, "DescribeSubnets", SubnetIds=[subnet_id])["SubnetSet"]
    return found  # type: ignore[no-any-return]


def ids_by(cvm: Any, name: str, value: str) -> list[str]:
    shown = api(cvm, "DescribeInstances", Filters=[{"Name": name, "Values": [value]}])["InstanceSet"]
    return [i["InstanceId"] for i in shown]


def stop(cvm: Any, ids: list[str]) -> None:
    api(cvm, "StopInstances", InstanceIds=ids)
    api(cvm, "DescribeInstances", InstanceIds=ids)


def test_an_instance_moves_to_a_subnet_of_another_vpc(vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    before = instance(cvm, ins)
    old_subnet = before["VirtualPrivateCloud"]["SubnetId"]
    old_free = subnet(vpc, old_subnet)["AvailableIpAddressCount"]
    vpc_id, subnet_id = make_network(vpc)
    api(cvm, ACTION, InstanceIds=[ins], VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id})
    shown = instance(cvm, ins)
    assert shown["VirtualPrivateCloud"]["VpcId"] == vpc_id
    assert shown["VirtualPrivateCloud"]["SubnetId"] == subnet_id
    [new_ip] = shown["PrivateIpAddresses"]
    assert new_ip == "10.0.1.2"  # the first usable address of 10.0.1.0/24
    assert shown["LatestOperation"] == ACTION
    assert subnet(vpc, old_subnet)["AvailableIpAddressCount"] == old_free + 1
    assert subnet(vpc, subnet_id)["AvailableIpAddressCount"] == 253 - 1
    # the primary interface moved with it
    [primary] = api(vpc, "DescribeNetworkInterfaces",
                    Filters=[{"Name": "attachment.instance-id", "Values": [ins]}])["NetworkInterfaceSet"]
    assert (primary["VpcId"], primary["SubnetId"]) == (vpc_id, subnet_id)
    assert [a["PrivateIpAddress"] for a in primary["PrivateIpAddressSet"]] == [new_ip]
    # the old address is free again: a new instance may take it
    old_ip = before["PrivateIpAddresses"][0]
    [other] = run_instances(cvm, VirtualPrivateCloud={"VpcId": before["VirtualPrivateCloud"]["VpcId"],
                                                      "SubnetId": old_subnet, "PrivateIpAddresses": [old_ip]})
    assert instance(cvm, other)["PrivateIpAddresses"] == [old_ip]


def test_the_indexed_filters_follow_the_move(vpc: Any, cvm: Any) -> None:
    a, b = run_instances(cvm, 2)
    shown = instance(cvm, a)
    old_vpc, old_subnet = shown["VirtualPrivateCloud"]["VpcId"], shown["VirtualPrivateCloud"]["SubnetId"]
    old_ip = shown["PrivateIpAddresses"][0]
    vpc_id, subnet_id = make_network(vpc)
    api(cvm, ACTION, InstanceIds=[a], VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id,
                                                           "PrivateIpAddresses": ["10.0.1.50"]})
    assert ids_by(cvm, "vpc-id", vpc_id) == [a] and ids_by(cvm, "vpc-id", old_vpc) == [b]
    assert ids_by(cvm, "subnet-id", subnet_id) == [a] and ids_by(cvm, "subnet-id", old_subnet) == [b]
    assert ids_by(cvm, "private-ip-address", "10.0.1.50") == [a]
    assert ids_by(cvm, "private-ip-address", old_ip) == []
    api(cvm, "TerminateInstances", InstanceIds=[a])
    api(cvm, "DescribeInstances", InstanceIds=[a])
    assert ids_by(cvm, "vpc-id", vpc_id) == [] and ids_by(cvm, "private-ip-address", "10.0.1.50") == []
    assert subnet(vpc, subnet_id)["AvailableIpAddressCount"] == 253


@pytest.mark.cloud_options(transitions="default")
def test_a_running_instance_is_stopped_and_started_again(vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    vpc_id, subnet_id = make_network(vpc)
    api(cvm, ACTION, InstanceIds=[ins], VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id})
    first = instance(cvm, ins)
    assert first["InstanceState"] == "REBOOTING" and first["LatestOperationState"] == "OPERATING"
    again = instance(cvm, ins)
    assert again["InstanceState"] == "RUNNING" and again["LatestOperationState"] == "SUCCESS"


@pytest.mark.cloud_options(transitions="default")
def test_unread_the_reboot_settles_after_the_transition_time(cloud: Cloud, clock: Clock) -> None:
    vpc, cvm = sdk.client("vpc"), sdk.client("cvm")
    [ins] = run_instances(cvm)
    vpc_id, subnet_id = make_network(vpc)
    api(cvm, ACTION, InstanceIds=[ins], VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id})
    moved = cloud.world.cvm.get(cloud.default_account, "ap-guangzhou", ins)
    assert moved is not None and moved.state == "REBOOTING"
    clock.tick(4)
    cloud.catch_up()
    assert moved.state == "REBOOTING"
    clock.tick(2)
    cloud.catch_up()
    assert moved.state == "RUNNING" and moved.latest_operation_state == "SUCCESS"


def test_a_stopped_instance_stays_stopped(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    stop(cvm, [ins])
    vpc_id, subnet_id = make_network(vpc)
    api(cvm, ACTION, InstanceIds=[ins], ForceStop=False, VirtualPrivateCloud={"VpcId": vpc_id,
                                                                               "SubnetId": subnet_id})
    shown = instance(cvm, ins)
    assert shown["InstanceState"] == "STOPPED" and shown["VirtualPrivateCloud"]["SubnetId"] == subnet_id


def test_without_force_stop_a_running_instance_is_refused(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    vpc_id, subnet_id = make_network(vpc)
    refused(cloud, cvm, ACTION, "UnsupportedOperation.InstanceStateRunning", InstanceIds=[ins], ForceStop=False,
            VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id})


def test_the_host_name_is_kept_unless_asked_otherwise(vpc: Any, cvm: Any) -> None:
    a, b = run_instances(cvm, 2)
    names = {i: instance(cvm, i)["HostName"] for i in (a, b)}
    vpc_id, subnet_id = make_network(vpc)
    api(cvm, ACTION, InstanceIds=[a], VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id,
                                                           "PrivateIpAddresses": ["10.0.1.7"]})
    assert instance(cvm, a)["HostName"] == names[a]
    api(cvm, ACTION, InstanceIds=[b], ReserveHostName=False,
        VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id, "PrivateIpAddresses": ["10.0.1.9"]})
    assert instance(cvm, b)["HostName"] == "VM-1-9-tencentos"


def test_a_batch_takes_the_addresses_in_the_order_of_the_ids(vpc: Any, cvm: Any) -> None:
    a, b = run_instances(cvm, 2)
    vpc_id, subnet_id = make_network(vpc)
    api(cvm, ACTION, InstanceIds=[b, a], VirtualPrivateCloud={
        "VpcId": vpc_id, "SubnetId": subnet_id, "PrivateIpAddresses": ["10.0.1.19", "10.0.1.18"]})
    assert instance(cvm, b)["PrivateIpAddresses"] == ["10.0.1.19"]
    assert instance(cvm, a)["PrivateIpAddresses"] == ["10.0.1.18"]
    assert subnet(vpc, subnet_id)["AvailableIpAddressCount"] == 251


def test_a_new_address_in_the_same_subnet(vpc: Any, cvm: Any) -> None:
    vpc_id, subnet_id = make_network(vpc)
    [ins] = run_instances(cvm, VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id})
    assert instance(cvm, ins)["PrivateIpAddresses"] == ["10.0.1.2"]
    api(cvm, ACTION, InstanceIds=[ins], VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id,
                                                             "PrivateIpAddresses": ["10.0.1.100"]})
    assert instance(cvm, ins)["PrivateIpAddresses"] == ["10.0.1.100"]
    assert subnet(vpc, subnet_id)["AvailableIpAddressCount"] == 252
    # its own address may be asked for again
    api(cvm, ACTION, InstanceIds=[ins], VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id,
                                                             "PrivateIpAddresses": ["10.0.1.100"]})
    assert instance(cvm, ins)["PrivateIpAddresses"] == ["10.0.1.100"]


def test_an_eip_on_the_primary_ip_stays_bound_to_the_new_address(vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    [address_id] = api(vpc, "AllocateAddresses")["AddressSet"]
    api(vpc, "AssociateAddress", AddressId=address_id, InstanceId=ins)
    public = api(vpc, "DescribeAddresses", AddressIds=[address_id])["AddressSet"][0]["AddressIp"]
    vpc_id, subnet_id = make_network(vpc)
    api(cvm, ACTION, InstanceIds=[ins], VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id})
    [shown] = api(vpc, "DescribeAddresses", AddressIds=[address_id])["AddressSet"]
    assert shown["AddressStatus"] == "BIND" and shown["InstanceId"] == ins
    assert shown["PrivateAddressIp"] == "10.0.1.2"
    assert instance(cvm, ins)["PublicIpAddresses"] == [public]
    found = api(vpc, "DescribeAddresses", Filters=[{"Name": "private-ip-address", "Values": ["10.0.1.2"]}])
    assert [a["AddressId"] for a in found["AddressSet"]] == [address_id]


def test_the_ordinary_public_ip_stays(vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm, InternetAccessible={"InternetMaxBandwidthOut": 10})
    public = instance(cvm, ins)["PublicIpAddresses"]
    vpc_id, subnet_id = make_network(vpc)
    api(cvm, ACTION, InstanceIds=[ins], VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id})
    assert instance(cvm, ins)["PublicIpAddresses"] == public
    wan = api(vpc, "DescribeAddresses", Filters=[{"Name": "address-type", "Values": ["WanIP"]}])["AddressSet"]
    assert [(a["AddressIp"], a["PrivateAddressIp"]) for a in wan] == [(public[0], "10.0.1.2")]


def test_refusals_change_nothing(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    a, b = run_instances(cvm, 2)
    vpc_id, subnet_id = make_network(vpc)
    other_vpc, other_subnet = make_network(vpc, "192.168.0.0/16", "192.168.1.0/24")
    far_subnet = api(vpc, "CreateSubnet", VpcId=vpc_id, SubnetName="far", CidrBlock="10.0.2.0/24",
                     Zone=OTHER_ZONE)["Subnet"]["SubnetId"]
    good = {"VpcId": vpc_id, "SubnetId": subnet_id}
    cases: list[tuple[str, dict[str, Any]]] = [
        ("MissingParameter", {"InstanceIds": [], "VirtualPrivateCloud": good}),
        ("InvalidInstanceId.Malformed", {"InstanceIds": ["ins-bad"], "VirtualPrivateCloud": good}),
        ("InvalidInstanceId.NotFound", {"InstanceIds": ["ins-00000000"], "VirtualPrivateCloud": good}),
        ("InvalidParameterValue.VpcIdMalformed", {"VirtualPrivateCloud": {"VpcId": "DEFAULT",
                                                                          "SubnetId": "DEFAULT"}}),
        ("InvalidParameterValue.SubnetIdMalformed", {"VirtualPrivateCloud": {"VpcId": vpc_id, "SubnetId": "x"}}),
        ("InvalidParameterValue.VpcIdNotExist", {"VirtualPrivateCloud": {"VpcId": "vpc-00000000",
                                                                         "SubnetId": subnet_id}}),
        ("InvalidParameterValue.SubnetNotExist", {"VirtualPrivateCloud": {"VpcId": vpc_id,
                                                                          "SubnetId": "subnet-00000000"}}),
        ("InvalidParameterValue.VpcIdSubnetIdNotMatch", {"VirtualPrivateCloud": {"VpcId": vpc_id,
                                                                                 "SubnetId": other_subnet}}),
        ("InvalidParameterValue.SubnetIdZoneIdNotMatch", {"VirtualPrivateCloud": {"VpcId": vpc_id,
                                                                                  "SubnetId": far_subnet}}),
        ("InvalidParameterValue", {"VirtualPrivateCloud": {**good, "PrivateIpAddresses": ["10.0.1.5"]}}),
        ("InvalidParameterValue.IPAddressMalformed", {"VirtualPrivateCloud": {
            **good, "PrivateIpAddresses": ["10.0.1.5", "ten"]}}),
        ("VpcAddrNotInSubNet", {"VirtualPrivateCloud": {**good, "PrivateIpAddresses": ["10.0.1.5", "10.0.2.5"]}}),
        ("VpcAddrNotInSubNet", {"VirtualPrivateCloud": {**good, "PrivateIpAddresses": ["10.0.1.5", "10.0.1.1"]}}),
        ("VpcIpIsUsed", {"VirtualPrivateCloud": {**good, "PrivateIpAddresses": ["10.0.1.5", "10.0.1.5"]}}),
    ]
    for code, params in cases:
        params.setdefault("InstanceIds", [a, b])
        refused(cloud, cvm, ACTION, code, **params)
    [taken] = run_instances(cvm, VirtualPrivateCloud={**good, "PrivateIpAddresses": ["10.0.1.8"]})
    refused(cloud, cvm, ACTION, "VpcIpIsUsed", InstanceIds=[a],
            VirtualPrivateCloud={**good, "PrivateIpAddresses": ["10.0.1.8"]})
    assert other_vpc and taken


def test_a_full_subnet_is_refused(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    vpc_id, subnet_id = make_network(vpc, subnet_cidr="10.0.1.0/29")  # 5 usable addresses
    run_instances(cvm, 5, VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id})
    [ins] = run_instances(cvm)
    refused(cloud, cvm, ACTION, "FailedOperation.NoAvailableIpAddressCountInSubnet", InstanceIds=[ins],
            VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id})


def test_states_that_refuse(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    vpc_id, subnet_id = make_network(vpc)
    target = {"VpcId": vpc_id, "SubnetId": subnet_id}
    [binned] = run_instances(cvm, InstanceChargeType="PREPAID", InstanceChargePrepaid={"Period": 1})
    api(cvm, "TerminateInstances", InstanceIds=[binned])
    api(cvm, "DescribeInstances", InstanceIds=[binned])
    refused(cloud, cvm, ACTION, "UnsupportedOperation.InstanceStateShutdown", InstanceIds=[binned],
            VirtualPrivateCloud=target)
    [free] = run_instances(cvm)
    api(cvm, "StopInstances", InstanceIds=[free], StoppedMode="STOP_CHARGING")
    api(cvm, "DescribeInstances", InstanceIds=[free])
    refused(cloud, cvm, ACTION, "UnsupportedOperation.StoppedModeStopCharging", InstanceIds=[free],
            VirtualPrivateCloud=target)


@pytest.mark.cloud_options(transitions="manual")
def test_an_instance_in_flight_is_refused(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    ids = api(cvm, "RunInstances", Placement={"Zone": ZONE}, ImageId="img-eb30mz89")["InstanceIdSet"]
    vpc_id, subnet_id = make_network(vpc)
    refused(cloud, cvm, ACTION, "UnsupportedOperation.InstanceStatePending", InstanceIds=ids,
            VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id})


def test_secondary_interfaces_and_secondary_ips_block_a_move(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm, InstanceType="S5.LARGE8")
    shown = instance(cvm, ins)
    home_vpc, home_subnet = shown["VirtualPrivateCloud"]["VpcId"], shown["VirtualPrivateCloud"]["SubnetId"]
    eni = api(vpc, "CreateNetworkInterface", VpcId=home_vpc, SubnetId=home_subnet,
              NetworkInterfaceName="extra")["NetworkInterface"]["NetworkInterfaceId"]
    api(vpc, "AttachNetworkInterface", NetworkInterfaceId=eni, InstanceId=ins)
    vpc_id, subnet_id = make_network(vpc)
    refused(cloud, cvm, ACTION, "UnsupportedOperation.ElasticNetworkInterface", InstanceIds=[ins],
            VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id})
    other = api(vpc, "CreateSubnet", VpcId=home_vpc, SubnetName="b", CidrBlock="172.31.0.0/24",
                Zone=ZONE)["Subnet"]["SubnetId"]
    api(vpc, "AssignPrivateIpAddresses", NetworkInterfaceId="eni-" + ins[4:], SecondaryPrivateIpAddressCount=1)
    refused(cloud, cvm, ACTION, "EniNotAllowedChangeSubnet", InstanceIds=[ins],
            VirtualPrivateCloud={"VpcId": home_vpc, "SubnetId": other})
    # within its own subnet the secondary interface and IPs are no obstacle
    api(cvm, ACTION, InstanceIds=[ins], VirtualPrivateCloud={"VpcId": home_vpc, "SubnetId": home_subnet})


def test_async_client_moves_an_instance(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    vpc_id, subnet_id = make_network(vpc)

    async def scenario() -> None:
        client = sdk.client("cvm", asynchronous=True)
        await client.ModifyInstancesVpcAttribute(sdk.request(
            "cvm", ACTION, InstanceIds=[ins], VirtualPrivateCloud={"VpcId": vpc_id, "SubnetId": subnet_id}))

    asyncio.run(scenario())
    assert instance(cvm, ins)["VirtualPrivateCloud"]["SubnetId"] == subnet_id


def test_the_old_subnet_can_be_deleted_once_empty(cloud: Cloud, vpc: Any, cvm: Any) -> None:
    old_vpc, old_subnet = make_network(vpc)
    [ins] = run_instances(cvm, VirtualPrivateCloud={"VpcId": old_vpc, "SubnetId": old_subnet})
    refused(cloud, vpc, "DeleteSubnet", "ResourceInUse", SubnetId=old_subnet)
    new_vpc, new_subnet = make_network(vpc, "192.168.0.0/16", "192.168.5.0/24")
    api(cvm, ACTION, InstanceIds=[ins], VirtualPrivateCloud={"VpcId": new_vpc, "SubnetId": new_subnet})
    api(vpc, "DeleteVpc", VpcId=old_vpc)
    refused(cloud, vpc, "DeleteVpc", "ResourceInUse", VpcId=new_vpc)
    assert instance(cvm, ins)["PrivateIpAddresses"] == ["192.168.5.2"]
