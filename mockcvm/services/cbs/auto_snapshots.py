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
from typing import TYPE_CHECKING, Any, Optional

from mockcvm import clock
from mockcvm.compat import SLOTS
from mockcvm.engine.resources import Codes, Filter, Kind, Store
from mockcvm.engine.timeline import Event, Order
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter

if TYPE_CHECKING:
    from mockcvm.services.cbs.backend import CbsBackend

BEIJING = timezone(timedelta(hours=8))
DAY = 86400
MAX_RETENTION_DAYS = 65535
MAX_POLICIES_PER_DISK = 1
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
    """The first trigger instant strictly after ``after``."""
    start = datetime.fromtimestamp(after, BEIJING)
    origin = datetime.fromtimestamp(created, BEIJING).date()
    best: Optional[float] = None
    for offset in range(LOOK_AHEAD_DAYS):
        day = (start + timedelta(days=offset)).date()
        for rule in rules:
            if rule["DayOfWeek"] is not None:
                fires = (day.isoweekday() % 7) in rule["DayOfWeek"]
            elif rule["DayOfMonth"] is not None:
                fires = day.day in rule["DayOfMonth"]
            else:
                fires = (day - origin).days % rule["IntervalDays"] == 0
            if not fires:
                continue
            for hour in rule["Hour"]:
                moment = datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING).timestamp()
                if moment > after and (best is None or moment < best):
                    best = moment
        if best is not None:
            return best
    return None


class AutoSnapshotPolicies:
    def __init__(self, cbs: CbsBackend) -> None:
        self.cbs = cbs
        self.world = cbs.world
        self.store: Store[AutoSnapshotPolicy] = Store(AUTO_SNAPSHOT_POLICY)
        self._events: dict[str, Event] = {}
        #: disk id -> the policy bound to it
        self._by_disk: dict[str, AutoSnapshotPolicy] = {}

    def _retention(self, params: dict[str, Any]) -> tuple[bool, int]:
        permanent = bool(params.get("IsPermanent", False))
        days = params.get("RetentionDays", 7)
        if not permanent and not 1 <= days <= MAX_RETENTION_DAYS:
            raise InvalidParameterValue(f"RetentionDays must be 1-{MAX_RETENTION_DAYS}, got {days}.")
        return permanent, days

    def create(self, uin: str, region: str, params: dict[str, Any]) -> tuple[str, str]:
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
        self.store.add(policy)
        self._schedule(policy)
        return policy.policy_id, text

    def modify(self, uin: str, region: str, params: dict[str, Any]) -> None:
        policy = self.store.existing(uin, region, params["AutoSnapshotPolicyId"])
        rules = check_rules(params["Policy"]) if "Policy" in params else policy.rules
        permanent, days = self._retention({"IsPermanent": params.get("IsPermanent", policy.permanent),
                                           "RetentionDays": params.get("RetentionDays", policy.retention_days)})
        policy.rules, policy.permanent, policy.retention_days = rules, permanent, days
        if "AutoSnapshotPolicyName" in params:
            policy.name = params["AutoSnapshotPolicyName"]
        if "IsActivated" in params:
            policy.activated = bool(params["IsActivated"])
        self._schedule(policy)

    def delete_all(self, uin: str, region: str, ids: list[str]) -> None:
        policies = self.store.existing_all(uin, region, ids, "auto snapshot policies")
        for policy in policies:
            self.world.timeline.cancel(self._events.pop(policy.policy_id, None))
            for disk_id in policy.disk_ids:
                self._by_disk.pop(disk_id, None)
            policy.released = True
            self.store.remove(policy)

    def bind(self, uin: str, region: str, policy_id: str, disk_ids: list[str]) -> None:
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

    def _schedule(self, policy: AutoSnapshotPolicy) -> None:
        self.world.timeline.cancel(self._events.pop(policy.policy_id, None))
        policy.next_trigger = next_trigger(policy.rules, policy.created_time, self.world.now)
        if policy.activated and policy.next_trigger is not None:
            self._events[policy.policy_id] = self.world.timeline.schedule(
                policy.next_trigger, Order.TIMER, lambda: self._fire(policy), f"auto snapshot {policy.policy_id}"
            )

    def _fire(self, policy: AutoSnapshotPolicy) -> None:
        self._events.pop(policy.policy_id, None)
        if policy.released:
            return
        now = self.world.now
        stamp = datetime.fromtimestamp(now, BEIJING).strftime("%Y%m%d%H%M")
        for disk_id in list(policy.disk_ids):
            disk = self.cbs.get(policy.uin, policy.region, disk_id)
            if disk is None or disk.bin_deadline is not None:
                continue
            deadline = None if policy.permanent else now + policy.retention_days * DAY
            self.cbs.snapshots.take(disk, f"Auto_{policy.policy_id}_{stamp}", deadline, policy.policy_id)
        self._schedule(policy)

    def _new_id(self) -> str:
        while True:
            policy_id = self.world.ids.short("asp")
            if policy_id not in self.store:
                return policy_id
