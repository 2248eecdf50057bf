"""Cbs handlers (cloud disks): read parameters, call the backend, shape the answer."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.services.cbs.describe import describe_disks


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
    total, page = describe_disks(ctx.world, ctx.account.uin, ctx.region, params)
    return {"TotalCount": total, "DiskSet": [d.to_api() for d in page]}


@action("cbs", "TerminateDisks")
def terminate_disks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.terminate(ctx.account.uin, ctx.region, params["DiskIds"])
    return {}
