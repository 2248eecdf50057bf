"""The instance's own disks: ResizeInstanceDisks (grow the system disk or one data disk),
ModifyInstanceDiskType, and the quotes of the resize and of a bandwidth change.

The instance's disk list and the CBS disk behind each entry change together; a postpaid disk's hourly rate follows
its new size (``disk_gb_hour`` per GB), the rate the quote gives. Prepaid disks are not priced by the fake.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from mockcvm.dispatch import Context, action
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.services.cvm import checks, models, pricing
from mockcvm.services.cvm.instance_ops import static_changed
from mockcvm.services.cvm.models import Instance

DISK_TYPES = ("CLOUD_BASIC", "CLOUD_PREMIUM", "CLOUD_SSD", "CLOUD_HSSD", "CLOUD_TSSD", "CLOUD_BSSD")
MAX_SYSTEM_DISK, MAX_DATA_DISK = 2048, 32000
RATE_REASON = "disk"


def _instance(ctx: Context, instance_id: str, action_name: str) -> Instance:
    (instance,) = checks.find_all(ctx.world.cvm, ctx.account.uin, ctx.region,
                                  checks.instance_ids([instance_id], action_name))
    return instance


def _targets(instance: Instance, params: dict[str, Any], key: str, action_name: str) -> list[tuple[dict[str, Any],
                                                                                                    Any]]:
    """(the instance's disk entry, the new value) for SystemDisk and each of DataDisks."""
    chosen: list[tuple[dict[str, Any], Any]] = []
    system = params.get("SystemDisk")
    if system and system.get(key) is not None:
        chosen.append((instance.system_disk, system[key]))
    for disk in params.get("DataDisks") or []:
        entry = next((d for d in instance.data_disks if d.get("DiskId") == disk.get("DiskId")), None)
        if entry is None:
            raise ApiError(f"The disk `{disk.get('DiskId')}` is not a data disk of {instance.instance_id}.",
                           code="InvalidParameter.DataDiskNotBelongSpecifiedInstance")
        if disk.get(key) is None:
            raise MissingParameter(f"Each of `DataDisks` needs `{key}`.")
        chosen.append((entry, disk[key]))
    if not chosen:
        raise MissingParameter(f"{action_name} needs `SystemDisk.{key}` or `DataDisks` with `DiskId` and `{key}`.")
    return chosen


def _resize_plan(ctx: Context, params: dict[str, Any], action_name: str) -> tuple[Instance, list[tuple[dict[str, Any],
                                                                                                      int]]]:
    instance = _instance(ctx, params["InstanceId"], action_name)
    if params.get("SystemDisk") and params.get("DataDisks"):
        raise ApiError(f"{action_name} resizes the system disk or data disks, not both in one call.",
                       code="InvalidParameterConflict")
    if len(params.get("DataDisks") or []) > 1:
        raise InvalidParameterValue("ResizeInstanceDisks grows one data disk per call.")
    chosen = _targets(instance, params, "DiskSize", action_name)
    for entry, size in chosen:
        limit = MAX_SYSTEM_DISK if entry is instance.system_disk else MAX_DATA_DISK
        current = int(entry.get("DiskSize", 50))
        if size <= current:
            raise ApiError(f"A disk only grows: {size} GB is not more than its {current} GB.",
                           code="InvalidParameterValue.Range")
        if size > limit:
            raise ApiError(f"{size} GB is more than the {limit} GB a disk may have.",
                           code="InvalidParameterValue.Range")
    return instance, chosen


def _hourly(ctx: Context, instance: Instance, chosen: list[tuple[dict[str, Any], int]]) -> Decimal:
    if instance.charge_type == models.PREPAID:
        return Decimal(0)
    price = ctx.world.billing.price("disk_gb_hour")
    return sum((price * size for _entry, size in chosen), Decimal(0))


@action("cvm", "ResizeInstanceDisks")
def resize_instance_disks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, backend = ctx.world, ctx.world.cvm
    instance, chosen = _resize_plan(ctx, params, "ResizeInstanceDisks")
    online = bool(params.get("ResizeOnline"))
    if online:
        ((_, step),) = checks.steps(backend, [instance], "ResizeInstanceDisks", lambda i: "OnlineChange")
    else:
        operation = "OfflineChange.ForceStop" if params.get("ForceStop") else "OfflineChange"
        ((_, step),) = checks.steps(backend, [instance], "ResizeInstanceDisks", lambda i: operation)
    for entry, size in chosen:
        entry["DiskSize"] = size
        disk = world.cbs.disks.get(instance.uin, instance.region, entry.get("DiskId") or "")
        if disk is not None:
            disk.disk_size = size
            if disk.charge_type == "POSTPAID_BY_HOUR":
                world.billing.set_rate(disk.uin, disk.disk_id, RATE_REASON, world.billing.price("disk_gb_hour") * size)
    static_changed(backend, instance)
    backend.begin(instance, "ResizeInstanceDisks", ctx.request_id, step)
    return {}


@action("cvm", "InquiryPriceResizeInstanceDisks")
def inquiry_price_resize_instance_disks(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    instance, chosen = _resize_plan(ctx, params, "InquiryPriceResizeInstanceDisks")
    if instance.charge_type == models.PREPAID:
        return {"Price": pricing.upfront(Decimal(0))}
    return {"Price": pricing.hourly(_hourly(ctx, instance, chosen))}


@action("cvm", "ModifyInstanceDiskType")
def modify_instance_disk_type(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, backend = ctx.world, ctx.world.cvm
    instance = _instance(ctx, params["InstanceId"], "ModifyInstanceDiskType")
    chosen = _targets(instance, params, "DiskType", "ModifyInstanceDiskType")
    for _entry, disk_type in chosen:
        if disk_type not in DISK_TYPES:
            raise InvalidParameterValue(f"`DiskType` {disk_type!r} is not one of {', '.join(DISK_TYPES)}.")
    ((_, step),) = checks.steps(backend, [instance], "ModifyInstanceDiskType", lambda i: "OfflineChange")
    for entry, disk_type in chosen:
        entry["DiskType"] = disk_type
        disk = world.cbs.disks.get(instance.uin, instance.region, entry.get("DiskId") or "")
        if disk is not None:
            disk.disk_type = disk_type
            world.cbs.disks.changed(disk)
    static_changed(backend, instance)
    backend.begin(instance, "ModifyInstanceDiskType", ctx.request_id, step)
    return {}


@action("cvm", "InquiryPriceResetInstancesInternetMaxBandwidth")
def inquiry_price_reset_bandwidth(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """Bandwidth is not charged by the fake: the quote is 0, after the checks the change itself makes."""
    bandwidth: Optional[int] = params["InternetAccessible"].get("InternetMaxBandwidthOut")
    if bandwidth is None:
        raise InvalidParameterValue("`InternetAccessible.InternetMaxBandwidthOut` is required.")
    from mockcvm.services.cvm.instance_info import BANDWIDTH_LIMIT

    if not 0 <= bandwidth <= BANDWIDTH_LIMIT:
        raise ApiError(f"`InternetMaxBandwidthOut` must be 0 to {BANDWIDTH_LIMIT} Mbps, got {bandwidth}.",
                       code="InvalidParameterValue.Range")
    ids = checks.instance_ids(params.get("InstanceIds"), "InquiryPriceResetInstancesInternetMaxBandwidth")
    instances = checks.find_all(ctx.world.cvm, ctx.account.uin, ctx.region, ids)
    prepaid = instances[0].charge_type == models.PREPAID
    return {"Price": pricing.upfront(Decimal(0)) if prepaid else pricing.hourly(Decimal(0))}
