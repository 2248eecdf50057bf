"""Lifecycles as declared tables, and the policy that settles transitional states.

A :class:`Lifecycle` is a map ``operation -> {state it may start from -> Step(transitional, settled)}`` plus the
wire code refusing every other state. It holds no state of its own; a service declares one (the CVM one is in
``services/cvm/lifecycle.py``) and asks it ``step(operation, state)``.

:class:`InFlight` keeps the subjects whose operation has not settled yet and settles them by the world's
transition policy (option ``transitions``):

- ``default``: the transitional state is shown to the next read that includes the subject (the reader calls
  :meth:`InFlight.seen` after answering), or until ``duration`` seconds of fake time pass (a timeline event,
  ``Order.TRANSITION``, one for all the subjects that began at the same instant, settling them in the order they
  began), whichever comes first. A polling loop under frozen time therefore finishes.
- ``immediate``: settled before the operation returns; no transitional state is ever shown.
- ``manual``: stays in flight until the test settles it (:meth:`InFlight.settle`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, Hashable, Mapping, Optional, TypeVar

from mockcvm.engine.timeline import Event, Order, Timeline

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Step:
    """One row of a lifecycle: the state shown while the operation is in flight, and the state it settles into."""

    transitional: str
    settled: str


class Refused(Exception):
    """``Lifecycle.step`` refuses ``state`` for ``operation``; ``code`` is the wire code to answer."""

    def __init__(self, code: str, operation: str, state: str) -> None:
        super().__init__(code)
        self.code = code
        self.operation = operation
        self.state = state


class Lifecycle:
    def __init__(
        self,
        steps: Mapping[str, Mapping[str, Step]],
        refusal_codes: Mapping[str, str],
        overrides: Optional[Mapping[tuple[str, str], str]] = None,
    ) -> None:
        """``steps[operation][from_state]``; ``refusal_codes[state]`` refuses any operation not allowed there,
        unless ``overrides[(operation, state)]`` names another code."""
        self.steps = steps
        self.refusal_codes = refusal_codes
        self.overrides = dict(overrides or {})

    def step(self, operation: str, state: str) -> Step:
        found = self.steps[operation].get(state)
        if found is None:
            code = self.overrides.get((operation, state)) or self.refusal_codes.get(state, "UnsupportedOperation")
            raise Refused(code, operation, state)
        return found

    def allows(self, operation: str, state: str) -> bool:
        return state in self.steps[operation]


class _Batch:
    """The subjects that began at the same instant share one settling event (a 100-instance batch makes one heap
    entry, not 100). ``live`` counts the subjects still waiting on it; at 0 the event is cancelled."""

    __slots__ = ("due", "subjects", "live", "event")

    def __init__(self, due: float) -> None:
        self.due = due
        self.subjects: list[Any] = []
        self.live = 0
        self.event: Optional[Event] = None


class InFlight(Generic[K]):
    """Subjects with an operation in flight, settled by the transition policy (see the module docstring)."""

    def __init__(
        self,
        timeline: Timeline,
        policy: str,
        duration: float,
        settle: Callable[[K], None],
    ) -> None:
        self._timeline = timeline
        self.policy = policy
        self._duration = duration
        self._settle = settle
        #: subject -> the batch whose event settles it (None under the manual policy). Insertion order = start order.
        self._events: dict[K, Optional[_Batch]] = {}
        #: The batch still open to subjects that begin at the same instant.
        self._open: Optional[_Batch] = None

    def begin(self, subject: K, label: str = "") -> None:
        """``subject`` has just started an operation: settle it now, later, or when told, by the policy."""
        self.forget(subject)
        if self.policy == "immediate":
            self._settle(subject)
            return
        batch: Optional[_Batch] = None
        if self.policy == "default":
            due = self._timeline.now + self._duration
            batch = self._open
            if batch is None or batch.event is None or batch.event.cancelled or batch.due != due:
                batch = self._open = _Batch(due)
                batch.event = self._timeline.schedule(due, Order.TRANSITION, lambda: self._due(batch), label)
            batch.subjects.append(subject)
            batch.live += 1
        self._events[subject] = batch

    def _due(self, batch: _Batch) -> None:
        for subject in batch.subjects:
            if self._events.get(subject) is batch:
                self.settle(subject)

    def seen(self, subject: K) -> None:
        """A read has just shown ``subject``: under the default policy that was its one look at the transition."""
        if self.policy == "default" and subject in self._events:
            self.settle(subject)

    def settle(self, subject: K) -> bool:
        """Settle ``subject`` now if it is in flight; returns whether it was."""
        if subject not in self._events:
            return False
        self.forget(subject)
        self._settle(subject)
        return True

    def forget(self, subject: K) -> None:
        """Drop ``subject`` without settling it (it was released, or a new operation replaces this one)."""
        batch = self._events.pop(subject, None)
        if batch is not None:
            batch.live -= 1
            if batch.live == 0:
                self._timeline.cancel(batch.event)  # harmless when it is the event now running

    def __contains__(self, subject: object) -> bool:
        return subject in self._events

    def subjects(self) -> list[K]:
        return list(self._events)
