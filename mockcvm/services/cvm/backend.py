"""CVM state: the instances of every account and region, their transitions, the recycle bin and expiry.

Knows nothing of HTTP; the operations behind the API actions live beside it (``launch``, ``power``, ``destroy``,
``describe``) and change instances only through the methods here, so that every change is followed by
``world.billing.instance_changed`` and every release by ``world.instance_released`` (docs/internals.md).

Instances are kept in a :class:`Store` of the ``INSTANCE`` kind (``describe.py``): per (uin, region) in launch
order, by id, with the filters' indexes, so a page or an id lookup costs the same with ten instances or a
hundred thousand.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

from mockcvm import clock
from mockcvm.engine.resources import Filter, Store
from mockcvm.engine.timeline import Event, Order
from mockcvm.engine.transitions import InFlight, Step
from mockcvm.services.cvm import models
from mockcvm.services.cvm.describe import INSTANCE, public_ips
from mockcvm.services.cvm.lifecycle import LIFECYCLE
from mockcvm.services.cvm.models import Instance
from mockcvm.services.cvm.offers import instance_price

if TYPE_CHECKING:
    from mockcvm.world import World


class CvmBackend:
    def __init__(self, world: World) -> None:
        self.world = world
        self.instances: Store[Instance] = Store(
            INSTANCE.with_filters({"public-ip-address": Filter(lambda i: public_ips(i, self), indexed=True)})
        )
        #: (uin, region, ClientToken) -> the ids RunInstances answered for it.
        self.client_tokens: dict[tuple[str, str, str], list[str]] = {}
        self._bin_events: dict[Instance, Event] = {}
        self._expiry_events: dict[Instance, Event] = {}
        self.lifecycle = LIFECYCLE
        #: instance_id -> the JSON of the members that never change after launch (a bounded LRU; describe.py).
        self.static_json: OrderedDict[str, str] = OrderedDict()
        self.in_flight: InFlight[Instance] = InFlight(
            world.timeline, world.options.transitions, world.options.duration("transition"), self._settle
        )

    # -- hooks for the other services (docs/internals.md) ---------------------------------------------------

    def get(self, uin: str, region: str, instance_id: str) -> Optional[Instance]:
        """The instance, or None if it does not exist (or was released)."""
        return self.instances.get(uin, region, instance_id)

    def all_instances(self, uin: Optional[str] = None) -> list[Instance]:
        """Every instance not yet released (of ``uin``, or of every account), in launch order per region."""
        return self.instances.all(uin)

    def release_now(self, instance: Instance, reason: str) -> None:
        """Release ``instance`` directly, without the recycle bin: TERMINATING, then gone (scheduled destroy,
        arrears). Destroy protection does not apply."""
        if instance.released or instance.settles_to == models.RELEASED:
            return
        instance.release_reason = reason
        self.begin(instance, "TerminateInstances", None, Step(models.TERMINATING, models.RELEASED))

    def arrears_shutdown(self, instance: Instance) -> None:
        """Shut ``instance`` down for arrears: STOPPED, STOP_CHARGING, EXPIRED, ARREAR. Not in the bin."""
        if instance.released or instance.state in (models.SHUTDOWN, models.TERMINATING):
            return
        self.in_flight.forget(instance)
        instance.settles_to = None
        if instance.latest_operation_state == models.OPERATING:
            instance.latest_operation_state = models.SUCCESS
        instance.state = models.STOPPED
        instance.stop_charging_mode = models.STOP_CHARGING
        instance.restrict_state = models.EXPIRED
        instance.isolated_source = models.ARREAR
        self.instances.changed(instance, "instance-state")
        self.world.billing.instance_changed(instance)

    def arrears_end(self, instance: Instance) -> None:
        """Arrears are over: RestrictState NORMAL, IsolatedSource NOTISOLATED; a shut-down instance stays STOPPED."""
        if instance.released or instance.isolated_source != models.ARREAR:
            return
        instance.restrict_state = models.NORMAL
        instance.isolated_source = models.NOTISOLATED
        self.world.billing.instance_changed(instance)

    # -- the store --------------------------------------------------------------------------------------------

    def instances_in(self, uin: str, region: str) -> Iterator[Instance]:
        """The instances of (uin, region), in launch order."""
        return self.instances.in_region(uin, region)

    def add(self, instance: Instance) -> None:
        self.instances.add(instance)

    # -- operations in flight ---------------------------------------------------------------------------------

    def begin(self, instance: Instance, operation: str, request_id: Optional[str], step: Step) -> None:
        """Start ``operation`` on ``instance``: show ``step.transitional`` until it settles into ``step.settled``."""
        instance.state = step.transitional
        instance.settles_to = step.settled
        instance.latest_operation = operation
        instance.latest_operation_state = models.OPERATING
        instance.latest_operation_request_id = request_id
        self.instances.changed(instance, "instance-state")
        self.world.billing.instance_changed(instance)
        self.in_flight.begin(instance, f"settle {instance.instance_id} {operation}")

    def _settle(self, instance: Instance) -> None:
        target = instance.settles_to
        instance.settles_to = None
        if instance.latest_operation_state == models.OPERATING:
            instance.latest_operation_state = models.SUCCESS
        if target is None or instance.released:
            return
        if target == models.RELEASED:
            self._release(instance)
            return
        instance.state = target
        self.instances.changed(instance, "instance-state")
        self.world.billing.instance_changed(instance)

    def seen(self, instances: Iterable[Instance]) -> None:
        """A read has shown ``instances``: under the default policy their transitional states settle now."""
        if self.in_flight.policy != "default":
            return
        for instance in list(instances):
            self.in_flight.seen(instance)

    def settle(self, instances: Optional[Iterable[Instance]] = None) -> list[str]:
        """Settle the operations in flight (of ``instances``, or all); returns the ids settled, in order."""
        chosen = self.in_flight.subjects() if instances is None else list(instances)
        return [i.instance_id for i in chosen if self.in_flight.settle(i)]

    def in_operation(self, instance: Instance) -> bool:
        """An operation is in flight and the shown state is already its final one (no state code applies)."""
        return instance.settles_to is not None and instance.state == instance.settles_to

    # -- release, recycle bin, expiry -------------------------------------------------------------------------

    def _release(self, instance: Instance) -> None:
        self.instances.remove(instance)
        self.in_flight.forget(instance)
        self.world.timeline.cancel(self._bin_events.pop(instance, None))
        self.world.timeline.cancel(self._expiry_events.pop(instance, None))
        instance.settles_to = None
        instance.released = True
        instance.recycle_bin_deadline = None
        self.world.instance_released(instance, instance.release_address, instance.release_prepaid_data_disks)

    def put_in_bin(self, instance: Instance, keep_for: float, source: str) -> None:
        """SHUTDOWN in the recycle bin until ``keep_for`` seconds from now, then released (no protection applies)."""
        instance.state = models.SHUTDOWN
        instance.isolated_source = source
        instance.stop_charging_mode = models.NOT_APPLICABLE
        self.instances.changed(instance, "instance-state")
        self.schedule_bin_release(instance, self.world.now + keep_for)

    def schedule_bin_release(self, instance: Instance, deadline: float) -> None:
        instance.recycle_bin_deadline = deadline
        self.world.timeline.cancel(self._bin_events.pop(instance, None))
        self._bin_events[instance] = self.world.timeline.schedule(
            deadline, Order.RELEASE, lambda: self._bin_deadline(instance), f"bin release {instance.instance_id}"
        )

    def _bin_deadline(self, instance: Instance) -> None:
        self._bin_events.pop(instance, None)
        if instance.released:
            return
        instance.release_reason = instance.release_reason or "recycle bin deadline"
        instance.state = models.TERMINATING
        self._release(instance)

    def leave_bin(self, instance: Instance) -> None:
        """Back from the bin (renew or console recover): no deadline, NOTISOLATED, RestrictState NORMAL."""
        self.world.timeline.cancel(self._bin_events.pop(instance, None))
        instance.recycle_bin_deadline = None
        instance.isolated_source = models.NOTISOLATED
        instance.restrict_state = models.NORMAL
        instance.release_reason = None
        instance.release_address = instance.release_prepaid_data_disks = False

    def schedule_expiry(self, instance: Instance) -> None:
        """(Re)schedule what happens at ``instance.expired_time``."""
        self.world.timeline.cancel(self._expiry_events.pop(instance, None))
        if instance.expired_time is None:
            return
        self._expiry_events[instance] = self.world.timeline.schedule(
            instance.expired_time, Order.EXPIRY, lambda: self._expire(instance), f"expiry {instance.instance_id}"
        )

    def _expire(self, instance: Instance) -> None:
        self._expiry_events.pop(instance, None)
        if instance.released or instance.state in (models.SHUTDOWN, models.TERMINATING):
            return
        assert instance.expired_time is not None
        price = instance_price(self.world, instance.instance_type, "month")
        if instance.renew_flag == models.AUTO_RENEW and self.world.billing.balance(instance.uin) >= price:
            self.world.billing.charge_upfront(instance.uin, price, instance.instance_id, "auto-renew 1 month")
            instance.expired_time = add_months(instance.expired_time, 1)
            self.schedule_expiry(instance)
            self.world.billing.instance_changed(instance)
            return
        self.in_flight.forget(instance)
        if instance.latest_operation_state == models.OPERATING:
            instance.latest_operation_state = models.SUCCESS
        instance.settles_to = None
        instance.restrict_state = models.EXPIRED
        instance.state = models.SHUTDOWN
        instance.isolated_source = models.EXPIRE
        instance.stop_charging_mode = models.NOT_APPLICABLE
        self.schedule_bin_release(instance, clock.next_beijing_midnight_after(instance.expired_time, 8))
        self.instances.changed(instance, "instance-state")
        self.world.billing.instance_changed(instance)

    # -- public IPs -------------------------------------------------------------------------------------------

    def new_public_ip(self) -> str:
        bits = int(self.world.ids.random() * (1 << 24))
        return f"43.{(bits >> 16) & 255}.{(bits >> 8) & 255}.{max(bits & 255, 1)}"


def add_months(epoch: float, months: int) -> float:
    """The same UTC day and time ``months`` calendar months later (clamped to the month's last day)."""
    import calendar

    moment = clock.to_datetime(epoch)
    total = moment.month - 1 + months
    year, month = moment.year + total // 12, total % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day).timestamp()
