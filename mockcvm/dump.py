"""A readable dump of a fake world, for failure messages: time, balances, every resource, what is due next.

It only reads; the caller decides whether to catch the world up first (:meth:`mockcvm.Cloud.dump` does). Every
section is read defensively so a dump never hides the failure it is meant to explain: a part that cannot be
read says so in one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

from mockcvm.clock import iso

if TYPE_CHECKING:
    from mockcvm.world import World

#: Upcoming events listed at most (the rest are counted).
MAX_EVENTS = 15
#: Journal entries listed at most (the latest ones).
MAX_CALLS = 10
#: Resources of one kind listed at most (the rest are counted).
MAX_RESOURCES = 50
#: How far ahead the dump forecasts when an account's balance runs out; past this it says "not within".
FORECAST_HORIZON = 366 * 86400.0
#: Labels of timeline events that are internal wake-ups, not things that will happen (the billing engine's
#: early look at an account, or at a budget, which may find nothing to do).
_WAKE_UPS = ("settlement ", "budget check ")


def dump_world(world: World) -> str:
    """The world as text, one fact per line."""
    lines = [f"world time: {iso(world.now)}"]
    for section in (_accounts, _instances, _disks, _addresses, _timers, _events, _calls):
        try:
            lines.extend(section(world))
        except Exception as exc:  # noqa: BLE001 - a dump must not hide the failure it explains
            lines.append(f"({section.__name__.strip('_')}: could not be read: {type(exc).__name__}: {exc})")
    return "\n".join(lines)


def _accounts(world: World) -> list[str]:
    lines = ["accounts:"]
    in_arrears: Optional[Callable[[str], bool]] = getattr(world.billing, "in_arrears", None)
    for account in world.accounts.all():
        balance = world.billing.balance(account.uin)
        arrears = " IN ARREARS" if in_arrears is not None and in_arrears(account.uin) else ""
        lines.append(f"  {account.uin}: balance {balance} yuan{arrears}{_runs_out(world, account.uin, balance)}")
    return lines


def _runs_out(world: World, uin: str, balance: Any) -> str:
    """When the balance goes below zero at today's rates, if that is within the forecast horizon."""
    settled = getattr(world.billing, "_settled", None)
    if not callable(settled):
        return ""
    account = settled(uin)
    if getattr(account, "arrears_since", None) is not None:
        return ""
    crossing = account.rating.next_crossing(balance)
    if crossing is None:
        return ""
    if crossing - world.now > FORECAST_HORIZON:
        return "; at today's rates it lasts more than a year"
    return f"; at today's rates arrears begin at the settlement of {iso(float(crossing))}"


def _instances(world: World) -> list[str]:
    all_instances = getattr(world.cvm, "all_instances", None)
    instances: list[Any] = list(all_instances()) if callable(all_instances) else []
    if not instances:
        return ["instances: none"]
    lines = [f"instances ({len(instances)}):"]
    ordered = sorted(instances, key=lambda i: (str(_get(i, "region")), str(_get(i, "instance_id"))))
    lines.extend("  " + _instance_line(inst) for inst in ordered[:MAX_RESOURCES])
    return lines + _more(len(ordered))


def _more(count: int) -> list[str]:
    return [f"  ... and {count - MAX_RESOURCES} more"] if count > MAX_RESOURCES else []


def _tags(resource: Any) -> list[str]:
    tags = _get(resource, "tags")
    if not tags:
        return []
    return ["tags " + ",".join(f"{key}={value}" for key, value in sorted(tags.items()))]


def _live(backend: Any, store: str) -> list[Any]:
    """The live resources a CBS or VPC backend keeps (its ``store``; released ones are dropped), in order."""
    kept = getattr(backend, store, None)
    everything = getattr(kept, "all", None)
    if callable(everything):
        found = list(everything())
    else:
        by_id = getattr(backend, "_by_id", None)
        found = list(by_id.values()) if isinstance(by_id, dict) else []
    return sorted(
        (r for r in found if not _get(r, "released")),
        key=lambda r: (str(_get(r, "region")), float(_get(r, "created_time") or 0)),
    )


