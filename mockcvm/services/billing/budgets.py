"""Budgets: a quota per cycle over a validity period, and thresholds that fire when the ledger reaches them.

A budget's *cost* in a cycle is the sum of the ledger rows whose time is in the cycle and whose resource matches
its ``DimensionsRange`` (the same rows the bills read). The ledger only moves at hourly settlements and at
up-front charges and refunds, so a threshold can only be reached at one of those instants:

- an up-front charge (or refund) re-evaluates the account's budgets at once (``upfront_changed``);
- otherwise the first settlement hour at which the cost reaches a threshold, if nothing changes, is computed in
  closed form (the cost after the next settlement, then each segment still charged adds its full-hour piece at
  every settlement), and one timeline event per budget waits for it (``Order.SETTLEMENT``, it settles the account
  first). A budget without dimensions reads the account's settled debits (O(log settlements)); one with
  dimensions walks the rate segments (O(segments));
- a rate that rises (``BillingBackend.set_rate``) brings that event forward to the next settlement at the latest,
  where the crossing is computed again (O(1) in ``set_rate``); a rate that falls only postpones the crossing, so
  an event that comes early finds nothing to fire and waits again;
- while a matching resource is charged, the event also waits for the next cycle's start (the cost starts again).

A threshold (``WarnJson`` item) fires at most once per cycle and amount, when the cost is >= its amount and > 0:
it writes a remind record at that instant. Every Create/Modify/Delete writes an operation-log entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any, Callable, Optional

from mockcvm.engine.timeline import Order
from mockcvm.errors import InvalidParameterValue
from mockcvm.regions import REGIONS
from mockcvm.services.billing.bills import HOURLY_REASONS, PRODUCTS
from mockcvm.services.billing.budget_spec import (
    ZERO_FEES,
    Budget,
    Cycle,
    LogEntry,
    RemindRecord,
    check_spec,
    diff,
)
from mockcvm.services.billing.costs import REGION_IDS
from mockcvm.services.billing.rating import HOUR, ZERO, cents_to_yuan, hour_floor, piece_cents

if TYPE_CHECKING:
    from mockcvm.services.billing.backend import BillingBackend

ZONE_IDS = {zone.zone: zone.zone_id for region in REGIONS.values() for zone in region.zones}
FIRST_ID = 1962000000000000000


# -- the book of budgets ----------------------------------------------------------------------------------------


class Budgets:
    """Every budget of the world, its remind records and its operation log (deleted budgets keep both)."""

    def __init__(self, billing: BillingBackend) -> None:
        self.billing = billing
        self.world = billing.world
        self._budgets: dict[str, Budget] = {}
        self.watched: set[str] = set()  # accounts with a live budget: set_rate and up-front charges tell them
        self._count = 0

    # -- the actions -----------------------------------------------------------------------------------------

    def create(self, uin: str, params: dict[str, Any]) -> Budget:
        spec = check_spec(params)
        self._count += 1
        now = self.world.now
        budget = Budget(str(FIRST_ID + self._count), uin, spec, now, now)
        self._budgets[budget.budget_id] = budget
        budget.log.append(LogEntry(now, "ADD", [(p, None, a) for p, (_b, a) in diff({}, spec).items()]))
        self.watched.add(uin)
        self._evaluate(budget)
        return budget

    def modify(self, uin: str, params: dict[str, Any]) -> Budget:
        budget = self.get(uin, params.get("BudgetId"))
        spec = check_spec(params)
        now = self.world.now
        changes = diff(budget.spec, spec)
        budget.spec, budget.updated = spec, now
        budget.log.append(LogEntry(now, "UPDATE", [(p, b, a) for p, (b, a) in changes.items()]))
        self._evaluate(budget)
        return budget

    def delete(self, uin: str, budget_ids: list[str]) -> list[str]:
        budgets = [self.get(uin, budget_id) for budget_id in budget_ids]  # every id checked before any change
        now = self.world.now
        for budget in budgets:
            if budget.deleted:
                continue
            budget.deleted, budget.updated = True, now
            budget.log.append(LogEntry(now, "DELETE", [(p, b, None) for p, (b, _a) in diff(budget.spec, {}).items()]))
            self.world.timeline.cancel(budget.event)
            budget.event = None
        if not any(b.uin == uin and not b.deleted for b in self._budgets.values()):
            self.watched.discard(uin)
        return [b.budget_id for b in budgets]

    def get(self, uin: str, budget_id: Any, deleted_too: bool = False) -> Budget:
        budget = self._budgets.get(str(budget_id))
        if budget is None or budget.uin != uin or (budget.deleted and not deleted_too):
            raise InvalidParameterValue(f"There is no budget {budget_id!r} in this account.")
        return budget

    def listed(self, uin: str, params: dict[str, Any]) -> list[Budget]:
        now = self.world.now
        found = [b for b in self._budgets.values() if b.uin == uin and not b.deleted]
        if params.get("BudgetId"):
            found = [b for b in found if b.budget_id == str(params["BudgetId"])]
        if params.get("BudgetName"):
            found = [b for b in found if params["BudgetName"] in b.spec["BudgetName"]]
        if params.get("BudgetStatus"):
            found = [b for b in found if b.status(now) == params["BudgetStatus"]]
        if params.get("CycleTypes"):
            found = [b for b in found if b.cycle_type in params["CycleTypes"]]
        return found

    # -- cost ------------------------------------------------------------------------------------------------

    def cost(self, budget: Budget, cycle: Cycle) -> Decimal:
        """The budget's cost in ``cycle`` so far: the settlements done and the up-front rows."""
        return self._scan(budget, cycle, self._matcher(budget)).spent

    def _scan(self, budget: Budget, cycle: Cycle, matches: Callable[[str, str], bool]) -> Scan:
        """The cost so far, the cost after the next settlement if nothing changes, and what each later full hour
        adds. A budget without dimensions reads the account's settled debits (O(log settlements)); one with
        dimensions walks the rate segments (O(segments))."""
        if budget.spec["FeeType"] in ZERO_FEES:
            return Scan(ZERO, ZERO, 0, 0, False)
        rating, upfront = self.billing.budget_sources(budget.uin)
        settled_to = rating.settled_to
        last_hour = hour_floor(int(cycle.last))
        before = int(cycle.first) - HOUR  # rows at hours < the cycle's first second belong to the one before
        now_upper = min(settled_to, last_hour)
        next_hour = settled_to + HOUR
        spent = following = ZERO
        hourly = 0
        charging = False
        if not budget.spec["DimensionsRange"]:  # every row counts
            debited_before = rating.debited_through(before)
            if now_upper >= cycle.first:
                spent = cents_to_yuan(rating.debited_through(now_upper) - debited_before)
            if next_hour <= last_hour:
                following = cents_to_yuan(rating.debited + rating.hourly + rating.pending - debited_before)
            hourly = rating.hourly + rating.fresh_hourly
            charging = bool(rating.active)
        if budget.spec["DimensionsRange"]:
            spent_cents = following_cents = 0
            counts_now, counts_next = now_upper >= cycle.first, next_hour <= last_hour
            for segment in rating.segments:
                end = segment.end
                if end is not None and end <= before:
                    continue  # settled before the cycle began
                if not matches(segment.resource_id, segment.reason):
                    continue
                base = segment.total_cents(before) if segment.start < before else 0
                if counts_now:
                    spent_cents += segment.total_cents(now_upper) - base
                if counts_next:
                    following_cents += segment.total_cents(next_hour) - base
                if end is None:
                    charging = True
                    hourly += piece_cents(segment.num, segment.den, HOUR)
            spent, following = cents_to_yuan(spent_cents), cents_to_yuan(following_cents)
        for row in upfront:
            if cycle.first <= row.time <= cycle.last and matches(row.resource_id, row.reason):
                spent += row.amount
                following += row.amount
        return Scan(spent, following, next_hour, hourly, charging)

    def _matcher(self, budget: Budget) -> Callable[[str, str], bool]:
        dims = budget.spec["DimensionsRange"]
        if not dims:
            return lambda _resource_id, _reason: True
        uin = budget.uin
        seen: dict[tuple[str, str], bool] = {}

        def matches(resource_id: str, reason: str) -> bool:
            key = (resource_id, reason)
            if key not in seen:
                seen[key] = self._matches(uin, dims, resource_id, reason)
            return seen[key]

        return matches

    def _matches(self, uin: str, dims: dict[str, Any], resource_id: str, reason: str) -> bool:
        """Whether the ledger rows of ``resource_id`` (``reason``) count for a budget with these dimensions."""
        if "Business" in dims and PRODUCTS.get(resource_id.partition("-")[0] + "-", ("p_other", ""))[0] not in dims[
                "Business"]:
            return False
        if "PayMode" in dims and ("postPay" if reason in HOURLY_REASONS else "prePay") not in dims["PayMode"]:
            return False
        if ("PayerUins" in dims and uin not in dims["PayerUins"]) or ("OwnerUins" in dims and uin not in dims[
                "OwnerUins"]):
            return False
        resource = self.world.tag.resource_of(uin, resource_id)
        if "ProjectIds" in dims and str(int(getattr(resource, "project_id", 0) or 0)) not in dims["ProjectIds"]:
            return False
        region = getattr(resource, "region", "")
        if "RegionIds" in dims and str(REGION_IDS.get(region, "")) not in dims["RegionIds"] and region not in dims[
                "RegionIds"]:
            return False
        zone = getattr(resource, "zone", "")
        if "ZoneIds" in dims and ZONE_IDS.get(zone, "") not in dims["ZoneIds"] and zone not in dims["ZoneIds"]:
            return False
        if "Tags" in dims:
            tags = getattr(resource, "tags", None) or {}
            for wanted in dims["Tags"]:
                key = wanted["TagKey"]
                if key not in tags or (wanted["TagValue"] and tags[key] not in wanted["TagValue"]):
                    return False
        return True

    # -- the timeline ----------------------------------------------------------------------------------------

    def rates_rose(self, uin: str, next_settlement: int) -> None:
        """A rate of ``uin`` rose: look again at the next settlement at the latest (the crossing may come sooner)."""
        for budget in self._budgets.values():
            if budget.uin == uin and not budget.deleted and self.world.now <= budget.valid_to:
                event = budget.event
                if event is not None and not event.cancelled and event.due <= next_settlement:
                    continue
                self._schedule(budget, float(next_settlement))

    def upfront_changed(self, uin: str) -> None:
        """An up-front charge or refund moved ``uin``'s ledger now: every budget of ``uin`` is evaluated at once."""
        for budget in list(self._budgets.values()):
            if budget.uin == uin and not budget.deleted:
                self._evaluate(budget)

    def _schedule(self, budget: Budget, due: float) -> None:
        self.world.timeline.cancel(budget.event)
        budget_id = budget.budget_id
        budget.event = self.world.timeline.schedule(due, Order.SETTLEMENT, lambda: self._wake(budget_id),
                                                    f"budget check {budget_id}")

    def _wake(self, budget_id: str) -> None:
        budget = self._budgets[budget_id]
        budget.event = None
        if not budget.deleted:
            self._evaluate(budget)

    def _evaluate(self, budget: Budget) -> None:
        """Fire every threshold the cost has reached in the current cycle, then wait for the next instant that can
        fire one: the first settlement that reaches the lowest threshold left, or the next cycle's start."""
        self.world.timeline.cancel(budget.event)
        budget.event = None
        now = self.world.now
        if now > budget.valid_to:
            return
        if now < budget.valid_from:
            self._schedule(budget, budget.valid_from)
            return
        cycle = budget.cycle_at(now)
        scan = self._scan(budget, cycle, self._matcher(budget))
        spent = scan.spent
        waiting = []
        for amount, warn in budget.thresholds(cycle):
            if (cycle.label, amount) in budget.fired:
                continue
            if spent >= amount and spent > 0:
                self._remind(budget, cycle, amount, warn, spent)
            else:
                waiting.append(amount)
        due: Optional[float] = None
        if waiting and scan.charging:
            due = _crossing(scan, cycle, max(min(waiting), Decimal("0.01")))
        if due is None and scan.charging and cycle.last < budget.valid_to:
            due = cycle.last + 1
        if due is not None:
            self._schedule(budget, due)

    def _remind(self, budget: Budget, cycle: Cycle, amount: Decimal, warn: dict[str, Any], spent: Decimal) -> None:
        budget.fired.add((cycle.label, amount))
        quota = budget.quota(cycle)
        condition = (f"{warn['ThresholdValue']}% of the quota" if warn["CalType"] == "PERCENTAGE"
                     else f"{warn['ThresholdValue']} yuan")
        message = (f"Budget {budget.spec['BudgetName']}: the actual cost of {cycle.label} reached {spent:.2f} yuan, "
                   f">= {condition} ({amount:.2f} yuan; quota {quota if quota is not None else '-'}).")
        budget.records.append(RemindRecord(self.world.now, budget.cycle_type.lower(), cycle.label,
                                           "" if quota is None else str(quota), spent, message))


@dataclass(frozen=True)
class Scan:
    spent: Decimal  # the cycle's cost so far
    following: Decimal  # its cost after the settlement at ``next_hour``, if nothing changes
    next_hour: int
    hourly: int  # cents every later settlement adds (the full-hour pieces of the segments still charged)
    charging: bool  # a resource the budget counts is charged by the hour


def _crossing(scan: Scan, cycle: Cycle, amount: Decimal) -> Optional[float]:
    """The first settlement hour of ``cycle`` at which the cost reaches ``amount`` if nothing changes: after the
    next settlement every segment still charged adds its full-hour piece at each settlement, so it is closed form."""
    last_hour = hour_floor(int(cycle.last))
    if scan.next_hour > last_hour:
        return None
    if scan.following >= amount:
        return float(scan.next_hour)
    if scan.hourly <= 0:
        return None
    hours = ((amount - scan.following) * 100 / scan.hourly).to_integral_value(rounding=ROUND_CEILING)
    due = scan.next_hour + int(hours) * HOUR
    return float(due) if due <= last_hour else None
