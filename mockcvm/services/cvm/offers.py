"""What is sold where and for how much: the instance types of a zone, their prices, and the launch checks.

Prices come from one place, :func:`instance_price`: an instance type's own price in the catalogue, else the price
table's ``instance_hour`` / ``instance_month`` (``mock_cvm(prices={...})``). Billing charges from it and the
quotes (DescribeZoneInstanceConfigInfos, InquiryPrice*) read it, so a quote is what the ledger then charges.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

from mockcvm.engine.resources import Codes, Filter, Kind, matches
from mockcvm.errors import ApiError
from mockcvm.protocol.envelope import RawJson
from mockcvm.regions import REGIONS
from mockcvm.services.cvm.catalogue import INSTANCE_TYPE, OPTION_HINT, InstanceType

if TYPE_CHECKING:
    from mockcvm.world import World

HOUR, MONTH = "hour", "month"
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def instance_price(world: World, instance_type: str, unit: str) -> Decimal:
    """Yuan per hour (``unit="hour"``) or per month (``"month"``) of ``instance_type``."""
    entry = world.catalogue.types.get(instance_type)
    own = None if entry is None else (entry.hourly_price if unit == HOUR else entry.monthly_price)
    if own is not None:
        return own
    return world.billing.price("instance_hour" if unit == HOUR else "instance_month")


class Offer:
    """One instance type in one zone (a row of DescribeInstanceTypeConfigs / DescribeZoneInstanceConfigInfos)."""

    __slots__ = ("entry", "zone", "charge_type", "sold_out", "family_name", "cpu_type", "frequency")

    def __init__(self, world: World, entry: InstanceType, zone: str, charge_type: str = "") -> None:
        family = world.catalogue.families.get(entry.family)
        self.entry, self.zone, self.charge_type = entry, zone, charge_type
        self.sold_out = zone in entry.sold_out_zones
        self.family_name = family.name_en if family else entry.family
        self.cpu_type = family.cpu_type if family else ""
        self.frequency = family.frequency if family else ""


def _checked_single(values: list[str]) -> None:
    if len(values) > 1:
        raise ApiError("DescribeInstanceTypeConfigs takes one value per filter.",
                       code="InvalidFilterValue.LimitExceeded")


_ROW_FILTERS = {
    "zone": Filter(lambda o: o.zone),
    "instance-family": Filter(lambda o: o.entry.family),
    "instance-type": Filter(lambda o: o.entry.instance_type),
}
_CODES = Codes(malformed="InvalidParameterValue", not_found="InvalidParameterValue", unknown_filter="InvalidFilter",
               filters_limit="InvalidParameterValue.LimitExceeded", values_limit="InvalidFilterValue.LimitExceeded")

TYPE_CONFIG: Kind[Offer] = Kind(
    service="cvm", output="InstanceTypeConfig", noun="instance type", id_attr="zone", id_prefix="type",
    codes=_CODES,
    render={
        "Zone": lambda o: o.zone, "InstanceType": lambda o: o.entry.instance_type,
        "InstanceFamily": lambda o: o.entry.family, "GPU": lambda o: o.entry.gpu, "CPU": lambda o: o.entry.cpu,
        "Memory": lambda o: o.entry.memory, "FPGA": lambda o: o.entry.fpga, "GpuCount": lambda o: o.entry.gpu_count,
        "GpuType": lambda o: o.entry.gpu_type or None,
    },
    filters={name: Filter(spec.read, check=_checked_single) for name, spec in _ROW_FILTERS.items()},
    max_values=1,
)


def _price(world: World, offer: Offer) -> dict[str, Any]:
    name = offer.entry.instance_type
    if offer.charge_type == "PREPAID":
        month = float(instance_price(world, name, MONTH))
        return {"ChargeUnit": "MONTH", "OriginalPrice": month, "DiscountPrice": month, "Discount": 100.0,
                "OriginalPriceOneYear": month * 12, "DiscountPriceOneYear": month * 12}
    hour = float(instance_price(world, name, HOUR))
    return {"ChargeUnit": "HOUR", "UnitPrice": hour, "UnitPriceDiscount": hour, "Discount": 100.0}


def quota_item(world: World) -> Kind[Offer]:
    return Kind(
        service="cvm", output="InstanceTypeQuotaItem", noun="instance type", id_attr="zone", id_prefix="type",
        codes=_CODES,
        render={
            "Zone": lambda o: o.zone, "InstanceType": lambda o: o.entry.instance_type,
            "InstanceChargeType": lambda o: o.charge_type, "NetworkCard": lambda o: 0,
            "Externals": lambda o: {}, "Cpu": lambda o: o.entry.cpu, "Memory": lambda o: o.entry.memory,
            "InstanceFamily": lambda o: o.entry.family, "TypeName": lambda o: o.family_name,
            "LocalDiskTypeList": lambda o: [], "Status": lambda o: "SOLD_OUT" if o.sold_out else "SELL",
            "Price": lambda o: _price(world, o),
            "SoldOutReason": lambda o: "Sold out in this zone" if o.sold_out else "",
            "InstanceBandwidth": lambda o: float(max(1.5, o.entry.cpu * 1.5)),
            "InstancePps": lambda o: max(20, o.entry.cpu * 25), "StorageBlockAmount": lambda o: 0,
            "CpuType": lambda o: o.cpu_type, "Frequency": lambda o: o.frequency, "Gpu": lambda o: o.entry.gpu,
            "GpuCount": lambda o: o.entry.gpu_count, "Fpga": lambda o: o.entry.fpga, "Remark": lambda o: "",
            "StatusCategory": lambda o: "WithoutStock" if o.sold_out else "EnoughStock",
        },
        filters={**_ROW_FILTERS, "instance-charge-type": Filter(lambda o: o.charge_type),
                 "sort-keys": Filter(test=lambda o, values: True, check=_sort_keys)},
    )


SORT_KEYS = {"cpu": lambda o: o.entry.cpu, "mem": lambda o: o.entry.memory}


def _sort_keys(values: list[str]) -> None:
    for value in values:
        key, _, order = value.partition(":")
        if key not in SORT_KEYS or order not in ("asc", "desc"):
            raise ApiError(f"The sort key {value!r} is not supported; use cpu:asc, cpu:desc, mem:asc or mem:desc.",
                           code="InvalidFilter")


class Offers:
    """The per-world view of the catalogue: rows per region, pre-rendered for the read-only Describes."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._type_rows: dict[str, list[tuple[Offer, dict[str, Any]]]] = {}
        self._quota_rows: dict[str, list[tuple[Offer, dict[str, Any]]]] = {}
        self._quota_kind = quota_item(world)
        self._type_json: dict[str, RawJson] = {}

    def type_configs(self, region: str, filters: Optional[list[dict[str, Any]]]) -> list[dict[str, Any]]:
        rows = self._type_rows.get(region)
        if rows is None:
            rows = self._type_rows[region] = [
                (o, TYPE_CONFIG.render(o)) for o in self._offers(region, ("",))
            ]
        if not filters:
            return [r for _o, r in rows]
        compiled = TYPE_CONFIG.compile(filters)
        return [r for o, r in rows if matches(o, compiled)]

    def type_configs_json(self, region: str) -> RawJson:
        """Every row of the region, encoded once (the catalogue and the prices of a world do not change)."""
        found = self._type_json.get(region)
        if found is None:
            found = self._type_json[region] = RawJson(_ENCODE(self.type_configs(region, None)))
        return found

    def quota_items(self, region: str, filters: Optional[list[dict[str, Any]]]) -> list[dict[str, Any]]:
        rows = self._quota_rows.get(region)
        if rows is None:
            rows = self._quota_rows[region] = [
                (o, self._quota_kind.render(o)) for o in self._offers(region, ("POSTPAID_BY_HOUR", "PREPAID"))
            ]
        compiled = self._quota_kind.compile(filters or [])
        chosen = [(o, r) for o, r in rows if matches(o, compiled)]
        for _name, _spec, wanted in (c for c in compiled if c[0] == "sort-keys"):
            for value in sorted(wanted, reverse=True):
                key, _, order = value.partition(":")
                chosen.sort(key=lambda pair: SORT_KEYS[key](pair[0]), reverse=order == "desc")
        return [r for _o, r in chosen]

    def _offers(self, region: str, charge_types: tuple[str, ...]) -> list[Offer]:
        catalogue = self.world.catalogue
        return [Offer(self.world, entry, zone.zone, charge) for zone in REGIONS[region].zones
                for entry in catalogue.types_in(zone.zone) for charge in charge_types]

    def sold(self, instance_type: str, zone: str) -> InstanceType:
        """The catalogue entry of ``instance_type`` if it is sold in ``zone``; refused with the real codes."""
        entry = self.world.catalogue.types.get(instance_type)
        if entry is None:
            if INSTANCE_TYPE.match(instance_type) is None:
                raise ApiError(
                    f"The instance type `{instance_type}` is malformed; instance types look like S5.MEDIUM4.",
                    code="InvalidInstanceType.Malformed",
                )
            raise ApiError(
                f"The instance type `{instance_type}` is not in the catalogue (DescribeInstanceTypeConfigs lists "
                f"what is sold); add it with {OPTION_HINT} (\"instance_types\": [...]).",
                code="InvalidParameterValue.InstanceTypeNotFound",
            )
        if not entry.offered_in(zone):
            raise ApiError(
                f"The instance type `{instance_type}` is not sold in {zone}; it is sold in "
                f"{', '.join(sorted(entry.zones or ()))}. Add the zone with {OPTION_HINT} (\"Zones\").",
                code="ResourceNotFound.InvalidZoneInstanceType",
            )
        if zone in entry.sold_out_zones:
            raise ApiError(f"The instance type `{instance_type}` is sold out in {zone}.",
                           code="ResourceInsufficient.ZoneSoldOutForSpecifiedInstance")
        return entry
