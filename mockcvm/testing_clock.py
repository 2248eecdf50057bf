"""A test's hand on the clock: freeze time, move it forward (``tick``, ``move_to``), read it (``now``).

The fake reads time from ``time.time()`` (mockcvm/clock.py), so whatever moves ``time.time()`` moves the fake
and the code under test together. :class:`CvmClock` is that mover. It drives time-machine when time-machine is
installed (a travel costs the same whatever the size of the program) and freezegun otherwise (a freeze scans every
loaded module, a few milliseconds each time), with the same behaviour:

- ``CvmClock.start(start)`` with no time library active: starts a time-machine ``travel(start, tick=False)`` of
  its own (``prefer="freezegun"``, or time-machine not installed: a freezegun ``freeze_time(start)``, which
  answers pytest's own timing modules real time so that ``pytest --durations`` stays true), and stops it in
  ``stop()``.
- a freezegun freeze already active (started by an earlier fixture): the clock drives that freeze, and leaves
  it running in ``stop()``.
- a time-machine travel already active, or ``prefer="time-machine"``: the clock drives the innermost
  time-machine travel (``shift``/``move_to``), starting one of its own if none is active.

Time only moves forward: the fake never undoes what happened (a released instance stays released), so ``tick``
refuses a negative step and ``move_to`` an earlier moment, with ``ValueError``. If the test starts a freezegun
freeze of its own *after* the clock started (``@freeze_time`` on the test, ``with freeze_time(...)`` inside
it), that freeze hides the clock's: ``tick``/``move_to`` then raise :class:`MockcvmError` saying so, rather
than moving a clock nobody reads.

Sleeping: by default (``sleep="real"``) ``time.sleep`` and ``asyncio.sleep`` wait in real time, as always.
With ``sleep="advance"`` they move the clock instead and return at once: ``time.sleep(30)`` is ``tick(30)``,
so a retry with backoff, an SDK waiter or a ``while time.time() < deadline`` poll finishes immediately with the
fake having lived through every second of it. ``asyncio.sleep`` sleepers of one event loop wake in the order of
their deadlines: when the loop has nothing else to run, the clock moves to the earliest deadline and wakes that
sleeper, so two tasks sleeping 5 s and 1 s wake at +1 s and +5 s, not +6 s. Only calls made through the modules
(``time.sleep(...)``, ``asyncio.sleep(...)``) are seen; a ``from time import sleep`` done before the clock
started keeps the real function. The patch is global while the clock runs: every thread's ``time.sleep`` moves
the clock.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Literal, Optional, Union

from mockcvm import clock
from mockcvm.errors import MockcvmError

if TYPE_CHECKING:
    from mockcvm.sleeping import SleepPatch

Moment = Union[datetime, str, float, int]

BACKENDS = ("freezegun", "time-machine")
#: The pytest modules that time tests: freezegun answers them real time, so ``pytest --durations`` stays true.
#: Not the whole ``_pytest`` package: freezegun looks five frames up, and a test's own ``time.time()`` is called
#: from within five frames of ``_pytest.python``.
PYTEST_TIMING = ["_pytest.runner", "_pytest.timing", "_pytest.terminal", "_pytest.junitxml"]

#: How ``time.sleep`` and ``asyncio.sleep`` behave while a clock runs: wait for real, or move the clock.
SleepMode = Literal["real", "advance"]
SLEEP_MODES = ("real", "advance")


def parse_moment(moment: Moment, what: str = "moment") -> datetime:
    """An aware UTC datetime from a datetime (naive means UTC), an ISO 8601 string or epoch seconds."""
    if isinstance(moment, bool):
        raise TypeError(f"{what} must be a datetime, an ISO 8601 string or epoch seconds, got {moment!r}")
    if isinstance(moment, (int, float)):
        return datetime.fromtimestamp(moment, timezone.utc)
    if isinstance(moment, str):
        text = moment.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"{what} {moment!r} is not an ISO 8601 time; write it like '2026-01-05T04:00:00Z'"
            ) from None
    if not isinstance(moment, datetime):
        raise TypeError(f"{what} must be a datetime, an ISO 8601 string or epoch seconds, got {moment!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _iso(moment: datetime) -> str:
    text = moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text + "Z"


def time_machine_active() -> bool:
    """True when a time-machine travel is in progress (without importing time-machine)."""
    return bool(_time_machine_stack())


def freezegun_active() -> bool:
    """True when a freezegun freeze is in progress (without importing freezegun)."""
    api = sys.modules.get("freezegun.api")
    return bool(api is not None and getattr(api, "freeze_factories", None))


class CvmClock:
    """Controls the time the fake and the code under test see. Made by :meth:`start`, undone by :meth:`stop`.

    ``stop()`` ends the freeze or travel the clock started itself and leaves one it adopted running. It never
    changes the fake world: what happened while time was moved stays.
    """

    def __init__(self, backend: str, handle: Any, owner: Any) -> None:
        self.backend = backend  #: "freezegun" or "time-machine"
        self._handle = handle  # freezegun factory; unused for time-machine (the innermost travel is driven)
        self._owner = owner  # what to stop in stop(): our own freeze_time / travel, or None if adopted
        self._time_machine_depth = len(_time_machine_stack())
        self.stopped = False
        self._sleep_patch: Optional[SleepPatch] = None

    # -- making one ------------------------------------------------------------------------------------------

    @classmethod
    def start(
        cls, start: Optional[Moment] = None, *, prefer: Optional[str] = None, sleep: SleepMode = "real"
    ) -> CvmClock:
        """Freeze time at ``start`` (default: now, to the whole second) or adopt the freeze/travel already
        active.

        ``prefer`` is ``"freezegun"``, ``"time-machine"`` or None (an active freeze or travel is adopted;
        otherwise time-machine if it is installed, else freezegun). With an adopted freeze or travel, ``start``
        moves it (forward only). ``sleep="advance"`` makes ``time.sleep`` and ``asyncio.sleep`` move this clock
        instead of waiting, until ``stop()``.
        """
        if prefer is not None and prefer not in BACKENDS:
            raise MockcvmError(f"prefer={prefer!r}: use one of {', '.join(BACKENDS)} (or None to detect)")
        if sleep not in SLEEP_MODES:
            raise MockcvmError(f"sleep={sleep!r}: use one of {', '.join(map(repr, SLEEP_MODES))}")
        made = cls._start(start, prefer)
        made.sleep = sleep
        return made

    @classmethod
    def _start(cls, start: Optional[Moment], prefer: Optional[str]) -> CvmClock:
        moment = parse_moment(start, "start") if start is not None else None
        if prefer is None and not _installed("freezegun"):
            if not _installed("time_machine"):
                raise MockcvmError(
                    "cvm_clock needs a time library to freeze time: pip install freezegun (or time-machine)"
                )
            prefer = "time-machine"
        if prefer == "time-machine" or (prefer is None and (time_machine_active() or (
                not freezegun_active() and _installed("time_machine")))):
            made = cls._start_time_machine(moment)
        elif freezegun_active():
            from freezegun.api import freeze_factories

            made = cls("freezegun", freeze_factories[-1], None)
            if moment is not None:
                made.move_to(moment)
        else:
            from freezegun import freeze_time

            initial = moment or datetime.fromtimestamp(int(clock.now()), timezone.utc)
            freezer = freeze_time(initial, ignore=PYTEST_TIMING)
            factory = freezer.start()
            made = cls("freezegun", factory, freezer)
        return made

    @classmethod
    def _start_time_machine(cls, moment: Optional[datetime]) -> CvmClock:
        try:
            import time_machine
        except ImportError:  # pragma: no cover - depends on the install
            raise MockcvmError("prefer='time-machine' needs time-machine: pip install time-machine") from None
        if _time_machine_stack():
            made = cls("time-machine", None, None)
            if moment is not None:
                made.move_to(moment)
            return made
        if freezegun_active():
            raise MockcvmError(
                "cvm_clock cannot use time-machine while a freezegun freeze is active; use one time library"
            )
        initial = moment or datetime.fromtimestamp(int(clock.now()), timezone.utc)
        travel = time_machine.travel(initial, tick=False)
        travel.start()
        made = cls("time-machine", None, travel)
        made._time_machine_depth = len(_time_machine_stack())
        return made

    def stop(self) -> None:
        """End the freeze or travel this clock started (an adopted one keeps running). Calling it twice is
        harmless.
        """
        if self.stopped:
            return
        self.sleep = "real"
        self.stopped = True
        if self._owner is not None:
            self._owner.stop()

    @property
    def sleep(self) -> SleepMode:
        """``"real"``: ``time.sleep``/``asyncio.sleep`` wait as usual; ``"advance"``: they move this clock.
        Can be changed while the clock runs; ``stop()`` restores the real functions."""
        return "advance" if self._sleep_patch is not None else "real"

    @sleep.setter
    def sleep(self, mode: SleepMode) -> None:
        if mode not in SLEEP_MODES:
            raise MockcvmError(f"sleep={mode!r}: use one of {', '.join(map(repr, SLEEP_MODES))}")
        if mode == "advance" and self._sleep_patch is None:
            if self.stopped:
                raise MockcvmError("cvm_clock.sleep: this clock was stopped")
            from mockcvm.sleeping import SleepPatch

            self._sleep_patch = SleepPatch(self)
            self._sleep_patch.install()
        elif mode == "real" and self._sleep_patch is not None:
            self._sleep_patch.uninstall()
            self._sleep_patch = None

    # -- reading and moving ----------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The current time as the fake and the code under test see it (aware, UTC)."""
        return datetime.fromtimestamp(clock.now(), timezone.utc)

    def tick(self, seconds: Union[float, timedelta] = 1.0) -> datetime:
        """Move time forward by ``seconds`` (a number or a timedelta, >= 0); returns the new now."""
        __tracebackhide__ = True  # pytest shows the error at the caller
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float, timedelta)):
            raise TypeError(f"cvm_clock.tick() takes seconds (a number) or a timedelta, got {seconds!r}")
        delta = seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds)
        if delta < timedelta(0):
            raise ValueError(
                f"cvm_clock.tick({seconds!r}): time only moves forward, give seconds >= 0. "
                "The fake never undoes what happened, so there is no way back."
            )
        self._check_in_control("tick")
        if self.backend == "time-machine":
            _time_machine_stack()[-1].shift(delta)
        else:
            self._handle.tick(delta)
        return self.now()

    def move_to(self, moment: Moment) -> datetime:
        """Move time forward to ``moment`` (a datetime, naive means UTC, or ISO 8601 text); returns it."""
        __tracebackhide__ = True  # pytest shows the error at the caller
        target = parse_moment(moment, "cvm_clock.move_to()")
        current = self.now()
        if target < current:
            raise ValueError(
                f"cvm_clock.move_to({_iso(target)}) would move time backwards from {_iso(current)}. "
                "The fake never undoes what happened, so time only moves forward. "
                "To start a test at an earlier moment use "
                "@pytest.mark.mockcvm(clock_start=...) (or the ini option mockcvm_clock_start)."
            )
        self._check_in_control("move_to")
        if self.backend == "time-machine":
            _time_machine_stack()[-1].move_to(target)
        else:
            self._handle.move_to(target)
        return self.now()

    def _check_in_control(self, what: str) -> None:
        __tracebackhide__ = True  # pytest shows the error at the caller
        if self.stopped:
            raise MockcvmError(f"cvm_clock.{what}(): this clock was stopped (its test or fixture has ended)")
        if self.backend == "time-machine":
            if not _time_machine_stack():
                raise MockcvmError(
                    f"cvm_clock.{what}(): the time-machine travel this clock drives has ended; "
                    "nothing to move"
                )
            if freezegun_active():
                raise MockcvmError(
                    f"cvm_clock.{what}(): a freezegun freeze started on top of the time-machine travel that "
                    "cvm_clock drives, and freezegun hides it. Use one time library in a test."
                )
            return
        from freezegun.api import freeze_factories

        if self._handle not in freeze_factories:
            raise MockcvmError(f"cvm_clock.{what}(): the freezegun freeze this clock drives has ended")
        if freeze_factories[-1] is not self._handle:
            raise MockcvmError(
                f"cvm_clock.{what}(): the test started a freezegun freeze of its own (freeze_time) "
                "after cvm_clock froze time, and that freeze now decides the time, so cvm_clock cannot "
                "move it. Use one of them: drop the test's freeze_time and set the start with "
                "@pytest.mark.mockcvm(clock_start=...), or start the freeze in a fixture that runs "
                "before cvm_clock (cvm_clock then drives it), or move your own freeze with its "
                "tick()/move_to() and do not request cvm_clock."
            )
        if len(_time_machine_stack()) > self._time_machine_depth:
            raise MockcvmError(
                f"cvm_clock.{what}(): a time-machine travel started after cvm_clock froze time with "
                "freezegun; "
                "freezegun hides it. Start the travel in a fixture that runs before cvm_clock, or request "
                "time-machine's time_machine fixture in the test: cvm_clock then works through time-machine."
            )


def _installed(module: str) -> bool:
    import importlib.util

    return module in sys.modules or importlib.util.find_spec(module) is not None


def _time_machine_stack() -> list[Any]:
    """The travels in progress, innermost last: ``traveller_stack`` in time-machine 3, ``coordinates_stack`` in
    time-machine 2 (the last release for Python 3.9); both hold objects with ``move_to`` and ``shift``."""
    module = sys.modules.get("time_machine")
    if module is None:
        return []
    stack = getattr(module, "traveller_stack", None)
    if stack is None:
        stack = getattr(module, "coordinates_stack", None)
    return stack if stack is not None else []
