"""A small reference model of SPEC §2-§6 for the state machine, written from the SPEC, not from mockcvm's code.

It assumes ``transitions="immediate"`` (no transitional state is ever shown), one account, one region, a balance
that is either comfortably positive or below zero (so that hourly settlements never cross zero by themselves), and
whole-second clock moves. It predicts, for every operation, whether it succeeds and which error codes are acceptable
when it does not, and what every instance looks like afterwards.

Time: :meth:`Model.advance` applies what falls due, each at its own instant, in the SPEC's order for equal instants
(transition, settlement, arrears, timer, expiry, recycle-bin release).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Optional

POSTPAID = "POSTPAID_BY_HOUR"
SPOTPAID = "SPOTPAID"  # postpaid in every rule of SPEC §3-§5
POSTPAID_TYPES = (POSTPAID, SPOTPAID)
PREPAID = "PREPAID"
RUNNING, STOPPED, SHUTDOWN = "RUNNING", "STOPPED", "SHUTDOWN"

HOUR = 3600
DAY = 86400
BIN_PREPAID = 7 * DAY  # TerminateInstances of a prepaid instance
BIN_SHORT = 2 * HOUR  # console "release after 2 h"
ARREARS_GRACE = 2 * HOUR
ARREARS_RELEASE = 24 * HOUR
TIMER_LEAD = 300
BEIJING = timezone(timedelta(hours=8))

# Order of events due at the same instant (SPEC §9 "fixed, documented order"; docs/semantics).
ORDER_ARREARS, ORDER_TIMER, ORDER_EXPIRY, ORDER_RELEASE = 30, 40, 50, 60


def state_code(state: str) -> str:
    return "UnsupportedOperation.InstanceState" + "".join(p.capitalize() for p in state.split("_"))


def add_months(epoch: float, months: int) -> float:
    moment = datetime.fromtimestamp(epoch, timezone.utc)
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day).timestamp()


def beijing_midnight_of_day_after(epoch: float, days: int) -> float:
    """00:00 Beijing time of the ``days``-th day after ``epoch``'s Beijing date."""
    local = datetime.fromtimestamp(epoch, BEIJING)
    return (local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days)).timestamp()


@dataclass
class Inst:
    instance_id: str
    charge: str
    state: str
    protected: bool = False
    #: Why it is in the recycle bin: "api" (prepaid TerminateInstances), "console" (console destroy), "expiry".
    bin_reason: Optional[str] = None
    bin_deadline: Optional[float] = None
    expired_time: Optional[float] = None
    auto_renew: bool = False
    arrears_stopped: bool = False
    stop_charging: bool = False
    #: Since when its CPU and memory are not charged (None: charged now, or prepaid).
    uncharged_since: Optional[float] = None

    @property
    def charged(self) -> bool:
        if self.charge not in POSTPAID_TYPES:
            return False
        return self.state == RUNNING or (self.state == STOPPED and not self.stop_charging)


@dataclass
class Timer:
    timer_id: str
    instance_id: str
    action_time: float
    status: str = "UNDO"  # UNDO -> DONE when it fires; "DROPPED" when its instance went another way first


