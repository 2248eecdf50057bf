"""Handlers of the account's own images: create, import, sync, export, modify, delete, share, quota."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.services.cvm import private_images


@action("cvm", "CreateImage")
def create_image(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"ImageId": private_images.create_image(ctx.world.images, ctx.account.uin, ctx.region, params)}


@action("cvm", "ImportImage")
def import_image(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"ImageId": private_images.import_image(ctx.world.images, ctx.account.uin, ctx.region, params)}


@action("cvm", "SyncImages")
def sync_images(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"ImageSet": private_images.sync_images(ctx.world.images, ctx.account.uin, ctx.region, params)}


@action("cvm", "ExportImages")
def export_images(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    task_id, paths = private_images.export_images(ctx.world.images, ctx.account.uin, ctx.region, params)
    return {"TaskId": task_id, "CosPaths": paths}


@action("cvm", "ModifyImageAttribute")
def modify_image_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    private_images.modify_image(ctx.world.images, ctx.account.uin, ctx.region, params)
    return {}


@action("cvm", "DeleteImages")
def delete_images(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    private_images.delete_images(ctx.world.images, ctx.account.uin, ctx.region, params)
    return {}


@action("cvm", "ModifyImageSharePermission")
def modify_image_share_permission(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    private_images.modify_share(ctx.world.images, ctx.account.uin, ctx.region, params)
    return {}


@action("cvm", "DescribeImageSharePermission")
def describe_image_share_permission(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    shares = private_images.share_permissions(ctx.world.images, ctx.account.uin, ctx.region, params["ImageId"])
    return {"SharePermissionSet": shares}


@action("cvm", "DescribeImageQuota")
def describe_image_quota(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"ImageNumQuota": private_images.IMAGE_QUOTA}
