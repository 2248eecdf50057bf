"""Timing and floors shared by every benchmark.

A *floor* is the same SDK call answered without mockcvm: for the sync client a canned ``responses`` callback that
returns the very body mockcvm returned, for the async client a patched ``httpx.AsyncHTTPTransport`` returning it.
Both sit at the same level as mockcvm's own interception, so the ratio ``mockcvm / floor`` isolates what mockcvm
adds to a call (parsing, validation, dispatch, the backend, the envelope). Floors can be stacked on an active
``mock_cvm`` (the last patch wins), so a world with 100 000 instances stays in memory while the floor runs.

Batches of mockcvm and floor calls alternate, and the reported ratio is the median of the paired ratios, which keeps
it stable on a busy machine where absolute times drift.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional

import responses

JSON = {"Content-Type": "application/json"}
_ANY = re.compile(r".*")


@dataclass
class Row:
    """One line of the results table."""

    issue: str
    name: str
    value: Optional[float] = None  # None: not measured (feature missing)
    unit: str = "x"  # "x" (ratio to the floor), "ms", "us", "B"
    goal: Optional[float] = None  # the value must be <= goal
    detail: str = ""
    note: str = ""  # "n/a (not built)" and the like

    @property
    def status(self) -> str:
        if self.value is None:
            return "ERROR" if self.note == "ERROR" else "n/a"
        if self.goal is None:
            return "info"
        return "ok" if self.value <= self.goal else "MISSED"

    def shown_value(self) -> str:
        if self.value is None:
            return self.note or "n/a"
        if self.unit == "x":
            return f"{self.value:.2f}x"
        if self.unit == "B":
            return f"{self.value:,.0f} B"
        return f"{self.value:.3g} {self.unit}"

    def shown_goal(self) -> str:
        if self.goal is None:
            return "-"
        if self.unit == "x":
            return f"<= {self.goal:g}x"
        if self.unit == "B":
            return f"<= {self.goal:,.0f} B"
        return f"< {self.goal:g} {self.unit}"


def not_built(issue: str, name: str, goal: Optional[float] = None, unit: str = "x", why: str = "") -> Row:
    return Row(issue, name, None, unit, goal, detail=why, note="n/a (not built)")


# -- floors ----------------------------------------------------------------------------------------------------


@contextmanager
def requests_floor(body: bytes) -> Iterator[None]:
    """Answer every ``requests`` call with ``body`` through a canned ``responses`` callback."""
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    answer = (200, dict(JSON), body)
    mock.add_callback(responses.POST, _ANY, callback=lambda request: answer)
    mock.add_callback(responses.GET, _ANY, callback=lambda request: answer)
    mock.start()
    try:
        yield
    finally:
        mock.stop(allow_assert=False)
        mock.reset()


@contextmanager
def httpx_floor(body: bytes) -> Iterator[None]:
    """Answer every ``httpx`` async call with ``body`` by patching the transport, as mockcvm does."""
    import httpx

    saved = httpx.AsyncHTTPTransport.handle_async_request

    async def handle_async_request(transport: Any, request: Any) -> Any:
        await request.aread()
        return httpx.Response(200, headers=JSON, content=body, request=request)

    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request  # type: ignore[method-assign]
    try:
        yield
    finally:
        httpx.AsyncHTTPTransport.handle_async_request = saved  # type: ignore[method-assign]


# -- timing ----------------------------------------------------------------------------------------------------


@dataclass
class Comparison:
    mock: float  # median seconds per call through mockcvm
    floor: float  # median seconds per call through the floor
    ratio: float  # median of paired ratios

    def detail(self) -> str:
        return f"mockcvm {_us(self.mock)} / floor {_us(self.floor)}"


def _us(seconds: float) -> str:
    if seconds >= 0.01:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} us"


class LastBody:
    """Captures the last body mockcvm answered (the floor replays it)."""

    def __init__(self, cloud: Any) -> None:
        self.body = b""
        self._cloud = cloud
        self._original = cloud._handle

    def __enter__(self) -> LastBody:
        def capture(request: Any, *service: Any) -> Any:
            response = self._original(request, *service)
            self.body = response.body
            return response

        self._cloud._handle = capture
        return self

    def __exit__(self, *exc: object) -> None:
        del self._cloud._handle  # back to the class attribute


def compare_sync(
    cloud: Any,
    call: Callable[[Any], Any],
    *,
    repeat: int,
    number: int,
    prepare: Optional[Callable[[], Any]] = None,
    floor_prepare: Optional[Callable[[], Any]] = None,
) -> Comparison:
    """Time ``call(prepared)`` through mockcvm and through the floor, in alternating batches of ``number`` calls.

    ``prepare`` (untimed) makes the argument of each call, e.g. a fresh batch of instances to terminate; the floor
    gets ``floor_prepare()`` (default: ``prepare``), which only needs to build an equal request: the floor never
    reaches the world, so it need not make new resources.
    """
    with LastBody(cloud) as last:
        call(prepare() if prepare else None)  # warm-up, and the body the floor replays
    body = last.body
    mock_times: list[float] = []
    floor_times: list[float] = []
    for _ in range(repeat):
        mock_times.append(_batch(call, prepare, number))
        with requests_floor(body):
            floor_times.append(_batch(call, floor_prepare or prepare, number))
    return _summarise(mock_times, floor_times)


def _batch(call: Callable[[Any], Any], prepare: Optional[Callable[[], Any]], number: int) -> float:
    total = 0.0
    for _ in range(number):
        argument = prepare() if prepare else None
        started = time.perf_counter()
        call(argument)
        total += time.perf_counter() - started
    return total / number


def compare_async(cloud: Any, make_call: Callable[[], Any], *, repeat: int, number: int) -> Comparison:
    """Like :func:`compare_sync` for an async call: ``make_call()`` returns the awaitable."""

    async def batch() -> float:
        started = time.perf_counter()
        for _ in range(number):
            await make_call()
        return (time.perf_counter() - started) / number

    async def main() -> Comparison:
        with LastBody(cloud) as last:
            await make_call()
        mock_times: list[float] = []
        floor_times: list[float] = []
        for _ in range(repeat):
            mock_times.append(await batch())
            with httpx_floor(last.body):
                floor_times.append(await batch())
        return _summarise(mock_times, floor_times)

    return asyncio.run(main())


def _summarise(mock_times: list[float], floor_times: list[float]) -> Comparison:
    ratios = [m / f for m, f in zip(mock_times, floor_times)]
    return Comparison(statistics.median(mock_times), statistics.median(floor_times), statistics.median(ratios))


def median_time(fn: Callable[[], Any], *, repeat: int, number: int) -> float:
    """Median over ``repeat`` batches of the mean time of ``fn()`` in a batch of ``number``."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - started) / number)
    return statistics.median(times)
