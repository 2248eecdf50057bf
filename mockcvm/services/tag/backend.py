"""Tag state and operations. Knows nothing of HTTP; raises ApiError.

Tags live on the resources themselves (``Instance.tags``, ``Disk.tags``, ``Address.tags``), one source of
truth: what the Tag service sets shows in DescribeInstances/DescribeDisks/DescribeAddresses and the other way
round. The Tag backend keeps only indexes: every taggable resource of each account by name, and the tagged ones
in the order they got their first tag, so that GetResources pages without looking at untagged resources or at
the rest of the world. CVM instances enter when they launch (``cbs.launch_disks`` calls
:meth:`TagBackend.track`) and leave when they are released; disks, EIPs, snapshots, images, key pairs and the
network resources when they are created and deleted.
Tags must therefore change through this service (or be given at creation), never by editing ``tags`` in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Iterator, Optional, Protocol

from mockcvm.engine.ordered_index import OrderedIndex
from mockcvm.engine.resources import TAG_KEYS, TAG_PAIRS, TAG_VALUES
from mockcvm.errors import ApiError, InvalidParameterValue
from mockcvm.services.tag.batch import BatchTagging
from mockcvm.services.tag.catalog import TagCatalog
from mockcvm.services.tag.names import KINDS, ResourceName, format_name, parse_name
from mockcvm.services.tag.params import read_filters
from mockcvm.services.tag.projects import Projects
from mockcvm.services.tag.resource_tags import ResourceTagReads
from mockcvm.services.tag.validation import RESERVED_ON_RESOURCES, check_key, check_room, check_tags

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.world import World

DEFAULT_MAX_RESULTS = 50
MAX_MAX_RESULTS = 200
MAX_RESOURCES_PER_REQUEST = 10
TOKEN_PREFIX = "mockcvm-page-"


class Taggable(Protocol):
    uin: str
    region: str
    tags: dict[str, str]
    released: bool


class Tracked:
    """One entry of the index: a resource and its six-part name."""

    __slots__ = ("prefix", "resource_id", "resource")

    def __init__(self, prefix: str, resource_id: str, resource: Taggable) -> None:
        self.prefix = prefix
        self.resource_id = resource_id
        self.resource = resource

    @property
    def key(self) -> str:
        return f"{self.prefix}/{self.resource_id}"

    @property
    def name(self) -> str:
        return format_name(self.resource.region, self.resource.uin, self.prefix, self.resource_id)


class TagBackend:
    def __init__(self, world: World) -> None:
        self.world = world
        #: uin -> "prefix/id" -> every live taggable resource of the account.
        self._entries: dict[str, dict[str, Tracked]] = {}
        #: uin -> the resources that carry at least one tag, in the order they got their first tag.
        self._tagged: dict[str, OrderedIndex[str, Tracked]] = {}
        self._stores: Optional[dict[str, Any]] = None
        #: uin -> resource id -> released resources (their region, project and last tags name their bills).
        self._retired: dict[str, dict[str, Taggable]] = {}
        self.catalog = TagCatalog(self)
        self.projects = Projects(world)
        self.reads = ResourceTagReads(self)
        self.batch = BatchTagging(self)

    # -- the index (called by CBS, VPC and the release hook) -------------------------------------------------

    def track(self, prefix: str, resource_id: str, resource: Taggable) -> None:
        """Make ``resource`` (``prefix`` instance / eip / volume) visible to the Tag service."""
        entry = Tracked(prefix, resource_id, resource)
        self._entries.setdefault(resource.uin, {})[entry.key] = entry
        self._retag(entry)

    def untrack(self, uin: str, prefix: str, resource_id: str) -> None:
        key = f"{prefix}/{resource_id}"
        gone = self._entries.get(uin, {}).pop(key, None)
        if gone is not None:
            self._retired.setdefault(uin, {})[resource_id] = gone.resource
        tagged = self._tagged.get(uin)
        if tagged is not None:
            tagged.remove(key)

    def resource_of(self, uin: str, resource_id: str) -> Optional[Taggable]:
        """The resource ``resource_id`` of ``uin``, live or released (its id prefix names its kind)."""
        id_prefix = resource_id.partition("-")[0] + "-"
        for kind, naming in KINDS.items():
            if naming.id_prefix == id_prefix:
                entry = self._entries.get(uin, {}).get(f"{kind}/{resource_id}")
                if entry is not None:
                    return entry.resource
        return self._retired.get(uin, {}).get(resource_id)

    def find(self, uin: str, prefix: str, resource_id: str) -> Optional[Taggable]:
        entry = self._entry(uin, f"{prefix}/{resource_id}")
        return None if entry is None else entry.resource

    def entry(self, uin: str, kind: str, resource_id: str) -> Optional[Tracked]:
        """The index entry of the live resource ``resource_id`` of ``kind``, or None."""
        return self._entry(uin, f"{kind}/{resource_id}")

    def _entry(self, uin: str, key: str) -> Optional[Tracked]:
        entry = self._entries.get(uin, {}).get(key)
        if entry is None or entry.resource.released:
            return None
        return entry

    def _retag(self, entry: Tracked) -> None:
        """Keep the tagged index in step with the entry's tags (a first tag appends it, no tag removes it)."""
        uin = entry.resource.uin
        if entry.resource.tags:
            tagged = self._tagged.get(uin)
            if tagged is None:
                tagged = self._tagged[uin] = OrderedIndex()
            if entry.key not in tagged:
                tagged.add(entry.key, entry)
        elif uin in self._tagged:
            self._tagged[uin].remove(entry.key)

    def _changed(self, entry: Tracked) -> None:
        """Tags changed: re-file the resource in the tag indexes its store keeps for the Describe filters."""
        self._retag(entry)
        self._store(entry.prefix).changed(entry.resource, TAG_KEYS, TAG_VALUES, TAG_PAIRS)

    def _store(self, prefix: str) -> Any:
        """The Store that files the resources named ``prefix`` (every kind ``track`` is called with)."""
        stores = self._stores
        if stores is None:  # the other backends are made before this one, their stores after it
            world = self.world
            vpc = world.vpc
            stores = self._stores = {
                "instance": world.cvm.instances, "volume": world.cbs.disks, "eip": vpc.addresses,
                "vpc": vpc.network.vpcs, "subnet": vpc.network.subnets, "sg": vpc.security_groups.groups,
                "eni": vpc.interfaces.interfaces, "snapshot": world.cbs.snapshots.store,
                "image": world.images.images, "keypair": world.keypairs.key_pairs,
            }
        return stores[prefix]

    def find_instance(self, uin: str, region: str, instance_id: str) -> Optional[Instance]:
        """The live instance ``instance_id`` of ``uin`` in ``region``; None if unknown or released."""
        instance = self.world.cvm.get(uin, region, instance_id)
        if instance is None or instance.released:
            return None
        return instance

    def instance_released(self, instance: Instance) -> None:
        """Forget ``instance``: its tags disappear from GetResources."""
        self.untrack(instance.uin, "instance", instance.instance_id)

    def tagged_entries(self, uin: str) -> Iterator[Tracked]:
        """The account's live resources that carry at least one tag."""
        tagged = self._tagged.get(uin)
        if tagged is not None:
            for entry in tagged:
                if not entry.resource.released:
                    yield entry

    def resolve(self, uin: str, text: str) -> tuple[ResourceName, Optional[Tracked]]:
        """The resource a six-part name names (None if unknown or released); a malformed name is refused."""
        return self._resolve(uin, text)

    def apply(self, entry: Tracked, added: dict[str, str], removed: Iterable[str]) -> None:
        """Change one resource's tags (already checked) and keep the index in step."""
        tags = entry.resource.tags
        for key in removed:
            tags.pop(key, None)
        tags.update(added)
        self._changed(entry)

    def _resolve(self, uin: str, text: str) -> tuple[ResourceName, Optional[Tracked]]:
        name = parse_name(text, uin)
        entry = self._entry(uin, name.key)
        if entry is not None and entry.resource.region != name.region:
            entry = None
        return name, entry

    # -- GetResources ----------------------------------------------------------------------------------------

    def get_resources(
        self,
        uin: str,
        resource_list: Optional[list[str]],
        tag_filters: list[dict[str, Any]],
        token: Optional[str],
        max_results: Optional[int],
    ) -> tuple[list[dict[str, Any]], str]:
        """One page of tagged resources and the token of the next page ("" when this is the last)."""
        filters = read_filters(tag_filters)
        after = _read_token(token)
        limit = DEFAULT_MAX_RESULTS if max_results is None else max_results
        if not 1 <= limit <= MAX_MAX_RESULTS:
            raise InvalidParameterValue(f"MaxResults must be between 1 and {MAX_MAX_RESULTS}, got {limit}.")
        if resource_list:
            _check_count(resource_list)
            mappings = []
            for text in resource_list:
                _name, entry = self._resolve(uin, text)
                if entry is not None and entry.resource.tags and _matches(entry.resource.tags, filters):
                    mappings.append(_mapping(text, entry.resource))  # answered as given
            return mappings, ""
        page: list[dict[str, Any]] = []
        last_seq = 0
        candidates = self._matching(uin, after, filters)
        for seq, entry in candidates:
            if len(page) == limit:  # one more exists: the caller needs a token
                return page, TOKEN_PREFIX + format(last_seq, "x")
            page.append(_mapping(entry.name, entry.resource))
            last_seq = seq
        return page, ""

    def _matching(
        self, uin: str, after: int, filters: list[tuple[str, set[str]]]
    ) -> Iterator[tuple[int, Tracked]]:
        tagged = self._tagged.get(uin)
        if tagged is None:
            return
        for seq, entry in tagged.after(after):
            resource = entry.resource
            if resource.tags and not resource.released and _matches(resource.tags, filters):
                yield seq, entry

    # -- changes ---------------------------------------------------------------------------------------------

    def tag_resources(
        self, uin: str, resource_list: list[str], tags: list[dict[str, Any]]
    ) -> list[dict[str, str]]:
        """Add or overwrite ``tags`` on each resource; unknown resources are reported, not refused."""
        wanted = check_tags(((t["TagKey"], t["TagValue"]) for t in tags), reserved_code=RESERVED_ON_RESOURCES)
        targets, failed = self._targets(uin, resource_list)
        for entry in targets:
            check_room(entry.resource.tags, wanted)
        for entry in targets:
            entry.resource.tags.update(wanted)
            self._changed(entry)
        return failed

    def untag_resources(self, uin: str, resource_list: list[str], keys: list[str]) -> list[dict[str, str]]:
        for key in keys:
            if not key:
                raise ApiError("A tag key must not be empty.", code="InvalidParameterValue.TagKeyEmpty")
        targets, failed = self._targets(uin, resource_list)
        for entry in targets:
            for key in keys:
                entry.resource.tags.pop(key, None)
            self._changed(entry)
        return failed

    def modify_resource_tags(
        self,
        uin: str,
        resource: str,
        replace: Optional[list[dict[str, Any]]],
        delete: Optional[list[dict[str, Any]]],
    ) -> None:
        if not replace and not delete:
            raise ApiError(
                "ModifyResourceTags needs ReplaceTags or DeleteTags (a non-empty list).",
                code="MissingParameter",
            )
        wanted = check_tags(((t["TagKey"], t["TagValue"]) for t in replace or []),
                            reserved_code=RESERVED_ON_RESOURCES)
        removed = [d["TagKey"] for d in delete or []]
        for key in removed:
            check_key(key, RESERVED_ON_RESOURCES)
        clash = sorted(set(wanted) & set(removed))
        if clash:
            raise ApiError(
                f"The tag key(s) {', '.join(clash)} appear in both ReplaceTags and DeleteTags.",
                code="InvalidParameterValue.DeleteTagsParamError",
            )
        _name, target = self._resolve(uin, resource)
        if target is None:
            raise ApiError(
                f"The resource {resource!r} does not exist.", code="InvalidParameterValue.ResourceIdInvalid"
            )
        tags = target.resource.tags
        check_room(tags, wanted, removed)
        for key in removed:
            tags.pop(key, None)
        tags.update(wanted)
        self._changed(target)

    def _targets(self, uin: str, resource_list: list[str]) -> tuple[list[Tracked], list[dict[str, str]]]:
        _check_count(resource_list)
        resolved = [(text, self._resolve(uin, text)[1]) for text in resource_list]
        targets = list({id(r): r for _, r in resolved if r is not None}.values())
        failed = [
            {
                "Resource": text,
                "Code": "InvalidParameterValue.ResourceIdInvalid",
                "Message": f"The resource {text!r} does not exist (or was released).",
            }
            for text, r in resolved
            if r is None
        ]
        return targets, failed


def _check_count(resource_list: list[str]) -> None:
    if len(resource_list) > MAX_RESOURCES_PER_REQUEST:
        raise ApiError(
            f"{len(resource_list)} resources were given; at most {MAX_RESOURCES_PER_REQUEST} are allowed.",
            code="LimitExceeded.ResourceNumPerRequest",
        )


def _mapping(name: str, resource: Taggable) -> dict[str, Any]:
    return {"Resource": name, "Tags": [{"TagKey": k, "TagValue": v} for k, v in resource.tags.items()]}


def _matches(tags: dict[str, str], filters: list[tuple[str, set[str]]]) -> bool:
    for key, values in filters:
        if key not in tags or (values and tags[key] not in values):
            return False
    return True


def _read_token(token: Optional[str]) -> int:
    if not token:
        return 0
    digits = token[len(TOKEN_PREFIX) :] if token.startswith(TOKEN_PREFIX) else ""
    try:
        return int(digits, 16)
    except ValueError:
        raise ApiError(
            f"The PaginationToken {token!r} was not returned by GetResources; pass the PaginationToken of "
            "the "
            "previous page, or none for the first page.",
            code="InvalidParameter.PaginationTokenInvalid",
        ) from None
