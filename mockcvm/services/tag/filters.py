"""Describe filters as tables: filter name -> how to read the value(s) of a resource.

A reader returns the resource's value(s) for that filter as strings; a resource matches a filter when one of
its values is among the filter's ``Values``, and matches ``Filters`` when it matches every filter (AND of
ORs). The ``tag-key``, ``tag-value`` and ``tag:<key>`` filters of every service are read from the resource's
``tags``. Shared by VPC and CBS (it lives beside the other cross-service helpers in the Tag package).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional, TypeVar, Union

from mockcvm.errors import ApiError

T = TypeVar("T")
Reader = Callable[[T], Union[Optional[str], Iterable[str]]]


class FilterTable:
    def __init__(
        self, readers: dict[str, Reader[Any]], unknown_code: str, tags: Callable[[Any], dict[str, str]]
    ):
        self.readers = readers
        self.unknown_code = unknown_code
        self.tags = tags

    def compile(
        self, filters: list[dict[str, Any]], max_filters: int, max_values: int, limit_code: str
    ) -> list[tuple[Callable[[Any], Iterable[str]], set[str], str]]:
        """Check ``filters`` and turn them into (reader, wanted values, name) triples."""
        if len(filters) > max_filters:
            raise ApiError(
                f"{len(filters)} filters were given; at most {max_filters} are allowed.", code=limit_code
            )
        compiled = []
        for item in filters:
            name, values = item["Name"], item["Values"]
            if len(values) > max_values:
                raise ApiError(
                    f"The filter {name!r} has {len(values)} values; at most {max_values} are allowed.",
                    code=limit_code,
                )
            compiled.append((self._reader(name), set(values), name))
        return compiled

    def _reader(self, name: str) -> Callable[[Any], Iterable[str]]:
        if name.startswith("tag:") and len(name) > 4:
            key = name[4:]
            return lambda r: [self.tags(r)[key]] if key in self.tags(r) else []
        if name == "tag-key":
            return lambda r: list(self.tags(r))
        if name == "tag-value":
            return lambda r: list(self.tags(r).values())
        reader = self.readers.get(name)
        if reader is None:
            known = ", ".join([*self.readers, "tag-key", "tag-value", "tag:<key>"])
            raise ApiError(
                f"The filter {name!r} is not supported; supported filters: {known}.", code=self.unknown_code
            )
        return lambda r: _as_strings(reader(r))


def matches(resource: Any, compiled: list[tuple[Callable[[Any], Iterable[str]], set[str], str]]) -> bool:
    for reader, wanted, _name in compiled:
        if wanted.isdisjoint(reader(resource)):
            return False
    return True


def _as_strings(value: Union[Optional[str], Iterable[str]]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)
