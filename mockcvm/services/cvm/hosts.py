"""Dedicated hosts (CDH): AllocateHosts, DescribeHosts, ModifyHostsAttribute, RenewHosts, InquiryPriceRenewHosts.

A host is a resource kind (``HOST``) in a Store. Hosts are prepaid like instances: ``price("host_month")`` per
month of ``Period`` is charged up front, and the host shows ``ExpiredTime``; past it the host reads EXPIRED (until
a renewal), with no recycle bin of its own. Instances are not placed on hosts by the fake (``InstanceIds`` is
empty).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mockcvm import clock
from mockcvm.compat import SLOTS
from mockcvm.dispatch import Context, action
from mockcvm.engine.resources import Codes, Filter, Kind, Store
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.regions import ZONE_REGION
from mockcvm.services.cvm import checks, models, pricing
from mockcvm.services.cvm.backend import add_months
from mockcvm.services.cvm.keypairs import tags_of

#: Host types: (CPU cores, memory GB, local disk GB).
HOST_TYPES = {"HC20": (56, 224.0, 1000), "HI20": (88, 352.0, 1000), "HM20": (88, 704.0, 1000),
              "HS50": (120, 480.0, 1000)}
MAX_HOSTS = 100


@dataclass(eq=False, **SLOTS)
class Host:
    host_id: str
    uin: str
    region: str
    zone: str
    host_type: str
    created_time: float
    expired_time: float
    name: str = ""
    project_id: int = 0
    renew_flag: str = models.MANUAL_RENEW
    tags: dict[str, str] = field(default_factory=dict)


def _state(host: Host) -> str:
    return "EXPIRED" if clock.now() >= host.expired_time else "RUNNING"


def _resource(host: Host) -> dict[str, Any]:
    cpu, memory, disk = HOST_TYPES[host.host_type]
    return {"CpuTotal": cpu, "CpuAvailable": cpu, "MemTotal": memory, "MemAvailable": memory, "DiskTotal": disk,
            "DiskAvailable": disk, "DiskType": "LOCAL_SSD", "GpuTotal": 0, "GpuAvailable": 0}


HOST: Kind[Host] = Kind(
    service="cvm", output="HostItem", noun="dedicated host", id_attr="host_id", id_prefix="host",
    codes=Codes(malformed="InvalidHostId.Malformed", not_found="InvalidHostId.NotFound", coexist=None,
                unknown_filter="InvalidFilter", paging="InvalidParameterValue.Range"),
    render={
        "Placement": lambda h: {"Zone": h.zone, "ProjectId": h.project_id}, "HostId": lambda h: h.host_id,
        "HostType": lambda h: h.host_type, "HostName": lambda h: h.name, "HostChargeType": lambda h: "PREPAID",
        "RenewFlag": lambda h: h.renew_flag, "CreatedTime": lambda h: clock.iso(h.created_time),
        "ExpiredTime": lambda h: clock.iso(h.expired_time), "InstanceIds": lambda h: [],
        "HostState": _state, "HostResource": _resource, "CageId": lambda h: "",
        "Tags": lambda h: [{"Key": k, "Value": v} for k, v in h.tags.items()],
    },
    filters={"zone": Filter(lambda h: h.zone), "project-id": Filter(lambda h: str(h.project_id)),
             "host-id": Filter(lambda h: h.host_id), "host-name": Filter(lambda h: h.name),
             "host-state": Filter(_state)},
    tags=lambda h: h.tags,
)


def _store(ctx: Context) -> Store[Host]:
    return ctx.world.placements.hosts


def _period(prepaid: Any, action_name: str) -> tuple[int, Any]:
    if not prepaid:
        raise MissingParameter(f"{action_name} needs `HostChargePrepaid` with `Period`.")
    months = checks.period({"Period": prepaid.get("Period")}, action_name)
    flag = prepaid.get("RenewFlag")
    if flag is not None and flag not in models.RENEW_FLAGS:
        raise InvalidParameterValue(f"`RenewFlag` {flag!r} is not one of {', '.join(models.RENEW_FLAGS)}.")
    return months, flag


@action("cvm", "AllocateHosts")
def allocate_hosts(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, uin, region = ctx.world, ctx.account.uin, ctx.region
    zone = params["Placement"].get("Zone")
    if not zone:
        raise MissingParameter("AllocateHosts needs `Placement.Zone`.")
    if ZONE_REGION.get(zone) != region:
        raise ApiError(f"The zone `{zone}` is not a zone of {region}.", code="InvalidZone.MismatchRegion")
    if params.get("HostChargeType", "PREPAID") != "PREPAID":
        raise InvalidParameterValue("`HostChargeType` is PREPAID (dedicated hosts are sold by the month).")
    host_type = params.get("HostType", "HC20")
    if host_type not in HOST_TYPES:
        raise InvalidParameterValue(f"`HostType` {host_type!r} is not one of {', '.join(HOST_TYPES)}.")
    count = params.get("HostCount", 1)
    if not 1 <= count <= MAX_HOSTS:
        raise InvalidParameterValue(f"`HostCount` must be 1 to {MAX_HOSTS}, got {count}.")
    months, flag = _period(params.get("HostChargePrepaid"), "AllocateHosts")
    price = world.billing.price("host_month") * months
    if world.billing.balance(uin) < price * count:
        raise ApiError(f"The balance ({world.billing.balance(uin)} yuan) cannot cover {count} host(s) for {months} "
                       f"month(s) ({price * count} yuan); top up first.", code="InvalidAccount.InsufficientBalance")
    tags = tags_of(params, "host")
    now = float(int(world.now))
    ids = []
    for _ in range(count):
        host = Host(host_id=world.ids.short("host"), uin=uin, region=region, zone=zone, host_type=host_type,
                    created_time=now, expired_time=add_months(now, months), renew_flag=flag or models.MANUAL_RENEW,
                    project_id=int(params["Placement"].get("ProjectId", 0)), tags=dict(tags))
        host.name = host.host_id
        world.billing.charge_upfront(uin, price, host.host_id, "AllocateHosts")
        _store(ctx).add(host)
        ids.append(host.host_id)
    return {"HostIdSet": ids}


@action("cvm", "DescribeHosts")
def describe_hosts(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    total, page = _store(ctx).describe(ctx.account.uin, ctx.region, None, params.get("Filters"),
                                       params.get("Offset"), params.get("Limit"))
    return {"TotalCount": total, "HostSet": [HOST.render(h) for h in page]}


@action("cvm", "ModifyHostsAttribute")
def modify_hosts_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    hosts = _store(ctx).existing_all(ctx.account.uin, ctx.region, params["HostIds"])
    name, flag = params.get("HostName"), params.get("RenewFlag")
    if name is not None and flag is not None:
        raise ApiError("`HostName` and `RenewFlag` change in separate calls; give one of them.",
                       code="InvalidParameterConflict")
    if name is None and flag is None:
        raise ApiError("ModifyHostsAttribute needs `HostName` or `RenewFlag`.", code="MissingParameter.AtLeastOne")
    if name is not None and not 1 <= len(name) <= 60:
        raise ApiError(f"`HostName` must be 1 to 60 characters, got {len(name)}.",
                       code="InvalidParameter.HostNameIllegal")
    if flag is not None and flag not in models.RENEW_FLAGS:
        raise InvalidParameterValue(f"`RenewFlag` {flag!r} is not one of {', '.join(models.RENEW_FLAGS)}.")
    for host in hosts:
        if name is not None:
            host.name = name
        if flag is not None:
            host.renew_flag = flag
        if params.get("ProjectId") is not None:
            host.project_id = int(params["ProjectId"])
    return {}


def _renewal(ctx: Context, params: dict[str, Any], action_name: str) -> tuple[list[Host], int, Decimal]:
    hosts = _store(ctx).existing_all(ctx.account.uin, ctx.region, params["HostIds"])
    months, _flag = _period(params["HostChargePrepaid"], action_name)
    return hosts, months, ctx.world.billing.price("host_month") * months * len(hosts)


@action("cvm", "RenewHosts")
def renew_hosts(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world, uin = ctx.world, ctx.account.uin
    hosts, months, total = _renewal(ctx, params, "RenewHosts")
    if world.billing.balance(uin) < total:
        raise ApiError(f"The balance ({world.billing.balance(uin)} yuan) cannot cover the renewal ({total} yuan); "
                       "top up first.", code="InvalidAccount.InsufficientBalance")
    for host in hosts:
        world.billing.charge_upfront(uin, world.billing.price("host_month") * months, host.host_id, "RenewHosts")
        host.expired_time = add_months(max(host.expired_time, float(int(world.now))), months)
    return {}


@action("cvm", "InquiryPriceRenewHosts")
def inquiry_price_renew_hosts(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    _hosts, _months, total = _renewal(ctx, params, "InquiryPriceRenewHosts")
    if params.get("DryRun"):
        raise ApiError("The request would have succeeded (DryRun).", code="DryRunOperation")
    return {"Price": {"HostPrice": pricing.upfront(total)["InstancePrice"]}}
