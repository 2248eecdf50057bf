"""Fault injection: make chosen calls fail with a chosen Tencent error, before they change anything.

An action name is checked when the fault is injected: a name that no faked service has (a typo such as
``DescribeZone``) is a :class:`~mockcvm.errors.UnknownActionName` (a ``ValueError``) naming the closest real
ones, so a fault can never silently wait for a call that does not exist.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Callable, Optional

from mockcvm.errors import ApiError, MockcvmError, UnknownActionName


@dataclass
class Fault:
    """One injected fault, as :meth:`mockcvm.Cloud.inject` returns it.

    ``fired`` counts the calls it has answered so far; a fault with ``times=N`` is used up once ``fired == N``.
    The pytest fixtures fail a test at teardown when a fault with ``times`` did not fire that often.
    """

    action: str
    code: str
    message: str
    times: Optional[int]
    probability: Optional[float]
    service: Optional[str]
    #: How many calls this fault has answered so far.
    fired: int = 0

    def describe(self) -> str:
        """The fault as the ``inject`` call that made it, e.g. ``inject('DescribeZones', 'InternalError')``."""
        extra = "" if self.service is None else f", service={self.service!r}"
        if self.probability is not None:
            extra += f", probability={self.probability!r}"
        else:
            extra += f", times={self.times!r}"
        return f"inject({self.action!r}, {self.code!r}{extra})"


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
        check_action_name(action, service)
        if probability is not None:
            if not 0.0 <= probability <= 1.0:
                raise MockcvmError(f"probability must be within [0, 1], got {probability!r}")
            times = None
        elif times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
            raise MockcvmError(f"times must be a positive int (or None for every call), got {times!r}")
        if not code or not isinstance(code, str):
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

    def unfired(self) -> list[Fault]:
        """The faults injected with ``times=N`` that have fired fewer than N times."""
        return [f for f in self._faults if f.times is not None and f.fired < f.times]

    def all(self) -> list[Fault]:
        """Every fault injected so far, in order."""
        return list(self._faults)

    def clear(self) -> None:
        self._faults.clear()


def check_action_name(action: str, service: Optional[str]) -> None:
    """Raise :class:`UnknownActionName` unless ``action`` is ``"*"`` or an action of ``service`` (any faked
    service when None), naming the closest real actions."""
    from mockcvm.protocol.schema import SERVICES, service_schema

    if service is not None and service not in SERVICES:
        close = difflib.get_close_matches(str(service), SERVICES, n=3)
        hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
        raise UnknownActionName(f"inject(service={service!r}): {hint}mockcvm fakes {', '.join(SERVICES)}")
    if action == "*":
        return
    if not isinstance(action, str) or not action:
        raise UnknownActionName(f"inject() needs an action name (or '*' for any), got {action!r}")
    where = (service,) if service is not None else SERVICES
    names = {name: svc for svc in where for name in service_schema(svc)["actions"]}
    if action in names:
        return
    close = difflib.get_close_matches(action, list(names), n=3, cutoff=0.6)
    lowered = {name.lower(): name for name in names}
    if action.lower() in lowered and lowered[action.lower()] not in close:
        close.insert(0, lowered[action.lower()])
    scope = f"the {service} service" if service is not None else "any service mockcvm fakes"
    hint = f"; the closest: {', '.join(f'{n} ({names[n]})' for n in close)}" if close else ""
    raise UnknownActionName(
        f"inject({action!r}, ...): {scope} has no action {action!r}{hint}. "
        "A fault on a name that does not exist would never fire."
    )
