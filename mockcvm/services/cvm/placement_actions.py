"""Handlers of the placement-group (DisasterRecoverGroup) actions."""

from __future__ import annotations

from typing import Any

from mockcvm import clock
from mockcvm.dispatch import Context, action
from mockcvm.services.cvm import checks
from mockcvm.services.cvm.instance_ops import static_changed
from mockcvm.services.cvm.placement import CAPACITY, GROUP_QUOTA, PLACEMENT_GROUP


@action("cvm", "CreateDisasterRecoverGroup")
def create_disaster_recover_group(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    group = ctx.world.placements.create(ctx.account.uin, ctx.region, params)
    return {"DisasterRecoverGroupId": group.group_id, "Type": group.group_type, "Name": group.name,
            "CvmQuotaTotal": CAPACITY[group.group_type], "CurrentNum": len(group.instance_ids),
            "CreateTime": clock.spaced(group.created_time), "Strategy": group.strategy,  # spaced here, ISO in Describe
            "PartitionCount": group.partition_count}


@action("cvm", "DescribeDisasterRecoverGroups")
def describe_disaster_recover_groups(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    total, page = ctx.world.placements.describe(ctx.account.uin, ctx.region, params)
    return {"TotalCount": total, "DisasterRecoverGroupSet": [PLACEMENT_GROUP.render(g) for g in page]}


@action("cvm", "DescribeDisasterRecoverGroupQuota")
def describe_disaster_recover_group_quota(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"GroupQuota": GROUP_QUOTA, "CurrentNum": ctx.world.placements.groups.count(ctx.account.uin, ctx.region),
            "CvmInHostGroupQuota": CAPACITY["HOST"], "CvmInSwitchGroupQuota": CAPACITY["SW"],
            "CvmInRackGroupQuota": CAPACITY["RACK"]}


@action("cvm", "ModifyDisasterRecoverGroupAttribute")
def modify_disaster_recover_group_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.placements.modify(ctx.account.uin, ctx.region, params)
    return {}


@action("cvm", "DeleteDisasterRecoverGroups")
def delete_disaster_recover_groups(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.placements.delete(ctx.account.uin, ctx.region, params["DisasterRecoverGroupIds"])
    return {}


@action("cvm", "ModifyInstancesDisasterRecoverGroup")
def modify_instances_disaster_recover_group(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    backend = ctx.world.cvm
    ids = checks.instance_ids(params.get("InstanceIds"), "ModifyInstancesDisasterRecoverGroup")
    instances = checks.find_all(backend, ctx.account.uin, ctx.region, ids)
    for instance in ctx.world.placements.move(instances, params):
        static_changed(backend, instance)
    return {}


@action("cvm", "DeleteInstancesDisasterRecoverGroups")
def delete_instances_disaster_recover_groups(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    backend = ctx.world.cvm
    ids = checks.instance_ids(params.get("InstanceIds"), "DeleteInstancesDisasterRecoverGroups")
    instances = checks.find_all(backend, ctx.account.uin, ctx.region, ids)
    ctx.world.placements.remove(instances, params["DisasterRecoverGroupIds"])
    for instance in instances:
        static_changed(backend, instance)
    return {}
