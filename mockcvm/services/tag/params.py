"""The request members the Tag reads share: ``Offset``/``Limit`` paging, ``CreateUin``, ``ShowProject``,
``Category`` and ``CosResourceId``. Each reader refuses with the documented code before anything is read."""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from mockcvm.errors import ApiError, InvalidParameterValue

DEFAULT_LIMIT = 15
MAX_LIMIT = 1000
CATEGORIES = ("All", "Custom", "System")
MAX_TAG_FILTERS = 6
MAX_TAG_FILTER_VALUES = 10


def offset_limit(params: dict[str, Any], default_limit: int = DEFAULT_LIMIT,
                 max_limit: int = MAX_LIMIT) -> tuple[int, int]:
    """``(Offset, Limit)``: Offset >= 0 and a multiple of Limit (the documented rule), Limit 0 to ``max_limit``."""
    offset = params.get("Offset") or 0
    limit = params.get("Limit")
    limit = default_limit if limit is None else limit
    if offset < 0:
        raise ApiError(f"Offset must not be negative, got {offset}.", code="InvalidParameterValue.OffsetInvalid")
    if not 0 <= limit <= max_limit:
        raise InvalidParameterValue(f"Limit must be between 0 and {max_limit}, got {limit}.")
    if limit and offset % limit:
        raise ApiError(f"Offset must be a multiple of Limit; got Offset {offset} with Limit {limit}.",
                       code="InvalidParameterValue.OffsetInvalid")
    return offset, limit


def paged(params: dict[str, Any], rows: Sequence[Any], member: str = "Rows", default_limit: int = DEFAULT_LIMIT,
          max_limit: int = MAX_LIMIT, render: Optional[Callable[[Any], Any]] = None) -> dict[str, Any]:
    """The answer of an Offset/Limit read: ``TotalCount``, ``Offset``, ``Limit`` and the page of ``rows`` under
    ``member`` (each passed through ``render`` when given: only the page is rendered)."""
    offset, limit = offset_limit(params, default_limit, max_limit)
    page = rows[offset : offset + limit]
    return {"TotalCount": len(rows), "Offset": offset, "Limit": limit,
            member: list(page) if render is None else [render(row) for row in page]}


def created_by_caller(uin: str, params: dict[str, Any]) -> None:
    """``CreateUin`` names who set the tags; in mockcvm the account itself is the only user, so it is that uin or
    absent (0 counts as absent); another uin is refused with the documented code."""
    create_uin = params.get("CreateUin")
    if create_uin and str(create_uin) != uin:
        raise ApiError(f"CreateUin {create_uin} is not a user of this account ({uin}); the account's own uin is "
                       "the only creator of its tags.", code="InvalidParameterValue.UinInvalid")


def check_flag(params: dict[str, Any], name: str) -> int:
    """A 0/1 switch (``ShowProject``, ``CosResourceId``); absent is 0."""
    value = params.get(name) or 0
    if value not in (0, 1):
        raise InvalidParameterValue(f"{name} must be 0 or 1, got {value!r}.")
    return int(value)


def wants_custom(params: dict[str, Any]) -> bool:
    """Whether ``Category`` (All, Custom or System; All by default) lists custom tags, the only ones mockcvm has."""
    category = params.get("Category") or "All"
    if category not in CATEGORIES:
        raise InvalidParameterValue(f"Category must be one of {', '.join(CATEGORIES)}, got {category!r}.")
    return category != "System"


def read_filters(tag_filters: list[dict[str, Any]]) -> list[tuple[str, set[str]]]:
    """``TagFilters`` as (key, values) pairs: at most 6 filters of at most 10 values each."""
    if len(tag_filters) > MAX_TAG_FILTERS:
        raise ApiError(
            f"{len(tag_filters)} TagFilters were given; at most {MAX_TAG_FILTERS} are allowed.",
            code="InvalidParameterValue.TagFiltersLengthExceeded",
        )
    filters = []
    for tag_filter in tag_filters:
        values = tag_filter.get("TagValue") or []
        if len(values) > MAX_TAG_FILTER_VALUES:
            raise ApiError(
                f"The TagFilter on {tag_filter['TagKey']!r} has {len(values)} values; at most "
                f"{MAX_TAG_FILTER_VALUES} are allowed.",
                code="InvalidParameterValue.TagFilters",
            )
        filters.append((tag_filter["TagKey"], set(values)))
    return filters
