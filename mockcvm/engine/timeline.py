"""One priority queue of due work.

Every delayed effect in the fake (a transitional state settling, an hourly settlement, arrears stages, a scheduled
destroy, expiry, a recycle-bin deadline) is an :class:`Event` in one heap keyed by ``(due, order, sequence)``.
Before a request or control call is served the world calls :meth:`Timeline.advance_to` with the clock's now, and
every event due by then runs *at its own instant*: :attr:`Timeline.now` is the event's due time while it runs, so
whatever it does (and any event it schedules) is stamped as it would have been in real time. A 40-day jump and 40
one-day steps therefore give the same world. The cost of a catch-up grows with the number of events due, not with
the size of the world or the length of the jump.

Moving the clock backwards undoes nothing: :attr:`Timeline.now` never decreases.

Events due at the same instant run in :class:`Order` (then in the order they were scheduled).
"""

from __future__ import annotations

import heapq
import itertools
from enum import IntEnum
from typing import Callable, Optional


class Order(IntEnum):
    """What happens first when several things fall due in the same second (documented in docs/semantics.md)."""

    TRANSITION = 10  #: a transitional state (PENDING, STOPPING, TERMINATING, ...) settles
    SETTLEMENT = 20  #: a billing wake-up: settle an account up to this hour (and start arrears if it falls below 0)
    ARREARS = 30  #: an arrears stage (shutdown after the grace period, release after the shutdown period)
    TIMER = 40  #: a scheduled destroy (ActionTimer) fires
    EXPIRY = 50  #: a prepaid instance reaches its ExpiredTime (auto-renew or into the bin)
    RELEASE = 60  #: a recycle-bin deadline passes and the instance is released


class Event:
    __slots__ = ("due", "order", "seq", "action", "cancelled", "label")

    def __init__(self, due: float, order: int, seq: int, action: Callable[[], None], label: str) -> None:
        self.due = due
        self.order = order
        self.seq = seq
        self.action = action
        self.cancelled = False
        self.label = label

    def __lt__(self, other: Event) -> bool:
        return (self.due, self.order, self.seq) < (other.due, other.order, other.seq)

    def __repr__(self) -> str:
        state = " cancelled" if self.cancelled else ""
        return f"<Event {self.label} due={self.due} order={self.order}{state}>"


class Timeline:
    def __init__(self, start: float) -> None:
        self.now = start
        self._heap: list[tuple[float, int, int, Event]] = []  # tuples: the heap compares them in C
        self._sequence = itertools.count()
        self._pending = 0

    def schedule(self, due: float, order: Order, action: Callable[[], None], label: str = "") -> Event:
        """Run ``action`` when the world reaches ``due`` (at once on the next catch-up if ``due`` is past)."""
        event = Event(max(due, self.now), int(order), next(self._sequence), action, label)
        heapq.heappush(self._heap, (event.due, event.order, event.seq, event))
        self._pending += 1
        return event

    def cancel(self, event: Optional[Event]) -> None:
        """Forget ``event``; cancelling twice, or an event that already ran, is harmless."""
        if event is not None and not event.cancelled:
            event.cancelled = True
            self._pending -= 1

    def advance_to(self, moment: float) -> int:
        """Apply every event due at or before ``moment`` in order; return how many ran."""
        ran = 0
        heap = self._heap
        moment = max(moment, self.now)  # a clock moved backwards still sees what is due by the world's now
        while heap and heap[0][0] <= moment:
            event = heapq.heappop(heap)[3]
            if event.cancelled:
                continue
            event.cancelled = True  # it has run: cancelling it later must not change the count
            self._pending -= 1
            if event.due > self.now:
                self.now = event.due
            event.action()
            ran += 1
        self.now = moment
        if len(heap) > 64 and len(heap) > 4 * self._pending:
            self._compact()
        return ran

    def pending(self) -> list[Event]:
        """Events still to come, in the order they will run."""
        return sorted(entry[3] for entry in self._heap if not entry[3].cancelled)

    def next_due(self) -> Optional[float]:
        while self._heap and self._heap[0][3].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def _compact(self) -> None:
        self._heap = [entry for entry in self._heap if not entry[3].cancelled]
        heapq.heapify(self._heap)
