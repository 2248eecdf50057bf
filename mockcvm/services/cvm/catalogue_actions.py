"""Handlers of the catalogue's read-only actions: images, instance types and families, charge types, quotas."""

from __future__ import annotations

from typing import Any

from mockcvm import clock
from mockcvm.dispatch import Context, action
from mockcvm.engine.resources import Codes, Filter, Kind, matches
from mockcvm.errors import ApiError, MissingParameter
from mockcvm.services.cvm import checks, images

#: DescribeImportImageOs: the operating systems ImportImage accepts (the official list).
IMPORT_OS: dict[str, tuple[list[str], list[str]]] = {
    "Windows Server 2008": (["9"], ["x86_64", "i386"]),
    "Windows Server 2012": (["9"], ["x86_64", "i386"]),
    "Windows Server 2016": (["9"], ["x86_64", "i386"]),
    "CentOS": (["5", "6", "7"], ["x86_64", "i386"]),
    "CoreOS": (["7"], ["x86_64", "i386"]),
    "Debian": (["6", "7", "8", "9"], ["x86_64", "i386"]),
    "FreeBSD": (["10"], ["x86_64", "i386"]),
    "Redhat": (["5", "6", "7"], ["x86_64", "i386"]),
    "OpenSUSE": (["11", "12"], ["x86_64", "i386"]),
    "SUSE": (["10", "11", "12"], ["x86_64", "i386"]),
    "Ubuntu": (["10", "11", "12", "13", "14", "15", "16", "17", "18"], ["x86_64", "i386"]),
    "Other Linux": (["1"], ["x86_64", "i386"]),
}
IMPORT_LINUX = ["CentOS", "Ubuntu", "Debian", "OpenSUSE", "SUSE", "CoreOS", "FreeBSD", "Other Linux"]
IMPORT_WINDOWS = ["Windows Server 2008", "Windows Server 2012", "Windows Server 2016"]

INTERNET_CHARGE_TYPES = (
    ("BANDWIDTH_PREPAID", "按带宽包年包月计费", "Prepaid by bandwidth (monthly)"),
    ("TRAFFIC_POSTPAID_BY_HOUR", "按流量计费", "Postpaid by traffic (hourly)"),
    ("BANDWIDTH_POSTPAID_BY_HOUR", "按带宽使用时长计费", "Postpaid by bandwidth (hourly)"),
    ("BANDWIDTH_PACKAGE", "带宽包计费", "Bandwidth package"),
)

#: What DescribeAccountQuota reports; the fake enforces no per-zone instance quota (docs/semantics.md).
INSTANCE_QUOTA = 1000
PREPAID_ONCE_QUOTA = 300
IMAGE_QUOTA = 500
DISASTER_RECOVER_QUOTA = {"GroupQuota": 10, "CvmInHostGroupQuota": 50, "CvmInSwitchGroupQuota": 20,
                          "CvmInRackGroupQuota": 30}
QUOTA_TYPES = ("PostPaidQuotaSet", "PrePaidQuotaSet", "SpotPaidQuotaSet", "ImageQuotaSet",
               "DisasterRecoverGroupQuotaSet")


