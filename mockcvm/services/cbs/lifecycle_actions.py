"""Cbs handlers of a disk's own lifecycle: renewals, charge type, resize, attributes, quotas and prices."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action


@action("cbs", "RenewDisk")
def renew_disk(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.ops.renew(ctx.account.uin, ctx.region, params["DiskId"], params["DiskChargePrepaid"])
    return {}


@action("cbs", "InquiryPriceRenewDisks")
def inquiry_price_renew_disks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"DiskPrice": ctx.world.cbs.ops.inquiry_renew(ctx.account.uin, ctx.region, params)}


@action("cbs", "ModifyDisksRenewFlag")
def modify_disks_renew_flag(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.ops.modify_renew_flag(ctx.account.uin, ctx.region, params["DiskIds"], params["RenewFlag"])
    return {}


@action("cbs", "ModifyDisksChargeType")
def modify_disks_charge_type(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.ops.modify_charge_type(ctx.account.uin, ctx.region, params)
    return {}


@action("cbs", "ResizeDisk")
def resize_disk(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.ops.resize(ctx.account.uin, ctx.region, params.get("DiskId"), params["DiskSize"])
    return {}


@action("cbs", "InquiryPriceResizeDisk")
def inquiry_price_resize_disk(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"DiskPrice": ctx.world.cbs.ops.inquiry_resize(ctx.account.uin, ctx.region, params)}


@action("cbs", "ModifyDiskAttributes")
def modify_disk_attributes(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.ops.modify_attributes(ctx.account.uin, ctx.region, params)
    return {}


@action("cbs", "InitializeDisks")
def initialize_disks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.cbs.ops.initialize(ctx.account.uin, ctx.region, params["DiskIds"])
    return {}


@action("cbs", "InquiryPriceCreateDisks")
def inquiry_price_create_disks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"DiskPrice": ctx.world.cbs.ops.inquiry_create(params)}


@action("cbs", "DescribeDiskConfigQuota")
def describe_disk_config_quota(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"DiskConfigSet": ctx.world.cbs.ops.config_quota(ctx.region, params)}


@action("cbs", "DescribeInstancesDiskNum")
def describe_instances_disk_num(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"AttachDetail": ctx.world.cbs.ops.instances_disk_num(ctx.account.uin, ctx.region, params["InstanceIds"])}
