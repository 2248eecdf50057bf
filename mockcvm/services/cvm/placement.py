"""Placement groups (DisasterRecoverGroups): spread instances over hosts, switches or racks.

A group is a resource kind (``PLACEMENT_GROUP``) in a :class:`Store`. Its type fixes how many instances it holds
(HOST 50, SW 20, RACK 30, as DescribeDisasterRecoverGroupQuota reports); an instance is in at most one group,
given at launch (``DisasterRecoverGroupIds``) or with ModifyInstancesDisasterRecoverGroup; a group with instances
cannot be deleted; a released instance leaves its group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from mockcvm import clock
from mockcvm.compat import SLOTS
from mockcvm.engine.resources import Codes, Filter, Kind, Store
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.services.cvm.keypairs import tags_of

if TYPE_CHECKING:
    from mockcvm.services.cvm.hosts import Host
    from mockcvm.services.cvm.hpc import HpcCluster
    from mockcvm.services.cvm.models import Instance
    from mockcvm.services.cvm.tasks import RepairTask
    from mockcvm.world import World

CAPACITY = {"HOST": 50, "SW": 20, "RACK": 30}
GROUP_QUOTA = 10  # per region
STRATEGIES = ("SPREAD", "PARTITION")


@dataclass(eq=False, **SLOTS)
class PlacementGroup:
    group_id: str
    uin: str
    region: str
    name: str
    group_type: str
    created_time: float
    affinity: int = 1
    strategy: str = "SPREAD"
    partition_count: int = 0
    instance_ids: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


def _name_contains(group: PlacementGroup, values: list[str]) -> bool:
    return any(v in group.name for v in values)


PLACEMENT_GROUP: Kind[PlacementGroup] = Kind(
    service="cvm",
    output="DisasterRecoverGroup",
    noun="placement group",
    id_attr="group_id",
    id_prefix="ps",
    codes=Codes(malformed="InvalidParameterValue.DisasterRecoverGroupIdMalformed",
                not_found="FailedOperation.DisasterRecoverGroupNotFound", coexist=None,
                unknown_filter="InvalidFilter", paging="InvalidParameterValue.Range"),
    render={
        "DisasterRecoverGroupId": lambda g: g.group_id,
        "Name": lambda g: g.name,
        "Type": lambda g: g.group_type,
        "CvmQuotaTotal": lambda g: CAPACITY[g.group_type],
        "CurrentNum": lambda g: len(g.instance_ids),
        "InstanceIds": lambda g: list(g.instance_ids),
        "CreateTime": lambda g: clock.iso(g.created_time),
        "Affinity": lambda g: g.affinity,
        "Strategy": lambda g: g.strategy,
        "PartitionCount": lambda g: g.partition_count,
        "Tags": lambda g: [{"Key": k, "Value": v} for k, v in g.tags.items()],
    },
    filters={"name": Filter(test=_name_contains)},
    tags=lambda g: g.tags,
    max_ids=10,
    max_values=5,
)


class PlacementBackend:
    def __init__(self, world: World) -> None:
        self.world = world
        from mockcvm.services.cvm.hosts import HOST
        from mockcvm.services.cvm.hpc import HPC_CLUSTER

        self.groups: Store[PlacementGroup] = Store(PLACEMENT_GROUP)
        self.hpc_clusters: Store[HpcCluster] = Store(HPC_CLUSTER)
        self.hosts: Store[Host] = Store(HOST)
        #: Maintenance tasks (services/cvm/tasks.py), made by the control API.
        self.repair_tasks: list[RepairTask] = []
        self.client_tokens: dict[tuple[str, str, str], str] = {}

    def create(self, uin: str, region: str, params: dict[str, Any]) -> PlacementGroup:
        token = params.get("ClientToken")
        if token is not None:
            if len(token) > 64:
                raise ApiError("`ClientToken` is longer than 64 characters.", code="InvalidClientToken.TooLong")
            earlier = self.client_tokens.get((uin, region, token))
            if earlier is not None and earlier in self.groups:
                return self.groups.existing(uin, region, earlier)
        name, group_type = params["Name"], params["Type"]
        if not 1 <= len(name) <= 60:
            raise InvalidParameterValue(f"`Name` must be 1 to 60 characters, got {len(name)}.")
        if group_type not in CAPACITY:
            raise InvalidParameterValue(f"`Type` {group_type!r} is not one of {', '.join(CAPACITY)}.")
        affinity = params.get("Affinity", 1)
        if not 1 <= affinity <= 10:
            raise ApiError(f"`Affinity` must be 1 to 10, got {affinity}.", code="InvalidParameterValue.Range")
        strategy = params.get("Strategy", "SPREAD")
        if strategy not in STRATEGIES:
            raise InvalidParameterValue(f"`Strategy` {strategy!r} is not one of {', '.join(STRATEGIES)}.")
        partitions = params.get("PartitionCount", 0)
        if strategy == "PARTITION" and not 2 <= partitions <= 30:
            raise ApiError("A PARTITION group needs `PartitionCount` 2 to 30.", code="InvalidParameterValue.Range")
        if self.groups.count(uin, region) >= GROUP_QUOTA:
            raise ApiError(f"The account already holds {GROUP_QUOTA} placement groups in {region}, the quota.",
                           code="LimitExceeded.DisasterRecoverGroup")
        group = PlacementGroup(
            group_id=self.world.ids.short("ps"), uin=uin, region=region, name=name, group_type=group_type,
            created_time=float(int(self.world.now)), affinity=affinity, strategy=strategy,
            partition_count=partitions if strategy == "PARTITION" else 0,
            tags=tags_of(params, "ps"),
        )
        self.groups.add(group)
        if token is not None:
            self.client_tokens[(uin, region, token)] = group.group_id
        return group

    def describe(self, uin: str, region: str, params: dict[str, Any]) -> tuple[int, list[PlacementGroup]]:
        filters = list(params.get("Filters") or [])
        if params.get("Name"):
            filters.append({"Name": "name", "Values": [params["Name"]]})
        return self.groups.describe(uin, region, params.get("DisasterRecoverGroupIds"), filters,
                                    params.get("Offset"), params.get("Limit"))

    def modify(self, uin: str, region: str, params: dict[str, Any]) -> None:
        group = self.groups.existing(uin, region, params["DisasterRecoverGroupId"])
        name = params["Name"]
        if not 1 <= len(name) <= 60:
            raise InvalidParameterValue(f"`Name` must be 1 to 60 characters, got {len(name)}.")
        affinity = params.get("Affinity")
        if affinity is not None and not 1 <= affinity <= 10:
            raise ApiError(f"`Affinity` must be 1 to 10, got {affinity}.", code="InvalidParameterValue.Range")
        group.name = name
        if affinity is not None:
            group.affinity = affinity

    def delete(self, uin: str, region: str, ids: list[str]) -> None:
        groups = self.groups.existing_all(uin, region, ids)
        for group in groups:
            if group.instance_ids:
                raise ApiError(f"The placement group {group.group_id} still holds {', '.join(group.instance_ids)}; "
                               "only an empty group can be deleted.", code="FailedOperation.PlacementSetNotEmpty")
        for group in groups:
            self.groups.remove(group)

    def launch_group(self, uin: str, region: str, ids: Optional[list[str]], count: int) -> Optional[PlacementGroup]:
        """The group of RunInstances' ``DisasterRecoverGroupIds`` (one), checked for room for ``count``."""
        if not ids:
            return None
        if len(ids) > 1:
            raise InvalidParameterValue("`DisasterRecoverGroupIds` takes one placement group.")
        group = self.groups.existing(uin, region, ids[0])
        self._room(group, count)
        return group

    def _room(self, group: PlacementGroup, count: int) -> None:
        room = CAPACITY[group.group_type] - len(group.instance_ids)
        if count > room:
            raise ApiError(f"The placement group {group.group_id} ({group.group_type}) has room for {room} more "
                           f"instance(s), not {count}.", code="ResourceInsufficient.DisasterRecoverGroupCvmQuota")

    def join(self, group: PlacementGroup, instance: Instance) -> None:
        group.instance_ids.append(instance.instance_id)
        instance.placement_group_ids = (group.group_id,)

    def leave(self, instance: Instance) -> None:
        for group_id in instance.placement_group_ids:
            group = self.groups.get(instance.uin, instance.region, group_id)
            if group is not None and instance.instance_id in group.instance_ids:
                group.instance_ids.remove(instance.instance_id)
        instance.placement_group_ids = ()

    def move(self, instances: list[Instance], params: dict[str, Any]) -> list[Instance]:
        """ModifyInstancesDisasterRecoverGroup, checked whole; returns the instances to change."""
        ids = params.get("DisasterRecoverGroupIds") or []
        if not ids:
            raise MissingParameter("ModifyInstancesDisasterRecoverGroup needs `DisasterRecoverGroupIds` (one id).")
        first = instances[0]
        group = self.launch_group(first.uin, first.region, ids, 0)
        assert group is not None
        moving = [i for i in instances if group.group_id not in i.placement_group_ids]
        for instance in moving:
            if instance.placement_group_ids and not params.get("Force"):
                raise ApiError(f"The instance `{instance.instance_id}` is in {instance.placement_group_ids[0]}; "
                               "moving it to another group needs `Force`.",
                               code="FailedOperation.AlreadyInDisasterRecoverGroup")
        self._room(group, len(moving))
        for instance in moving:
            self.leave(instance)
            self.join(group, instance)
        return moving

    def remove(self, instances: list[Instance], ids: list[str]) -> None:
        """DeleteInstancesDisasterRecoverGroups: each instance must be in one of the groups."""
        first = instances[0]
        groups = self.groups.existing_all(first.uin, first.region, ids)
        wanted = {g.group_id for g in groups}
        for instance in instances:
            if not wanted.intersection(instance.placement_group_ids):
                raise ApiError(f"The instance `{instance.instance_id}` is not in {', '.join(sorted(wanted))}.",
                               code="FailedOperation.DisasterRecoverGroupNotMatch")
        for instance in instances:
            self.leave(instance)
