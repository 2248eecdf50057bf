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
    total, page = ctx.world.cbs.describe(ctx.account.uin, ctx.region, params)
    return {"TotalCount": total, "DiskSet": [DISK.render(d) for d in page]}


@action("cbs", "TerminateDisks")
def terminate_disks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.terminate(ctx.account.uin, ctx.region, params["DiskIds"])
    return {}
