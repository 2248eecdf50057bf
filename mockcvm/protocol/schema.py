"""Validate an action's parameters against the stripped official API description shipped in ``mockcvm/schema``.

The description (made by ``tools/extract_schema.py`` from tccli's api.json) gives, per object, each member as
``[type, member_type, required, output_required]``. Validation returns the parameters with flattened strings
coerced to their schema types, or raises ``UnknownParameter`` / ``MissingParameter`` / ``InvalidParameter``.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any, Optional

from mockcvm.errors import InvalidParameter, InvalidParameterValue, MissingParameter, UnknownParameter

Member = list[Any]  # [type, member_type, required, output_required]

_SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
SERVICES = ("cvm", "vpc", "cbs", "tag", "billing", "sts", "monitor")
INT64 = (-(2**63), 2**63 - 1)
#: Flattened numbers: ASCII digits only (Python's int() and float() also take "²", "٣", "1_0", "nan", "inf").
_INTEGER = re.compile(r"-?[0-9]{1,20}\Z")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
UINT64 = (0, 2**64 - 1)


@cache
def service_schema(service: str) -> dict[str, Any]:
    """The stripped description of ``service`` (immutable data, loaded once per process)."""
    text = (_SCHEMA_DIR / f"{service}.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def version_of(service: str) -> str:
    return str(service_schema(service)["version"])


def has_action(service: str, action: str) -> bool:
    return action in service_schema(service)["actions"]


def members(service: str, object_name: str) -> dict[str, Member]:
    return service_schema(service)["objects"][object_name]  # type: ignore[no-any-return]


def output_object(service: str, action: str) -> str:
    return str(service_schema(service)["actions"][action]["output"])


def validate(service: str, action: str, params: dict[str, Any], flattened: bool) -> dict[str, Any]:
    input_name = service_schema(service)["actions"][action]["input"]
    return _object(service, input_name, params, "", flattened)


def _object(service: str, object_name: str, value: Any, path: str, flattened: bool) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidParameter(f"The parameter `{path}` must be an object, got {_kind(value)}.")
    spec = members(service, object_name)
    out: dict[str, Any] = {}
    for name, item in value.items():
        member = spec.get(name)
        where = f"{path}.{name}" if path else name
        if member is None:
            raise UnknownParameter(
                f"The parameter `{where}` is not recognized.", message_zh=f"参数 `{where}` 无法识别。"
            )
        if item is None:
            continue
        out[name] = _value(service, member, item, where, flattened)
    for name, member in spec.items():
        if member[2] and name not in out:
            where = f"{path}.{name}" if path else name
            raise MissingParameter(
                f"The request is missing a required parameter `{where}`.", message_zh=f"缺少必填参数 `{where}`。"
            )
    return out


def _value(service: str, member: Member, item: Any, where: str, flattened: bool) -> Any:
    kind, member_type = member[0], member[1]
    if kind == "list":
        if not isinstance(item, list):
            raise InvalidParameter(f"The parameter `{where}` must be a list, got {_kind(item)}.")
        element: Member = [_scalar_kind(member_type), member_type, False, False]
        return [_value(service, element, x, f"{where}.{i}", flattened) for i, x in enumerate(item)]
    if kind == "object":
        return _object(service, member_type, item, where, flattened)
    return _scalar(kind, member_type, item, where, flattened)


def _scalar_kind(member_type: str) -> str:
    return {
        "string": "string", "datetime": "string", "datetime_iso": "string", "date": "string",
        "int64": "int", "uint64": "int", "int": "int", "bool": "bool", "float": "float", "double": "float",
    }.get(member_type, "object")


def _scalar(kind: str, member_type: str, item: Any, where: str, flattened: bool) -> Any:
    if kind == "string":
        if isinstance(item, str):
            return item
        raise InvalidParameter(f"The parameter `{where}` must be a String, got {_kind(item)}.")
    if kind == "int":
        number = _int(item, flattened)
        if number is None:
            raise InvalidParameter(f"The parameter `{where}` must be an Integer, got {_show(item)}.")
        low, high = UINT64 if member_type == "uint64" else INT64
        if not low <= number <= high:
            raise InvalidParameterValue(f"The value {number} of `{where}` is out of range [{low}, {high}].")
        return number
    if kind == "bool":
        if isinstance(item, bool):
            return item
        if flattened and isinstance(item, str) and item.lower() in ("true", "false"):
            return item.lower() == "true"
        raise InvalidParameter(f"The parameter `{where}` must be a Boolean, got {_show(item)}.")
    if kind == "float":
        number_f = _float(item, flattened)
        if number_f is None:
            raise InvalidParameter(f"The parameter `{where}` must be a Float, got {_show(item)}.")
        return number_f
    raise InvalidParameter(f"The parameter `{where}` has an unsupported type {kind}.")


def _int(item: Any, flattened: bool) -> Optional[int]:
    if isinstance(item, bool):
        return None
    if isinstance(item, int):
        return item
    if isinstance(item, float) and item.is_integer():
        return int(item)
    if flattened and isinstance(item, str):
        text = item.strip()
        if _INTEGER.match(text):
            return int(text)
    return None


def _float(item: Any, flattened: bool) -> Optional[float]:
    if isinstance(item, bool):
        return None
    if isinstance(item, (int, float)):
        value = float(item)
    elif flattened and isinstance(item, str):
        if not _FLOAT.match(item.strip()):
            return None
        value = float(item)
    else:
        return None
    return value if math.isfinite(value) else None


def _kind(item: Any) -> str:
    return {dict: "an object", list: "a list", str: "a String", bool: "a Boolean", int: "an Integer",
            float: "a Float"}.get(type(item), type(item).__name__)


def _show(item: Any) -> str:
    text = json.dumps(item) if not isinstance(item, str) else repr(item)
    return text if len(text) <= 40 else text[:37] + "..."
