"""cvm AssociateSecurityGroups / DisassociateSecurityGroups (the instances' groups) and
ModifyInstancesVpcAttribute (their subnet and private IP), through the VPC backend."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.services.cvm import network_move


def _instances(ctx: Context, params: dict[str, Any]) -> list[Any]:
    return ctx.world.cvm.instances.existing_all(ctx.account.uin, ctx.region, params["InstanceIds"], "InstanceIds")


@action("cvm", "AssociateSecurityGroups")
def associate_security_groups(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.security_groups.associate(ctx.account.uin, ctx.region, _instances(ctx, params),
                                            params["SecurityGroupIds"])
    return {}


@action("cvm", "DisassociateSecurityGroups")
def disassociate_security_groups(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.security_groups.disassociate(ctx.account.uin, ctx.region, _instances(ctx, params),
                                               params["SecurityGroupIds"])
    return {}


@action("cvm", "ModifyInstancesVpcAttribute")
def modify_instances_vpc_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    network_move.modify_vpc_attribute(ctx.world.cvm, ctx.account.uin, ctx.region, params, ctx.request_id)
    return {}
