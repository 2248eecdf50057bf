"""The official shape of an answer: every member the API description marks as always returned is present, with its
type, recursively; times have their documented format, enumerated strings one of their documented values.
Shared by the fidelity audit (tests/quality/test_fidelity.py) and the per-service tests.

``null`` is allowed only where the official description says the value may be null (``value_allowed_null`` in
tccli's api.json, or the member's documentation saying so, as "后付费模式本项为null" does), and in the few places
listed in ``DECIDED_NULL`` (docs/semantics.md gives the reason): anywhere else the SDK's model would hand the user
a ``None`` the documentation does not promise.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from mockcvm.protocol import schema
from tests.sdk import VERSIONS

_TYPES: dict[str, Any] = {"string": str, "int": int, "bool": bool, "float": (int, float), "list": list, "object": dict}
_ELEMENT_TYPES: dict[str, Any] = {
    "string": str, "datetime": str, "datetime_iso": str, "date": str, "int64": int, "uint64": int, "int": int,
    "bool": bool, "float": (int, float), "double": (int, float),
}

#: What a non-empty value of a time type looks like.
_TIME_FORMATS = {
    "datetime": re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\Z"),
    "datetime_iso": re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)\Z"),
    "date": re.compile(r"\d{4}-\d\d-\d\d\Z"),
}

#: Null where the documentation is silent, by decision (docs/semantics.md, "Null members").
DECIDED_NULL = {("cvm", "InternetAccessible", "InternetChargeType"), ("cvm", "SystemDisk", "KmsKeyId")}


@cache
def official(service: str) -> dict[str, Any]:
    """tccli's full api.json of ``service`` (with the documentation mockcvm's stripped schema leaves out)."""
    import tccli

    path = Path(tccli.__file__).parent / "services" / service / VERSIONS[service] / "api.json"
    return json.loads(path.read_text("utf-8"))  # type: ignore[no-any-return]


#: An enumerated value in a member's documentation: "<li>RUNNING：运行中</li>".
_ENUMERATED = re.compile(r"<li>\s*(?:<code>)?([A-Z][A-Z0-9_]{2,})(?:</code>)?\s*[：:]")


@cache
def enumerated(service: str) -> dict[tuple[str, str], frozenset[str]]:
    """(object, member) -> the values its documentation lists (string members listing at least two)."""
    found = {}
    for name, obj in official(service)["objects"].items():
        for m in obj.get("members", []):
            values = frozenset(_ENUMERATED.findall(m.get("document", ""))) if m["type"] == "string" else frozenset()
            if len(values) >= 2:
                found[(name, m["name"])] = values
    return found


@cache
def nullable(service: str) -> frozenset[tuple[str, str]]:
    """(object, member) pairs the official description says may be null."""
    api = official(service)
    documented = {(name, m["name"]) for name, obj in api["objects"].items() for m in obj.get("members", [])
                  if m.get("value_allowed_null") or "null" in m.get("document", "").lower()}
    return frozenset(documented | {(o, m) for s, o, m in DECIDED_NULL if s == service})


@dataclass
class Walk:
    """What a walk saw: problems, members checked, and for every list of objects (its path without indices)
    whether one of its occurrences had an element. With ``as_sent``, the value is an answer as sent (not an SDK
    model's dump, which holds every member of the SDK's own, possibly newer, description): a member the official
    description lacks is a problem."""

    as_sent: bool = False
    problems: list[str] = field(default_factory=list)
    members: int = 0
    lists: dict[str, bool] = field(default_factory=dict)

    def empty_lists(self) -> list[str]:
        """The lists of objects that never had an element: their element's members were not walked."""
        return sorted(path for path, filled in self.lists.items() if not filled)


def walk(service: str, object_name: str, value: Any, path: str, seen: Walk | None = None) -> Walk:
    """Check ``value`` against ``object_name`` of ``service``; returns (and fills) ``seen``."""
    seen = seen if seen is not None else Walk()
    if not isinstance(value, dict):
        seen.problems.append(f"{path} is {type(value).__name__}, schema says object {object_name}")
        return seen
    described = schema.members(service, object_name)
    if seen.as_sent:
        seen.problems += [f"{path}.{name} is not in the official description" for name in value
                          if name not in described and name != "RequestId"]
    for name, (kind, member_type, _required, always) in described.items():
        if not always and value.get(name) is None:  # may be absent; when present, it is checked as well
            continue
        where = f"{path}.{name}"
        seen.members += 1
        if name not in value:
            seen.problems.append(f"{where} is missing")
            continue
        item = value[name]
        if item is None:
            if (object_name, name) not in nullable(service):
                seen.problems.append(f"{where} is null (the official description does not allow null)")
            continue
        if not isinstance(item, _TYPES[kind]) or (kind in ("int", "float") and isinstance(item, bool)):
            seen.problems.append(f"{where} is {type(item).__name__} {item!r:.40}, schema says {kind}")
            continue
        values = enumerated(service).get((object_name, name))
        if kind == "string" and member_type in _TIME_FORMATS and item and not _TIME_FORMATS[member_type].match(item):
            seen.problems.append(f"{where} is {item!r}, not a {member_type}")
        elif values is not None and item and item not in values:
            seen.problems.append(f"{where} is {item!r}, not one of the documented {', '.join(sorted(values))}")
        elif kind == "int" and member_type == "uint64" and item < 0:
            seen.problems.append(f"{where} is {item}, schema says uint64")
        elif kind == "object":
            walk(service, member_type, item, where, seen)
        elif kind == "list":
            if member_type in _ELEMENT_TYPES:
                bad = [x for x in item if not isinstance(x, _ELEMENT_TYPES[member_type]) or (
                    member_type not in ("bool",) and isinstance(x, bool))]
                if bad:
                    seen.problems.append(f"{where} has {bad[0]!r:.40}, schema says list of {member_type}")
            else:
                general = re.sub(r"\[\d+\]", "[]", where)
                seen.lists[general] = seen.lists.get(general, False) or bool(item)
                for n, element in enumerate(item):
                    walk(service, member_type, element, f"{where}[{n}]", seen)
    return seen


def assert_shape(service: str, object_name: str, value: Any, path: str = "") -> None:
    """Assert that ``value`` has the official shape of ``object_name`` (see :func:`walk`)."""
    problems = walk(service, object_name, value, path or object_name).problems
    assert not problems, "\n".join(problems)
