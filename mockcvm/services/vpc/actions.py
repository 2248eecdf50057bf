"""Vpc handlers for elastic IPs: read parameters, call the backend, shape the answer."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.services.vpc.models import ADDRESS


@action("vpc", "AllocateAddresses")
def allocate_addresses(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ids, task_id = ctx.world.vpc.allocate(ctx.account.uin, ctx.region, params)
    return {"AddressSet": ids, "TaskId": task_id}


@action("vpc", "AssociateAddress")
def associate_address(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"TaskId": ctx.world.vpc.associate(ctx.account.uin, ctx.region, params)}


@action("vpc", "DisassociateAddress")
def disassociate_address(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    task_id = ctx.world.vpc.disassociate(
        ctx.account.uin, ctx.region, params["AddressId"], params.get("ReallocateNormalPublicIp", False)
    )
    return {"TaskId": task_id}


@action("vpc", "DescribeAddresses")
def describe_addresses(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    total, page = ctx.world.vpc.describe(ctx.account.uin, ctx.region, params)
    answer = {"TotalCount": total, "AddressSet": [ADDRESS.render(a) for a in page]}
    ctx.world.vpc.seen(page)
    return answer


@action("vpc", "ReleaseAddresses")
def release_addresses(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"TaskId": ctx.world.vpc.release(ctx.account.uin, ctx.region, params["AddressIds"])}


@action("vpc", "ModifyAddressAttribute")
def modify_address_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.modify_attribute(ctx.account.uin, ctx.region, params)
    return {}


@action("vpc", "ModifyAddressesBandwidth")
def modify_addresses_bandwidth(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    task_id = ctx.world.vpc.modify_bandwidth(
        ctx.account.uin, ctx.region, params["AddressIds"], params["InternetMaxBandwidthOut"]
    )
    return {"TaskId": task_id}


@action("vpc", "DescribeAddressQuota")
def describe_address_quota(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"QuotaSet": ctx.world.vpc.quota(ctx.account.uin, ctx.region)}
