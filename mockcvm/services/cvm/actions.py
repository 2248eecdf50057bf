"""CVM handlers: read parameters, call the backend, shape the answer."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.regions import REGIONS


@action("cvm", "DescribeRegions")
def describe_regions(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    regions = [
        {"Region": r.region, "RegionName": r.name, "RegionState": "AVAILABLE"} for r in REGIONS.values()
    ]
    return {"TotalCount": len(regions), "RegionSet": regions}


@action("cvm", "DescribeZones")
def describe_zones(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    zones = [
        {"Zone": z.zone, "ZoneName": z.name, "ZoneId": z.zone_id, "ZoneState": "AVAILABLE"}
        for z in REGIONS[ctx.region].zones
    ]
    return {"TotalCount": len(zones), "ZoneSet": zones}
