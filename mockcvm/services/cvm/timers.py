"""Scheduled destroy (定时销毁): ActionTimers. Knows nothing of HTTP.

Timers due at the same second share one event on the timeline (``Order.TIMER``; they fire in the order they were
created), so a batch set by one ImportInstancesActionTimer costs one heap entry. When a timer fires it moves UNDO ->
DOING and releases the instance directly, without the recycle bin (``world.cvm.release_now``); it becomes DONE
when the instance is gone, and stays listed. Only UNDO timers can be deleted. At most one UNDO timer per instance.
If the instance is released some other way first, its UNDO timer is dropped (nothing is left to destroy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from mockcvm import clock
from mockcvm.engine.timeline import Event, Order
from mockcvm.errors import ApiError, InvalidParameterValue

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.world import World

TIMER_ACTIONS = ("TerminateInstances",)
STATUSES = ("UNDO", "DOING", "DONE")
#: Charge types a timer may be set on (SPOTPAID counts as postpaid).
TIMER_CHARGE_TYPES = ("POSTPAID_BY_HOUR", "SPOTPAID")


@dataclass(eq=False)
class ActionTimer:
    timer_id: str
    uin: str
    region: str
    instance_id: str
    timer_action: str
    action_time: float
    status: str = "UNDO"
    externals: dict[str, Any] = field(default_factory=dict)

    @property
    def action_timer_id(self) -> str:
        return self.timer_id


class TimerBackend:
    def __init__(self, world: World) -> None:
        self.world = world
        self._timers: dict[str, ActionTimer] = {}  # by id, in creation order
        self._undo_by_instance: dict[str, ActionTimer] = {}
        self._doing_by_instance: dict[str, ActionTimer] = {}
        #: ActionTime -> the UNDO timers due then, by id, in creation order.
        self._due: dict[float, dict[str, ActionTimer]] = {}
        self._due_events: dict[float, Event] = {}

    # -- validation ------------------------------------------------------------------------------------------

    def parse(self, action_timer: Optional[dict[str, Any]]) -> tuple[str, float]:
        """Check an ``ActionTimer`` parameter; return (TimerAction, ActionTime as epoch seconds). Raises ApiError."""
        if not action_timer:
            raise ApiError("ActionTimer needs TimerAction and ActionTime.", code="MissingParameter")
        timer_action = action_timer.get("TimerAction")
        text = action_timer.get("ActionTime")
        if timer_action is None or text is None:
            missing = "TimerAction" if timer_action is None else "ActionTime"
            raise ApiError(f"ActionTimer.{missing} is required.", code="MissingParameter")
        if timer_action not in TIMER_ACTIONS:
            raise InvalidParameterValue(
                f"ActionTimer.TimerAction={timer_action!r} is not supported; the only value is TerminateInstances."
            )
        try:
            moment = clock.parse_iso(str(text))
        except ValueError:
            raise InvalidParameterValue(
                f"ActionTimer.ActionTime={text!r} is not in the format YYYY-MM-DDThh:mm:ssZ (UTC), "
                "e.g. 2018-05-29T11:26:40Z.",
                code="InvalidParameterValue.InvalidTimeFormat",
            ) from None
        now = self.world.now
        lead = self.world.options.duration("timer_min_lead")
        if moment <= now:
            raise InvalidParameterValue(
                f"ActionTimer.ActionTime={text} is in the past (now is {clock.iso(now)}); "
                f"it must be more than {lead:g} seconds from now."
            )
        if moment - now <= lead:
            raise InvalidParameterValue(
                f"ActionTimer.ActionTime={text} is less than {lead:g} seconds after now ({clock.iso(now)}); "
                f"set it later than {clock.iso(now + lead)}."
            )
        return str(timer_action), moment

    def check_charge_type(self, instance_id: str, charge_type: str) -> None:
        if charge_type not in TIMER_CHARGE_TYPES:
            raise ApiError(
                f"Instance {instance_id} is {charge_type}; scheduled destroy is only for postpaid instances "
                "(POSTPAID_BY_HOUR, SPOTPAID).",
                code="UnsupportedOperation.NotSupportImportInstancesActionTimer",
            )

    def check_no_timer(self, instance_id: str) -> None:
        existing = self._undo_by_instance.get(instance_id)
        if existing is not None:
            raise ApiError(
                f"Instance {instance_id} already has a pending timer {existing.timer_id} "
                f"(at {clock.iso(existing.action_time)}); delete it with DeleteInstancesActionTimer first.",
                code="FailedOperation.MutActionTimerExist",
            )

    def check_run_timer(self, action_timer: Optional[dict[str, Any]], charge_type: str) -> None:
        """Validate ``RunInstances.ActionTimer`` before anything is launched (raises ApiError)."""
        if action_timer is None:
            return
        self.parse(action_timer)
        self.check_charge_type("(to be launched)", charge_type)

    # -- changes ---------------------------------------------------------------------------------------------

    def create(self, instance: Instance, action_timer: dict[str, Any]) -> str:
        """Schedule the destroy of ``instance`` (checked already); returns the ActionTimerId."""
        timer_action, moment = self.parse(action_timer)
        timer = ActionTimer(
            timer_id=self.world.ids.uuid4(),
            uin=instance.uin,
            region=instance.region,
            instance_id=instance.instance_id,
            timer_action=timer_action,
            action_time=moment,
        )
        bucket = self._due.get(moment)
        if bucket is None:
            bucket = self._due[moment] = {}
            self._due_events[moment] = self.world.timeline.schedule(
                moment, Order.TIMER, lambda: self._fire_due(moment), f"timers at {clock.iso(moment)}"
            )
        bucket[timer.timer_id] = timer
        self._timers[timer.timer_id] = timer
        self._undo_by_instance[instance.instance_id] = timer
        return timer.timer_id

    def delete(self, uin: str, region: str, timer_ids: list[str]) -> None:
        """Cancel UNDO timers, all or none."""
        timers = []
        for timer_id in timer_ids:
            timer = self._timers.get(timer_id)
            if timer is None or timer.uin != uin or timer.region != region:
                raise InvalidParameterValue(
                    f"ActionTimerId {timer_id!r} does not exist in {region}; list timers with "
                    "DescribeInstancesActionTimer."
                )
            if timer.status != "UNDO":
                raise ApiError(
                    f"ActionTimer {timer_id} is {timer.status}; only UNDO timers can be deleted.",
                    code="UnsupportedOperation",
                )
            timers.append(timer)
        for timer in timers:
            self._forget(timer)

    def _forget(self, timer: ActionTimer) -> None:
        bucket = self._due.get(timer.action_time)
        if bucket is not None and bucket.pop(timer.timer_id, None) is not None:
            if not bucket:
                del self._due[timer.action_time]
                self.world.timeline.cancel(self._due_events.pop(timer.action_time))
        self._timers.pop(timer.timer_id, None)
        if self._undo_by_instance.get(timer.instance_id) is timer:
            del self._undo_by_instance[timer.instance_id]

    def _fire_due(self, moment: float) -> None:
        self._due_events.pop(moment, None)
        for timer in self._due.pop(moment, {}).values():
            if timer.status == "UNDO" and timer.timer_id in self._timers:
                self._fire(timer)

    def _fire(self, timer: ActionTimer) -> None:
        timer.status = "DOING"
        if self._undo_by_instance.get(timer.instance_id) is timer:
            del self._undo_by_instance[timer.instance_id]
        instance = self.world.cvm.get(timer.uin, timer.region, timer.instance_id)
        if instance is None or instance.released:
            timer.status = "DONE"
            return
        self._doing_by_instance[timer.instance_id] = timer
        self.world.cvm.release_now(instance, "timer")
        if instance.released:
            self._done(timer)

    def _done(self, timer: ActionTimer) -> None:
        timer.status = "DONE"
        if self._doing_by_instance.get(timer.instance_id) is timer:
            del self._doing_by_instance[timer.instance_id]

    def instance_released(self, instance: Instance) -> None:
        """``instance`` is gone: its DOING timer is DONE; an UNDO timer has nothing left to destroy and is dropped."""
        pending = self._undo_by_instance.get(instance.instance_id)
        if pending is not None:
            self._forget(pending)
        doing = self._doing_by_instance.get(instance.instance_id)
        if doing is not None:
            self._done(doing)

    # -- reads -----------------------------------------------------------------------------------------------

    def pending_for(self, instance_id: str) -> Optional[ActionTimer]:
        """The UNDO timer of ``instance_id``, if any."""
        return self._undo_by_instance.get(instance_id)

    def all_timers(self) -> list[ActionTimer]:
        """Every timer still listed (UNDO, DOING, DONE), oldest first."""
        return list(self._timers.values())

    def timers_of(self, uin: str, region: str) -> list[ActionTimer]:
        return [t for t in self._timers.values() if t.uin == uin and t.region == region]