def _disks(world: World) -> list[str]:
    disks = _live(world.cbs, "disks")
    if not disks:
        return ["disks: none"]
    lines = [f"disks ({len(disks)}):"]
    for disk in disks[:MAX_RESOURCES]:
        parts = [
            str(_get(disk, "disk_id")), str(_get(disk, "region")), str(_get(disk, "usage")),
            f"{_get(disk, 'disk_type')} {_get(disk, 'disk_size')} GB", str(_get(disk, "charge_type")),
            str(_get(disk, "state")),
        ]
        if _get(disk, "instance_id"):
            parts.append(f"on {_get(disk, 'instance_id')}")
        if _get(disk, "delete_with_instance"):
            parts.append("deleted with its instance")
        parts.extend(_tags(disk))
        lines.append("  " + "  ".join(parts))
    return lines + _more(len(disks))


def _addresses(world: World) -> list[str]:
    addresses = _live(world.vpc, "addresses")
    if not addresses:
        return ["elastic IPs: none"]
    lines = [f"elastic IPs ({len(addresses)}):"]
    for address in addresses[:MAX_RESOURCES]:
        parts = [
            str(_get(address, "address_id")), str(_get(address, "region")), str(_get(address, "address_ip")),
            str(_get(address, "status")),
        ]
        if _get(address, "instance_id"):
            parts.append(f"on {_get(address, 'instance_id')}")
        parts.extend(_tags(address))
        lines.append("  " + "  ".join(parts))
    return lines + _more(len(addresses))


def _instance_line(inst: Any) -> str:
    state = str(_get(inst, "state"))
    settles_to = _get(inst, "settles_to")
    if settles_to:
        state += f" -> {settles_to}"
    parts = [str(_get(inst, "instance_id")), str(_get(inst, "region")), str(_get(inst, "charge_type")), state]
    name = _get(inst, "name")
    if name:
        parts.append(f"name={name!r}")
    restrict = _get(inst, "restrict_state")
    if restrict and restrict != "NORMAL":
        parts.append(f"restrict={restrict}")
    source = _get(inst, "isolated_source")
    if source and source != "NOTISOLATED":
        parts.append(f"isolated={source}")
    deadline = _get(inst, "recycle_bin_deadline")
    if deadline is not None:
        parts.append(f"bin until {iso(deadline)}")
    expired = _get(inst, "expired_time")
    if expired is not None:
        parts.append(f"expires {iso(expired)}")
    if _get(inst, "disable_api_termination"):
        parts.append("destroy-protected")
    parts.extend(_tags(inst))
    uin = _get(inst, "uin")
    if uin:
        parts.append(f"account {uin}")
    return "  ".join(parts)


def _timers(world: World) -> list[str]:
    timers = _timer_records(world.timers)
    if timers is None:
        return []
    if not timers:
        return ["scheduled destroys: none"]
    lines = [f"scheduled destroys ({len(timers)}):"]
    for timer in timers:
        when = _get(timer, "action_time")
        when_text = iso(when) if isinstance(when, (int, float)) else str(when)
        lines.append(
            f"  {_get(timer, 'action_timer_id')}  {_get(timer, 'instance_id')}  "
            f"{_get(timer, 'timer_action', 'TerminateInstances')} at {when_text}  {_get(timer, 'status')}"
        )
    return lines


def _timer_records(backend: Any) -> Optional[list[Any]]:
    """The timer objects, whatever the timer backend calls its collection; None if it keeps none (yet)."""
    for name in ("all_timers", "all"):
        method = getattr(backend, name, None)
        if callable(method):
            return list(method())
    for name in ("timers", "_timers", "by_id", "_by_id"):
        found = getattr(backend, name, None)
        if isinstance(found, dict):
            return list(found.values())
        if isinstance(found, list):
            return list(found)
    return None


def _events(world: World) -> list[str]:
    pending = [e for e in world.timeline.pending() if not (e.label or "").startswith(_WAKE_UPS)]
    if not pending:
        return ["upcoming: nothing scheduled"]
    lines = [f"upcoming ({len(pending)}):"]
    for event in pending[:MAX_EVENTS]:
        lines.append(f"  {iso(event.due)}  {event.label or '(unlabelled event)'}")
    if len(pending) > MAX_EVENTS:
        lines.append(f"  ... and {len(pending) - MAX_EVENTS} more")
    return lines


def _calls(world: World) -> list[str]:
    calls = list(world.journal)
    if not calls:
        return ["calls: none"]
    shown = calls[-MAX_CALLS:]
    lines = [f"calls ({len(calls)}{', latest ' + str(len(shown)) if len(shown) < len(calls) else ''}):"]
    for call in shown:
        outcome = call.error or "ok"
        lines.append(f"  {iso(call.time)}  {call.service}:{call.action}  {call.region or '-'}  -> {outcome}")
    return lines


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)
