"""Tag handlers: read parameters, call the backend, shape the answer."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action


@action("tag", "GetResources")
def get_resources(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    mappings, token = ctx.world.tag.get_resources(
        ctx.account.uin,
        params.get("ResourceList"),
        params.get("TagFilters", []),
        params.get("PaginationToken"),
        params.get("MaxResults"),
    )
    return {"PaginationToken": token, "ResourceTagMappingList": mappings}


@action("tag", "TagResources")
def tag_resources(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    failed = ctx.world.tag.tag_resources(ctx.account.uin, params["ResourceList"], params["Tags"])
    return {"FailedResources": failed}


@action("tag", "UnTagResources")
def untag_resources(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    failed = ctx.world.tag.untag_resources(ctx.account.uin, params["ResourceList"], params["TagKeys"])
    return {"FailedResources": failed}


@action("tag", "ModifyResourceTags")
def modify_resource_tags(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.tag.modify_resource_tags(
        ctx.account.uin, params["Resource"], params.get("ReplaceTags"), params.get("DeleteTags")
    )
    return {}
