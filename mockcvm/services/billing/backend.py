"""Balances, rates, settlements, the ledger and arrears, per account (yuan, exact decimals). Knows nothing of HTTP.

The rules are in docs/semantics.md (billing). In short: postpaid resources are rated per second and settled
at every full hour (:mod:`mockcvm.services.billing.rating`); nothing ticks. Each account has at most one pending
*wake-up* on the timeline, at or before the settlement hour at which its balance will first go below zero if nothing
changes (closed form, O(1); recomputed when a rate rises or money moves). That settlement begins arrears:

    arrears begins (settlement or set_balance leaves the balance < 0)
      + arrears_grace (2 h)    postpaid instances shut down: world.cvm.arrears_shutdown(inst), not charged
      + arrears_release (24 h) those instances released directly: world.cvm.release_now(inst, "arrears")
    a top-up (or set_balance) that lifts the balance above zero before the release ends arrears:
      world.cvm.arrears_end(inst) for each shut-down instance (they stay STOPPED)
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Optional, Union

from mockcvm.billing_prices import DEFAULT_PRICES
from mockcvm.engine.timeline import Event, Order
from mockcvm.errors import ApiError
from mockcvm.services.billing.budgets import Budgets
from mockcvm.services.billing.ledger import LedgerEntry, Payment
from mockcvm.services.billing.rating import HOUR, ZERO, AccountRating, Crossing, second_of
from mockcvm.services.cvm.offers import instance_price

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.world import World

#: Instance states in which a postpaid instance's CPU and memory are charged (STOPPED too, unless STOP_CHARGING).
CHARGED_STATES = frozenset({"PENDING", "RUNNING", "STARTING", "STOPPING", "REBOOTING", "STOPPED",
                            "ENTER_RESCUE_MODE", "RESCUE_MODE", "EXIT_RESCUE_MODE"})
POSTPAID_TYPES = frozenset({"POSTPAID_BY_HOUR", "SPOTPAID"})
#: The ledger reason of a postpaid instance's CPU and memory.
INSTANCE_REASON = "instance"


class _Account:
    """The billing state of one account."""

    def __init__(self, uin: str, now: float, opening: Decimal) -> None:
        self.uin = uin
        self.rating = AccountRating(second_of(now))
        self.balance = opening  # as of the last settlement, minus up-front charges, plus payments since
        self.upfront: list[LedgerEntry] = []
        self.payments: list[Payment] = [Payment(now, uin, opening, "opening")]
        #: payments and up-front rows in the order they happened (hourly rows are derived from the segments)
        self.moves: list[Union[Payment, LedgerEntry]] = list(self.payments)
        self.wake: Optional[Event] = None  # the settlement that will first leave the balance below zero
        self.arrears_since: Optional[float] = None
        self.arrears_events: list[Event] = []
        self.shut_down: list[Instance] = []  # instances shut down by this arrears


class BillingBackend:
    def __init__(self, world: World) -> None:
        self.world = world
        self._accounts: dict[str, _Account] = {}
        self._prices = {**DEFAULT_PRICES, **dict(world.options.prices)}  # options are frozen
        self.budgets = Budgets(self)

    # -- accounts and money ----------------------------------------------------------------------------------

    def _account(self, uin: str) -> _Account:
        account = self._accounts.get(uin)
        if account is None:
            account = _Account(uin, self.world.now, self.world.options.balance)
            self._accounts[uin] = account
        return account

    def _settled(self, uin: str) -> _Account:
        """The account with every settlement up to the world's now applied (arrears begun if one crossed zero)."""
        account = self._account(uin)
        self._settle(account, second_of(self.world.now))
        return account

    def _settle(self, account: _Account, now: int) -> None:
        balance, crossing = account.rating.settle(now, account.balance)
        account.balance = balance
        if crossing is not None and account.arrears_since is None:
            self._begin_arrears(account, crossing)

    def balance(self, uin: str) -> Decimal:
        """The balance in yuan after every settlement up to now (the open hour is not yet debited)."""
        return self._settled(uin).balance

    def set_balance(self, uin: str, amount: Decimal) -> None:
        """Make the balance ``amount``; the difference is booked as a ``set_balance`` payment."""
        account = self._settled(uin)
        self._pay(account, amount - account.balance, "set_balance")

    def top_up(self, uin: str, amount: Decimal) -> None:
        """Add ``amount`` yuan (the caller has checked it is > 0)."""
        self._pay(self._settled(uin), amount, "top_up")

    def _pay(self, account: _Account, amount: Decimal, kind: str) -> None:
        payment = Payment(self.world.now, account.uin, amount, kind)
        account.payments.append(payment)
        account.moves.append(payment)
        account.balance += amount
        if account.balance < 0 and account.arrears_since is None:
            self._begin_arrears(account, Crossing(second_of(self.world.now)))
        elif account.balance > 0 and account.arrears_since is not None:
            self._end_arrears(account)
        self._reschedule(account)

    def in_arrears(self, uin: str) -> bool:
        """True from the settlement (or set_balance) that left the balance below zero until a top-up lifts it above."""
        return self._settled(uin).arrears_since is not None

    def arrears_since(self, uin: str) -> Optional[float]:
        return self._settled(uin).arrears_since

    # -- prices ----------------------------------------------------------------------------------------------

    def price(self, name: str) -> Decimal:
        return self._prices[name]

    def prices(self) -> dict[str, Decimal]:
        """Every price in use: the defaults, overridden by ``mock_cvm(prices={...})``."""
        return dict(self._prices)

    # -- hooks (docs/internals.md) ---------------------------------------------------------------------------

    def instance_changed(self, instance: Instance) -> None:
        """Recompute what ``instance`` costs from now on (called after every change to it)."""
        charged = (
            not instance.released
            and instance.charge_type in POSTPAID_TYPES
            and instance.state in CHARGED_STATES
            and not (instance.state == "STOPPED" and instance.stop_charging_mode == "STOP_CHARGING")
        )
        rate = instance_price(self.world, instance.instance_type, "hour") if charged else ZERO
        self.set_rate(instance.uin, instance.instance_id, INSTANCE_REASON, rate)
        self.world.monitor.instance_changed(instance)  # when it runs: the metrics' timeline

    def set_rate(self, uin: str, resource_id: str, reason: str, rate_per_hour: Decimal) -> None:
        """Charge ``resource_id`` ``rate_per_hour`` yuan from now on (0 stops charging)."""
        if rate_per_hour < 0:
            raise ValueError(f"a rate cannot be negative, got {rate_per_hour} for {resource_id}")
        account = self._accounts.get(uin) or self._account(uin)
        rating = account.rating
        key = (resource_id, reason)
        current = rating.active.get(key)
        current_rate = ZERO if current is None else current.rate
        if current_rate == rate_per_hour:
            return
        now = int(self.world.timeline.now)  # second_of, inlined: this is the hot path of every release
        if now - rating.settled_to >= HOUR:
            self._settle(account, now)
        if current is not None and not rate_per_hour:  # stop charging: the common case, kept short
            del rating.active[key]
            rating.close(current, now)
            return
        rating.set_rate(resource_id, reason, Decimal(rate_per_hour), now)
        if rate_per_hour > current_rate:
            # A lower rate only postpones the crossing: the wake-up already scheduled (if any) stays early enough.
            self._reschedule(account)
            if uin in self.budgets.watched:
                self.budgets.rates_rose(uin, rating.period_end)

    def rate(self, uin: str, resource_id: str, reason: str) -> Decimal:
        """What ``resource_id`` costs per hour now (0 when it is not charged)."""
        return self._account(uin).rating.rate_of(resource_id, reason)

    def charge_upfront(self, uin: str, amount: Decimal, resource_id: str, reason: str) -> None:
        """Take a prepaid price now; ``InvalidAccount.InsufficientBalance`` if the balance cannot cover it."""
        account = self._settled(uin)
        if account.balance < amount:
            raise ApiError(
                f"The balance ({account.balance} yuan) cannot cover {amount} yuan for {resource_id} ({reason}); "
                "top up first.",
                code="InvalidAccount.InsufficientBalance",
            )
        account.balance -= amount
        row = LedgerEntry(self.world.now, uin, resource_id, amount, reason)
        account.upfront.append(row)
        account.moves.append(row)
        self._reschedule(account)
        if uin in self.budgets.watched:
            self.budgets.upfront_changed(uin)

    def refund(self, uin: str, amount: Decimal, resource_id: str, reason: str) -> None:
        """Give back ``amount`` yuan paid up front: a negative ledger row, and the balance rises."""
        account = self._settled(uin)
        account.balance += amount
        row = LedgerEntry(self.world.now, uin, resource_id, -amount, reason)
        account.upfront.append(row)
        account.moves.append(row)
        if account.balance > 0 and account.arrears_since is not None:
            self._end_arrears(account)
        self._reschedule(account)
        if uin in self.budgets.watched:
            self.budgets.upfront_changed(uin)

    def paid_upfront(self, uin: str, resource_id: str) -> Decimal:
        """What ``resource_id`` has paid up front so far, net of refunds."""
        return sum((row.amount for row in self._account(uin).upfront if row.resource_id == resource_id), ZERO)

    # -- the ledger ------------------------------------------------------------------------------------------

    def ledger(self, uin: Optional[str] = None) -> list[LedgerEntry]:
        """Every charge settled so far (all accounts, or one), oldest first."""
        rows: list[LedgerEntry] = []
        for account in self._selected(uin):
            until = account.rating.settled_to
            for segment in account.rating.segments:
                for hour, amount in segment.pieces(until):
                    if amount:
                        rows.append(LedgerEntry(float(hour), account.uin, segment.resource_id, amount, segment.reason))
            rows.extend(account.upfront)
        rows.sort(key=lambda row: (row.time, row.account, row.resource_id, row.reason))
        return rows

    def movements(self, uin: str) -> list[Union[Payment, LedgerEntry]]:
        """Every payment and charge of ``uin`` in the order they moved the balance: at one instant, the hourly
        settlement first (it is applied before anything else happens then), then payments and up-front rows in the
        order they were made."""
        account = self._settled(uin)
        until = account.rating.settled_to
        hourly = [
            LedgerEntry(float(hour), uin, segment.resource_id, amount, segment.reason)
            for segment in account.rating.segments
            for hour, amount in segment.pieces(until)
            if amount
        ]
        hourly.sort(key=lambda row: (row.time, row.resource_id, row.reason))
        keyed: list[tuple[float, int, int, Union[Payment, LedgerEntry]]] = [
            (row.time, 0, n, row) for n, row in enumerate(hourly)
        ]
        keyed += [(move.time, 1, n, move) for n, move in enumerate(account.moves)]
        keyed.sort(key=lambda item: item[:3])
        return [item[3] for item in keyed]

    def budget_sources(self, uin: str) -> tuple[AccountRating, list[LedgerEntry]]:
        """What budgets read their cost from (read only): the rating, settled up to now, and the up-front rows."""
        account = self._settled(uin)
        return account.rating, account.upfront

    def charged(self, uin: str) -> Decimal:
        """The sum of the ledger of ``uin``, without building its rows (O(segments))."""
        account = self._settled(uin)
        until = account.rating.settled_to
        hourly = sum((segment.total(until) for segment in account.rating.segments), ZERO)
        return hourly + sum((row.amount for row in account.upfront), ZERO)

    def payments(self, uin: Optional[str] = None) -> list[Payment]:
        """The opening balance, top-ups and set_balance adjustments (all accounts, or one), oldest first."""
        rows = [payment for account in self._selected(uin) for payment in account.payments]
        rows.sort(key=lambda row: (row.time, row.account))
        return rows

    def _selected(self, uin: Optional[str]) -> list[_Account]:
        uins = [uin] if uin is not None else sorted(self._accounts)
        return [self._settled(one) for one in uins]

    # -- arrears ---------------------------------------------------------------------------------------------

    def _reschedule(self, account: _Account) -> None:
        """Keep one wake-up at or before the settlement that will first leave the balance below zero.

        A wake-up that is due earlier than needed is kept (when it runs it settles and schedules the next one):
        so a stream of rate changes that only postpone the crossing costs no heap operations.
        """
        due = None if account.arrears_since is not None else account.rating.next_crossing(account.balance)
        wake = account.wake
        if wake is not None and due is not None and not wake.cancelled and wake.due <= due:
            return
        self.world.timeline.cancel(account.wake)
        account.wake = None
        if due is not None:
            uin = account.uin
            account.wake = self.world.timeline.schedule(
                float(due), Order.SETTLEMENT, lambda: self._wake(uin), f"settlement {uin}"
            )

    def _wake(self, uin: str) -> None:
        account = self._settled(uin)
        account.wake = None
        self._reschedule(account)

    def _begin_arrears(self, account: _Account, crossing: Crossing) -> None:
        since = float(crossing.at)
        account.arrears_since = since
        self.world.timeline.cancel(account.wake)
        account.wake = None
        grace = self.world.options.duration("arrears_grace")
        uin = account.uin
        account.arrears_events = [
            self.world.timeline.schedule(
                since + grace, Order.ARREARS, lambda: self._arrears_shutdown(uin), f"arrears shutdown {uin}"
            )
        ]

    def _arrears_shutdown(self, uin: str) -> None:
        account = self._settled(uin)
        if account.arrears_since is None:
            return
        for instance in self.world.cvm.all_instances(uin):
            if (
                not instance.released
                and instance.charge_type in POSTPAID_TYPES
                and instance.state not in ("TERMINATING", "SHUTDOWN", "LAUNCH_FAILED")
            ):
                self.world.cvm.arrears_shutdown(instance)
                account.shut_down.append(instance)
        release_at = self.world.now + self.world.options.duration("arrears_release")
        account.arrears_events.append(
            self.world.timeline.schedule(
                release_at, Order.ARREARS, lambda: self._arrears_release(uin), f"arrears release {uin}"
            )
        )

    def _arrears_release(self, uin: str) -> None:
        account = self._settled(uin)
        if account.arrears_since is None:
            return
        shut_down, account.shut_down = account.shut_down, []
        for instance in shut_down:
            if not instance.released and instance.state != "TERMINATING":
                self.world.cvm.release_now(instance, "arrears")

    def _end_arrears(self, account: _Account) -> None:
        account.arrears_since = None
        for event in account.arrears_events:
            self.world.timeline.cancel(event)
        account.arrears_events = []
        shut_down, account.shut_down = account.shut_down, []
        for instance in shut_down:
            if not instance.released:
                self.world.cvm.arrears_end(instance)
