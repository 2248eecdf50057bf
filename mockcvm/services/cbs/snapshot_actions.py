"""Cbs handlers of snapshots and auto snapshot policies."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.errors import InvalidParameterValue, MissingParameter, NotImplementedByMockcvm
from mockcvm.services.cbs.auto_snapshots import AUTO_SNAPSHOT_POLICY
from mockcvm.services.cbs.snapshots import SNAPSHOT


@action("cbs", "CreateSnapshot")
def create_snapshot(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"SnapshotId": ctx.world.cbs.snapshots.create(ctx.account.uin, ctx.region, params)}


@action("cbs", "DescribeSnapshots")
def describe_snapshots(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    snapshots = ctx.world.cbs.snapshots
    total, page = snapshots.describe(ctx.account.uin, ctx.region, params)
    rendered = [SNAPSHOT.render(s) for s in page]
    for snapshot, shown in zip(page, rendered):
        if snapshot.project_id:
            shown["Placement"]["ProjectName"] = ctx.world.tag.projects.name_of(ctx.account.uin, snapshot.project_id)
    for snapshot in page:
        snapshots.in_flight.seen(snapshot)  # CREATING is shown once (the `transitions` option)
    return {"TotalCount": total, "SnapshotSet": rendered}


@action("cbs", "DeleteSnapshots")
def delete_snapshots(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.snapshots.delete_all(ctx.account.uin, ctx.region, params["SnapshotIds"],
                                       bool(params.get("DeleteBindImages", False)))
    return {}


@action("cbs", "ModifySnapshotAttribute")
def modify_snapshot_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.snapshots.modify(ctx.account.uin, ctx.region, params)
    return {}


@action("cbs", "CreateAutoSnapshotPolicy")
def create_auto_snapshot_policy(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    policy_id, next_trigger = ctx.world.cbs.auto_snapshots.create(ctx.account.uin, ctx.region, params)
    return {"AutoSnapshotPolicyId": policy_id, "NextTriggerTime": next_trigger}


@action("cbs", "DescribeAutoSnapshotPolicies")
def describe_auto_snapshot_policies(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("Order", "ASC") not in ("ASC", "DESC") or params.get("OrderField", "CREATETIME") != "CREATETIME":
        raise InvalidParameterValue("Order must be ASC or DESC and OrderField CREATETIME.")
    store = ctx.world.cbs.auto_snapshots.store
    ids, filters = params.get("AutoSnapshotPolicyIds"), params.get("Filters")
    start, size = store.paging(params.get("Offset"), params.get("Limit"))
    selected = store.select(ctx.account.uin, ctx.region, ids, filters)
    if params.get("Order") == "DESC":
        selected.reverse()
    return {"TotalCount": len(selected),
            "AutoSnapshotPolicySet": [AUTO_SNAPSHOT_POLICY.render(p) for p in selected[start : start + size]]}


@action("cbs", "ModifyAutoSnapshotPolicyAttribute")
def modify_auto_snapshot_policy_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.auto_snapshots.modify(ctx.account.uin, ctx.region, params)
    return {}


@action("cbs", "DeleteAutoSnapshotPolicies")
def delete_auto_snapshot_policies(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.auto_snapshots.delete_all(ctx.account.uin, ctx.region, params["AutoSnapshotPolicyIds"])
    return {}


@action("cbs", "BindAutoSnapshotPolicy")
def bind_auto_snapshot_policy(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    disk_ids = params.get("DiskIds")
    if not disk_ids:
        raise MissingParameter("BindAutoSnapshotPolicy needs DiskIds.")
    ctx.world.cbs.auto_snapshots.bind(ctx.account.uin, ctx.region, params["AutoSnapshotPolicyId"], disk_ids)
    return {}


@action("cbs", "UnbindAutoSnapshotPolicy")
def unbind_auto_snapshot_policy(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("InstanceIds"):
        raise NotImplementedByMockcvm("UnbindAutoSnapshotPolicy by InstanceIds is not modelled; give DiskIds.")
    disk_ids = params.get("DiskIds")
    if not disk_ids:
        raise MissingParameter("UnbindAutoSnapshotPolicy needs DiskIds.")
    ctx.world.cbs.auto_snapshots.unbind(ctx.account.uin, ctx.region, params["AutoSnapshotPolicyId"], disk_ids)
    return {}


@action("cbs", "DescribeDiskAssociatedAutoSnapshotPolicy")
def describe_disk_associated_auto_snapshot_policy(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    policies = ctx.world.cbs.auto_snapshots.of_disk(ctx.account.uin, ctx.region, params["DiskId"])
    return {"TotalCount": len(policies), "AutoSnapshotPolicySet": [AUTO_SNAPSHOT_POLICY.render(p) for p in policies]}


@action("cbs", "ApplySnapshot")
def apply_snapshot(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.snapshots.apply(ctx.account.uin, ctx.region, params)
    return {}


@action("cbs", "DescribeSnapshotOverview")
def describe_snapshot_overview(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return ctx.world.cbs.snapshots.overview(ctx.account.uin)


@action("cbs", "CopySnapshotCrossRegions")
def copy_snapshot_cross_regions(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"SnapshotCopyResultSet": ctx.world.cbs.snapshots.copy_cross_regions(ctx.account.uin, ctx.region, params)}


@action("cbs", "ModifySnapshotsSharePermission")
def modify_snapshots_share_permission(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.snapshots.share(ctx.account.uin, ctx.region, params)
    return {}


@action("cbs", "DescribeSnapshotSharePermission")
def describe_snapshot_share_permission(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"SharePermissionSet": ctx.world.cbs.snapshots.shared(ctx.account.uin, ctx.region, params["SnapshotId"])}
