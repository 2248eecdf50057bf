"""Helpers for the quality tests: a comparable snapshot of a world, and the envelope every answer must have."""

from __future__ import annotations

import dataclasses
import functools
import json
import operator
import re
import threading
import types
from decimal import Decimal
from enum import Enum
from random import Random
from typing import Any, Callable, Optional

from mockcvm.engine.resources import Kind
from mockcvm.engine.timeline import Event, Timeline

#: The parts of a World that hold the state of the fake cloud (the journal, ids and faults are bookkeeping).
STATE_PARTS = ("accounts", "cvm", "timers", "billing", "vpc", "cbs", "tag", "timeline")
#: Attributes that are caches or bookkeeping, not state a request may change (name -> why).
IGNORED_ATTRIBUTES = {
    "world": "back-reference",
    "_sequence": "timeline sequence counter",
    "_pending": "counter of live events, checked through the events themselves",
}
_CALLABLES = (types.FunctionType, types.MethodType, types.BuiltinFunctionType, functools.partial)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def snapshot(world: Any) -> Any:
    """Everything a request could change, as plain nested data that compares with ``==``."""
    with world.lock:
        walk = _Walk(id(world))
        return {part: _plain(getattr(world, part, None), walk) for part in STATE_PARTS}


class _Walk:
    """One snapshot's walk: the ids of the containers on the path (a cycle becomes a ``<ref>``), and the plain
    form of every object already walked whose form did not depend on the path (no ``<ref>`` inside), so an
    object reachable from several indexes is walked once and shows the same as if it were walked again."""

    __slots__ = ("seen", "done", "refs")

    def __init__(self, root: int) -> None:
        self.seen = {root}
        self.done: dict[int, Any] = {}
        self.refs = 0


_ATOMS = frozenset({type(None), bool, int, float, str, bytes})
#: type -> (its dataclass field names, sorted; a getter of all of them at once), or None (computed once per type).
_DATACLASS_FIELDS: dict[type, Optional[tuple[tuple[str, ...], Callable[[Any], Any]]]] = {}


def _dataclass_fields(kind: type) -> Optional[tuple[tuple[str, ...], Callable[[Any], Any]]]:
    try:
        return _DATACLASS_FIELDS[kind]
    except KeyError:
        found = None
        if dataclasses.is_dataclass(kind):
            names = tuple(sorted(f.name for f in dataclasses.fields(kind) if f.name not in IGNORED_ATTRIBUTES))
            if len(names) > 1:
                getter: Callable[[Any], Any] = operator.attrgetter(*names)
            else:
                getter = lambda v: tuple(getattr(v, n) for n in names)  # noqa: E731
            found = (names, getter)
        _DATACLASS_FIELDS[kind] = found
        return found


def _plain(value: Any, walk: _Walk) -> Any:
    """``value`` as plain data (atoms are kept as they are without a call: most of a world is strings and numbers
    in lists and dataclasses)."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if isinstance(value, (bool, int, float, str, bytes)):
        return value
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    if isinstance(value, Enum):
        return ("Enum", str(value))
    if isinstance(value, Event):
        return ("Event", value.due, value.order, value.label, value.cancelled)
    if isinstance(value, Timeline):
        return ("Timeline", value.now, sorted(_plain(e, walk) for e in value.pending()))
    if isinstance(value, Kind):  # a store's declaration (ids, filters, codes), fixed at import
        return ("Kind", value.noun, sorted(value.filters))
    if isinstance(value, _CALLABLES):
        return "<callable>"
    if isinstance(value, (Random, type(threading.Lock()), type(threading.RLock()))):
        return "<" + kind.__name__ + ">"
    key = id(value)
    if key in walk.seen:
        walk.refs += 1
        return ("<ref>", kind.__name__)
    done = walk.done.get(key)
    if done is not None:
        return done
    refs = walk.refs
    walk.seen.add(key)
    try:
        shown = _compound(value, kind, walk)
    finally:
        walk.seen.discard(key)
    if walk.refs == refs:
        walk.done[key] = shown
    return shown


def _compound(value: Any, kind: type, walk: _Walk) -> Any:
    atoms = _ATOMS
    if isinstance(value, dict):
        return ("dict", sorted(((repr(k), v if type(v) in atoms else _plain(v, walk)) for k, v in value.items()),
                               key=_first))
    if isinstance(value, (list, tuple)) or kind.__name__ == "deque":
        return ("list", [v if type(v) in atoms else _plain(v, walk) for v in value])
    if isinstance(value, (set, frozenset)):
        return ("set", sorted(repr(_plain(v, walk)) for v in value))
    described = _dataclass_fields(kind)
    if described is not None:
        names, getter = described
        return (kind.__name__, list(zip(names, [v if type(v) in atoms else _plain(v, walk) for v in getter(value)])))
    fields = dict(getattr(value, "__dict__", {}))
    for slot in getattr(kind, "__slots__", ()):
        if hasattr(value, slot):
            fields[slot] = getattr(value, slot)
    return (
        kind.__name__,
        sorted((k, _plain(v, walk)) for k, v in fields.items() if k not in IGNORED_ATTRIBUTES),
    )


def _first(pair: tuple[str, Any]) -> str:
    return pair[0]


def first_difference(before: Any, after: Any, path: str = "") -> Optional[str]:
    """Where two snapshots differ, for a readable failure."""
    if before == after:
        return None
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                return first_difference(before.get(key), after.get(key), f"{path}.{key}" if path else key)
    if type(before) is not type(after) or not isinstance(before, (tuple, list)) or len(before) != len(after):
        return f"{path or '<root>'}: {_short(before)} -> {_short(after)}"
    if isinstance(before, tuple) and before and before[0] == "dict":
        b, a = dict(before[1]), dict(after[1])
        for key in sorted(set(b) | set(a)):
            if b.get(key) != a.get(key):
                return first_difference(b.get(key), a.get(key), f"{path}[{key}]")
    for index, (b_item, a_item) in enumerate(zip(before, after)):
        if b_item != a_item:
            label = b_item[0] if isinstance(b_item, tuple) and b_item and isinstance(b_item[0], str) else index
            return first_difference(b_item, a_item, f"{path}.{label}")
    return f"{path}: {_short(before)} -> {_short(after)}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 300 else text[:297] + "..."


def check_envelope(status: int, headers: dict[str, str], body: bytes, world: Any) -> Optional[str]:
    """Assert an answer is a valid Tencent answer; return its error code (None for success)."""
    assert status == 200, f"HTTP {status}: {body[:300]!r}"
    content_types = [v for k, v in headers.items() if k.lower() == "content-type"]
    assert content_types == ["application/json"], f"content type {content_types}"
    document = json.loads(body.decode("utf-8"))
    assert isinstance(document, dict) and list(document) == ["Response"], document
    response = document["Response"]
    assert isinstance(response, dict)
    assert isinstance(response.get("RequestId"), str) and _UUID.match(response["RequestId"]), response
    assert not world.internal_errors, "mockcvm hit an internal error:\n" + "\n".join(world.internal_errors)
    error = response.get("Error")
    if error is None:
        return None
    assert isinstance(error, dict) and set(error) == {"Code", "Message"}, error
    assert isinstance(error["Code"], str) and error["Code"], error
    assert isinstance(error["Message"], str) and error["Message"], error
    assert error["Code"] != "InternalError", error
    return str(error["Code"])
