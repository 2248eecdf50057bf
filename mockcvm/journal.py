"""The call journal: every request the fake answered, in order, for assertions in tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class Call:
    """One answered request. ``error`` is the Tencent error code, or None for a success."""

    time: float
    service: str
    region: str
    action: str
    params: dict[str, Any]
    error: Optional[str]
    request_id: str
    account: str

    @property
    def ok(self) -> bool:
        return self.error is None


class Journal:
    def __init__(self) -> None:
        self._calls: list[Call] = []

    def record(self, call: Call) -> None:
        self._calls.append(call)

    def calls(
        self, action: Optional[str] = None, *, service: Optional[str] = None, region: Optional[str] = None,
        ok: Optional[bool] = None,
    ) -> list[Call]:
        """The calls that match every filter given, oldest first."""
        return [
            c for c in self._calls
            if (action is None or c.action == action)
            and (service is None or c.service == service)
            and (region is None or c.region == region)
            and (ok is None or c.ok == ok)
        ]

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Any:
        return iter(list(self._calls))

    def clear(self) -> None:
        self._calls.clear()
