"""VPC and subnet handlers: read parameters, call the network backend, shape the answer."""

from __future__ import annotations

from typing import Any, Callable

from mockcvm.dispatch import Context, action
from mockcvm.engine.resources import Store
from mockcvm.services.vpc.network import SUBNET, VPC


def _describe(ctx: Context, store: Store[Any], ids: Any, params: dict[str, Any],
              made: Callable[[str, str], bool], make: Callable[[str, str], None]) -> tuple[int, list[Any]]:
    """A Describe that lists the default network: it is made the first time it is listed (after the request
    has been checked, so a refused request makes nothing)."""
    uin, region = ctx.account.uin, ctx.region
    already = made(uin, region)
    answer = store.describe(uin, region, ids, params.get("Filters"), params.get("Offset"), params.get("Limit"))
    if already:
        return answer
    make(uin, region)
    return store.describe(uin, region, ids, params.get("Filters"), params.get("Offset"), params.get("Limit"))


@action("vpc", "CreateVpc")
def create_vpc(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"Vpc": VPC.render(ctx.world.vpc.network.create_vpc(ctx.account.uin, ctx.region, params))}


@action("vpc", "DescribeVpcs")
def describe_vpcs(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    network = ctx.world.vpc.network
    total, page = _describe(ctx, network.vpcs, params.get("VpcIds"), params, network.has_defaults,
                            network.ensure_defaults)
    return {"TotalCount": total, "VpcSet": [VPC.render(v) for v in page]}


@action("vpc", "DeleteVpc")
def delete_vpc(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.network.delete_vpc(ctx.account.uin, ctx.region, params["VpcId"])
    return {}


@action("vpc", "ModifyVpcAttribute")
def modify_vpc_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.network.modify_vpc(ctx.account.uin, ctx.region, params)
    return {}


@action("vpc", "CreateSubnet")
def create_subnet(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {k: params[k] for k in ("SubnetName", "CidrBlock", "Zone") if k in params}
    [subnet] = ctx.world.vpc.network.create_subnets(
        ctx.account.uin, ctx.region, params["VpcId"], [spec], params.get("Tags", [])
    )
    return {"Subnet": SUBNET.render(subnet)}


@action("vpc", "CreateSubnets")
def create_subnets(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    made = ctx.world.vpc.network.create_subnets(
        ctx.account.uin, ctx.region, params["VpcId"], params["Subnets"], params.get("Tags", [])
    )
    return {"SubnetSet": [SUBNET.render(s) for s in made]}


@action("vpc", "DescribeSubnets")
def describe_subnets(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    network = ctx.world.vpc.network
    total, page = _describe(ctx, network.subnets, params.get("SubnetIds"), params, network.has_default_subnets,
                            network.ensure_default_subnets)
    return {"TotalCount": total, "SubnetSet": [SUBNET.render(s) for s in page]}


@action("vpc", "DeleteSubnet")
def delete_subnet(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.network.delete_subnet(ctx.account.uin, ctx.region, params["SubnetId"])
    return {}


@action("vpc", "ModifySubnetAttribute")
def modify_subnet_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.network.modify_subnet(ctx.account.uin, ctx.region, params)
    return {}
