"""Tag handlers that read resources' tags by service, prefix, region and ids or tag filters
(``resource_tags.py``), and that set one tag on many resources (``batch.py``)."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action


@action("tag", "DescribeResourceTags")
def describe_resource_tags(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return ctx.world.tag.reads.describe_resource_tags(ctx.account.uin, params)


@action("tag", "DescribeResourceTagsByResourceIds")
@action("tag", "DescribeResourceTagsByResourceIdsSeq")
def describe_resource_tags_by_resource_ids(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return ctx.world.tag.reads.by_resource_ids(ctx.account.uin, params)


@action("tag", "DescribeResourceTagsByTagKeys")
def describe_resource_tags_by_tag_keys(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return ctx.world.tag.reads.by_tag_keys(ctx.account.uin, params)


@action("tag", "DescribeResourcesByTags")
def describe_resources_by_tags(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return ctx.world.tag.reads.by_tags(ctx.account.uin, params, union=False)


@action("tag", "DescribeResourcesByTagsUnion")
def describe_resources_by_tags_union(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return ctx.world.tag.reads.by_tags(ctx.account.uin, params, union=True)


@action("tag", "AttachResourcesTag")
def attach_resources_tag(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.tag.batch.attach(ctx.account.uin, params)
    return {}


@action("tag", "DetachResourcesTag")
def detach_resources_tag(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.tag.batch.detach(ctx.account.uin, params)
    return {}


@action("tag", "ModifyResourcesTagValue")
def modify_resources_tag_value(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.tag.batch.modify_values(ctx.account.uin, params)
    return {}


@action("tag", "UpdateResourceTagValue")
def update_resource_tag_value(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.tag.batch.update_value(ctx.account.uin, params["Resource"], params["TagKey"], params["TagValue"])
    return {}
