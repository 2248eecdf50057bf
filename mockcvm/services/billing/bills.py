"""Bills read from the ledger: every amount is a sum of ``cloud.ledger()`` rows of the period asked for.

A ledger row becomes a bill row with: the product (``p_cvm`` for instances, ``p_cbs`` for disks and snapshots,
``p_eip`` for elastic IPs), the pay mode (``postPay`` for hourly rows, ``prePay`` for up-front charges), and the
resource's region, zone, project and tags as they are now (or were when the resource was released). A row
belongs to the period that holds its ``time``; periods are ``[BeginTime, EndTime]`` (``YYYY-MM-DD hh:mm:ss``, UTC
like every mockcvm time) or a ``Month`` (``YYYY-MM``).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Iterable

from mockcvm import clock
from mockcvm.engine.resources import neutral
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.protocol import schema
from mockcvm.regions import REGIONS, region_name, region_number

if TYPE_CHECKING:
    from mockcvm.world import World

HOURLY_REASONS = frozenset({"instance", "disk", "eip_idle", "snapshot"})
PRODUCTS = {"ins-": ("p_cvm", "Cloud Virtual Machine"), "disk-": ("p_cbs", "Cloud Block Storage"),
            "snap-": ("p_cbs", "Cloud Block Storage"), "eip-": ("p_eip", "Elastic IP")}
PAY_MODES = {"prePay": "Monthly Subscription", "postPay": "Pay-As-You-Go"}
EIGHT = Decimal("0.00000001")
MAX_LIMIT = 100
RENEW_TOKEN = "mockcvm-renew-"


@dataclass(frozen=True)
class BillRow:
    time: float
    resource_id: str
    amount: Decimal
    reason: str
    product: str
    product_name: str
    pay_mode: str
    region: str
    zone: str
    project_id: int
    tags: tuple[tuple[str, str], ...]

    @property
    def month(self) -> str:
        return clock.to_datetime(self.time).strftime("%Y-%m")


def money(amount: Decimal) -> str:
    return format(amount.quantize(EIGHT), "f")  # str() would write zero as "0E-8"


def shape(object_name: str, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` plus the neutral value of every other always-returned member of ``object_name``."""
    members = schema.members("billing", object_name)
    unknown = set(values) - set(members)
    if unknown:
        raise TypeError(f"{object_name} has no member(s) {sorted(unknown)}")
    answer = {}
    for name, member in members.items():
        if name in values:
            answer[name] = values[name]
        elif member[3]:
            answer[name] = neutral("billing", member)
    return answer


def amounts(total: Decimal, whole: Decimal) -> dict[str, str]:
    """The cost members of a summary item: all paid in cash, no discount."""
    ratio = "0.00" if whole == 0 else str((total * 100 / whole).quantize(Decimal("0.01")))
    text = money(total)
    return {"RealTotalCost": text, "TotalCost": text, "CashPayAmount": text, "VoucherPayAmount": money(Decimal(0)),
            "IncentivePayAmount": money(Decimal(0)), "TransferPayAmount": money(Decimal(0)),
            "RealTotalCostRatio": ratio}


def _parse(text: Any, name: str) -> float:
    if not isinstance(text, str):
        raise MissingParameter(f"{name} is needed (YYYY-MM-DD hh:mm:ss).")
    try:
        return clock.parse_spaced(text)
    except ValueError:
        raise InvalidParameterValue(f"{name} must be YYYY-MM-DD hh:mm:ss, got {text!r}.") from None


def period(params: dict[str, Any], month_only: bool = False) -> tuple[float, float]:
    """``(first, last)`` instants (inclusive) from ``Month`` or ``BeginTime``/``EndTime``."""
    month = params.get("Month")
    if month or month_only:
        try:
            start = datetime.strptime(str(month), "%Y-%m").replace(tzinfo=timezone.utc)
        except ValueError:
            raise InvalidParameterValue(f"Month must be YYYY-MM, got {month!r}.") from None
        days = calendar.monthrange(start.year, start.month)[1]
        first = start.timestamp()
        return first, first + days * 86400 - 1
    first, last = _parse(params.get("BeginTime"), "BeginTime"), _parse(params.get("EndTime"), "EndTime")
    if first > last:
        raise InvalidParameterValue("BeginTime must not be after EndTime.")
    if clock.to_datetime(first).strftime("%Y-%m") != clock.to_datetime(last).strftime("%Y-%m"):
        raise InvalidParameterValue("BeginTime and EndTime must be in the same month.")
    return first, last


