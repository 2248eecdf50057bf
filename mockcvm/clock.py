"""The only module that reads time.

Time is read at call time from :func:`time.time` through the module attribute, so that freezegun and
time-machine, which replace ``time.time``, drive the fake. Nothing here caches a reference to the real function.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


def now() -> float:
    """Seconds since the epoch, as the test's clock (real, freezegun or time-machine) says."""
    return time.time()


def to_datetime(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


def iso(epoch: float) -> str:
    """``YYYY-MM-DDThh:mm:ssZ``, the format of CreatedTime, ExpiredTime and ActionTime."""
    return to_datetime(epoch).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> float:
    """Parse ``YYYY-MM-DDThh:mm:ssZ``; raises ValueError on any other shape."""
    moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return moment.timestamp()


def spaced(epoch: float) -> str:
    """``YYYY-MM-DD hh:mm:ss`` (UTC), the format some filters and billing fields use."""
    return to_datetime(epoch).strftime("%Y-%m-%d %H:%M:%S")


def parse_spaced(text: str) -> float:
    moment = datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
    return moment.timestamp()


def next_beijing_midnight_after(epoch: float, days: int) -> float:
    """00:00 Beijing time at the start of the ``days``-th day after ``epoch``'s Beijing date."""
    local = datetime.fromtimestamp(epoch, BEIJING)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days)
    return midnight.timestamp()
