"""``sleep="advance"``: ``time.sleep`` and ``asyncio.sleep`` replaced by functions that move a :class:`CvmClock`.

Installed by ``CvmClock.sleep = "advance"`` (or ``CvmClock.start(sleep="advance")``) and removed by ``stop()``.
``time.sleep(s)`` is ``clock.tick(s)``. ``asyncio.sleep(s)`` registers a wake-up at now + s on its event loop; when
the loop has nothing else ready to run, the clock moves to the earliest wake-up and only that sleeper wakes, so
sleepers wake in the order of their deadlines.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockcvm.testing_clock import CvmClock


class SleepPatch:
    """``time.sleep`` and ``asyncio.sleep`` replaced by functions that move ``clock`` (``sleep="advance"``)."""

    #: Times the waker lets other ready callbacks run before it moves the clock anyway (a task that spins on
    #: ``asyncio.sleep(0)`` must not hold time still for ever).
    PATIENCE = 100

    def __init__(self, clock: CvmClock) -> None:
        self.clock = clock
        self.real_time_sleep = time.sleep
        self.real_asyncio_sleep = asyncio.sleep
        self._order = itertools.count()
        self._sleepers: dict[int, list[tuple[float, int, asyncio.Future[None]]]] = {}
        self._waking: set[int] = set()

    def install(self) -> None:
        time.sleep = self.time_sleep  # type: ignore[assignment]
        asyncio.sleep = self.asyncio_sleep

    def uninstall(self) -> None:
        if time.sleep == self.time_sleep:
            time.sleep = self.real_time_sleep
        if asyncio.sleep == self.asyncio_sleep:
            asyncio.sleep = self.real_asyncio_sleep

    def time_sleep(self, seconds: float) -> None:
        """``time.sleep`` under ``sleep="advance"``: move the clock by ``seconds`` and return at once."""
        __tracebackhide__ = True
        try:
            if isinstance(seconds, (str, bytes)):
                raise TypeError
            length = float(seconds)  # what the real time.sleep accepts: numbers and objects with __float__
        except (TypeError, ValueError):
            raise TypeError(f"'{type(seconds).__name__}' object cannot be interpreted as an integer or float") from None
        if length < 0:
            raise ValueError("sleep length must be non-negative")
        if length:
            self.clock.tick(length)

    async def asyncio_sleep(self, delay: float, result: Any = None) -> Any:
        """``asyncio.sleep`` under ``sleep="advance"``: wake when the loop is idle and this is the earliest
        deadline, with the clock moved to it."""
        if delay <= 0:
            return await self.real_asyncio_sleep(0, result)
        loop = asyncio.get_running_loop()
        wake: asyncio.Future[None] = loop.create_future()
        deadline = time.time() + delay
        heapq.heappush(self._sleepers.setdefault(id(loop), []), (deadline, next(self._order), wake))
        self._schedule_waker(loop, 0)
        await wake  # a cancelled sleeper's future is skipped by the waker
        return result

    def _schedule_waker(self, loop: asyncio.AbstractEventLoop, deferred: int) -> None:
        if id(loop) not in self._waking:
            self._waking.add(id(loop))
            loop.call_soon(self._wake_next, loop, deferred)

    def _wake_next(self, loop: asyncio.AbstractEventLoop, deferred: int) -> None:
        self._waking.discard(id(loop))
        sleepers = self._sleepers.get(id(loop), [])
        while sleepers and sleepers[0][2].done():
            heapq.heappop(sleepers)
        if not sleepers:
            self._sleepers.pop(id(loop), None)
            return
        ready = getattr(loop, "_ready", None)
        busy = len(ready) > 0 if ready is not None else deferred < 3
        if busy and deferred < self.PATIENCE:  # let everything runnable run first: it may sleep sooner
            self._schedule_waker(loop, deferred + 1)
            return
        deadline, _, wake = heapq.heappop(sleepers)
        now = time.time()
        try:
            if deadline > now:
                self.clock.tick(deadline - now)
        except Exception as exc:  # noqa: BLE001 - the sleeper raises it (a hidden or stopped clock)
            wake.set_exception(exc)
        else:
            wake.set_result(None)
        if sleepers:
            self._schedule_waker(loop, 0)
