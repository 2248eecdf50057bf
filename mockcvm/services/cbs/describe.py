"""DescribeDisks: ids or filters, ordering and paging.

An unfiltered page in creation order comes straight from the account's :class:`OrderedIndex` (its cost does
not grow with the number of disks); ``instance-id`` filters read the instance index; other filters scan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from mockcvm.errors import ApiError, InvalidParameterValue
from mockcvm.services.cbs.backend import check_disk_id
from mockcvm.services.cbs.models import Disk
from mockcvm.services.tag.filters import FilterTable, matches

if TYPE_CHECKING:
    from mockcvm.world import World

DEFAULT_LIMIT, MAX_LIMIT = 20, 100


def _instance_field(world: World, disk: Disk, field: str) -> Optional[str]:
    if disk.instance_id is None:
        return None
    instance = world.tag.find_instance(disk.uin, disk.region, disk.instance_id)
    return None if instance is None else getattr(instance, field)


def _filters(world: World) -> FilterTable:
    return FilterTable(
        {
            "disk-usage": lambda d: d.usage,
            "disk-charge-type": lambda d: d.charge_type,
            "portable": lambda d: "TRUE" if d.portable else "FALSE",
            "project-id": lambda d: str(d.project_id),
            "disk-id": lambda d: d.disk_id,
            "disk-name": lambda d: d.name,
            "disk-type": lambda d: d.disk_type,
            "disk-state": lambda d: d.state,
            "instance-id": lambda d: d.instance_id,
            "zone": lambda d: d.zone,
            "instance-ip-address": lambda d: [
                ip for ip in (_instance_field(world, d, "private_ip"), _instance_field(world, d, "public_ip")) if ip
            ],
            "instance-name": lambda d: _instance_field(world, d, "name"),
            "dedicated-cluster-id": lambda d: None,
            "cluster-group-id": lambda d: None,
        },
        unknown_code="InvalidFilter",
        tags=lambda d: d.tags,
    )


def describe_disks(world: World, uin: str, region: str, params: dict[str, Any]) -> tuple[int, list[Disk]]:
    """``(TotalCount, page)`` of the account's disks in ``region``."""
    disk_ids: Optional[list[str]] = params.get("DiskIds")
    filters: Optional[list[dict[str, Any]]] = params.get("Filters")
    if disk_ids and filters:
        raise InvalidParameterValue("DiskIds and Filters cannot be given together.")
    offset = params.get("Offset", 0)
    limit = params.get("Limit", DEFAULT_LIMIT)
    if not 0 <= limit <= MAX_LIMIT:
        raise InvalidParameterValue(f"Limit must be between 0 and {MAX_LIMIT}, got {limit}.")
    order = params.get("Order", "ASC")
    if order not in ("ASC", "DESC"):
        raise InvalidParameterValue(f"Order must be ASC or DESC, got {order!r}.")
    order_field = params.get("OrderField", "CREATE_TIME")
    if order_field not in ("CREATE_TIME", "DEADLINE"):
        raise InvalidParameterValue(f"OrderField must be CREATE_TIME or DEADLINE, got {order_field!r}.")
    cbs = world.cbs
    index = cbs.index(uin, region)
    if disk_ids:
        if len(disk_ids) > MAX_LIMIT:
            raise ApiError(
                f"{len(disk_ids)} disk ids were given; at most {MAX_LIMIT} are allowed.",
                code="InvalidParameterValue.LimitExceeded",
            )
        for disk_id in disk_ids:
            check_disk_id(disk_id)
        found = [cbs.get(uin, region, d) for d in dict.fromkeys(disk_ids)]
        selected = [d for d in found if d is not None]
    else:
        compiled = _filters(world).compile(filters or [], 10, 100, "InvalidParameterValue.LimitExceeded")
        if not compiled and order == "ASC" and order_field == "CREATE_TIME":
            if index is None:
                return 0, []
            return len(index), index.page(offset, limit)
        pool = _candidates(world, uin, region, compiled)
        selected = [d for d in pool if matches(d, compiled)]
    if order_field == "DEADLINE":
        selected.sort(key=lambda d: d.deadline if d.deadline is not None else float("inf"))
    if order == "DESC":
        selected.reverse()
    return len(selected), selected[offset : offset + limit]


def _candidates(world: World, uin: str, region: str, compiled: list[Any]) -> list[Disk]:
    for _reader, wanted, name in compiled:
        if name == "instance-id":
            attached = [d for i in sorted(wanted) for d in world.cbs.attached_to(i)]
            return sorted((d for d in attached if d.uin == uin and d.region == region), key=lambda d: d.created_time)
    index = world.cbs.index(uin, region)
    return list(index) if index is not None else []