class Bills:
    def __init__(self, world: World) -> None:
        self.world = world

    def rows(self, uin: str, first: float, last: float) -> list[BillRow]:
        rows = []
        for entry in self.world.billing.ledger(uin):
            if not first <= entry.time <= last:
                continue
            resource = self.world.tag.resource_of(uin, entry.resource_id)
            product, name = PRODUCTS.get(entry.resource_id.partition("-")[0] + "-", ("p_other", "Other"))
            rows.append(BillRow(
                time=entry.time, resource_id=entry.resource_id, amount=entry.amount, reason=entry.reason,
                product=product, product_name=name,
                pay_mode="postPay" if entry.reason in HOURLY_REASONS else "prePay",
                region=getattr(resource, "region", ""), zone=getattr(resource, "zone", ""),
                project_id=int(getattr(resource, "project_id", 0) or 0),
                tags=tuple(sorted(getattr(resource, "tags", {}).items())),
            ))
        return rows

    # -- summaries -------------------------------------------------------------------------------------------

    def _grouped(self, rows: Iterable[BillRow], key: Callable[[BillRow], str]) -> tuple[dict[str, Decimal], Decimal]:
        groups: dict[str, Decimal] = defaultdict(Decimal)
        for row in rows:
            groups[key(row)] += row.amount
        return dict(sorted(groups.items())), sum(groups.values(), Decimal(0))

    def by_product(self, uin: str, params: dict[str, Any]) -> dict[str, Any]:
        first, last = period(params)
        pay_type = params.get("PayType")
        if pay_type not in (None, "", "prePay", "postPay"):
            raise InvalidParameterValue(f"PayType must be prePay or postPay, got {pay_type!r}.")
        rows = [r for r in self.rows(uin, first, last) if not pay_type or r.pay_mode == pay_type]
        groups, whole = self._grouped(rows, lambda r: r.product)
        names = {code: name for code, name in PRODUCTS.values()}
        month = clock.to_datetime(first).strftime("%Y-%m")
        items = [shape("BusinessSummaryOverviewItem", {"BusinessCode": code, "BusinessCodeName": names.get(code, ""),
                                                       "BillMonth": month, **amounts(total, whole)})
                 for code, total in groups.items()]
        total = {k: v for k, v in amounts(whole, whole).items() if k != "RealTotalCostRatio"}
        return {"Ready": 1, "SummaryOverview": items, "SummaryTotal": shape("BusinessSummaryTotal", total)}

    def by_region(self, uin: str, params: dict[str, Any], language: str = "zh-CN") -> dict[str, Any]:
        first, last = period(params)
        groups, whole = self._grouped(self.rows(uin, first, last), lambda r: r.region)
        month = clock.to_datetime(first).strftime("%Y-%m")
        items = [shape("RegionSummaryOverviewItem", {
            "RegionId": region, "RegionName": region_name(region, language) if region in REGIONS else region,
            "BillMonth": month, **amounts(total, whole)}) for region, total in groups.items()]
        return {"Ready": 1, "SummaryOverview": items}

    def by_pay_mode(self, uin: str, params: dict[str, Any]) -> dict[str, Any]:
        first, last = period(params)
        rows = self.rows(uin, first, last)
        groups, whole = self._grouped(rows, lambda r: r.pay_mode)
        items = [shape("PayModeSummaryOverviewItem", {"PayMode": mode, "PayModeName": PAY_MODES[mode],
                                                      "Detail": [], **amounts(total, whole)})
                 for mode, total in groups.items()]
        return {"Ready": 1, "SummaryOverview": items}

    def by_project(self, uin: str, params: dict[str, Any]) -> dict[str, Any]:
        first, last = period(params)
        groups, whole = self._grouped(self.rows(uin, first, last), lambda r: str(r.project_id))
        month = clock.to_datetime(first).strftime("%Y-%m")
        items = [shape("ProjectSummaryOverviewItem", {
            "ProjectId": project, "ProjectName": self.world.tag.projects.name_of(uin, int(project)),
            "BillMonth": month, **amounts(total, whole)}) for project, total in groups.items()]
        return {"Ready": 1, "SummaryOverview": items}

    def by_tag(self, uin: str, params: dict[str, Any]) -> dict[str, Any]:
        first, last = period(params)
        key = params["TagKey"]
        wanted = params.get("TagValue")
        rows = self.rows(uin, first, last)
        if key not in {k for r in rows for k, _v in r.tags} and not any(
            key in getattr(self.world.tag.resource_of(uin, r.resource_id), "tags", {}) for r in rows
        ):
            raise ApiError(f"No resource billed in this period carries the tag key {key!r}.",
                           code="FailedOperation.TagKeyNotExist")
        groups, whole = self._grouped(rows, lambda r: dict(r.tags).get(key, ""))
        if wanted:
            groups = {v: t for v, t in groups.items() if v == wanted}
        items = [shape("TagSummaryOverviewItem", {"TagValue": value, **amounts(total, whole)})
                 for value, total in groups.items()]
        shown = sum(groups.values(), Decimal(0))
        return {"Ready": 1, "SummaryOverview": items,
                "SummaryTotal": shape("SummaryTotal", {"RealTotalCost": money(shown), "TotalCost": money(shown)})}

    # -- details ---------------------------------------------------------------------------------------------

    @staticmethod
    def _page(params: dict[str, Any], max_limit: int = MAX_LIMIT) -> tuple[int, int]:
        offset, limit = params.get("Offset", 0), params.get("Limit", 0)
        if offset < 0 or not 1 <= limit <= max_limit:
            raise InvalidParameterValue(f"Offset must be >= 0 and Limit 1-{max_limit}; got {offset}, {limit}.")
        return offset, limit

    @staticmethod
    def _selected(rows: list[BillRow], params: dict[str, Any]) -> list[BillRow]:
        readers: dict[str, Callable[[BillRow], str]] = {
            "BusinessCode": lambda r: r.product, "PayMode": lambda r: r.pay_mode, "ResourceId": lambda r: r.resource_id,
        }
        for name, read in readers.items():
            wanted = params.get(name)
            if wanted:
                rows = [r for r in rows if read(r) == wanted]
        if params.get("ProjectId") is not None:
            rows = [r for r in rows if r.project_id == params["ProjectId"]]
        return rows

    def detail(self, uin: str, params: dict[str, Any]) -> dict[str, Any]:
        first, last = period(params)
        offset, limit = self._page(params, 300)
        rows = self._selected(self.rows(uin, first, last), params)
        page = rows[offset : offset + limit]
        return {"Total": len(rows), "Context": "", "DetailSet": [self._detail(uin, n + offset, r)
                                                                 for n, r in enumerate(page)]}

    def _detail(self, uin: str, n: int, row: BillRow) -> dict[str, Any]:
        hourly = row.pay_mode == "postPay"
        component = shape("BillDetailComponent", {
            "ComponentCode": row.reason, "ComponentCodeName": row.reason, "ItemCode": row.reason,
            "ItemCodeName": row.reason, "Cost": money(row.amount), "RealCost": money(row.amount),
            "CashPayAmount": money(row.amount), "Discount": "1", "TimeSpan": "1" if hourly else "",
            "TimeUnitName": "hour" if hourly else "",
        })
        stamp = clock.spaced(row.time)
        return shape("BillDetail", {
            "BusinessCode": row.product, "BusinessCodeName": row.product_name, "ProductCode": row.product,
            "ProductCodeName": row.product_name, "PayModeName": row.pay_mode, "ProjectId": row.project_id,
            "ProjectName": self.world.tag.projects.name_of(uin, row.project_id),
            "RegionId": row.region, "RegionName": row.region, "ZoneName": row.zone, "ResourceId": row.resource_id,
            "ResourceName": row.resource_id, "ActionType": "postpay_deduct" if hourly else "prepay_purchase",
            "ActionTypeName": row.reason, "OrderId": "" if hourly else f"mockcvm-{n:08d}",
            "BillId": f"mockcvm-bill-{n:08d}", "PayTime": stamp, "FeeBeginTime": stamp, "FeeEndTime": stamp,
            "ComponentSet": [component], "PayerUin": uin, "OwnerUin": uin, "OperateUin": uin,
            "Tags": [{"TagKey": k, "TagValue": v} for k, v in row.tags], "PriceInfo": [],
            "BillMonth": row.month, "BillDay": clock.to_datetime(row.time).strftime("%d"),
        })

    def resource_summary(self, uin: str, params: dict[str, Any]) -> dict[str, Any]:
        first, last = period(params, month_only=True)
        offset, limit = self._page(params, 1000)
        rows = self._selected(self.rows(uin, first, last), params)
        key, value = params.get("TagKey"), params.get("TagValue")
        if key:
            rows = [r for r in rows if key in dict(r.tags) and (not value or dict(r.tags)[key] == value)]
        by_resource: dict[str, list[BillRow]] = defaultdict(list)
        for row in rows:
            by_resource[row.resource_id].append(row)
        summaries = []
        for resource_id, items in by_resource.items():
            total = sum((r.amount for r in items), Decimal(0))
            head = items[0]
            summaries.append(shape("BillResourceSummary", {
                "BusinessCode": head.product, "BusinessCodeName": head.product_name,
                "ProductCode": head.product, "ProductCodeName": head.product_name,
                "PayModeName": head.pay_mode, "ProjectName": self.world.tag.projects.name_of(uin, head.project_id),
                "RegionId": region_number(head.region), "RegionName": head.region, "ZoneName": head.zone,
                "ResourceId": resource_id, "ResourceName": resource_id, "PayerUin": uin, "OwnerUin": uin,
                "OperateUin": uin, "RealTotalCost": money(total), "TotalCost": money(total),
                "CashPayAmount": money(total), "Tags": [{"TagKey": k, "TagValue": v} for k, v in head.tags],
                "BillMonth": head.month,
            }))
        return {"Total": len(summaries), "ResourceSummarySet": summaries[offset : offset + limit]}



