"""Tag handlers of the account's tag catalog, single-resource tagging (``catalog.py``) and projects
(``projects.py``)."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.errors import MissingParameter
from mockcvm.services.tag.params import check_flag, created_by_caller, paged, wants_custom
from mockcvm.services.tag.validation import check_key_text


def _pairs(tags: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(t["TagKey"], t["TagValue"]) for t in tags]


@action("tag", "CreateTag")
def create_tag(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.tag.catalog.create(ctx.account.uin, [(params["TagKey"], params["TagValue"])])
    return {}


@action("tag", "CreateTags")
def create_tags(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    if not params.get("Tags"):
        raise MissingParameter("CreateTags needs Tags.")
    ctx.world.tag.catalog.create(ctx.account.uin, _pairs(params["Tags"]))
    return {}


@action("tag", "DeleteTag")
def delete_tag(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.tag.catalog.delete(ctx.account.uin, [(params["TagKey"], params["TagValue"])])
    return {}


@action("tag", "DeleteTags")
def delete_tags(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.tag.catalog.delete(ctx.account.uin, _pairs(params["Tags"]))
    return {}


@action("tag", "GetTags")
def get_tags(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    catalog = ctx.world.tag.catalog
    keys = set(params.get("TagKeys") or [])
    pairs = [p for p in catalog.pairs(ctx.account.uin) if not keys or p[0] in keys]
    page, token = catalog.page(pairs, params.get("PaginationToken"), params.get("MaxResults"))
    return {"PaginationToken": token, "Tags": [{"TagKey": k, "TagValue": v} for k, v in page]}


@action("tag", "GetTagKeys")
def get_tag_keys(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    catalog = ctx.world.tag.catalog
    page, token = catalog.page(catalog.keys(ctx.account.uin), params.get("PaginationToken"), params.get("MaxResults"))
    return {"PaginationToken": token, "TagKeys": page}


@action("tag", "GetTagValues")
def get_tag_values(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    catalog = ctx.world.tag.catalog
    pairs = catalog.values(ctx.account.uin, params["TagKeys"])
    page, token = catalog.page(pairs, params.get("PaginationToken"), params.get("MaxResults"))
    return {"PaginationToken": token, "Tags": [{"TagKey": k, "TagValue": v} for k, v in page]}


@action("tag", "DescribeTags")
@action("tag", "DescribeTagsSeq")
def describe_tags(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return ctx.world.tag.catalog.describe(ctx.account.uin, params)


@action("tag", "DescribeTagKeys")
def describe_tag_keys(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    uin = ctx.account.uin
    created_by_caller(uin, params)
    check_flag(params, "ShowProject")
    keys = ctx.world.tag.catalog.keys(uin) if wants_custom(params) else []
    return paged(params, keys, "Tags")


@action("tag", "DescribeTagValues")
@action("tag", "DescribeTagValuesSeq")
def describe_tag_values(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    uin = ctx.account.uin
    created_by_caller(uin, params)
    for key in params["TagKeys"]:
        check_key_text(key)
    pairs = ctx.world.tag.catalog.values(uin, params["TagKeys"]) if wants_custom(params) else []
    return paged(params, [{"TagKey": k, "TagValue": v} for k, v in pairs], "Tags")


@action("tag", "AddResourceTag")
def add_resource_tag(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.tag.catalog.add_resource_tag(ctx.account.uin, params["Resource"], params["TagKey"], params["TagValue"])
    return {}


@action("tag", "DeleteResourceTag")
def delete_resource_tag(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.tag.catalog.delete_resource_tag(ctx.account.uin, params["Resource"], params["TagKey"])
    return {}


@action("tag", "AddProject")
def add_project(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    project_id, is_new = ctx.world.tag.projects.add(ctx.account.uin, params["ProjectName"], params.get("Info", ""))
    return {"ProjectId": project_id, "IsNew": is_new}


@action("tag", "UpdateProject")
def update_project(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.tag.projects.update(ctx.account.uin, params)
    return {}


@action("tag", "DescribeProjects")
def describe_projects(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    total, rows = ctx.world.tag.projects.describe(ctx.account.uin, params)
    return {"Total": total, "Projects": rows}
