"""The call journal: the latest requests the fake answered, in order, and exact counts of every one, for tests.

Memory stays bounded however long a world lives (a ``cvm_session`` world lives for the whole suite): the journal
keeps the latest ``journal_size`` calls (option, default 1000) in a ring, keeps a large call's parameters as the
JSON bytes they came in, and counts every call per (service, region, action, outcome) for the whole activation, so
``assert_called`` counts exactly even after older calls left the ring.
"""

from __future__ import annotations

import collections
import json
from typing import Any, Iterator, Optional

#: A call whose JSON body is larger than this keeps the body instead of the parameters read from it.
_KEEP_BODY_ABOVE_BYTES = 2048


class Call:
    """One answered request. ``error`` is the Tencent error code, or None for a success."""

    __slots__ = ("time", "service", "region", "action", "_params", "_body", "error", "request_id", "account")

    def __init__(self, time: float, service: str, region: str, action: str, params: dict[str, Any],
                 error: Optional[str], request_id: str, account: str, body: Optional[bytes] = None) -> None:
        """``body``: the JSON body the parameters were read from, if any; a large one is kept instead of the
        parameters (bytes as sent are several times smaller than the objects read from them), and read again
        when ``params`` is asked for."""
        self.time = time
        self.service = service
        self.region = region
        self.action = action
        self.error = error
        self.request_id = request_id
        self.account = account
        if body is not None and len(body) > _KEEP_BODY_ABOVE_BYTES:
            self._params: Optional[dict[str, Any]] = None
            self._body: Optional[bytes] = body
        else:
            self._params, self._body = params, None

    @property
    def params(self) -> dict[str, Any]:
        """The call's parameters, as validated (read again from the body as sent when that was kept)."""
        if self._params is not None:
            return self._params
        from mockcvm.errors import ApiError
        from mockcvm.protocol import schema

        assert self._body is not None
        sent = json.loads(self._body.decode("utf-8"))
        try:
            return schema.validate(self.service, self.action, sent, False)
        except (ApiError, KeyError):  # refused as invalid: the parameters as sent
            return sent  # type: ignore[no-any-return]

    @property
    def ok(self) -> bool:
        return self.error is None

    def __repr__(self) -> str:
        return (f"Call({self.service}:{self.action} region={self.region or '-'} -> {self.error or 'ok'}, "
                f"request_id={self.request_id!r})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Call):
            return NotImplemented
        return (self.request_id, self.time, self.action, self.error, self.params) == (
            other.request_id, other.time, other.action, other.error, other.params)

    __hash__ = None  # type: ignore[assignment]


class Bounded(list):  # type: ignore[type-arg]
    """A list that keeps only its latest ``limit`` items; ``dropped`` counts the ones it let go."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.dropped = 0

    def append(self, item: Any) -> None:
        super().append(item)
        if len(self) > self.limit:
            del self[0]
            self.dropped += 1


class Journal:
    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._calls: collections.deque[Call] = collections.deque(maxlen=size)
        #: (service, region, action, error) -> how many calls, for the whole activation.
        self._counts: collections.Counter[tuple[str, str, str, Optional[str]]] = collections.Counter()
        self.total = 0

    def record(self, call: Call) -> None:
        self._calls.append(call)
        self._counts[(call.service, call.region, call.action, call.error)] += 1
        self.total += 1

    @property
    def dropped(self) -> int:
        """How many calls left the ring (still counted by :meth:`count`)."""
        return self.total - len(self._calls)

    def calls(
        self, action: Optional[str] = None, *, service: Optional[str] = None, region: Optional[str] = None,
        ok: Optional[bool] = None, params: Optional[dict[str, Any]] = None,
    ) -> list[Call]:
        """The kept calls that match every filter given, oldest first (``params``: a subset to match)."""
        return [
            c for c in list(self._calls)
            if (action is None or c.action == action)
            and (service is None or c.service == service)
            and (region is None or c.region == region)
            and (ok is None or c.ok == ok)
            and (params is None or params_match(params, c.params))
        ]

    def count(
        self, action: Optional[str] = None, *, service: Optional[str] = None, region: Optional[str] = None,
        ok: Optional[bool] = None,
    ) -> int:
        """How many calls matched, over the whole activation (not only the kept ones)."""
        return sum(
            n for (c_service, c_region, c_action, c_error), n in list(self._counts.items())
            if (action is None or c_action == action)
            and (service is None or c_service == service)
            and (region is None or c_region == region)
            and (ok is None or (c_error is None) == ok)
        )

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[Call]:
        return iter(list(self._calls))

    def clear(self) -> None:
        """Forget every call, kept and counted."""
        self._calls.clear()
        self._counts.clear()
        self.total = 0


def params_match(wanted: Any, given: Any) -> bool:
    """Whether ``given`` contains ``wanted``: dicts by subset of keys (recursively), lists element by element
    (same length), anything else by equality."""
    if isinstance(wanted, dict):
        return isinstance(given, dict) and all(k in given and params_match(v, given[k]) for k, v in wanted.items())
    if isinstance(wanted, (list, tuple)):
        return (isinstance(given, list) and len(given) == len(wanted)
                and all(params_match(w, g) for w, g in zip(wanted, given)))
    if isinstance(wanted, bool) or isinstance(given, bool):
        return isinstance(wanted, bool) and isinstance(given, bool) and wanted == given
    return bool(wanted == given)


def assert_called(
    journal: Journal,
    action: str,
    times: Optional[int] = None,
    *,
    region: Optional[str] = None,
    service: Optional[str] = None,
    ok: Optional[bool] = None,
    params: Optional[dict[str, Any]] = None,
) -> None:
    """Fail unless ``action`` was called (exactly ``times`` times, if given) under every condition given.

    The message names every condition checked and lists the calls, marking for each which conditions it met.
    Counts are exact for the whole activation; with ``params``, only the kept calls (option ``journal_size``) can
    be looked at, and the message says so when older calls of ``action`` already left the journal.
    """
    __tracebackhide__ = True
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 0):
        raise ValueError(f"times must be a whole number >= 0 or None, got {times!r}")
    if params is not None and not isinstance(params, dict):
        raise ValueError(f"params must be a dict of parameter -> value (a subset to match), got {params!r}")
    conditions: list[tuple[str, Any]] = [("action", action)]
    conditions += [(name, value) for name, value in (("region", region), ("service", service), ("ok", ok),
                                                       ("params", params)) if value is not None]
    kept = journal.calls(action, region=region, service=service, ok=ok, params=params)
    exact = params is None or journal.count(action, region=region, service=service, ok=ok) == len(
        journal.calls(action, region=region, service=service, ok=ok))
    matched = journal.count(action, region=region, service=service, ok=ok) if params is None else len(kept)
    if (times is None and matched) or (times is not None and matched == times and exact):
        return
    wanted = "at least once" if times is None else f"{times} time(s)"
    extra = [f"{name}={value!r}" for name, value in conditions[1:]]
    where = f", with {' and '.join(extra)}" if extra else ""
    lines = [f"expected {action} to be called {wanted}{where}; it was called {matched} time(s) meeting every "
             "condition."]
    lines.append("Checked: " + ", ".join(f"{name}={value!r}" for name, value in conditions) + ".")
    if not exact:
        lines.append(
            f"Only the latest {journal.size} calls are kept with their parameters and some calls of {action} "
            "left the journal before this check, so params cannot be counted exactly; raise "
            "mock_cvm(journal_size=...) or assert sooner."
        )
    lines.append("Calls made (-> marks a call that met every condition):" if journal.total else "Calls made: none.")
    for call in journal:
        met: list[str] = []
        missed: list[str] = []
        for name, value in conditions:
            (met if _meets(call, name, value) else missed).append(name)
        arrow = "  ->" if not missed else "    "
        verdict = f"met: {', '.join(met) or '-'}; not met: {', '.join(missed) or '-'}"
        lines.append(f"{arrow} {call.service}:{call.action} region={call.region or '-'} -> {call.error or 'ok'}"
                     f"  [{verdict}]{_shown_params(call, params)}")
    if journal.dropped:
        lines.append(f"    ... and {journal.dropped} older call(s) no longer kept (counted above)")
    raise AssertionError("\n".join(lines))


def _meets(call: Call, name: str, value: Any) -> bool:
    if name == "action":
        return bool(call.action == value)
    if name == "params":
        return params_match(value, call.params)
    if name == "ok":
        return bool(call.ok == value)
    return bool(getattr(call, name) == value)


def _shown_params(call: Call, params: Optional[dict[str, Any]]) -> str:
    if params is None:
        return ""
    given = call.params
    shown = {k: given.get(k, "(absent)") for k in params}
    text = json.dumps(shown, ensure_ascii=False, default=str)
    return "  " + (text if len(text) <= 160 else text[:157] + "...")
