"""Scheduled destroy handlers: ImportInstancesActionTimer, DescribeInstancesActionTimer, DeleteInstancesActionTimer."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional

from mockcvm import clock
from mockcvm.dispatch import Context, action
from mockcvm.errors import ApiError, InvalidParameterValue
from mockcvm.services.cvm.timers import STATUSES, TIMER_ACTIONS, ActionTimer

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance

INSTANCE_ID = re.compile(r"^ins-[a-z0-9]{8}$")
MAX_IDS = 100


def _instance_ids(params: dict[str, Any], name: str = "InstanceIds") -> list[str]:
    ids: list[str] = list(params.get(name) or [])
    if len(ids) > MAX_IDS:
        raise InvalidParameterValue(
            f"{name} has {len(ids)} ids; at most {MAX_IDS} per request.", code="InvalidParameterValue.LimitExceeded"
        )
    for instance_id in ids:
        if not INSTANCE_ID.match(instance_id):
            raise InvalidParameterValue(
                f"{instance_id!r} is not an instance id (ins- and 8 lowercase letters or digits).",
                code="InvalidParameterValue.InstanceIdMalformed",
            )
    if len(set(ids)) != len(ids):
        raise InvalidParameterValue(f"{name} names an instance more than once: {ids}.")
    return ids


def _shown(timer: ActionTimer) -> dict[str, Any]:
    return {
        "TimerAction": timer.timer_action,
        "ActionTime": clock.iso(timer.action_time),
        "Externals": dict(timer.externals),
        "ActionTimerId": timer.timer_id,
        "Status": timer.status,
        "InstanceId": timer.instance_id,
    }


@action("cvm", "ImportInstancesActionTimer")
def import_instances_action_timer(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world = ctx.world
    ids = _instance_ids(params)
    if not ids:
        raise ApiError("InstanceIds needs at least one instance id.", code="MissingParameter")
    action_timer = params.get("ActionTimer") or {}
    world.timers.parse(action_timer)
    instances: list[Instance] = []
    for instance_id in ids:
        instance = world.cvm.get(ctx.account.uin, ctx.region, instance_id)
        if instance is None or instance.released:
            raise ApiError(
                f"Instance {instance_id} does not exist in {ctx.region}.", code="InvalidInstanceId.NotFound"
            )
        world.timers.check_charge_type(instance_id, instance.charge_type)
        world.timers.check_no_timer(instance_id)
        instances.append(instance)
    return {"ActionTimerIds": [world.timers.create(instance, action_timer) for instance in instances]}


def _time_filter(params: dict[str, Any], name: str) -> Optional[float]:
    text = params.get(name)
    if text is None:
        return None
    try:
        return clock.parse_spaced(str(text))
    except ValueError:
        raise InvalidParameterValue(
            f"{name}={text!r} is not in the format YYYY-MM-DD hh:mm:ss (UTC), e.g. 2018-05-01 19:00:00.",
            code="InvalidParameterValue.InvalidTimeFormat",
        ) from None


@action("cvm", "DescribeInstancesActionTimer")
def describe_instances_action_timer(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    timer_ids = list(params.get("ActionTimerIds") or [])
    if len(timer_ids) > MAX_IDS:
        raise InvalidParameterValue(
            f"ActionTimerIds has {len(timer_ids)} ids; at most {MAX_IDS}.", code="InvalidParameterValue.LimitExceeded"
        )
    instance_ids = _instance_ids(params)
    timer_action = params.get("TimerAction")
    if timer_action is not None and timer_action not in TIMER_ACTIONS:
        raise InvalidParameterValue(f"TimerAction={timer_action!r}: the only value is TerminateInstances.")
    statuses = list(params.get("StatusList") or [])
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise InvalidParameterValue(f"StatusList has {unknown}; statuses are {', '.join(STATUSES)}.")
    start = _time_filter(params, "StartActionTime")
    end = _time_filter(params, "EndActionTime")
    shown = []
    for timer in ctx.world.timers.timers_of(ctx.account.uin, ctx.region):
        if timer_ids and timer.timer_id not in timer_ids:
            continue
        if instance_ids and timer.instance_id not in instance_ids:
            continue
        if timer_action is not None and timer.timer_action != timer_action:
            continue
        if statuses and timer.status not in statuses:
            continue
        if start is not None and timer.action_time < start:
            continue
        if end is not None and timer.action_time > end:
            continue
        shown.append(_shown(timer))
    return {"ActionTimers": shown}


@action("cvm", "DeleteInstancesActionTimer")
def delete_instances_action_timer(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    timer_ids = list(params.get("ActionTimerIds") or [])
    if not timer_ids:
        raise ApiError("ActionTimerIds needs at least one timer id.", code="MissingParameter")
    ctx.world.timers.delete(ctx.account.uin, ctx.region, timer_ids)
    return {}
