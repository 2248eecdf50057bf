"""Network interface handlers: read parameters, call the interface backend, shape the answer."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action


@action("vpc", "CreateNetworkInterface")
def create_network_interface(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    backend = ctx.world.vpc.interfaces
    return {"NetworkInterface": backend.render(backend.create(ctx.account.uin, ctx.region, params))}


@action("vpc", "DescribeNetworkInterfaces")
def describe_network_interfaces(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    backend = ctx.world.vpc.interfaces
    total, page = backend.describe(ctx.account.uin, ctx.region, params)
    answer = {"TotalCount": total, "NetworkInterfaceSet": [backend.render(i) for i in page]}
    backend.seen(page)
    return answer


@action("vpc", "AttachNetworkInterface")
def attach_network_interface(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.interfaces.attach(ctx.account.uin, ctx.region, params["NetworkInterfaceId"], params["InstanceId"])
    return {}


@action("vpc", "DetachNetworkInterface")
def detach_network_interface(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.interfaces.detach(ctx.account.uin, ctx.region, params["NetworkInterfaceId"], params["InstanceId"])
    return {}


@action("vpc", "DeleteNetworkInterface")
def delete_network_interface(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.interfaces.delete(ctx.account.uin, ctx.region, params["NetworkInterfaceId"])
    return {}


@action("vpc", "ModifyNetworkInterfaceAttribute")
def modify_network_interface_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.interfaces.modify(ctx.account.uin, ctx.region, params)
    return {}


@action("vpc", "AssignPrivateIpAddresses")
def assign_private_ip_addresses(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    added = ctx.world.vpc.interfaces.assign(ctx.account.uin, ctx.region, params)
    return {"PrivateIpAddressSet": [{"PrivateIpAddress": a.address, "Primary": False, "Description": a.description,
                                     "IsWanIpBlocked": False, "State": "AVAILABLE"} for a in added]}


@action("vpc", "UnassignPrivateIpAddresses")
def unassign_private_ip_addresses(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.interfaces.unassign(ctx.account.uin, ctx.region, params)
    return {}