@action("cvm", "DescribeImages")
def describe_images(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    backend = ctx.world.images
    total, page = backend.describe(ctx.account.uin, ctx.region, params)
    return {"TotalCount": total, "ImageSet": backend.render_page(page)}


@action("cvm", "DescribeImageFromFamily")
def describe_image_from_family(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    family = params.get("ImageFamily")
    if not family:
        raise MissingParameter("DescribeImageFromFamily needs `ImageFamily`.")
    backend = ctx.world.images
    own = [i for i in backend.images.in_region(ctx.account.uin, ctx.region)
           if i.image_family == family and i.state == images.NORMAL]
    image = own[-1] if own else backend.by_family.get(family)
    if image is None:
        known = sorted(backend.by_family)
        raise ApiError(
            f"No image of the family {family!r} exists; the public image families are {', '.join(known)}.",
            code="InvalidParameterValue.InvalidImageFamily",
        )
    return {"Image": backend.render(image)}


@action("cvm", "DescribeImportImageOs")
def describe_import_image_os(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "ImportImageOsListSupported": {"Linux": list(IMPORT_LINUX), "Windows": list(IMPORT_WINDOWS)},
        "ImportImageOsVersionSet": [
            {"OsName": name, "OsVersions": list(versions), "Architecture": list(arch)}
            for name, (versions, arch) in IMPORT_OS.items()
        ],
    }


@action("cvm", "DescribeInstanceTypeConfigs")
def describe_instance_type_configs(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    filters = params.get("Filters")
    if not filters:
        return {"InstanceTypeConfigSet": ctx.world.offers.type_configs_json(ctx.region)}
    return {"InstanceTypeConfigSet": ctx.world.offers.type_configs(ctx.region, filters)}


@action("cvm", "DescribeZoneInstanceConfigInfos")
def describe_zone_instance_config_infos(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"InstanceTypeQuotaSet": ctx.world.offers.quota_items(ctx.region, params.get("Filters"))}


@action("cvm", "DescribeInstanceFamilyConfigs")
def describe_instance_family_configs(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    english = ctx.call.language.startswith("en")
    return {"InstanceFamilyConfigSet": [
        {"InstanceFamily": f.family, "InstanceFamilyName": f.name_en if english else f.name_zh}
        for f in ctx.world.catalogue.families.values() if f.current
    ]}


@action("cvm", "DescribeInternetChargeTypeConfigs")
def describe_internet_charge_type_configs(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    english = ctx.call.language.startswith("en")
    return {"InternetChargeTypeConfigSet": [
        {"InternetChargeType": name, "Description": en if english else zh} for name, zh, en in INTERNET_CHARGE_TYPES
    ]}


@action("cvm", "DescribeInstanceInternetBandwidthConfigs")
def describe_instance_internet_bandwidth_configs(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    instance_id = params["InstanceId"]
    checks.instance_ids([instance_id], "DescribeInstanceInternetBandwidthConfigs")
    (instance,) = checks.find_all(ctx.world.cvm, ctx.account.uin, ctx.region, [instance_id])
    if instance.internet_charge_type != "BANDWIDTH_PREPAID":
        raise ApiError(
            f"The instance `{instance_id}` pays for its bandwidth as {instance.internet_charge_type or 'nothing'}; "
            "only BANDWIDTH_PREPAID bandwidth has configurations to list.",
            code="UnsupportedOperation.InstanceChargeType",
        )
    end = instance.expired_time if instance.expired_time is not None else instance.created_time
    return {"InternetBandwidthConfigSet": [{
        "StartTime": clock.iso(instance.created_time), "EndTime": clock.iso(end),
        "InternetAccessible": {"InternetChargeType": instance.internet_charge_type,
                               "InternetMaxBandwidthOut": instance.internet_max_bandwidth_out,
                               "PublicIpAssigned": instance.public_ip is not None},
    }]}


class _QuotaFilter:
    __slots__ = ("zone", "quota_type")

    def __init__(self, zone: str, quota_type: str) -> None:
        self.zone, self.quota_type = zone, quota_type


_QUOTA_FILTERS: Kind[_QuotaFilter] = Kind(
    service="cvm", output=None, noun="quota", id_attr="zone", id_prefix="quota",
    codes=Codes(malformed="InvalidParameterValue", not_found="InvalidParameterValue", unknown_filter="InvalidFilter"),
    filters={"zone": Filter(lambda q: q.zone), "quota-type": Filter(lambda q: q.quota_type)},
)


@action("cvm", "DescribeAccountQuota")
def describe_account_quota(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, uin, region = ctx.world, ctx.account.uin, ctx.region
    compiled = _QUOTA_FILTERS.compile(params.get("Filters") or [])
    zones = [z for z in world.catalogue.zones(region)]
    used: dict[tuple[str, str], int] = {}
    for instance in world.cvm.instances_in(uin, region):
        key = (instance.zone, instance.charge_type)
        used[key] = used.get(key, 0) + 1

    def wanted(zone: str, quota_type: str) -> bool:
        return matches(_QuotaFilter(zone, quota_type), compiled)

    def per_zone(quota_type: str, charge_type: str, once: bool = False) -> list[dict[str, Any]]:
        rows = []
        for zone in zones:
            if not wanted(zone, quota_type):
                continue
            n = used.get((zone, charge_type), 0)
            row = {"Zone": zone, "UsedQuota": n, "RemainingQuota": max(0, INSTANCE_QUOTA - n),
                   "TotalQuota": INSTANCE_QUOTA}
            if once:
                row["OnceQuota"] = PREPAID_ONCE_QUOTA
            rows.append(row)
        return rows

    any_zone = zones[0] if zones else ""
    private = world.images.images.count(uin, region)
    quota = {
        "PostPaidQuotaSet": per_zone("PostPaidQuotaSet", "POSTPAID_BY_HOUR"),
        "PrePaidQuotaSet": per_zone("PrePaidQuotaSet", "PREPAID", once=True),
        "SpotPaidQuotaSet": per_zone("SpotPaidQuotaSet", "SPOTPAID"),
        "ImageQuotaSet": [{"UsedQuota": private, "TotalQuota": IMAGE_QUOTA}]
        if _regional_wanted(compiled, "ImageQuotaSet", any_zone, wanted) else [],
        "DisasterRecoverGroupQuotaSet": [{**DISASTER_RECOVER_QUOTA,
                                          "CurrentNum": world.placements.groups.count(uin, region)}]
        if _regional_wanted(compiled, "DisasterRecoverGroupQuotaSet", any_zone, wanted) else [],
    }
    return {"AppId": int(ctx.account.app_id), "AccountQuotaOverview": {"Region": region, "AccountQuota": quota}}


def _regional_wanted(compiled: list[Any], quota_type: str, zone: str, wanted: Any) -> bool:
    """Region-wide quotas (images, placement groups) are selected by ``quota-type`` only."""
    return all(name != "quota-type" or quota_type in values for name, _spec, values in compiled)
