"""An account's tags as the Tag service lists them: the pairs created with CreateTag(s) and every pair a live
resource carries. A pair in use on a resource cannot be deleted; a created pair stays listed after its last
resource lets it go, until DeleteTag(s).

Also the single-resource actions (AddResourceTag, DeleteResourceTag), which change tags through
:class:`TagBackend` like every other tag change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Optional

from mockcvm.errors import ApiError, InvalidParameterValue
from mockcvm.services.tag.params import check_flag, created_by_caller, paged
from mockcvm.services.tag.validation import RESERVED_ON_RESOURCES, check_key, check_room, check_tags

if TYPE_CHECKING:
    from mockcvm.services.tag.backend import TagBackend, Tracked

Pair = tuple[str, str]
DEFAULT_MAX_RESULTS, MAX_MAX_RESULTS = 50, 1000
TOKEN_PREFIX = "mockcvm-tags-"


class TagCatalog:
    def __init__(self, backend: TagBackend) -> None:
        self.backend = backend
        self._created: dict[str, set[Pair]] = {}

    # -- what exists -----------------------------------------------------------------------------------------

    def in_use(self, uin: str) -> set[Pair]:
        return {pair for entry in self.backend.tagged_entries(uin) for pair in entry.resource.tags.items()}

    def pairs(self, uin: str) -> list[Pair]:
        return sorted(self._created.get(uin, set()) | self.in_use(uin))

    # -- create and delete -----------------------------------------------------------------------------------

    def create(self, uin: str, pairs: Iterable[Pair]) -> None:
        wanted = list(pairs)
        for key, value in wanted:
            check_tags([(key, value)])
            if not value:
                raise ApiError(f"The tag {key!r} needs a value.", code="InvalidParameterValue.TagValueEmpty")
        known = set(self.pairs(uin))
        duplicates = sorted({p for p in wanted if p in known} | {p for p in wanted if wanted.count(p) > 1})
        if duplicates:
            raise ApiError(f"The tag(s) {_show(duplicates)} already exist.", code="ResourceInUse.TagDuplicate")
        self._created.setdefault(uin, set()).update(wanted)

    def delete(self, uin: str, pairs: Iterable[Pair]) -> None:
        wanted = list(dict.fromkeys(pairs))
        used = self.in_use(uin)
        created = self._created.get(uin, set())
        for pair in wanted:
            if pair in used:
                raise ApiError(f"The tag {_show([pair])} is attached to resources; untag them first.",
                               code="FailedOperation.TagAttachedResource")
            if pair not in created:
                raise ApiError(f"The tag {_show([pair])} does not exist.", code="ResourceNotFound.TagNonExist")
        created.difference_update(wanted)

    # -- listings --------------------------------------------------------------------------------------------

    def page(self, items: list[Any], token: Optional[str], max_results: Optional[int]) -> tuple[list[Any], str]:
        limit = DEFAULT_MAX_RESULTS if max_results is None else max_results
        if not 1 <= limit <= MAX_MAX_RESULTS:
            raise InvalidParameterValue(f"MaxResults must be between 1 and {MAX_MAX_RESULTS}, got {limit}.")
        start = 0
        if token:
            digits = token[len(TOKEN_PREFIX):] if token.startswith(TOKEN_PREFIX) else ""
            if not digits.isdigit():
                raise ApiError(f"The PaginationToken {token!r} was not returned by this service; pass the "
                               "PaginationToken of the previous page, or none for the first page.",
                               code="InvalidParameter.PaginationTokenInvalid")
            start = int(digits)
        page = items[start : start + limit]
        following = start + limit
        return page, TOKEN_PREFIX + str(following) if following < len(items) else ""

    def keys(self, uin: str) -> list[str]:
        """Every key of the account's tags, sorted (GetTagKeys, DescribeTagKeys)."""
        return sorted({k for k, _v in self.pairs(uin)})

    def values(self, uin: str, keys: list[str]) -> list[Pair]:
        """The account's tags whose key is one of ``keys`` (GetTagValues, DescribeTagValues(Seq))."""
        wanted = set(keys)
        return [p for p in self.pairs(uin) if p[0] in wanted]

    def describe(self, uin: str, params: dict[str, Any]) -> dict[str, Any]:
        """DescribeTags(Seq): ``TagKeys`` wins over ``TagKey``; ``TagValue`` narrows; ``CanDelete`` 0 while in use."""
        created_by_caller(uin, params)
        check_flag(params, "ShowProject")  # project tags are for accounts Tencent lets in; mockcvm has none
        keys = set(params.get("TagKeys") or ([params["TagKey"]] if params.get("TagKey") else []))
        value = params.get("TagValue")
        used = self.in_use(uin)
        rows = [{"TagKey": k, "TagValue": v, "CanDelete": 0 if (k, v) in used else 1}
                for k, v in self.pairs(uin) if (not keys or k in keys) and (value is None or v == value)]
        return paged(params, rows, "Tags")

    # -- one resource ----------------------------------------------------------------------------------------

    def _target(self, uin: str, resource: str) -> Tracked:
        _name, entry = self.backend.resolve(uin, resource)
        if entry is None:
            raise ApiError(f"The resource {resource!r} does not exist.",
                           code="InvalidParameterValue.ResourceIdInvalid")
        return entry

    def add_resource_tag(self, uin: str, resource: str, key: str, value: str) -> None:
        wanted = check_tags([(key, value)], reserved_code=RESERVED_ON_RESOURCES)
        entry = self._target(uin, resource)
        if key in entry.resource.tags:
            raise ApiError(f"The resource {resource!r} already carries the tag key {key!r}; change its value with "
                           "ModifyResourceTags.", code="ResourceInUse.TagKeyAttached")
        check_room(entry.resource.tags, wanted)
        self.backend.apply(entry, wanted, ())

    def delete_resource_tag(self, uin: str, resource: str, key: str) -> None:
        check_key(key, RESERVED_ON_RESOURCES)
        entry = self._target(uin, resource)
        if key not in entry.resource.tags:
            raise ApiError(f"The resource {resource!r} carries no tag key {key!r}.",
                           code="ResourceNotFound.AttachedTagKeyNotFound")
        self.backend.apply(entry, {}, (key,))


def _show(pairs: Iterable[Pair]) -> str:
    return ", ".join(f"{k}={v}" for k, v in pairs)
