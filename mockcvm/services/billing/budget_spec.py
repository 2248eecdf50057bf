"""What a budget is: its members as CreateBudget/ModifyBudget give them (checked), its validity period and
cycles, its quota and thresholds per cycle, its remind records and operation-log entries (``budgets.py`` keeps
them and fires the thresholds on the timeline)."""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from mockcvm import clock
from mockcvm.engine.timeline import Event
from mockcvm.errors import InvalidParameterValue, NotImplementedByMockcvm

CYCLES = ("DAY", "MONTH", "QUARTER", "YEAR")
PLAN_TYPES = ("FIX", "CYCLE")
BILL_TYPES = ("BILL", "CONSUMPTION")
#: Everything is paid in cash with no discount: these fee types equal the ledger, the others are always 0.
CASH_FEES = ("COST", "REAL_COST", "CASH", "AMOUNT_BEFORE_TAX")
ZERO_FEES = ("INCENTIVE", "VOUCHER", "TRANSFER", "TAX")
CAL_TYPES = ("PERCENTAGE", "ABS")
MAX_WARNS = 3
MAX_PAGE_SIZE = 100
#: DimensionsRange members mockcvm selects by; the others are refused as not modelled.
DIMENSIONS = ("Business", "PayMode", "ProjectIds", "RegionIds", "ZoneIds", "Tags", "PayerUins", "OwnerUins")


def _day(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)


def _month(text: str) -> datetime:
    return datetime.strptime(text[:7], "%Y-%m").replace(tzinfo=timezone.utc)


def _month_end(start: datetime) -> float:
    return start.timestamp() + calendar.monthrange(start.year, start.month)[1] * 86400 - 1


def _add_months(start: datetime, months: int) -> datetime:
    index = start.year * 12 + start.month - 1 + months
    return start.replace(year=index // 12, month=index % 12 + 1, day=1)


@dataclass
class Cycle:
    first: float  # inclusive
    last: float  # inclusive (a second before the next cycle)
    label: str


@dataclass
class RemindRecord:
    at: float
    date_desc: str
    cycle: str
    quota: str
    cost: Decimal
    message: str


@dataclass
class LogEntry:
    at: float
    action: str  # ADD, UPDATE, DELETE
    diff: list[tuple[str, Optional[str], Optional[str]]]


@dataclass
class Budget:
    budget_id: str
    uin: str
    spec: dict[str, Any]  # the checked request members (BudgetName ... WaveThresholdJson)
    created: float
    updated: float
    fired: set[tuple[str, Decimal]] = field(default_factory=set)  # (cycle label, amount) already reminded
    records: list[RemindRecord] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    deleted: bool = False
    event: Optional[Event] = None

    # -- the period and its cycles ---------------------------------------------------------------------------

    @property
    def cycle_type(self) -> str:
        return str(self.spec["CycleType"])

    @property
    def valid_from(self) -> float:
        text = self.spec["PeriodBegin"]
        return (_day(text) if self.cycle_type == "DAY" else _month(text)).timestamp()

    @property
    def valid_to(self) -> float:
        text = self.spec["PeriodEnd"]
        if self.cycle_type == "DAY":
            return _day(text).timestamp() + 86399
        return _month_end(_month(text))

    def cycle_at(self, moment: float) -> Cycle:
        """The cycle holding ``moment`` (clipped to the validity period)."""
        when = clock.to_datetime(moment)
        if self.cycle_type == "DAY":
            start = when.replace(hour=0, minute=0, second=0, microsecond=0)
            first, last, label = start.timestamp(), start.timestamp() + 86399, start.strftime("%Y-%m-%d")
        else:
            months = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}[self.cycle_type]
            start = when.replace(month=(when.month - 1) // months * months + 1, day=1, hour=0, minute=0, second=0,
                                 microsecond=0)
            first, last = start.timestamp(), _add_months(start, months).timestamp() - 1
            label = {"MONTH": start.strftime("%Y-%m"), "QUARTER": f"{start.year}-Q{(start.month - 1) // 3 + 1}",
                     "YEAR": str(start.year)}[self.cycle_type]
        return Cycle(max(first, self.valid_from), min(last, self.valid_to), label)

    def status(self, now: float) -> str:
        if now < self.valid_from:
            return "ACTIVATED"  # 待生效: not yet in force
        return "EXPIRED" if now > self.valid_to else "ACTIVE"

    def quota(self, cycle: Cycle) -> Optional[Decimal]:
        """The quota of ``cycle`` (None: a CYCLE plan that gives none for it)."""
        if self.spec["PlanType"] == "FIX":
            return Decimal(self.spec["BudgetQuota"])
        plan = {item["dateDesc"]: Decimal(str(item["quota"])) for item in json.loads(self.spec["BudgetQuota"])}
        return plan.get(cycle.label)

    def thresholds(self, cycle: Cycle) -> list[tuple[Decimal, dict[str, Any]]]:
        """(amount, WarnJson item) of every threshold that has an amount in ``cycle``, lowest first."""
        quota = self.quota(cycle)
        found = []
        for warn in self.spec["WarnJson"]:
            value = Decimal(warn["ThresholdValue"])
            if warn["CalType"] == "ABS":
                found.append((value, warn))
            elif quota is not None:
                found.append((quota * value / 100, warn))
        return sorted(found, key=lambda pair: pair[0])


