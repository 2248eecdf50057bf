"""A prepaid disk's own lifecycle: the up-front price, expiry and renewal, the disk recycle bin.

- A PREPAID disk costs ``price("disk_gb_month") * DiskSize * Period`` up front (CreateDisks, RenewDisk,
  ModifyDisksChargeType); a resize of a prepaid disk costs the added GB for the months left (a fraction of a
  month counts as a whole one).
- At its deadline a disk with ``NOTIFY_AND_AUTO_RENEW`` renews for one month if the balance covers it; any other
  disk goes into the recycle bin (``TORECYCLE``), detached from its instance, and is released 7 days later. A
  disk attached to a prepaid instance follows the instance's deadline (the instance's renewal renews it).
- TerminateDisks of a prepaid disk puts it into the bin (no refund is modelled); TerminateDisks of a disk in the
  bin releases it at once; RenewDisk of a disk in the bin takes it out (UNATTACHED), renewed from the later of its
  deadline and now.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mockcvm.engine.timeline import Event, Order
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter, NotImplementedByMockcvm
from mockcvm.services.cbs.models import AUTO_RENEW, MANUAL_RENEW, PREPAID, RENEW_FLAGS, TORECYCLE, UNATTACHED, Disk
from mockcvm.services.cvm.backend import add_months

if TYPE_CHECKING:
    from mockcvm.services.cbs.backend import CbsBackend

PERIODS = (*range(1, 13), 24, 36, 48, 60)
BIN_DAYS = 7
DAY = 86400


def read_prepaid(prepaid: Any, what: str) -> tuple[int, str]:
    """``(Period, RenewFlag)`` of a ``DiskChargePrepaid``, checked."""
    if not prepaid or "Period" not in prepaid:
        raise MissingParameter(f"{what} needs DiskChargePrepaid.Period (months).")
    if prepaid.get("CurInstanceDeadline"):
        raise NotImplementedByMockcvm("DiskChargePrepaid.CurInstanceDeadline is not modelled by mockcvm; give Period.")
    period = prepaid["Period"]
    if period not in PERIODS:
        raise InvalidParameterValue(
            f"DiskChargePrepaid.Period must be one of {', '.join(map(str, PERIODS))} (months), got {period}."
        )
    renew_flag = prepaid.get("RenewFlag") or MANUAL_RENEW
    check_renew_flag(renew_flag)
    return int(period), str(renew_flag)


def check_renew_flag(renew_flag: Any) -> None:
    if renew_flag not in RENEW_FLAGS:
        raise InvalidParameterValue(f"RenewFlag must be one of {', '.join(RENEW_FLAGS)}, got {renew_flag!r}.")


class PrepaidDisks:
    """Expiry events, renewals and the bin of one world's prepaid disks."""

    def __init__(self, cbs: CbsBackend) -> None:
        self.cbs = cbs
        self.world = cbs.world
        self._expiry: dict[str, Event] = {}
        self._release: dict[str, Event] = {}

    # -- prices ----------------------------------------------------------------------------------------------

    def month_price(self, size: int) -> Decimal:
        return self.world.billing.price("disk_gb_month") * size

    def hour_price(self, size: int) -> Decimal:
        return self.world.billing.price("disk_gb_hour") * size

    def months_left(self, disk: Disk) -> int:
        """Calendar months (rounded up) from now to the disk's deadline, at least 1."""
        deadline, months = disk.deadline or self.world.now, 1
        while add_months(self.world.now, months) < deadline:
            months += 1
        return months

    def check_balance(self, uin: str, amount: Decimal, what: str) -> None:
        balance = self.world.billing.balance(uin)
        if balance < amount:
            raise ApiError(
                f"The balance ({balance} yuan) cannot cover {amount} yuan for {what}; top up first.",
                code="InvalidAccount.InsufficientBalance",
            )

    # -- the deadline ----------------------------------------------------------------------------------------

    def start(self, disk: Disk, period: int, renew_flag: str, reason: str) -> None:
        """Charge ``period`` months up front and set the deadline (the balance was checked by the caller)."""
        self.world.billing.charge_upfront(disk.uin, self.month_price(disk.disk_size) * period, disk.disk_id, reason)
        disk.charge_type, disk.renew_flag = PREPAID, renew_flag
        disk.deadline = add_months(self.world.now, period)
        self.schedule(disk)

    def schedule(self, disk: Disk) -> None:
        self.world.timeline.cancel(self._expiry.pop(disk.disk_id, None))
        if disk.deadline is None or disk.charge_type != PREPAID or disk.released:
            return
        self._expiry[disk.disk_id] = self.world.timeline.schedule(
            disk.deadline, Order.EXPIRY, lambda: self._expire(disk), f"disk expiry {disk.disk_id}"
        )

    def _expire(self, disk: Disk) -> None:
        self._expiry.pop(disk.disk_id, None)
        if disk.released or disk.in_bin or disk.deadline is None:
            return
        host = self.world.tag.find_instance(disk.uin, disk.region, disk.instance_id) if disk.instance_id else None
        if host is not None and host.charge_type == PREPAID and host.expired_time is not None:
            if host.expired_time > disk.deadline:  # renewed with its instance
                disk.deadline = host.expired_time
                self.schedule(disk)
            return  # otherwise it shares the instance's fate (the instance's expiry and release)
        price = self.month_price(disk.disk_size)
        if disk.renew_flag == AUTO_RENEW and self.world.billing.balance(disk.uin) >= price:
            self.world.billing.charge_upfront(disk.uin, price, disk.disk_id, "disk auto-renew 1 month")
            disk.deadline = add_months(disk.deadline, 1)
            self.schedule(disk)
            return
        self.to_bin(disk, disk.deadline + BIN_DAYS * DAY)

    def kept_after_instance(self, disk: Disk) -> None:
        """A prepaid disk outlived its instance. Past its deadline it stays listed UNATTACHED but expired (usable
        only after RenewDisk) and is released 7 days from now; otherwise its own deadline applies."""
        if disk.charge_type != PREPAID or disk.deadline is None:
            return
        if disk.deadline > self.world.now:
            self.schedule(disk)
            return
        self.stop(disk)
        disk.bin_deadline = self.world.now + BIN_DAYS * DAY
        self._release[disk.disk_id] = self.world.timeline.schedule(
            disk.bin_deadline, Order.RELEASE, lambda: self._release_now(disk), f"disk release {disk.disk_id}"
        )

    def renew(self, disk: Disk, period: int) -> None:
        """RenewDisk: charge and push the deadline (from the later of the deadline and now)."""
        self.world.billing.charge_upfront(
            disk.uin, self.month_price(disk.disk_size) * period, disk.disk_id, f"disk renew {period} month(s)"
        )
        start = max(disk.deadline or self.world.now, self.world.now)
        disk.deadline = add_months(start, period)
        if disk.bin_deadline is not None:
            self.world.timeline.cancel(self._release.pop(disk.disk_id, None))
            disk.state, disk.bin_deadline = UNATTACHED, None
            self.cbs.disks.changed(disk)
        self.schedule(disk)

    def stop(self, disk: Disk) -> None:
        """The disk is no longer prepaid (or is gone): forget its events."""
        self.world.timeline.cancel(self._expiry.pop(disk.disk_id, None))
        self.world.timeline.cancel(self._release.pop(disk.disk_id, None))

    # -- the recycle bin -------------------------------------------------------------------------------------

    def to_bin(self, disk: Disk, release_at: float) -> None:
        self.cbs.in_flight.forget(disk)
        disk.settles_to = None
        self.cbs.detach_now(disk)
        disk.state, disk.bin_deadline = TORECYCLE, release_at
        self.cbs.disks.changed(disk)
        self._release[disk.disk_id] = self.world.timeline.schedule(
            release_at, Order.RELEASE, lambda: self._release_now(disk), f"disk release {disk.disk_id}"
        )

    def _release_now(self, disk: Disk) -> None:
        self._release.pop(disk.disk_id, None)
        if not disk.released:
            self.cbs.delete(disk)