@dataclass
class Model:
    now: float
    instances: dict[str, Inst] = field(default_factory=dict)
    #: id -> when it was released (gone).
    released: dict[str, float] = field(default_factory=dict)
    #: id -> how it was released: "api", "console", "bin", "timer", "arrears".
    released_how: dict[str, str] = field(default_factory=dict)
    timers: dict[str, Timer] = field(default_factory=dict)
    #: mock_cvm(postpaid_terminate_to_bin=True): postpaid TerminateInstances goes to the bin for 2 h (SPEC §3 option).
    postpaid_to_bin: bool = False
    balance_negative: bool = False
    arrears_since: Optional[float] = None
    arrears_shutdown_at: Optional[float] = None
    arrears_release_at: Optional[float] = None
    arrears_shut: list[str] = field(default_factory=list)
    #: id -> closed intervals [start, end) during which its CPU and memory must not be charged.
    uncharged: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    #: Instances that a scheduled destroy released (they must never have been seen SHUTDOWN after it fired).
    timer_released: set[str] = field(default_factory=set)

    # -- bookkeeping -------------------------------------------------------------------------------------------

    def _changed(self, inst: Inst) -> None:
        """Track when an instance stops or starts being charged."""
        if inst.charged and inst.uncharged_since is not None:
            self.uncharged.setdefault(inst.instance_id, []).append((inst.uncharged_since, self.now))
            inst.uncharged_since = None
        elif not inst.charged and inst.uncharged_since is None and inst.charge in POSTPAID_TYPES:
            inst.uncharged_since = self.now

    def add(self, inst: Inst) -> None:
        self.instances[inst.instance_id] = inst
        self._changed(inst)

    def release(self, instance_id: str, how: str) -> None:
        inst = self.instances.pop(instance_id)
        if inst.charge in POSTPAID_TYPES:
            start = inst.uncharged_since if inst.uncharged_since is not None else self.now
            self.uncharged.setdefault(instance_id, []).append((start, float("inf")))
        self.released[instance_id] = self.now
        self.released_how[instance_id] = how
        for timer in self.timers.values():
            if timer.instance_id == instance_id and timer.status == "UNDO":
                timer.status = "DROPPED"

    def into_bin(self, inst: Inst, reason: str, keep_for: float) -> None:
        inst.state = SHUTDOWN
        inst.bin_reason = reason
        inst.bin_deadline = self.now + keep_for
        self._changed(inst)

    def set_state(self, inst: Inst, state: str, stop_charging: bool = False) -> None:
        inst.state = state
        inst.stop_charging = stop_charging if state == STOPPED else False
        self._changed(inst)

    def pending_timer(self, instance_id: str) -> Optional[Timer]:
        return next((t for t in self.timers.values() if t.instance_id == instance_id and t.status == "UNDO"), None)

    # -- time ----------------------------------------------------------------------------------------------------

    def _next_event(self, until: float) -> Optional[tuple[float, int, str, str]]:
        candidates: list[tuple[float, int, str, str]] = []
        if self.arrears_shutdown_at is not None:
            candidates.append((self.arrears_shutdown_at, ORDER_ARREARS, "arrears_shutdown", ""))
        if self.arrears_release_at is not None:
            candidates.append((self.arrears_release_at, ORDER_ARREARS, "arrears_release", ""))
        for timer in self.timers.values():
            if timer.status == "UNDO":
                candidates.append((timer.action_time, ORDER_TIMER, "timer", timer.timer_id))
        for inst in self.instances.values():
            if inst.expired_time is not None and inst.state != SHUTDOWN:
                candidates.append((inst.expired_time, ORDER_EXPIRY, "expiry", inst.instance_id))
            if inst.bin_deadline is not None:
                candidates.append((inst.bin_deadline, ORDER_RELEASE, "bin", inst.instance_id))
        due = [c for c in candidates if c[0] <= until]
        return min(due) if due else None

    def next_due(self) -> Optional[float]:
        event = self._next_event(float("inf"))
        return event[0] if event else None

    def advance(self, until: float) -> None:
        while True:
            event = self._next_event(until)
            if event is None:
                break
            when, _, kind, subject = event
            self.now = max(self.now, when)
            getattr(self, "_on_" + kind)(subject)
        self.now = max(self.now, until)

    def _on_arrears_shutdown(self, _: str) -> None:
        self.arrears_shutdown_at = None
        for inst in self.instances.values():
            if inst.charge in POSTPAID_TYPES and inst.state in (RUNNING, STOPPED):
                inst.arrears_stopped = True
                self.set_state(inst, STOPPED, stop_charging=True)
                self.arrears_shut.append(inst.instance_id)
        self.arrears_release_at = self.now + ARREARS_RELEASE

    def _on_arrears_release(self, _: str) -> None:
        self.arrears_release_at = None
        shut, self.arrears_shut = self.arrears_shut, []
        for instance_id in shut:
            if instance_id in self.instances:
                self.release(instance_id, "arrears")

    def _on_timer(self, timer_id: str) -> None:
        timer = self.timers[timer_id]
        timer.status = "DONE"
        if timer.instance_id in self.instances:
            self.release(timer.instance_id, "timer")
            self.timer_released.add(timer.instance_id)

    def _on_expiry(self, instance_id: str) -> None:
        inst = self.instances[instance_id]
        assert inst.expired_time is not None
        if inst.auto_renew and not self.balance_negative:  # SPEC §6: renews for one month
            inst.expired_time = add_months(inst.expired_time, 1)
            return
        inst.bin_reason = "expiry"
        inst.state = SHUTDOWN
        inst.bin_deadline = beijing_midnight_of_day_after(inst.expired_time, 8)
        self._changed(inst)

    def _on_bin(self, instance_id: str) -> None:
        self.release(instance_id, "bin")

    # -- money -----------------------------------------------------------------------------------------------

    def go_negative(self) -> None:
        self.balance_negative = True
        if self.arrears_since is None:
            self.arrears_since = self.now
            self.arrears_shutdown_at = self.now + ARREARS_GRACE

    def go_positive(self) -> None:
        self.balance_negative = False
        if self.arrears_since is not None:
            self.arrears_since = None
            self.arrears_shutdown_at = self.arrears_release_at = None
            for instance_id in self.arrears_shut:
                if instance_id in self.instances:
                    self.instances[instance_id].arrears_stopped = False
            self.arrears_shut = []

    @property
    def in_arrears(self) -> bool:
        return self.arrears_since is not None

    # -- predictions: each returns the acceptable error codes (empty: it must succeed) -----------------------

    def _lookup(self, ids: list[str]) -> tuple[list[Inst], set[str]]:
        missing = [i for i in ids if i not in self.instances]
        return [self.instances[i] for i in ids if i in self.instances], (
            {"InvalidInstanceId.NotFound"} if missing else set()
        )

    def check_states(self, ids: list[str], allowed: tuple[str, ...]) -> set[str]:
        found, codes = self._lookup(ids)
        return codes | {state_code(i.state) for i in found if i.state not in allowed}

    def check_terminate(self, ids: list[str]) -> set[str]:
        found, codes = self._lookup(ids)
        if len({i.charge for i in found}) > 1:
            codes.add("UnsupportedOperation.InstanceMixedPricingModel")
        if any(i.protected for i in found):
            codes.add("UnsupportedOperation.InstancesProtected")
        return codes

    def terminate(self, ids: list[str]) -> None:
        for instance_id in dict.fromkeys(ids):
            inst = self.instances[instance_id]
            if inst.charge == PREPAID and inst.state != SHUTDOWN:
                self.into_bin(inst, "api", BIN_PREPAID)
            elif self.postpaid_to_bin and inst.state != SHUTDOWN:
                self.into_bin(inst, "api", BIN_SHORT)
            else:
                self.release(instance_id, "api")

    def check_start(self, ids: list[str]) -> set[str]:
        codes = self.check_states(ids, (STOPPED,))
        if self.balance_negative:
            codes.add("InvalidAccount.InsufficientBalance")
        return codes

    def check_renew(self, ids: list[str]) -> set[str]:
        found, codes = self._lookup(ids)
        if any(i.charge != PREPAID for i in found):
            codes.add("UnsupportedOperation.InstanceChargeType")
        if self.balance_negative:
            codes.add("InvalidAccount.InsufficientBalance")
        return codes

    def renew(self, ids: list[str], months: int) -> None:
        for instance_id in dict.fromkeys(ids):
            inst = self.instances[instance_id]
            assert inst.expired_time is not None
            inst.expired_time = add_months(inst.expired_time, months)
            if inst.state == SHUTDOWN:
                inst.bin_reason = inst.bin_deadline = None
                self.set_state(inst, STOPPED)

    def check_timer(self, instance_id: str, action_time: float) -> set[str]:
        _, codes = self._lookup([instance_id])
        if action_time - self.now <= TIMER_LEAD:
            codes.add("InvalidParameterValue")
        inst = self.instances.get(instance_id)
        if inst is not None:
            if inst.charge not in POSTPAID_TYPES:
                codes.add("UnsupportedOperation.NotSupportImportInstancesActionTimer")
            if self.pending_timer(instance_id) is not None:
                codes.add("FailedOperation.MutActionTimerExist")
        return codes

    def check_delete_timer(self, timer_id: str) -> set[str]:
        timer = self.timers.get(timer_id)
        if timer is None or timer.status == "DROPPED":
            return {"InvalidParameterValue"}
        if timer.status != "UNDO":
            return {"UnsupportedOperation"}
        return set()

    # -- the console -------------------------------------------------------------------------------------------

    def console_destroy(self, instance_id: str, release: str) -> bool:
        """Apply the console's destroy to one instance; False if the console refuses it."""
        inst = self.instances.get(instance_id)
        if inst is None or inst.protected:
            return False
        if inst.state == SHUTDOWN:
            self.release(instance_id, "console")
        elif inst.charge == PREPAID:
            self.into_bin(inst, "api", BIN_PREPAID)
        elif release == "after_2h":
            self.into_bin(inst, "console", BIN_SHORT)
        else:
            self.release(instance_id, "console")
        return True

    def console_recover(self, instance_id: str) -> bool:
        inst = self.instances.get(instance_id)
        if inst is None or self.in_arrears or inst.charge == PREPAID or inst.state != SHUTDOWN:
            return False
        inst.bin_reason = inst.bin_deadline = None
        self.set_state(inst, STOPPED)
        return True
