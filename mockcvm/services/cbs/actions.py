"""Cbs handlers (cloud disks): read parameters, call the backend, shape the answer."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.services.cbs.models import DISK


@action("cbs", "CreateDisks")
def create_disks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"DiskIdSet": ctx.world.cbs.create(ctx.account.uin, ctx.region, params)}


@action("cbs", "AttachDisks")
def attach_disks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.attach(ctx.account.uin, ctx.region, params)
    return {}


@action("cbs", "DetachDisks")
def detach_disks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.detach(ctx.account.uin, ctx.region, params)
    return {}


@action("cbs", "DescribeDisks")
def describe(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    cbs = ctx.world.cbs
    total, page = cbs.describe(ctx.account.uin, ctx.region, params)
    rendered = [DISK.render(d) for d in page]
    for disk, shown in zip(page, rendered):
        if disk.project_id:
            shown["Placement"]["ProjectName"] = ctx.world.tag.projects.name_of(ctx.account.uin, disk.project_id)
    for disk in page:
        cbs.in_flight.seen(disk)  # a transitional state is shown once (the `transitions` option)
    return {"TotalCount": total, "DiskSet": rendered}


@action("cbs", "TerminateDisks")
def terminate_disks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.terminate(ctx.account.uin, ctx.region, params["DiskIds"])
    return {}
