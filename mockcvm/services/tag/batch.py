"""One tag on many resources of one service, prefix and region: AttachResourcesTag, DetachResourcesTag,
ModifyResourcesTagValue; and UpdateResourceTagValue (one resource by its six-part name).

Unlike TagResources, these report no partial failure: every resource is checked first and one that is unknown,
released, already carrying the key with another value (Attach) or not carrying it (Detach, Modify, Update)
refuses the whole request, before any resource changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockcvm.errors import ApiError, MissingParameter
from mockcvm.services.tag.names import compose
from mockcvm.services.tag.validation import RESERVED_ON_RESOURCES, check_key, check_room, check_tags

if TYPE_CHECKING:
    from mockcvm.services.tag.backend import TagBackend, Tracked

MAX_RESOURCES = 50


class BatchTagging:
    def __init__(self, backend: TagBackend) -> None:
        self.backend = backend

    def _targets(self, uin: str, params: dict[str, Any]) -> list[Tracked]:
        ids = list(dict.fromkeys(params.get("ResourceIds") or []))
        if not ids:
            raise MissingParameter("ResourceIds needs at least one resource id.")
        if len(ids) > MAX_RESOURCES:
            raise ApiError(f"{len(ids)} ResourceIds were given; at most {MAX_RESOURCES} are allowed.",
                           code="LimitExceeded.ResourceNumPerRequest")
        service, region = params["ServiceType"], params.get("ResourceRegion") or ""
        prefix = params.get("ResourcePrefix") or ""
        targets = []
        for resource_id in ids:
            name = compose(service, region, prefix, resource_id)
            _name, entry = self.backend.resolve(uin, name)
            if entry is None:
                raise ApiError(f"The resource {resource_id!r} ({name}) does not exist or was released.",
                               code="InvalidParameterValue.ResourceIdInvalid")
            targets.append(entry)
        return targets

    def attach(self, uin: str, params: dict[str, Any]) -> None:
        """Set ``TagKey=TagValue`` on every resource; one carrying the pair already is left as it is."""
        key, value = params["TagKey"], params["TagValue"]
        wanted = check_tags([(key, value)], reserved_code=RESERVED_ON_RESOURCES)
        targets = self._targets(uin, params)
        for entry in targets:
            tags = entry.resource.tags
            if key in tags and tags[key] != value:
                raise ApiError(f"The resource {entry.resource_id} already carries {key}={tags[key]}; change its "
                               "value with ModifyResourcesTagValue.", code="ResourceInUse.TagKeyAttached")
            check_room(tags, wanted)
        for entry in targets:
            if entry.resource.tags.get(key) != value:
                self.backend.apply(entry, wanted, ())

    def detach(self, uin: str, params: dict[str, Any]) -> None:
        key = params["TagKey"]
        check_key(key, RESERVED_ON_RESOURCES)
        targets = self._carrying(self._targets(uin, params), key)
        for entry in targets:
            self.backend.apply(entry, {}, (key,))

    def modify_values(self, uin: str, params: dict[str, Any]) -> None:
        key, value = params["TagKey"], params["TagValue"]
        wanted = check_tags([(key, value)], reserved_code=RESERVED_ON_RESOURCES)
        for entry in self._carrying(self._targets(uin, params), key):
            self.backend.apply(entry, wanted, ())

    def update_value(self, uin: str, resource: str, key: str, value: str) -> None:
        """UpdateResourceTagValue: a resource the Tag service does not know carries no key, so an unknown one
        answers the same code as a key it does not carry."""
        wanted = check_tags([(key, value)], reserved_code=RESERVED_ON_RESOURCES)
        _name, entry = self.backend.resolve(uin, resource)
        if entry is None or key not in entry.resource.tags:
            raise ApiError(f"The resource {resource!r} carries no tag key {key!r}; attach it with "
                           "AddResourceTag or TagResources.", code="ResourceNotFound.AttachedTagKeyNotFound")
        self.backend.apply(entry, wanted, ())

    @staticmethod
    def _carrying(targets: list[Tracked], key: str) -> list[Tracked]:
        for entry in targets:
            if key not in entry.resource.tags:
                raise ApiError(f"The resource {entry.resource_id} carries no tag key {key!r}.",
                               code="ResourceNotFound.AttachedTagKeyNotFound")
        return targets
