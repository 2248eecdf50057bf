"""Per-second rating with hourly settlement, computed from rates and elapsed time (never by ticking).

An account's charges are *rate segments*: ``(resource, reason, rate per hour, start, end)``; a resource whose rate
changes closes its segment and opens another. Settlements happen at every full UTC hour (epoch multiple of 3600);
the settlement at ``H`` debits, for every segment, its *piece* of the period ``[H - 1 h, H)``:

    piece = rate x (seconds of the segment inside the period) / 3600, rounded to the cent, ROUND_HALF_UP

Instants are whole seconds (``floor`` of the world's time). The ledger shows exactly these pieces, one row per
(segment, settlement hour), so the balance always equals opening + payments - the sum of the ledger.

Cost: the rating keeps, per account, the number of *full-period* segments per rate (``full``) and the per-hour
debit they make (``hourly``, sum of count x piece(rate, 1 h)). Segments opened or closed since the last settlement
are "changes"; a settlement is O(changes since the last one + 1) and N further full hours cost O(1) together
(``N x hourly``). The first hour at which the balance goes below zero is computed in closed form
(:meth:`AccountRating.next_crossing`). Each settlement appends one *run* (its first hour, the cents debited so far,
the cents each later hour of it debits), so what the settlements debited up to any hour is O(log runs)
(:meth:`AccountRating.debited_through`; budgets read it).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator, Optional

HOUR = 3600
ZERO = Decimal(0)


def piece_cents(num: int, den: int, seconds: int) -> int:
    """``num/den`` yuan/hour over ``seconds``, in whole cents, ROUND_HALF_UP (exact integer arithmetic)."""
    if seconds <= 0:
        return 0
    return (num * seconds * 200 + den * HOUR) // (den * HOUR * 2)


def cents_to_yuan(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def piece(rate: Decimal, seconds: int) -> Decimal:
    """What ``rate`` yuan/hour costs over ``seconds``, rounded to the cent (ROUND_HALF_UP)."""
    num, den = rate.as_integer_ratio()
    return cents_to_yuan(piece_cents(num, den, seconds))


def second_of(moment: float) -> int:
    """The whole second billing uses for a world instant (its floor; instants are never negative)."""
    return int(moment)


def hour_floor(second: int) -> int:
    return second - second % HOUR


class Segment:
    """One resource charged at one rate from ``start`` until ``end`` (None: still running)."""

    __slots__ = ("resource_id", "reason", "rate", "num", "den", "start", "end")

    def __init__(self, resource_id: str, reason: str, rate: Decimal, start: int) -> None:
        self.resource_id = resource_id
        self.reason = reason
        self.rate = rate
        self.num, self.den = rate.as_integer_ratio()
        self.start = start
        self.end: Optional[int] = None

    def pieces(self, until: int) -> Iterator[tuple[int, Decimal]]:
        """``(settlement hour, amount)`` for every settled period this segment overlaps, up to ``until``."""
        end = until if self.end is None else min(self.end, until)
        period_start = hour_floor(self.start)
        while period_start < end:
            period_end = period_start + HOUR
            seconds = min(end, period_end) - max(self.start, period_start)
            yield period_end, cents_to_yuan(piece_cents(self.num, self.den, seconds))
            period_start = period_end

    def total(self, until: int) -> Decimal:
        """The sum of :meth:`pieces` up to ``until``, in O(1): first piece, full hours, last piece."""
        return cents_to_yuan(self.total_cents(until))

    def total_cents(self, until: int) -> int:
        """:meth:`total` in cents."""
        end = until if self.end is None else min(self.end, until)
        if end <= self.start:
            return 0
        num, den = self.num, self.den
        first_end = hour_floor(self.start) + HOUR
        if end <= first_end:
            return piece_cents(num, den, end - self.start)
        last_start = hour_floor(end)
        full_hours = (last_start - first_end) // HOUR
        return (
            piece_cents(num, den, first_end - self.start)
            + full_hours * piece_cents(num, den, HOUR)
            + piece_cents(num, den, end - last_start)
        )


@dataclass(frozen=True)
class Crossing:
    """A settlement that left the balance below zero."""

    at: int  # the settlement hour


class AccountRating:
    """The rate segments of one account and the settled state (``settled_to``, the debit still to come).

    Debits are kept in whole cents (ints): every piece is rounded to the cent, so their sums are exact.
    """

    def __init__(self, now: int) -> None:
        self.settled_to = hour_floor(now)
        self.segments: list[Segment] = []  # every segment ever opened, in order (for the ledger)
        self.active: dict[tuple[str, str], Segment] = {}
        self.full: dict[Decimal, int] = {}  # rate -> active segments that cover the whole open period
        self.hourly = 0  # cents one hour of the ``full`` segments debits
        self.fresh: list[Segment] = []  # segments opened inside the open period (may have closed since)
        self.fresh_hourly = 0  # cents of one hour of the fresh segments still active
        self.pending = 0  # cents the open period debits beyond ``hourly`` (fresh and closed pieces)
        #: what the settlements debited, as runs ``(first hour, cents debited up to and with it, cents each later
        #: hour of the run debits)``: one run per :meth:`settle` that moved (the cumulative debit at any hour, O(log))
        self.runs: list[tuple[int, int, int]] = []
        self.run_hours: list[int] = []  # the first hour of each run (for bisect)
        self.debited = 0  # cents debited by every settlement so far

    @property
    def period_end(self) -> int:
        return self.settled_to + HOUR

    def rate_of(self, resource_id: str, reason: str) -> Decimal:
        segment = self.active.get((resource_id, reason))
        return segment.rate if segment else ZERO

    def set_rate(self, resource_id: str, reason: str, rate: Decimal, now: int) -> bool:
        """Charge ``rate`` from ``now`` on (the account must be settled up to ``now``). True if anything changed."""
        key = (resource_id, reason)
        current = self.active.get(key)
        if current is not None and current.rate == rate:
            return False
        if current is None and rate == 0:
            return False
        if current is not None:
            del self.active[key]
            self.close(current, now)
        if rate > 0:
            segment = Segment(resource_id, reason, rate, now)
            self.segments.append(segment)
            self.active[key] = segment
            if now <= self.settled_to:
                self._add_full(segment)
            else:
                self.fresh.append(segment)
                self.fresh_hourly += piece_cents(segment.num, segment.den, HOUR)
                self.pending += piece_cents(segment.num, segment.den, self.settled_to + HOUR - now)
        return True

    def close(self, segment: Segment, now: int) -> None:
        """End ``segment`` at ``now`` (already removed from ``active``; the account is settled up to ``now``)."""
        segment.end = now
        num, den = segment.num, segment.den
        hour = (num * 200 + den) // (den * 2)  # piece_cents(num, den, HOUR)
        settled_to = self.settled_to
        if segment.start <= settled_to:  # a full segment: it now ends inside the open period
            full = self.full
            rate = segment.rate
            count = full[rate] - 1
            if count:
                full[rate] = count
            else:
                del full[rate]
            self.hourly -= hour
            self.pending += (num * (now - settled_to) * 200 + den * HOUR) // (den * HOUR * 2)
        else:
            self.fresh_hourly -= hour
            self.pending += piece_cents(num, den, now - segment.start) - piece_cents(
                num, den, settled_to + HOUR - segment.start
            )

    def _add_full(self, segment: Segment) -> None:
        self.full[segment.rate] = self.full.get(segment.rate, 0) + 1
        self.hourly += piece_cents(segment.num, segment.den, HOUR)

    def settle(self, now: int, balance: Decimal) -> tuple[Decimal, Optional[Crossing]]:
        """Apply every settlement up to ``now``; return the new balance and the first one that left it below zero."""
        target = now - now % HOUR
        if target <= self.settled_to:
            return balance, None
        periods = (target - self.settled_to) // HOUR
        crossing: Optional[Crossing] = None
        after_first = balance - cents_to_yuan(self.hourly + self.pending)
        if balance >= 0 and after_first < 0:
            crossing = Crossing(self.period_end)
        first_debit = self.hourly + self.pending
        for segment in self.fresh:
            if segment.end is None:
                self._add_full(segment)
        self.fresh = []
        self.fresh_hourly = 0
        self.pending = 0
        rest = periods - 1
        self.debited += first_debit
        self.runs.append((self.period_end, self.debited, self.hourly))
        self.run_hours.append(self.period_end)
        self.debited += rest * self.hourly
        after_all = after_first - cents_to_yuan(rest * self.hourly)
        if crossing is None and after_first >= 0 and after_all < 0:
            hours = int(after_first * 100 // self.hourly) + 1
            crossing = Crossing(self.period_end + hours * HOUR)
        self.settled_to = target
        return after_all, crossing

    def debited_through(self, hour: int) -> int:
        """Cents the settlements at every hour <= ``hour`` debited (``hour`` <= ``settled_to``), O(log runs)."""
        at = bisect_right(self.run_hours, hour) - 1
        if at < 0:
            return 0
        first, debited, per_hour = self.runs[at]
        return debited + (hour - first) // HOUR * per_hour

    def next_crossing(self, balance: Decimal) -> Optional[int]:
        """The settlement hour at which, if nothing changes, the balance first goes below zero (None: never)."""
        if balance < 0:
            return None
        after_first = balance * 100 - (self.hourly + self.pending)  # in cents (may have a fraction)
        if after_first < 0:
            return self.period_end
        hourly = self.hourly + self.fresh_hourly
        if hourly <= 0:
            return None
        return self.period_end + (int(after_first // hourly) + 1) * HOUR