# -- checking a request -----------------------------------------------------------------------------------------


def _present(value: Any) -> bool:
    """False for what tccli sends for "nothing": None, "", "None", [], [None], {} with only such values."""
    if value in (None, "", "None"):
        return False
    if isinstance(value, list):
        return any(_present(item) for item in value)
    if isinstance(value, dict):
        return any(_present(item) for item in value.values())
    return True


def _decimal(text: Any, name: str) -> Decimal:
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise InvalidParameterValue(f"{name} must be a number, got {text!r}.") from None
    if not value.is_finite() or value < 0:
        raise InvalidParameterValue(f"{name} must be a number >= 0, got {text!r}.")
    return value


def _one_of(params: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = params.get(name)
    if value not in allowed:
        raise InvalidParameterValue(f"{name} must be one of {', '.join(allowed)}; got {value!r}.")
    return str(value)


def check_spec(params: dict[str, Any]) -> dict[str, Any]:
    """The budget members of a CreateBudget/ModifyBudget request, checked (refusals before anything changes)."""
    name = params.get("BudgetName")
    if not isinstance(name, str) or not name.strip():
        raise InvalidParameterValue("BudgetName must not be empty.")
    cycle = _one_of(params, "CycleType", CYCLES)
    spec: dict[str, Any] = {"BudgetName": name, "BudgetNote": params.get("BudgetNote") or "", "CycleType": cycle,
                            "PlanType": _one_of(params, "PlanType", PLAN_TYPES),
                            "BillType": _one_of(params, "BillType", BILL_TYPES),
                            "FeeType": _one_of(params, "FeeType", CASH_FEES + ZERO_FEES)}
    form = "YYYY-MM-DD" if cycle == "DAY" else "YYYY-MM"
    for member in ("PeriodBegin", "PeriodEnd"):
        text = params.get(member)
        try:
            if cycle == "DAY":
                _day(str(text))
            else:
                datetime.strptime(str(text), "%Y-%m")
        except ValueError:
            raise InvalidParameterValue(f"{member} must be {form} for a {cycle} budget, got {text!r}.") from None
        spec[member] = text
    if spec["PeriodBegin"] > spec["PeriodEnd"]:
        raise InvalidParameterValue("PeriodBegin must not be after PeriodEnd.")
    spec["BudgetQuota"] = _check_quota(params.get("BudgetQuota"), spec)
    warns = params.get("WarnJson") or []
    if not 1 <= len(warns) <= MAX_WARNS:
        raise InvalidParameterValue(f"WarnJson must hold 1 to {MAX_WARNS} thresholds, got {len(warns)}.")
    spec["WarnJson"] = []
    for n, warn in enumerate(warns):
        if warn.get("WarnType") == "FORECAST":
            raise NotImplementedByMockcvm("mockcvm does not forecast costs: give WarnType ACTUAL "
                                          f"(WarnJson.{n} is FORECAST).")
        _one_of(warn, "WarnType", ("ACTUAL", "FORECAST"))
        _one_of(warn, "CalType", CAL_TYPES)
        value = _decimal(warn.get("ThresholdValue"), f"WarnJson.{n}.ThresholdValue")
        spec["WarnJson"].append({"WarnType": "ACTUAL", "CalType": warn["CalType"], "ThresholdValue": str(value)})
    if _present(params.get("WaveThresholdJson")):
        raise NotImplementedByMockcvm("mockcvm does not model fluctuation alerts (WaveThresholdJson); give "
                                      "thresholds in WarnJson.")
    spec["WaveThresholdJson"] = []
    spec["DimensionsRange"] = _check_dimensions(params.get("DimensionsRange") or {})
    return spec


def _check_quota(text: Any, spec: dict[str, Any]) -> str:
    if spec["PlanType"] == "FIX":
        return str(_decimal(text, "BudgetQuota"))
    try:
        plan = json.loads(str(text))
        pairs = [(str(item["dateDesc"]), item["quota"]) for item in plan]
    except (ValueError, TypeError, KeyError):
        raise InvalidParameterValue('BudgetQuota of a CYCLE plan must be [{"dateDesc": ..., "quota": ...}, ...], '
                                    f"got {text!r}.") from None
    checked = [{"dateDesc": date, "quota": str(_decimal(quota, f"BudgetQuota {date}"))} for date, quota in pairs]
    return json.dumps(checked, separators=(",", ":"))


def _check_dimensions(form: dict[str, Any]) -> dict[str, Any]:
    given = {name: value for name, value in form.items() if _present(value)}
    unknown = sorted(set(given) - set(DIMENSIONS))
    if unknown:
        raise NotImplementedByMockcvm(f"mockcvm does not select budget costs by {', '.join(unknown)}; "
                                      f"DimensionsRange may give {', '.join(DIMENSIONS)}.")
    tags = [tag for tag in given.get("Tags", []) if _present(tag)]
    for tag in tags:
        if not _present(tag.get("TagKey")):
            raise InvalidParameterValue("DimensionsRange.Tags needs a TagKey in every item.")
    if tags:
        given["Tags"] = [{"TagKey": t["TagKey"], "TagValue": [v for v in t.get("TagValue") or [] if _present(v)]}
                         for t in tags]
    return {name: [str(v) for v in value] if name != "Tags" else value for name, value in given.items()}


# -- the operation log's differences ------------------------------------------------------------------------------

_PROPERTIES = {"BudgetName": "budgetName", "BudgetNote": "budgetNote", "BillType": "billType", "FeeType": "feeType",
               "CycleType": "cycleType", "PeriodBegin": "periodBegin", "PeriodEnd": "periodEnd",
               "DimensionsRange": "dimensionsRange", "PlanType": "planType", "BudgetQuota": "budgetQuota",
               "WarnJson": "warnJson", "WaveThresholdJson": "waveThresholdJson"}


def _text(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(_camel(value), ensure_ascii=False, separators=(",", ":"))


def _camel(value: Any) -> Any:
    if isinstance(value, dict):
        return {key[:1].lower() + key[1:]: _camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel(item) for item in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Optional[str], Optional[str]]]:
    """property -> (before, after) for every budget member that differs (as the log writes them)."""
    changes = {}
    for member, name in _PROPERTIES.items():
        old, new = _text(before.get(member)), _text(after.get(member))
        if old != new:
            changes[name] = (old, new)
    return changes
