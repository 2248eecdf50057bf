"""Fixtures for mockcvm's own tests (users get theirs from the pytest_mockcvm plugin)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator, Union

import pytest

from mockcvm import Cloud, mock_cvm
from mockcvm.testing_clock import PYTEST_TIMING

try:  # every freeze_time in these tests answers pytest's timing modules real time: --durations stays true
    import freezegun

    freezegun.configure(extend_ignore_list=PYTEST_TIMING)
except ImportError:  # pragma: no cover - the Cloud Custodian environment may lack it
    pass

START = datetime(2026, 1, 5, 4, 0, 0, tzinfo=timezone.utc)


class Clock:
    """The same moves under freezegun and time-machine."""

    def __init__(self, kind: str, handle: Any) -> None:
        self.kind = kind
        self._handle = handle

    def tick(self, seconds: Union[float, timedelta]) -> None:
        delta = seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds)
        if self.kind == "freezegun":
            self._handle.tick(delta)
        else:
            self._handle.shift(delta)

    def move_to(self, moment: datetime) -> None:
        self._handle.move_to(moment)


@pytest.fixture(params=["freezegun", "time-machine"])
def clock(request: pytest.FixtureRequest) -> Iterator[Clock]:
    """Frozen time at START, under freezegun and then under time-machine."""
    if request.param == "freezegun":
        from freezegun import freeze_time

        with freeze_time(START) as frozen:
            yield Clock("freezegun", frozen)
    else:
        import time_machine

        with time_machine.travel(START, tick=False) as traveller:
            yield Clock("time-machine", traveller)


@pytest.fixture
def cloud(request: pytest.FixtureRequest) -> Iterator[Cloud]:
    """An active fake cloud; if the test also uses ``clock``, the clock is frozen first."""
    if "clock" in request.fixturenames:
        request.getfixturevalue("clock")
    marker = request.node.get_closest_marker("cloud_options")
    options = marker.kwargs if marker else {}
    with mock_cvm(**options) as active:
        yield active


#: The most pytest-xdist workers ``-n auto`` (the default in pyproject.toml) starts: each costs a second or two of
#: start-up, and the suite is not long enough to gain from more.
MAX_WORKERS = 4


@pytest.hookimpl(optionalhook=True)  # only pytest-xdist knows it (the Cloud Custodian environment has no xdist)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cloud_options(**options): mock_cvm options for the `cloud` fixture")
