"""Security group handlers: read parameters, call the security group backend, shape the answer."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.errors import ApiError, InvalidParameterValue
from mockcvm.services.vpc.security_groups import SECURITY_GROUP, Rule, render_policies

ORDER_FIELDS = ("CreatedTime", "UpdateTime")
ORDER_DIRECTIONS = ("ASC", "DESC")
#: DescribeSecurityGroupPolicies filters: name -> how to read a rule.
RULE_FILTERS = {
    "Protocol": lambda r: r.protocol,
    "Port": lambda r: r.port,
    "CidrBlock": lambda r: r.cidr,
    "Ipv6CidrBlock": lambda r: r.ipv6_cidr,
    "SecurityGroupId": lambda r: r.group_id,
    "Action": lambda r: r.action,
    "PolicyDescription": lambda r: r.description,
}


@action("vpc", "CreateSecurityGroup")
def create_security_group(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    group = ctx.world.vpc.security_groups.create(ctx.account.uin, ctx.region, params)
    return {"SecurityGroup": SECURITY_GROUP.render(group)}


@action("vpc", "CreateSecurityGroupWithPolicies")
def create_security_group_with_policies(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    group = ctx.world.vpc.security_groups.create(ctx.account.uin, ctx.region, params, with_policies=True)
    return {"SecurityGroup": SECURITY_GROUP.render(group)}


@action("vpc", "DescribeSecurityGroups")
def describe_security_groups(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    backend = ctx.world.vpc.security_groups
    uin, region = ctx.account.uin, ctx.region
    field = params.get("OrderField", "CreatedTime")
    direction = params.get("OrderDirection", "ASC")
    if field not in ORDER_FIELDS or direction not in ORDER_DIRECTIONS:
        raise InvalidParameterValue(
            f"OrderField must be CreatedTime or UpdateTime and OrderDirection ASC or DESC, got {field!r} and "
            f"{direction!r}."
        )
    ids, filters = params.get("SecurityGroupIds"), params.get("Filters")

    def answer() -> tuple[int, list[Any]]:
        if field == "CreatedTime" and direction == "ASC":
            return backend.groups.describe(uin, region, ids, filters, params.get("Offset"), params.get("Limit"))
        start, size = backend.groups.paging(params.get("Offset"), params.get("Limit"))
        chosen = backend.groups.select(uin, region, ids, filters)
        if field == "UpdateTime":
            chosen.sort(key=lambda g: g.updated_time)
        if direction == "DESC":
            chosen.reverse()
        return len(chosen), chosen[start : start + size]

    made = backend.has_default(uin, region)
    total, page = answer()
    if not made:  # the request was good: the default group exists from now on
        backend.ensure_default(uin, region)
        total, page = answer()
    return {"TotalCount": total, "SecurityGroupSet": [SECURITY_GROUP.render(g) for g in page]}


@action("vpc", "DeleteSecurityGroup")
def delete_security_group(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.security_groups.delete(ctx.account.uin, ctx.region, params["SecurityGroupId"])
    return {}


@action("vpc", "ModifySecurityGroupAttribute")
def modify_security_group_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.security_groups.modify(ctx.account.uin, ctx.region, params)
    return {}


@action("vpc", "DescribeSecurityGroupPolicies")
def describe_security_group_policies(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    group = ctx.world.vpc.security_groups.policies(ctx.account.uin, ctx.region, params["SecurityGroupId"])
    wanted: list[tuple[str, set[str]]] = []
    for item in params.get("Filters") or []:
        name = item["Name"]
        if name not in (*RULE_FILTERS, "Direction"):
            raise ApiError(f"The filter {name!r} is not supported; supported filters: "
                           f"{', '.join([*RULE_FILTERS, 'Direction'])}.", code="InvalidParameter.FilterInvalidKey")
        wanted.append((name, set(item["Values"])))

    def keep(direction: str, rule: Rule) -> bool:
        for name, values in wanted:
            value = direction.upper() if name == "Direction" else RULE_FILTERS[name](rule)
            if value not in values and not (name == "Direction" and direction in values):
                return False
        return True

    return {"SecurityGroupPolicySet": render_policies(group, keep if wanted else None)}


@action("vpc", "CreateSecurityGroupPolicies")
def create_security_group_policies(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.security_groups.create_policies(
        ctx.account.uin, ctx.region, params["SecurityGroupId"], params["SecurityGroupPolicySet"]
    )
    return {}


@action("vpc", "DeleteSecurityGroupPolicies")
def delete_security_group_policies(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.security_groups.delete_policies(
        ctx.account.uin, ctx.region, params["SecurityGroupId"], params["SecurityGroupPolicySet"]
    )
    return {}


@action("vpc", "ReplaceSecurityGroupPolicies")
def replace_security_group_policies(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.security_groups.replace_policies(ctx.account.uin, ctx.region, params)
    return {}


@action("vpc", "ModifySecurityGroupPolicies")
def modify_security_group_policies(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.vpc.security_groups.modify_policies(
        ctx.account.uin, ctx.region, params["SecurityGroupId"], params["SecurityGroupPolicySet"]
    )
    return {}
