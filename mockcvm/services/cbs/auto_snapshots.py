"""Auto snapshot policies (定期快照策略) that fire on the timeline.

A policy's ``Policy`` entries name the hours (Beijing time, UTC+8, as the console shows them) of the days it
fires on: days of the week (0 = Sunday), days of the month, or every ``IntervalDays`` days from its creation
day. An activated policy keeps exactly one timeline event, at its next trigger time; when it fires, every live,
usable disk bound to it gets a snapshot, kept ``RetentionDays`` days (deleted on the timeline at that instant,
like any snapshot deadline) unless the policy is permanent, and the next trigger is scheduled. A jump over 40
days therefore costs one event per policy per trigger, and nothing for the policies' disks that are gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import TYPE_CHECKING, Any, Optional

from mockcvm import clock
from mockcvm.compat import SLOTS
from mockcvm.engine.resources import Codes, Filter, Kind, Store
from mockcvm.engine.timeline import Event, Order
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.services.cbs.models import check_batch, check_name

if TYPE_CHECKING:
    from mockcvm.services.cbs.backend import CbsBackend

BEIJING = timezone(timedelta(hours=8))
BEIJING_OFFSET = 8 * 3600
DAY = 86400
MAX_RETENTION_DAYS = 65535
MAX_POLICIES_PER_DISK = 1
#: Disks one BindAutoSnapshotPolicy call binds (its description says 80).
MAX_BOUND_PER_CALL = 80
LOOK_AHEAD_DAYS = 400


@dataclass(eq=False, **SLOTS)
class AutoSnapshotPolicy:
    policy_id: str
    uin: str
    region: str
    name: str
    rules: list[dict[str, Any]]
    created_time: float
    activated: bool = True
    permanent: bool = False
    retention_days: int = 7
    disk_ids: list[str] = field(default_factory=list)
    next_trigger: Optional[float] = None
    released: bool = False

    #: What the next trigger depends on besides the instant (the rules and, for IntervalDays, the first day),
    #: as a small number shared by the policies with the same schedule (hashing the rules per fire is slow).
    schedule_key: int = -1

    def schedule(self) -> tuple[Any, ...]:
        rules = tuple((tuple(r["Hour"]), tuple(r["DayOfWeek"] or ()), tuple(r["DayOfMonth"] or ()),
                       r["IntervalDays"]) for r in self.rules)
        origin = (int(self.created_time) + BEIJING_OFFSET) // DAY if any(r[3] for r in rules) else 0
        return rules, origin


def _render_rules(policy: AutoSnapshotPolicy) -> list[dict[str, Any]]:
    return [{"DayOfWeek": r.get("DayOfWeek"), "Hour": list(r["Hour"]), "DayOfMonth": r.get("DayOfMonth"),
             "IntervalDays": r.get("IntervalDays")} for r in policy.rules]


AUTO_SNAPSHOT_POLICY: Kind[AutoSnapshotPolicy] = Kind(
    service="cbs",
    output="AutoSnapshotPolicy",
    noun="auto snapshot policy",
    id_attr="policy_id",
    id_prefix="asp",
    codes=Codes(
        malformed="InvalidParameterValue",
        not_found="InvalidAutoSnapshotPolicyId.NotFound",
        coexist="InvalidParameterValue",
        unknown_filter="InvalidFilter",
        paging="InvalidParameterValue",
    ),
    render={
        "AutoSnapshotPolicyId": lambda p: p.policy_id,
        "AutoSnapshotPolicyName": lambda p: p.name,
        "AutoSnapshotPolicyState": lambda p: "NORMAL",
        "IsActivated": lambda p: p.activated,
        "IsPermanent": lambda p: p.permanent,
        "RetentionDays": lambda p: 0 if p.permanent else p.retention_days,
        "CreateTime": lambda p: clock.spaced(p.created_time),
        "NextTriggerTime": lambda p: clock.spaced(p.next_trigger) if p.next_trigger is not None else "",
        "Policy": _render_rules,
        "DiskIdSet": lambda p: list(p.disk_ids),
    },
    filters={
        "auto-snapshot-policy-id": Filter(lambda p: p.policy_id),
        "auto-snapshot-policy-state": Filter(lambda p: "NORMAL"),
        "auto-snapshot-policy-name": Filter(lambda p: p.name),
    },
)


def check_rules(rules: Any) -> list[dict[str, Any]]:
    if not rules:
        raise MissingParameter("Policy needs at least one entry with Hour and DayOfWeek, DayOfMonth or IntervalDays.")
    checked = []
    for rule in rules:
        hours = rule.get("Hour") or []
        if not hours or any(not 0 <= h <= 23 for h in hours):
            raise InvalidParameterValue(f"Policy.Hour must list hours 0-23, got {hours!r}.")
        days_of_week, days_of_month, interval = rule.get("DayOfWeek"), rule.get("DayOfMonth"), rule.get("IntervalDays")
        given = [x is not None and x != [] for x in (days_of_week, days_of_month, interval)]
        if sum(given) != 1:
            raise InvalidParameterValue("Each Policy entry names exactly one of DayOfWeek, DayOfMonth, IntervalDays.")
        if days_of_week is not None and any(not 0 <= d <= 6 for d in days_of_week):
            raise InvalidParameterValue(f"Policy.DayOfWeek must list days 0-6 (0 is Sunday), got {days_of_week!r}.")
        if days_of_month is not None and any(not 1 <= d <= 31 for d in days_of_month):
            raise InvalidParameterValue(f"Policy.DayOfMonth must list days 1-31, got {days_of_month!r}.")
        if interval is not None and not 1 <= interval <= 365:
            raise InvalidParameterValue(f"Policy.IntervalDays must be 1-365, got {interval!r}.")
        checked.append({"Hour": sorted(set(hours)), "DayOfWeek": days_of_week, "DayOfMonth": days_of_month,
                        "IntervalDays": interval})
    return checked


def next_trigger(rules: list[dict[str, Any]], created: float, after: float) -> Optional[float]:
    """The first trigger instant strictly after ``after`` (integer day arithmetic in Beijing time: this runs
    once per policy per trigger)."""
    local_after = int(after) + BEIJING_OFFSET
    first_day = local_after // DAY
    origin_day = (int(created) + BEIJING_OFFSET) // DAY
    for day in range(first_day, first_day + LOOK_AHEAD_DAYS):
        best: Optional[int] = None
        for rule in rules:
            if rule["DayOfWeek"] is not None:
                fires = (day + 4) % 7 in rule["DayOfWeek"]  # day 0 (1970-01-01) was a Thursday; 0 is Sunday
            elif rule["DayOfMonth"] is not None:
                fires = datetime.fromtimestamp(day * DAY, timezone.utc).day in rule["DayOfMonth"]
            else:
                fires = (day - origin_day) % rule["IntervalDays"] == 0
            if not fires:
                continue
            for hour in rule["Hour"]:
                moment = day * DAY + hour * 3600
                if moment > local_after and (best is None or moment < best):
                    best = moment
                    break  # hours are sorted
        if best is not None:
            return float(best - BEIJING_OFFSET)
    return None


class AutoSnapshotPolicies:
    def __init__(self, cbs: CbsBackend) -> None:
        self.cbs = cbs
        self.world = cbs.world
        self.store: Store[AutoSnapshotPolicy] = Store(AUTO_SNAPSHOT_POLICY)
        #: trigger instant -> the policies due then, and the one timeline event that fires them all
        self._due: dict[float, dict[str, AutoSnapshotPolicy]] = {}
        self._events: dict[float, Event] = {}
        self._schedules: dict[tuple[Any, ...], int] = {}
        #: disk id -> the policy bound to it
        self._by_disk: dict[str, AutoSnapshotPolicy] = {}

    def _retention(self, params: dict[str, Any]) -> tuple[bool, int]:
        permanent = bool(params.get("IsPermanent", False))
        days = params.get("RetentionDays", 7)
        if not permanent and not 1 <= days <= MAX_RETENTION_DAYS:
            raise InvalidParameterValue(f"RetentionDays must be 1-{MAX_RETENTION_DAYS}, got {days}.")
        return permanent, days

    def create(self, uin: str, region: str, params: dict[str, Any]) -> tuple[str, str]:
        check_name(params, "AutoSnapshotPolicyName", in_bytes=True)
        rules = check_rules(params.get("Policy"))
        permanent, days = self._retention(params)
        now = self.world.now
        upcoming = next_trigger(rules, now, now)
        text = clock.spaced(upcoming) if upcoming is not None else ""
        if params.get("DryRun"):
            return "", text
        policy = AutoSnapshotPolicy(
            policy_id=self._new_id(), uin=uin, region=region, name=params.get("AutoSnapshotPolicyName", ""),
            rules=rules, created_time=now, activated=params.get("IsActivated", True), permanent=permanent,
            retention_days=days,
        )
        self._key(policy)
        self.store.add(policy)
        self._schedule(policy)
        return policy.policy_id, text

    def modify(self, uin: str, region: str, params: dict[str, Any]) -> None:
        policy = self.store.existing(uin, region, params["AutoSnapshotPolicyId"])
        check_name(params, "AutoSnapshotPolicyName", in_bytes=True)
        rules = check_rules(params["Policy"]) if "Policy" in params else policy.rules
        permanent, days = self._retention({"IsPermanent": params.get("IsPermanent", policy.permanent),
                                           "RetentionDays": params.get("RetentionDays", policy.retention_days)})
        policy.rules, policy.permanent, policy.retention_days = rules, permanent, days
        self._key(policy)
        if "AutoSnapshotPolicyName" in params:
            policy.name = params["AutoSnapshotPolicyName"]
        if "IsActivated" in params:
            policy.activated = bool(params["IsActivated"])
        self._schedule(policy)

    def delete_all(self, uin: str, region: str, ids: list[str]) -> None:
        policies = self.store.existing_all(uin, region, ids, "auto snapshot policies")
        for policy in policies:
            self._unschedule(policy)
            for disk_id in policy.disk_ids:
                self._by_disk.pop(disk_id, None)
            policy.released = True
            self.store.remove(policy)

    def bind(self, uin: str, region: str, policy_id: str, disk_ids: list[str]) -> None:
        check_batch(disk_ids, MAX_BOUND_PER_CALL, "BindAutoSnapshotPolicy")
        policy = self.store.existing(uin, region, policy_id)
        disks = self.cbs.disks.existing_all(uin, region, disk_ids, "disks")
        for disk in disks:
            bound = self._by_disk.get(disk.disk_id)
            if bound is not None and bound is not policy:
                raise ApiError(
                    f"The disk {disk.disk_id} is bound to {bound.policy_id}; a disk follows one auto snapshot "
                    "policy (unbind it first).",
                    code="InvalidDisk.AlreadyBound",
                )
        for disk in disks:
            if disk.disk_id not in policy.disk_ids:
                policy.disk_ids.append(disk.disk_id)
                self._by_disk[disk.disk_id] = policy

    def unbind(self, uin: str, region: str, policy_id: str, disk_ids: list[str]) -> None:
        policy = self.store.existing(uin, region, policy_id)
        wanted = self.cbs.disks.kind.check_ids(disk_ids, "disks")
        for disk_id in wanted:
            if disk_id not in policy.disk_ids:
                raise ApiError(f"The disk {disk_id} is not bound to {policy_id}.", code="InvalidDiskId.NotFound")
        for disk_id in wanted:
            policy.disk_ids.remove(disk_id)
            self._by_disk.pop(disk_id, None)

    def of_disk(self, uin: str, region: str, disk_id: str) -> list[AutoSnapshotPolicy]:
        self.cbs.disks.existing(uin, region, disk_id)
        policy = self._by_disk.get(disk_id)
        return [policy] if policy is not None else []

    def disk_deleted(self, disk_id: str) -> None:
        policy = self._by_disk.pop(disk_id, None)
        if policy is not None and disk_id in policy.disk_ids:
            policy.disk_ids.remove(disk_id)

    # -- the timeline ----------------------------------------------------------------------------------------

    def _key(self, policy: AutoSnapshotPolicy) -> None:
        schedule = policy.schedule()
        policy.schedule_key = self._schedules.setdefault(schedule, len(self._schedules))

    def _unschedule(self, policy: AutoSnapshotPolicy) -> None:
        due = policy.next_trigger
        bucket = self._due.get(due) if due is not None else None
        if bucket is not None and bucket.pop(policy.policy_id, None) is not None and not bucket:
            del self._due[due]  # type: ignore[arg-type]
            self.world.timeline.cancel(self._events.pop(due, None))  # type: ignore[arg-type]

    def _schedule(self, policy: AutoSnapshotPolicy) -> None:
        """File the policy under its next trigger; policies due at the same instant share one event."""
        self._unschedule(policy)
        self._file(policy, next_trigger(policy.rules, policy.created_time, self.world.now))

    def _file(self, policy: AutoSnapshotPolicy, due: Optional[float]) -> None:
        policy.next_trigger = due
        if not policy.activated or due is None:
            return
        bucket = self._due.get(due)
        if bucket is None:
            bucket = self._due[due] = {}
            self._events[due] = self.world.timeline.schedule(
                due, Order.TIMER, lambda: self._fire(due), f"auto snapshots at {due}"
            )
        bucket[policy.policy_id] = policy

    def _fire(self, due: float) -> None:
        """Snapshot the disks of every policy due now, then file each under its next trigger (the loop runs once
        per policy per trigger: a 40-day jump over 10 000 daily policies runs it 400 000 times)."""
        self._events.pop(due, None)
        bucket = self._due.pop(due, {})
        stamp = datetime.fromtimestamp(due, BEIJING).strftime("%Y%m%d%H%M")
        #: policies with the same rules (and, for IntervalDays, the same first day) share their next trigger
        following: dict[int, Optional[float]] = {}
        buckets: dict[float, dict[str, AutoSnapshotPolicy]] = {}
        for policy_id, policy in bucket.items():
            if policy.disk_ids:
                self._snapshot_disks(policy, due, stamp)
            key = policy.schedule_key
            if key in following:
                upcoming = following[key]
            else:
                upcoming = following[key] = next_trigger(policy.rules, policy.created_time, due)
            policy.next_trigger = upcoming
            if upcoming is not None and policy.activated:
                target = buckets.get(upcoming)
                if target is None:
                    target = buckets[upcoming] = {}
                target[policy_id] = policy
        for upcoming, policies in buckets.items():
            existing = self._due.get(upcoming)
            if existing is None:
                self._due[upcoming] = policies
                self._events[upcoming] = self.world.timeline.schedule(
                    upcoming, Order.TIMER, partial(self._fire, upcoming), f"auto snapshots at {upcoming}"
                )
            else:
                existing.update(policies)

    def _snapshot_disks(self, policy: AutoSnapshotPolicy, due: float, stamp: str) -> None:
        for disk_id in list(policy.disk_ids):
            disk = self.cbs.get(policy.uin, policy.region, disk_id)
            if disk is None or disk.bin_deadline is not None:
                continue
            deadline = None if policy.permanent else due + policy.retention_days * DAY
            self.cbs.snapshots.take(disk, f"Auto_{policy.policy_id}_{stamp}", deadline, policy.policy_id)

    def _new_id(self) -> str:
        while True:
            policy_id = self.world.ids.short("asp")
            if policy_id not in self.store:
                return policy_id
