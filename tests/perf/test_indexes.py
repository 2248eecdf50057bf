"""DescribeInstances answers filters from indexes kept at write time; for random worlds (launched, stopped,
terminated, re-tagged, re-charged, moved to other projects and subnets, given EIPs and security groups through the
real SDK) and random filter combinations, the answer equals a brute-force scan of the region, in the same order,
with the same TotalCount.

More examples: ``MOCKCVM_DEEP=1`` or ``MOCKCVM_HYPOTHESIS_EXAMPLES=300``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from mockcvm import mock_cvm
from mockcvm.engine.resources import matches
from mockcvm.services.cvm.models import uuid_of
from tests import sdk
from tests.quality.conftest import examples

REGION = "ap-guangzhou"
ZONES = ["ap-guangzhou-3", "ap-guangzhou-4"]
#: VPCs 0 and 1 are made by the test (a subnet in each zone); 2 is the default network (no VirtualPrivateCloud).
VPCS = [0, 1, 2]
GROUPS = [0, 1, 2]  # three security groups the test makes
TAG_KEYS = ["env", "team"]
TAG_VALUES = ["prod", "dev", "a"]
CHARGES = ["POSTPAID_BY_HOUR", "SPOTPAID", "PREPAID"]
STATES = ["RUNNING", "STOPPED", "SHUTDOWN", "PENDING"]

an_instance = st.fixed_dictionaries({
    "zone": st.sampled_from(ZONES),
    "project": st.sampled_from([0, 1]),
    "vpc": st.sampled_from(VPCS),
    "groups": st.lists(st.sampled_from(GROUPS), min_size=1, max_size=2, unique=True),
    "charge": st.sampled_from(CHARGES),
    "tags": st.dictionaries(st.sampled_from(TAG_KEYS), st.sampled_from(TAG_VALUES), max_size=2),
    "public": st.booleans(),
})
a_change = st.one_of(
    st.tuples(st.just("stop"), st.integers(0, 11)),
    st.tuples(st.just("terminate"), st.integers(0, 11)),
    st.tuples(st.just("groups"), st.integers(0, 11), st.lists(st.sampled_from(GROUPS), min_size=1, max_size=2,
                                                               unique=True)),
    st.tuples(st.just("tag"), st.integers(0, 11), st.sampled_from(TAG_KEYS), st.sampled_from(TAG_VALUES)),
    st.tuples(st.just("untag"), st.integers(0, 11), st.sampled_from(TAG_KEYS)),
    st.tuples(st.just("prepaid"), st.integers(0, 11)),
    st.tuples(st.just("eip"), st.integers(0, 11)),
    st.tuples(st.just("project"), st.integers(0, 11), st.sampled_from([0, 1, 2])),
    st.tuples(st.just("move"), st.integers(0, 11), st.sampled_from([0, 1])),
)
#: (filter name, how to draw its values given the world's instances as the SDK shows them)
VALUE_FILTERS: dict[str, Any] = {
    "zone": ZONES,
    "project-id": ["0", "1", "2"],
    "instance-charge-type": CHARGES,
    "instance-state": STATES,
    "tag-key": TAG_KEYS + ["owner"],
    "tag-value": TAG_VALUES,
    "tag:env": TAG_VALUES,
    "tag:team": TAG_VALUES,
    "instance-name": ["web", "db", "1"],
    "creation-start-time": ["2026-01-01 00:00:00", "2030-01-01 00:00:00"],
    "ipv6-address": ["::1"],
}
#: Filters whose values come from the instances themselves (ids, addresses, uuids).
OWN_VALUES = [
    "instance-id", "uuid", "private-ip-address", "public-ip-address", "vpc-id", "subnet-id", "security-group-id",
]


class Network:
    """Two VPCs with a subnet in each zone, and three security groups, made through the SDK."""

    def __init__(self, vpc: Any) -> None:
        self.vpcs: list[str] = []
        self.subnets: dict[tuple[int, str], str] = {}
        for n in range(2):
            vpc_id = sdk.call(vpc, "CreateVpc", VpcName=f"v{n}", CidrBlock=f"10.{n}.0.0/16").Vpc.VpcId
            self.vpcs.append(vpc_id)
            for z, zone in enumerate(ZONES):
                self.subnets[(n, zone)] = sdk.call(
                    vpc, "CreateSubnet", VpcId=vpc_id, SubnetName=f"s{z}", CidrBlock=f"10.{n}.{z}.0/24", Zone=zone
                ).Subnet.SubnetId
        self.groups = [sdk.call(vpc, "CreateSecurityGroup", GroupName=f"g{n}", GroupDescription="").SecurityGroup
                       .SecurityGroupId for n in GROUPS]


def _launch(cvm: Any, network: Network, spec: dict[str, Any], n: int) -> str:
    params: dict[str, Any] = {
        "Placement": {"Zone": spec["zone"], "ProjectId": spec["project"]},
        "ImageId": "img-eb30mz89", "InstanceType": "S5.MEDIUM4", "InstanceName": ["web", "db"][n % 2] + str(n),
        "SecurityGroupIds": [network.groups[g] for g in spec["groups"]],
        "InstanceChargeType": spec["charge"],
        "InternetAccessible": {"PublicIpAssigned": spec["public"], "InternetMaxBandwidthOut": 1 if spec["public"]
                               else 0},
    }
    if spec["vpc"] < 2:
        params["VirtualPrivateCloud"] = {"VpcId": network.vpcs[spec["vpc"]],
                                         "SubnetId": network.subnets[(spec["vpc"], spec["zone"])]}
    if spec["charge"] == "PREPAID":
        params["InstanceChargePrepaid"] = {"Period": 1}
    if spec["tags"]:
        params["TagSpecification"] = [{"ResourceType": "instance",
                                       "Tags": [{"Key": k, "Value": v} for k, v in spec["tags"].items()]}]
    (instance_id,) = sdk.call(cvm, "RunInstances", InstanceCount=1, **params).InstanceIdSet
    return str(instance_id)


def _change(clients: dict[str, Any], cloud: Any, network: Network, ids: list[str], change: tuple[Any, ...]) -> None:
    what, position = change[0], change[1]
    if position >= len(ids):
        return
    instance_id = ids[position]
    name = f"qcs::cvm:{REGION}:uin/{cloud.default_account}:instance/{instance_id}"
    cvm, tag, vpc = clients["cvm"], clients["tag"], clients["vpc"]
    try:
        if what == "stop":
            sdk.call(cvm, "StopInstances", InstanceIds=[instance_id])
        elif what == "terminate":
            sdk.call(cvm, "TerminateInstances", InstanceIds=[instance_id])
        elif what == "groups":
            groups = [network.groups[g] for g in change[2]]
            sdk.call(cvm, "ModifyInstancesAttribute", InstanceIds=[instance_id], SecurityGroups=groups)
        elif what == "tag":
            sdk.call(tag, "TagResources", ResourceList=[name], Tags=[{"TagKey": change[2], "TagValue": change[3]}])
        elif what == "untag":
            sdk.call(tag, "UnTagResources", ResourceList=[name], TagKeys=[change[2]])
        elif what == "prepaid":
            sdk.call(cvm, "ModifyInstancesChargeType", InstanceIds=[instance_id], InstanceChargeType="PREPAID",
                     InstanceChargePrepaid={"Period": 1})
        elif what == "project":
            sdk.call(cvm, "ModifyInstancesProject", InstanceIds=[instance_id], ProjectId=change[2])
        elif what == "move":  # to the test's VPC change[2], in the instance's zone, with the next free address
            found = cloud.world.cvm.get(cloud.default_account, REGION, instance_id)
            if found is not None:
                subnet = network.subnets[(change[2], found.zone)]
                sdk.call(cvm, "ModifyInstancesVpcAttribute", InstanceIds=[instance_id],
                         VirtualPrivateCloud={"VpcId": network.vpcs[change[2]], "SubnetId": subnet})
        elif what == "eip":
            (address,) = sdk.call(vpc, "AllocateAddresses", AddressCount=1).AddressSet
            sdk.call(vpc, "AssociateAddress", AddressId=address, InstanceId=instance_id)
    except TencentCloudSDKException:
        pass  # refused in this state (an instance in the bin, a second EIP, ...): the world is as it was


def _own_values(shown: list[Any], network: Network) -> dict[str, list[str]]:
    """The values of the filters that select by something each instance or the test's network has of its own (and
    one nobody has)."""
    return {
        "vpc-id": network.vpcs + [shown[0].VirtualPrivateCloud.VpcId, "vpc-00000000"],
        "subnet-id": list(network.subnets.values()) + [i.VirtualPrivateCloud.SubnetId for i in shown[:2]],
        "security-group-id": network.groups + ["sg-00000000"],
        "instance-id": [i.InstanceId for i in shown] + ["ins-00000000"],
        "uuid": [i.Uuid for i in shown] + ["00000000-0000-4000-8000-000000000000"],
        "private-ip-address": [ip for i in shown for ip in i.PrivateIpAddresses or []] + ["10.9.9.9"],
        "public-ip-address": [ip for i in shown for ip in i.PublicIpAddresses or []] + ["1.2.3.4"],
    }


@st.composite
def a_query(draw: st.DrawFn, own: dict[str, list[str]]) -> tuple[list[dict[str, Any]], int, int]:
    names = draw(st.lists(st.sampled_from(sorted(VALUE_FILTERS) + OWN_VALUES), min_size=1, max_size=3, unique=True))
    filters = []
    for name in names:
        pool = own[name] if name in own else VALUE_FILTERS[name]
        values = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        filters.append({"Name": name, "Values": values})
    return filters, draw(st.integers(0, 6)), draw(st.integers(1, 8))


@settings(max_examples=examples(10, deep=150), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    instances=st.lists(an_instance, min_size=1, max_size=12),
    changes=st.lists(a_change, max_size=16),
    data=st.data(),
)
def test_indexed_filters_equal_a_scan_in_the_same_order(
    instances: list[dict[str, Any]], changes: list[tuple[Any, ...]], data: st.DataObject
) -> None:
    with mock_cvm(transitions="immediate", seed=3) as cloud:
        clients = {s: sdk.client(s, REGION) for s in ("cvm", "tag", "vpc")}
        cloud.seed_instances(2, region=REGION, zone=ZONES[1], tags={"env": "prod"}, name="db")
        network = Network(clients["vpc"])
        ids = [_launch(clients["cvm"], network, spec, n) for n, spec in enumerate(instances)]
        for change in changes:
            _change(clients, cloud, network, ids, change)
        backend = cloud.world.cvm
        uin = cloud.default_account
        everything = list(backend.instances_in(uin, REGION))  # the scan: every instance, in launch order
        shown = list(sdk.call(clients["cvm"], "DescribeInstances", Limit=100).InstanceSet)
        own = _own_values(shown, network)
        # Every filter with each of its values alone, then random combinations with random pages.
        queries = [([{"Name": name, "Values": [value]}], 0, 100)
                   for name, pool in [*VALUE_FILTERS.items(), *own.items()] for value in pool]
        queries += [data.draw(a_query(own)) for _ in range(10)]
        for filters, offset, limit in queries:
            answer = sdk.call(clients["cvm"], "DescribeInstances", Filters=filters, Offset=offset, Limit=limit)
            compiled = backend.instances.kind.compile(filters)
            expected = [i.instance_id for i in everything if matches(i, compiled)]
            assert answer.TotalCount == len(expected), (filters, answer.TotalCount, expected)
            assert [i.InstanceId for i in answer.InstanceSet] == expected[offset : offset + limit], filters


def test_the_uuid_filter_finds_an_instance_without_an_index() -> None:
    with mock_cvm(transitions="immediate") as cloud:
        ids = cloud.seed_instances(3, region=REGION)
        cvm = sdk.client("cvm", REGION)
        instance = cloud.world.cvm.get(cloud.default_account, REGION, ids[1])
        assert instance is not None
        wanted = uuid_of(instance)
        answer = sdk.call(cvm, "DescribeInstances", Filters=[{"Name": "uuid", "Values": [wanted, wanted.upper()]}])
        assert [i.InstanceId for i in answer.InstanceSet] == [ids[1]] and answer.TotalCount == 1
        assert answer.InstanceSet[0].Uuid == wanted
