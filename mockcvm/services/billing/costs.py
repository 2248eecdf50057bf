"""DescribeCostSummaryByResource: the month's cost per resource, consumption basis, read from the ledger.

mockcvm's consumption equals its ledger (nothing is discounted or amortised): a resource's cost in a month is the
sum of its ledger rows whose time is in that month, one item per (resource, pay mode).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable

from mockcvm import clock
from mockcvm.errors import InvalidParameterValue, MissingParameter
from mockcvm.regions import REGIONS, region_name
from mockcvm.services.billing.bills import PAY_MODES, BillRow, Bills, money, shape

if TYPE_CHECKING:
    from mockcvm.world import World

#: Tencent Cloud's numeric region ids (the ``RegionId`` of cost summaries and the ``RegionIds`` filter).
REGION_IDS = {"ap-guangzhou": 1, "ap-shanghai": 4, "ap-hongkong": 5, "ap-beijing": 8, "ap-singapore": 9,
              "na-siliconvalley": 15, "ap-chengdu": 16, "eu-frankfurt": 17, "ap-seoul": 18, "ap-chongqing": 19,
              "na-ashburn": 22, "ap-bangkok": 23, "ap-tokyo": 25, "ap-nanjing": 33, "ap-jakarta": 72,
              "sa-saopaulo": 74}
CONSUMPTION_TYPES = {"postPay": "Pay-As-You-Go hourly settlement", "prePay": "Monthly Subscription"}
MAX_LIMIT = 100


def month_of(text: Any, name: str) -> str:
    """``YYYY-MM`` from ``YYYY-MM`` or ``YYYY-MM-DD hh:mm:ss``."""
    if not isinstance(text, str):
        raise MissingParameter(f"{name} is needed (YYYY-MM or YYYY-MM-DD hh:mm:ss).")
    for pattern in ("%Y-%m", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).strftime("%Y-%m")
        except ValueError:
            continue
    raise InvalidParameterValue(f"{name} must be YYYY-MM or YYYY-MM-DD hh:mm:ss, got {text!r}.")


def month_bounds(month: str) -> tuple[float, float]:
    start = datetime.strptime(month, "%Y-%m").replace(tzinfo=timezone.utc)
    days = calendar.monthrange(start.year, start.month)[1]
    return start.timestamp(), start.timestamp() + days * 86400 - 1


def region_id(region: str) -> str:
    return str(REGION_IDS.get(region, 0))


class Costs:
    def __init__(self, world: World) -> None:
        self.world = world

    def by_resource(self, uin: str, params: dict[str, Any], language: str = "zh-CN") -> dict[str, Any]:
        month = month_of(params.get("BeginTime"), "BeginTime")
        if month_of(params.get("EndTime"), "EndTime") != month:
            raise InvalidParameterValue("BeginTime and EndTime must be in the same month.")
        offset, limit = params.get("Offset", 0), params.get("Limit", 0)
        if offset < 0 or not 1 <= limit <= MAX_LIMIT:
            raise InvalidParameterValue(f"Offset must be >= 0 and Limit 1-{MAX_LIMIT}; got {offset}, {limit}.")
        payer = params.get("PayerUin")
        if payer not in (None, "", uin):
            raise InvalidParameterValue(f"PayerUin {payer} is not this account ({uin}).")
        conditions = params.get("Conditions") or {}
        order = conditions.get("OrderByCost")
        if order not in (None, "", "desc", "asc"):
            raise InvalidParameterValue(f"Conditions.OrderByCost must be desc or asc, got {order!r}.")
        first, last = month_bounds(month)
        month_rows = Bills(self.world).rows(uin, first, last)
        rows = [row for row in month_rows if self._kept(uin, row, params, conditions)]
        groups: dict[tuple[str, str], list[BillRow]] = defaultdict(list)
        for row in rows:
            groups[(row.resource_id, row.pay_mode)].append(row)
        items = [(sum((r.amount for r in group), Decimal(0)), group) for group in groups.values()]
        if conditions.get("HideFreeCost") == 1:
            items = [(total, group) for total, group in items if total != 0]
        if order:
            items.sort(key=lambda item: item[0], reverse=order == "desc")
        whole = sum((total for total, _group in items), Decimal(0))
        data = [self._item(uin, total, group, language) for total, group in items[offset : offset + limit]]
        empty: dict[str, Any] = {"Business": [], "Project": [], "Region": [], "PayMode": []}
        wanted = params.get("NeedConditionValue") == 1
        condition_value = self._condition_value(uin, month_rows, language) if wanted else empty
        return {"Ready": 1, "Total": shape("ConsumptionSummaryTotal", {"RealTotalCost": money(whole)}),
                "Data": data, "RecordNum": len(items), "ConditionValue": condition_value}

    def _kept(self, uin: str, row: BillRow, params: dict[str, Any], conditions: dict[str, Any]) -> bool:
        tests: list[Callable[[], bool]] = []
        keyword = conditions.get("ResourceKeyword")
        if keyword:
            tests.append(lambda: keyword in row.resource_id or keyword in self._name(uin, row.resource_id))
        if conditions.get("ProjectIds"):
            tests.append(lambda: row.project_id in conditions["ProjectIds"])
        if conditions.get("RegionIds"):
            tests.append(lambda: REGION_IDS.get(row.region) in conditions["RegionIds"])
        if conditions.get("PayModes"):
            tests.append(lambda: row.pay_mode in conditions["PayModes"])
        key = params.get("TagKey")
        if key:
            value = params.get("TagValue") or ""
            tests.append(lambda: dict(row.tags).get(key, "") == value)
        return all(test() for test in tests)

    def _name(self, uin: str, resource_id: str) -> str:
        resource = self.world.tag.resource_of(uin, resource_id)
        return str(getattr(resource, "name", "") or resource_id)

    def _item(self, uin: str, total: Decimal, group: list[BillRow], language: str) -> dict[str, Any]:
        head = group[0]
        begin, end = min(r.time for r in group), max(r.time for r in group)
        days = (clock.to_datetime(end).date() - clock.to_datetime(begin).date()).days + 1
        text = money(total)
        return shape("ConsumptionResourceSummaryDataItem", {
            "BusinessCode": head.product, "BusinessCodeName": head.product_name, "ProductCode": head.product,
            "ProductCodeName": head.product_name, "ResourceId": head.resource_id,
            "ResourceName": self._name(uin, head.resource_id), "RealTotalCost": text, "RealCost": text,
            "CashPayAmount": text, "VoucherPayAmount": money(Decimal(0)), "IncentivePayAmount": money(Decimal(0)),
            "TransferPayAmount": money(Decimal(0)), "RegionId": region_id(head.region),
            "RegionName": region_name(head.region, language) if head.region in REGIONS else "",
            "PayMode": head.pay_mode,
            "PayModeName": PAY_MODES[head.pay_mode], "ProjectId": str(head.project_id),
            "ProjectName": self.world.tag.projects.name_of(uin, head.project_id), "FeeBeginTime": clock.spaced(begin),
            "FeeEndTime": clock.spaced(end), "DayDiff": str(days), "DailyTotalCost": money(total / days),
            "ConsumptionTypeName": CONSUMPTION_TYPES[head.pay_mode], "OrderId": "-", "ZoneName": head.zone,
            "PayerUin": uin, "OwnerUin": uin, "OperateUin": uin,
            "Tags": ",".join(f"{k}:{v}" for k, v in head.tags),
        })

    def _condition_value(self, uin: str, rows: list[BillRow], language: str) -> dict[str, Any]:
        business = sorted({(r.product, r.product_name) for r in rows})
        projects = sorted({r.project_id for r in rows})
        regions = sorted({r.region for r in rows})
        modes = sorted({r.pay_mode for r in rows})
        return {
            "Business": [{"BusinessCode": code, "BusinessCodeName": name} for code, name in business],
            "Project": [{"ProjectId": str(p), "ProjectName": self.world.tag.projects.name_of(uin, p)}
                        for p in projects],
            "Region": [{"RegionId": region_id(r), "RegionName": region_name(r, language) if r in REGIONS else ""}
                       for r in regions],
            "PayMode": [{"PayMode": m, "PayModeName": PAY_MODES[m]} for m in modes],
        }
