"""Fault injection: make chosen calls fail with a chosen Tencent error, before they change anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from mockcvm.errors import ApiError, MockcvmError


@dataclass
class Fault:
    action: str
    code: str
    message: str
    times: Optional[int]
    probability: Optional[float]
    service: Optional[str]
    fired: int = 0


class Faults:
    def __init__(self, random: Callable[[], float]) -> None:
        self._random = random
        self._faults: list[Fault] = []

    def inject(
        self,
        action: str,
        code: str,
        message: Optional[str] = None,
        *,
        times: Optional[int] = 1,
        probability: Optional[float] = None,
        service: Optional[str] = None,
    ) -> Fault:
        if probability is not None:
            if not 0.0 <= probability <= 1.0:
                raise MockcvmError(f"probability must be within [0, 1], got {probability!r}")
            times = None
        elif times is not None and (not isinstance(times, int) or times < 1):
            raise MockcvmError(f"times must be a positive int (or None for every call), got {times!r}")
        if not code:
            raise MockcvmError("inject() needs the Tencent error code to answer with, e.g. 'RequestLimitExceeded'")
        fault = Fault(action, code, message or f"Injected by mockcvm: {code}.", times, probability, service)
        self._faults.append(fault)
        return fault

    def check(self, service: str, action: str) -> None:
        """Raise the first matching fault that fires for this call."""
        for fault in self._faults:
            if fault.action not in (action, "*") or (fault.service and fault.service != service):
                continue
            if fault.times is not None and fault.fired >= fault.times:
                continue
            if fault.probability is not None and self._random() >= fault.probability:
                continue
            fault.fired += 1
            raise ApiError(fault.message, code=fault.code)

    def clear(self) -> None:
        self._faults.clear()
