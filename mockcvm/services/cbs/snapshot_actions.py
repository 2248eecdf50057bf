"""Cbs handlers of snapshots."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.services.cbs.snapshots import SNAPSHOT


@action("cbs", "CreateSnapshot")
def create_snapshot(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"SnapshotId": ctx.world.cbs.snapshots.create(ctx.account.uin, ctx.region, params)}


@action("cbs", "DescribeSnapshots")
def describe_snapshots(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    snapshots = ctx.world.cbs.snapshots
    total, page = snapshots.describe(ctx.account.uin, ctx.region, params)
    rendered = [SNAPSHOT.render(s) for s in page]
    for snapshot in page:
        snapshots.in_flight.seen(snapshot)  # CREATING is shown once (the `transitions` option)
    return {"TotalCount": total, "SnapshotSet": rendered}


@action("cbs", "DeleteSnapshots")
def delete_snapshots(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.snapshots.delete_all(ctx.account.uin, ctx.region, params["SnapshotIds"])
    return {}


@action("cbs", "ModifySnapshotAttribute")
def modify_snapshot_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.snapshots.modify(ctx.account.uin, ctx.region, params)
    return {}
