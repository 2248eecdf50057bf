"""CVM handlers: read parameters, call the backend, shape the answer."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.regions import REGIONS, region_name, zone_name
from mockcvm.services.cvm import describe, destroy, launch, power


@action("cvm", "DescribeRegions")
def describe_regions(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    regions = [
        {"Region": r.region, "RegionName": region_name(r.region, ctx.call.language), "RegionState": "AVAILABLE"}
        for r in REGIONS.values()
    ]
    return {"TotalCount": len(regions), "RegionSet": regions}


@action("cvm", "DescribeZones")
def describe_zones(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    zones = [
        {"Zone": z.zone, "ZoneName": zone_name(z, ctx.call.language), "ZoneId": z.zone_id, "ZoneState": "AVAILABLE"}
        for z in REGIONS[ctx.region].zones
    ]
    return {"TotalCount": len(zones), "ZoneSet": zones}


@action("cvm", "RunInstances")
def run_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ids = launch.run_instances(ctx.world.cvm, ctx.account.uin, ctx.region, params, ctx.request_id)
    return {"InstanceIdSet": ids}


@action("cvm", "DescribeInstances")
def describe_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe.describe_instances(ctx.world.cvm, ctx.account.uin, ctx.region, params)


@action("cvm", "DescribeInstancesStatus")
def describe_instances_status(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return describe.describe_instances_status(ctx.world.cvm, ctx.account.uin, ctx.region, params)


@action("cvm", "StartInstances")
def start_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    power.start_instances(ctx.world.cvm, ctx.account.uin, ctx.region, params, ctx.request_id)
    return {}


@action("cvm", "StopInstances")
def stop_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    power.stop_instances(ctx.world.cvm, ctx.account.uin, ctx.region, params, ctx.request_id)
    return {}


@action("cvm", "RebootInstances")
def reboot_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    power.reboot_instances(ctx.world.cvm, ctx.account.uin, ctx.region, params, ctx.request_id)
    return {}


@action("cvm", "ModifyInstancesAttribute")
def modify_instances_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    power.modify_instances_attribute(ctx.world.cvm, ctx.account.uin, ctx.region, params, ctx.request_id)
    return {}


@action("cvm", "TerminateInstances")
def terminate_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    destroy.terminate_instances(ctx.world.cvm, ctx.account.uin, ctx.region, params, ctx.request_id)
    return {}


@action("cvm", "RenewInstances")
def renew_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    destroy.renew_instances(ctx.world.cvm, ctx.account.uin, ctx.region, params, ctx.request_id)
    return {}


@action("cvm", "InquiryPriceTerminateInstances")
def inquiry_price_terminate_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    refunds = destroy.inquiry_price_terminate(ctx.world.cvm, ctx.account.uin, ctx.region, params)
    return {"InstanceRefundsSet": refunds}