def _action_of(reason: str) -> str:
    if "renew" in reason:
        return "renew"
    if "resize" in reason:
        return "upgrade"
    if "to prepaid" in reason:
        return "modifyPayMode"
    return "purchase"


class Deals:
    """DescribeDealsByCond: one delivered order (Status 4) per up-front charge of the ledger; amounts in cents."""

    def __init__(self, world: World) -> None:
        self.world = world

    def find(self, uin: str, params: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
        first, last = _parse(params.get("StartTime"), "StartTime"), _parse(params.get("EndTime"), "EndTime")
        if first > last:
            raise InvalidParameterValue("StartTime must not be after EndTime.")
        offset, limit = params.get("Offset", 0), params["Limit"]
        if offset < 0 or not 1 <= limit <= 1000:
            raise InvalidParameterValue(f"Offset must be >= 0 and Limit 1-1000; got {offset}, {limit}.")
        statuses = set(params.get("StatusSet") or []) | ({params["Status"]} if params.get("Status") else set())
        bills = Bills(self.world)
        deals = []
        for n, row in enumerate(r for r in bills.rows(uin, first, last) if r.pay_mode == "prePay"):
            order_id = f"mockcvm-{int(row.time)}-{n:06d}"
            if statuses and 4 not in statuses:
                continue
            if params.get("ResourceId") and params["ResourceId"] != row.resource_id:
                continue
            if params.get("OrderId") and params["OrderId"] != order_id:
                continue
            if params.get("BigDealId") and params["BigDealId"] != order_id:
                continue
            cents = int((row.amount * 100).to_integral_value())
            deals.append(shape("Deal", {
                "OrderId": order_id, "BigDealId": order_id, "Status": 4, "Payer": uin, "Creator": uin,
                "CreateTime": clock.spaced(row.time), "Policy": 100.0, "Price": float(cents),
                "TotalCost": float(cents), "RealTotalCost": cents, "VoucherDecline": 0, "ProjectId": row.project_id,
                "GoodsCategoryId": 0, "ProductCode": row.product, "ProductName": row.product_name,
                "SubProductCode": row.product, "SubProductName": row.product_name, "Action": _action_of(row.reason),
                "PayMode": "prePay", "Currency": "CNY", "ResourceId": [row.resource_id], "Formula": row.reason,
                "TimeSpan": 1.0, "TimeUnit": "m", "ProductInfo": [], "RefReturnDeals": "",
                "ZoneCode": row.zone,
            }))
        return len(deals), deals[offset : offset + limit]


class Renewals:
    """DescribeRenewInstances: the live prepaid instances and disks, soonest deadline first."""

    def __init__(self, world: World) -> None:
        self.world = world

    def find(self, uin: str, params: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
        limit = params["MaxResults"]
        if not 1 <= limit <= 100:
            raise InvalidParameterValue(f"MaxResults must be between 1 and 100, got {limit}.")
        start = _parse(params["ExpireTimeStart"], "ExpireTimeStart") if params.get("ExpireTimeStart") else None
        end = _parse(params["ExpireTimeEnd"], "ExpireTimeEnd") if params.get("ExpireTimeEnd") else None
        ids = set(params.get("InstanceIdList") or [])
        if len(params.get("InstanceIdList") or []) > 100:
            raise InvalidParameterValue(f"InstanceIdList has {len(params['InstanceIdList'])} ids; at most 100.")
        flags = set(params.get("RenewFlagList") or [])
        token = params.get("NextToken") or ""
        offset = int(token[len(RENEW_TOKEN):]) if token.startswith(RENEW_TOKEN) and \
            token[len(RENEW_TOKEN):].isdigit() else None
        if token and offset is None:
            raise InvalidParameterValue(f"NextToken {token!r} was not returned by DescribeRenewInstances.")
        items: list[tuple[float, dict[str, Any]]] = []
        for instance in self.world.cvm.all_instances(uin):
            if instance.charge_type == "PREPAID" and instance.expired_time is not None and not instance.released:
                items.append((instance.expired_time, self._item(
                    uin, instance.instance_id, instance.name, "p_cvm", "Cloud Virtual Machine", instance.region,
                    instance.project_id, instance.renew_flag or "", instance.expired_time,
                    "ISOLATED" if instance.state == "SHUTDOWN" else "NORMAL")))
        for disk in self.world.cbs.disks.all(uin):
            if disk.charge_type == "PREPAID" and disk.deadline is not None:
                items.append((disk.deadline, self._item(
                    uin, disk.disk_id, disk.name, "p_cbs", "Cloud Block Storage", disk.region, disk.project_id,
                    disk.renew_flag, disk.deadline, "ISOLATED" if disk.bin_deadline is not None else "NORMAL")))
        selected = [(t, item) for t, item in items
                    if (not ids or item["InstanceId"] in ids) and (not flags or item["RenewFlag"] in flags)
                    and (start is None or t >= start) and (end is None or t <= end)]
        selected.sort(key=lambda pair: (pair[0], pair[1]["InstanceId"]), reverse=bool(params.get("Reverse")))
        first = offset or 0
        page = [item for _t, item in selected[first : first + limit]]
        following = first + limit
        return page, f"{RENEW_TOKEN}{following}" if following < len(selected) else ""

    def _item(self, uin: str, resource_id: str, name: str, product: str, product_name: str, region: str,
              project_id: int, renew_flag: str, deadline: float, status: str) -> dict[str, Any]:
        return shape("RenewInstance", {
            "InstanceId": resource_id, "InstanceName": name, "ProductCode": product, "ProductName": product_name,
            "SubProductCode": product, "RegionCode": region, "RenewFlag": renew_flag,
            "ExpireTime": clock.spaced(deadline), "Status": status, "RenewPeriod": 1, "RenewPeriodUnit": "m",
            "ProjectName": self.world.tag.projects.name_of(uin, project_id),
        })
