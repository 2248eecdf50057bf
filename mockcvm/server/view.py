"""The world as JSON for ``GET /_mockcvm/state``, the journal for ``GET /_mockcvm/journal`` and the dashboard.

It only reads; the caller holds the world's lock and has caught the world up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from mockcvm.clock import iso

if TYPE_CHECKING:
    from mockcvm.journal import Call
    from mockcvm.world import World

#: Upcoming events listed at most.
MAX_UPCOMING = 200


def _time(epoch: Optional[float]) -> Optional[str]:
    return None if epoch is None else iso(epoch)


def world_state(world: World, frozen: bool) -> dict[str, Any]:
    pending = world.timeline.pending()
    arrears_release: dict[str, float] = {}
    for event in pending:
        if event.label.startswith("arrears release "):
            arrears_release.setdefault(event.label.rsplit(" ", 1)[1], event.due)
    timers: dict[str, Any] = {}
    for timer in world.timers.all_timers():
        timers.setdefault(timer.uin, []).append(timer)
    accounts = []
    for account in world.accounts.all():
        uin = account.uin
        books = getattr(world.billing, "_accounts", {}).get(uin)
        shut_down = {inst.instance_id for inst in getattr(books, "shut_down", [])}
        accounts.append({
            "uin": uin,
            "balance": str(world.billing.balance(uin)),
            "in_arrears": world.billing.in_arrears(uin),
            "arrears_since": _time(world.billing.arrears_since(uin)),
            "instances": [
                _instance(world, inst, arrears_release.get(uin) if inst.instance_id in shut_down else None)
                for inst in world.cvm.all_instances(uin)
            ],
            "addresses": [_address(world, a) for a in _addresses(world, uin)],
            "disks": [_disk(d) for d in _disks(world, uin)],
            "timers": [
                {"ActionTimerId": t.timer_id, "InstanceId": t.instance_id, "TimerAction": t.timer_action,
                 "ActionTime": iso(t.action_time), "Status": t.status}
                for t in timers.get(uin, [])
            ],
        })
    return {
        "now": iso(world.now),
        "frozen": frozen,
        "accounts": accounts,
        "upcoming": [
            {"due": iso(e.due), "event": e.label or "(unlabelled)"} for e in pending[:MAX_UPCOMING]
        ],
        "upcoming_total": len(pending),
    }


def _instance(world: World, inst: Any, arrears_release: Optional[float]) -> dict[str, Any]:
    timer = world.timers.pending_for(inst.instance_id)
    candidates = [
        (inst.recycle_bin_deadline, "recycle bin"),
        (arrears_release, "arrears"),
        (timer.action_time if timer is not None and timer.status == "UNDO" else None, "scheduled destroy"),
    ]
    known = [(when, why) for when, why in candidates if when is not None]
    release = min(known) if known else None
    return {
        "InstanceId": inst.instance_id,
        "InstanceName": inst.name,
        "Region": inst.region,
        "Zone": inst.zone,
        "InstanceType": inst.instance_type,
        "InstanceState": inst.state,
        "SettlesTo": inst.settles_to,
        "InstanceChargeType": inst.charge_type,
        "CreatedTime": iso(inst.created_time),
        "ExpiredTime": _time(inst.expired_time),
        "RestrictState": inst.restrict_state,
        "IsolatedSource": inst.isolated_source,
        "DisableApiTermination": inst.disable_api_termination,
        "RecycleBinDeadline": _time(inst.recycle_bin_deadline),
        "ScheduledDestroy": _time(timer.action_time) if timer is not None else None,
        "ArrearsRelease": _time(arrears_release),
        "ReleasesAt": _time(release[0]) if release else None,
        "ReleasedBy": release[1] if release else None,
        "PrivateIpAddress": inst.private_ip,
        "PublicIpAddress": inst.public_ip,
        "Tags": dict(inst.tags),
    }


def _addresses(world: World, uin: str) -> list[Any]:
    return [a for a in world.vpc.addresses.all(uin) if not a.released]


def _address(world: World, address: Any) -> dict[str, Any]:
    idle = address.instance_id is None
    rate = world.billing.rate(address.uin, address.address_id, "eip_idle")
    return {
        "AddressId": address.address_id,
        "AddressIp": address.address_ip,
        "Region": address.region,
        "AddressStatus": address.status,
        "InstanceId": address.instance_id,
        "Idle": idle,
        "CostPerHour": str(rate),
        "CreatedTime": iso(address.created_time),
    }


def _disks(world: World, uin: str) -> list[Any]:
    return [d for d in world.cbs.disks.all(uin) if not d.released]


def _disk(disk: Any) -> dict[str, Any]:
    return {
        "DiskId": disk.disk_id,
        "Region": disk.region,
        "DiskType": disk.disk_type,
        "DiskSize": disk.disk_size,
        "DiskUsage": disk.usage,
        "DiskState": disk.state,
        "DiskChargeType": disk.charge_type,
        "InstanceId": disk.instance_id,
    }


def journal(calls: list[Call]) -> list[dict[str, Any]]:
    return [
        {"time": iso(c.time), "service": c.service, "action": c.action, "region": c.region, "account": c.account,
         "error": c.error, "request_id": c.request_id}
        for c in calls
    ]
