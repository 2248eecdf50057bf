"""Reads of resources and their tags by ServiceType, ResourcePrefix, ResourceRegion and ids or tag filters:
DescribeResourceTags, DescribeResourceTagsByResourceIds (and its Seq twin), DescribeResourceTagsByTagKeys,
DescribeResourcesByTags (every filter must match) and DescribeResourcesByTagsUnion (one filter is enough).

Every read answers a resource under the caller's spelling of its service and prefix when the caller gave one
(``cbs``/``instance`` for a disk stays ``cbs``/``instance``), the canonical one otherwise. A read by filters walks
the account's tagged resources only, in the order they got their first tag (the order GetResources lists).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Optional

from mockcvm.errors import ApiError
from mockcvm.services.tag.names import compose, kinds_named, spelling_for
from mockcvm.services.tag.params import check_flag, created_by_caller, paged, read_filters
from mockcvm.services.tag.validation import check_key_text

if TYPE_CHECKING:
    from mockcvm.services.tag.backend import TagBackend, Tracked

MAX_IDS_BY_TAG_KEYS = 20
MAX_KEYS_BY_TAG_KEYS = 20
DEFAULT_LIMIT_BY_TAG_KEYS = 400


class ResourceTagReads:
    def __init__(self, backend: TagBackend) -> None:
        self.backend = backend

    # -- by ids ----------------------------------------------------------------------------------------------

    def _named(self, uin: str, params: dict[str, Any]) -> Iterator[tuple[str, Tracked]]:
        """Each id of ``ResourceIds`` (once) with its live resource; unknown ids are left out, a name that the
        service, prefix and id cannot spell is refused with the code of the wrong part."""
        service, prefix, region = params["ServiceType"], params.get("ResourcePrefix") or "", params["ResourceRegion"]
        resolved = [(i, self.backend.resolve(uin, compose(service, region, prefix, i))[1])
                    for i in dict.fromkeys(params["ResourceIds"])]
        return ((i, entry) for i, entry in resolved if entry is not None)

    def by_resource_ids(self, uin: str, params: dict[str, Any]) -> dict[str, Any]:
        """DescribeResourceTagsByResourceIds(Seq): one row per tag of each named resource, in the ids' order."""
        service = params["ServiceType"]
        rows = [_tag_row(resource_id, service, key, value)
                for resource_id, entry in self._named(uin, params)
                for key, value in entry.resource.tags.items()]
        return paged(params, rows, "Tags")

    def by_tag_keys(self, uin: str, params: dict[str, Any]) -> dict[str, Any]:
        """DescribeResourceTagsByTagKeys: each named resource that carries one of ``TagKeys``, with those tags."""
        ids, keys = params["ResourceIds"], list(dict.fromkeys(params["TagKeys"]))
        if len(ids) > MAX_IDS_BY_TAG_KEYS:
            raise ApiError(f"{len(ids)} ResourceIds were given; at most {MAX_IDS_BY_TAG_KEYS} are allowed.",
                           code="LimitExceeded.ResourceNumPerRequest")
        if len(keys) > MAX_KEYS_BY_TAG_KEYS:
            raise ApiError(f"{len(keys)} TagKeys were given; at most {MAX_KEYS_BY_TAG_KEYS} are allowed.",
                           code="InvalidParameter.Tag")
        for key in keys:
            check_key_text(key)
        rows = []
        for resource_id, entry in self._named(uin, params):
            tags = entry.resource.tags
            found = [{"TagKey": k, "TagValue": tags[k]} for k in keys if k in tags]
            if found:
                rows.append({"ResourceId": resource_id, "TagKeyValues": found})
        return paged(params, rows, default_limit=DEFAULT_LIMIT_BY_TAG_KEYS)

    # -- by what the resources are ---------------------------------------------------------------------------

    def _selected(self, uin: str, params: dict[str, Any]) -> list[Tracked]:
        """The tagged resources ``ServiceType``, ``ResourcePrefix``, ``ResourceRegion`` and ``ResourceId`` (each
        optional) select."""
        created_by_caller(uin, params)
        service, prefix, region, resource_id = _narrowing(params)
        kinds = kinds_named(service, prefix, resource_id)
        entries: Iterable[Optional[Tracked]]
        if resource_id is not None:  # one lookup per kind the id can be, not a walk
            entries = [self.backend.entry(uin, kind, resource_id) for kind in kinds]
        else:
            entries = self.backend.tagged_entries(uin)
        wanted = frozenset(kinds)
        return [entry for entry in entries if entry is not None and entry.resource.tags
                and entry.prefix in wanted and region in (None, entry.resource.region)]

    def describe_resource_tags(self, uin: str, params: dict[str, Any]) -> dict[str, Any]:
        """DescribeResourceTags: one row per tag of every selected resource (there are no COS resources)."""
        cos = check_flag(params, "CosResourceId")
        service, prefix = _narrowing(params)[:2]
        selected = self._selected(uin, params)
        rows = [] if cos else [(entry, key, value) for entry in selected for key, value in entry.resource.tags.items()]

        def render(row: tuple[Tracked, str, str]) -> dict[str, Any]:
            entry, key, value = row
            return _tag_row(entry.resource_id, spelling_for(entry.prefix, service, prefix)[0], key, value)

        return paged(params, rows, render=render)

    def by_tags(self, uin: str, params: dict[str, Any], union: bool) -> dict[str, Any]:
        """DescribeResourcesByTags (``union`` False: every filter matches) and DescribeResourcesByTagsUnion (one
        filter matches); a filter matches a resource carrying its key with one of its values (any, if none)."""
        filters = read_filters(params["TagFilters"])
        if not filters:
            raise ApiError("TagFilters needs at least one filter.", code="InvalidParameterValue.TagFilters")
        service, prefix = _narrowing(params)[:2]
        found = []
        for entry in self._selected(uin, params):
            tags = entry.resource.tags
            hits = (key in tags and (not values or tags[key] in values) for key, values in filters)
            if any(hits) if union else all(hits):
                found.append(entry)

        def render(entry: Tracked) -> dict[str, Any]:
            answered_service, answered_prefix = spelling_for(entry.prefix, service, prefix)
            return {"ResourceRegion": entry.resource.region, "ServiceType": answered_service,
                    "ResourcePrefix": answered_prefix, "ResourceId": entry.resource_id,
                    "Tags": [{"TagKey": k, "TagValue": v} for k, v in entry.resource.tags.items()]}

        return paged(params, found, render=render)


def _narrowing(params: dict[str, Any]) -> tuple[Optional[str], ...]:
    """``ServiceType``, ``ResourcePrefix``, ``ResourceRegion``, ``ResourceId``; absent or empty is None."""
    return tuple(params.get(n) or None for n in ("ServiceType", "ResourcePrefix", "ResourceRegion", "ResourceId"))


def _tag_row(resource_id: str, service: str, key: str, value: str) -> dict[str, Any]:
    return {"TagKey": key, "TagValue": value, "ResourceId": resource_id, "ServiceType": service,
            "TagKeyMd5": _md5(key), "TagValueMd5": _md5(value)}


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()  # noqa: S324 - an identifier, as the API gives it
