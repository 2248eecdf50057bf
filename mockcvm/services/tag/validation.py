"""The rules every tag obeys wherever it is set (Tag actions, ``Tags`` of CreateDisks/AllocateAddresses)."""

from __future__ import annotations

from typing import Iterable

from mockcvm.errors import ApiError

RESERVED_PREFIXES = ("qcloud", "tencent", "project")
MAX_KEY_LENGTH = 127
MAX_VALUE_LENGTH = 255
MAX_TAGS_PER_REQUEST = 10
MAX_TAGS_PER_RESOURCE = 50
#: The code of a reserved key where a resource's tags change (the catalog's CreateTag answers the default).
RESERVED_ON_RESOURCES = "InvalidParameter.ReservedTagKey"
RESERVED = "InvalidParameterValue.ReservedTagKey"


def check_tags(
    pairs: Iterable[tuple[str, str]], limit: int = MAX_TAGS_PER_REQUEST, reserved_code: str = RESERVED
) -> dict[str, str]:
    """``{key: value}`` from ``pairs`` after the documented checks; raises the documented code otherwise."""
    tags: dict[str, str] = {}
    for key, value in pairs:
        check_key(key, reserved_code)
        if len(value) > MAX_VALUE_LENGTH:
            raise ApiError(
                f"The value of tag {key!r} is {len(value)} characters long; at most {MAX_VALUE_LENGTH} "
                "are allowed.",
                code="InvalidParameterValue.TagValueLengthExceeded",
            )
        if key in tags:
            raise ApiError(
                f"The tag key {key!r} is given twice.", code="InvalidParameterValue.TagKeyDuplicate"
            )
        tags[key] = value
    if len(tags) > limit:
        raise ApiError(
            f"{len(tags)} tags were given; at most {limit} are allowed per request.",
            code="LimitExceeded.TagNumPerRequest",
        )
    return tags


def check_key(key: str, reserved_code: str = RESERVED) -> None:
    check_key_text(key)
    if key.lower().startswith(RESERVED_PREFIXES):
        raise ApiError(
            f"The tag key {key!r} starts with a reserved prefix ({', '.join(RESERVED_PREFIXES)}).",
            code=reserved_code,
        )


def check_key_text(key: str) -> None:
    """A key as a read names it: not empty, not too long (a reserved prefix is only refused where tags are set)."""
    if not key:
        raise ApiError("A tag key must not be empty.", code="InvalidParameterValue.TagKeyEmpty")
    if len(key) > MAX_KEY_LENGTH:
        raise ApiError(
            f"The tag key {key[:20]!r}... is {len(key)} characters long; at most {MAX_KEY_LENGTH} "
            "are allowed.",
            code="InvalidParameterValue.TagKeyLengthExceeded",
        )


def check_room(current: dict[str, str], added: dict[str, str], removed: Iterable[str] = ()) -> None:
    """Refuse a change that would leave a resource with more than MAX_TAGS_PER_RESOURCE tags."""
    after = (set(current) - set(removed)) | set(added)
    if len(after) > MAX_TAGS_PER_RESOURCE:
        raise ApiError(
            f"A resource can carry at most {MAX_TAGS_PER_RESOURCE} tags; this change would leave "
            f"{len(after)}.",
            code="LimitExceeded.ResourceAttachedTags",
        )
