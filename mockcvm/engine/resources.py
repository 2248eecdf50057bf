"""The resource layer: a resource kind is a declaration; Describe, paging, filters, id checks and rendering come
from it (docs/internals.md, "The resource layer").

A :class:`Kind` declares, for one kind of resource (an EIP, a disk, a VPC, ...):

- its id: prefix and format, and the wire codes of a malformed id, an unknown id and too many ids;
- its official output object, rendered from the schema's member list: a member the kind reads is read, every
  other always-returned member gets the neutral value of its type (``""``, ``0``, ``False``, ``[]``, an object of
  neutral values), so every answer carries every always-returned member with the right type;
- its documented filters, name -> :class:`Filter` (how to read the value(s); ``indexed`` ones are looked up in an
  index kept at write time instead of scanning), plus ``tag:<key>``, ``tag-key`` and ``tag-value`` when the kind
  has tags, and the wire codes of an unknown filter and of too many filters or values.

A :class:`Store` keeps the live resources of one kind: per (account, region) in creation order in an
:class:`OrderedIndex` (an unfiltered page costs O(page)), by id, and one index per indexed filter (value ->
resources in creation order), updated by :meth:`Store.add`, :meth:`Store.remove` and :meth:`Store.changed`.
A backend that changes an indexed attribute calls ``changed`` afterwards. :meth:`Store.describe` answers
ids-or-filters-then-page for every Describe action.
"""

from __future__ import annotations

import copy
import heapq
import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import islice
from typing import Any, Callable, Generic, Hashable, Iterable, Iterator, Mapping, Optional, TypeVar, Union

from mockcvm.engine.ordered_index import OrderedIndex
from mockcvm.errors import ApiError
from mockcvm.protocol import schema

R = TypeVar("R")
Value = Union[Optional[str], Iterable[str]]


@dataclass(frozen=True)
class Codes:
    """The wire codes a kind answers with (each from the service's ``errorcodes.py``)."""

    malformed: str
    not_found: str
    ids_limit: str = "InvalidParameterValue.LimitExceeded"
    coexist: Optional[str] = "InvalidParameter.Coexist"  # ids and Filters together; None: allowed (AND)
    unknown_filter: str = "InvalidParameter.FilterInvalidKey"
    filters_limit: str = "InvalidParameterValue.LimitExceeded"
    values_limit: str = "InvalidParameterValue.LimitExceeded"
    paging: str = "InvalidParameterValue.Range"


class Filter:
    """One documented filter: ``read`` gives a resource's value(s) as strings; a resource matches when one of
    them is among the filter's ``Values``. ``test(resource, values)`` replaces that rule for filters that do not
    select by value (a substring, a time range); such filters cannot be indexed and scan. ``check`` validates the
    values (raising ApiError) before anything is read.

    ``indexed``: the store keeps an index value -> resources for it, updated at write time. ``lookup`` (instead of
    an index): a value -> the id of the one resource it can select (the id filter itself, a value the id can be
    derived from), so the filter costs one id lookup per value and no memory per resource. ``index`` and ``key``
    name an index the store keeps on its own (the tag indexes) and map a wanted value to its key there. ``fixed``:
    the value seldom changes after the resource is added (a zone, a subnet, an address), so the store does not
    keep what it filed the resource under: it reads the value again when the resource goes, and a change of it
    names the value before (``Store.changed(resource, was={name: old value})``)."""

    __slots__ = ("read", "indexed", "test", "check", "lookup", "index", "key", "fixed")

    def __init__(
        self,
        read: Optional[Callable[[Any], Value]] = None,
        *,
        indexed: bool = False,
        test: Optional[Callable[[Any, list[str]], bool]] = None,
        check: Optional[Callable[[list[str]], None]] = None,
        lookup: Optional[Callable[[str], Optional[str]]] = None,
        index: Optional[str] = None,
        key: Optional[Callable[[str], Hashable]] = None,
        fixed: bool = False,
    ) -> None:
        if (read is None) == (test is None):
            raise TypeError("a Filter needs exactly one of read or test")
        if (indexed or lookup is not None) and read is None:
            raise TypeError("only a filter that reads values can be indexed")
        self.read, self.indexed, self.test, self.check = read, indexed or index is not None, test, check
        self.lookup, self.index, self.key, self.fixed = lookup, index, key, fixed


#: The indexes a store keeps for a kind with tags: by key, by value, by (key, value) for ``tag:<key>``.
TAG_KEYS, TAG_VALUES, TAG_PAIRS = "tag-key", "tag-value", "tag:"

#: A filter ready to apply: (name, filter, wanted values).
Compiled = tuple[str, Filter, frozenset[str]]


class Kind(Generic[R]):
    """The declaration of one kind of resource (module docstring)."""

    def __init__(
        self,
        *,
        service: str,
        output: Optional[str],
        noun: str,
        id_attr: str,
        id_prefix: str,
        codes: Codes,
        render: Optional[dict[str, Callable[[R], Any]]] = None,
        filters: Optional[dict[str, Filter]] = None,
        tags: Optional[Callable[[R], dict[str, str]]] = None,
        id_pattern: Optional[str] = None,
        max_ids: int = 100,
        max_filters: int = 10,
        max_values: int = 100,
        default_limit: int = 20,
        max_limit: int = 100,
    ) -> None:
        self.service, self.output, self.noun = service, output, noun
        self.id_attr, self.id_prefix, self.codes = id_attr, id_prefix, codes
        self.id_regex = re.compile(id_pattern or rf"{re.escape(id_prefix)}-[a-z0-9]{{8}}\Z")
        self.readers = render or {}
        self.filters = filters or {}
        self.tags = tags
        self.max_ids, self.max_filters, self.max_values = max_ids, max_filters, max_values
        self.default_limit, self.max_limit = default_limit, max_limit
        self._plan: Optional[list[tuple[str, Callable[[R], Any]]]] = None

    def with_filters(self, filters: dict[str, Filter]) -> Kind[R]:
        """This kind with more filters (those that need the world, such as a disk's instance name)."""
        extended = copy.copy(self)
        extended.filters = {**self.filters, **filters}
        return extended

    # -- ids --------------------------------------------------------------------------------------------------

    def id_of(self, resource: R) -> str:
        return getattr(resource, self.id_attr)  # type: ignore[no-any-return]

    def check_id(self, resource_id: str) -> None:
        if not self.id_regex.match(resource_id):
            raise ApiError(
                f"The {self.noun} id {resource_id!r} is malformed; expected {self.id_prefix}- and 8 letters or "
                f"digits ({self.id_prefix}-1a2b3c4d).",
                code=self.codes.malformed,
            )

    def check_ids(self, ids: list[str], what: str = "") -> list[str]:
        """``ids`` checked (count, format), duplicates dropped, in the order given."""
        if len(ids) > self.max_ids:
            raise ApiError(
                f"{len(ids)} {what or self.noun + ' ids'} were given; at most {self.max_ids} are allowed.",
                code=self.codes.ids_limit,
            )
        for resource_id in ids:
            self.check_id(resource_id)
        return list(dict.fromkeys(ids))

    def not_found(self, resource_id: str, region: str) -> ApiError:
        return ApiError(f"The {self.noun} {resource_id} does not exist in {region}.", code=self.codes.not_found)

    # -- filters ----------------------------------------------------------------------------------------------

    def compile(self, filters: list[dict[str, Any]]) -> list[Compiled]:
        """``Filters`` checked (names, counts, values) and ready for :func:`matches`."""
        if len(filters) > self.max_filters:
            raise ApiError(
                f"{len(filters)} filters were given; at most {self.max_filters} are allowed.",
                code=self.codes.filters_limit,
            )
        compiled = []
        for item in filters:
            name, values = item["Name"], list(item["Values"])
            if len(values) > self.max_values:
                raise ApiError(
                    f"The filter {name!r} has {len(values)} values; at most {self.max_values} are allowed.",
                    code=self.codes.values_limit,
                )
            spec = self._filter(name)
            if spec.check is not None:
                spec.check(values)
            compiled.append((name, spec, frozenset(values)))
        return compiled

    def _filter(self, name: str) -> Filter:
        spec = self.filters.get(name)
        if spec is not None:
            return spec
        tags = self.tags
        if tags is not None:
            if name.startswith("tag:") and len(name) > 4:
                key = name[4:]
                return Filter(lambda r: tags(r).get(key), index=TAG_PAIRS, key=lambda value: (key, value))
            if name == "tag-key":
                return Filter(lambda r: tags(r).keys(), index=TAG_KEYS)
            if name == "tag-value":
                return Filter(lambda r: tags(r).values(), index=TAG_VALUES)
        known = ", ".join([*self.filters, *(("tag-key", "tag-value", "tag:<key>") if tags else ())])
        raise ApiError(f"The filter {name!r} is not supported; supported filters: {known}.",
                       code=self.codes.unknown_filter)

    # -- rendering --------------------------------------------------------------------------------------------

    def render(self, resource: R) -> dict[str, Any]:
        """The official output object of ``resource``: every always-returned member, with its type."""
        plan = self._plan
        if plan is None:
            plan = self._plan = self._make_plan()
        return {name: read(resource) for name, read in plan}

    def _make_plan(self) -> list[tuple[str, Callable[[R], Any]]]:
        if self.output is None:
            raise TypeError(f"the {self.noun} kind declares no output object")
        spec = schema.members(self.service, self.output)
        unknown = set(self.readers) - set(spec)
        if unknown:
            raise TypeError(f"{self.output} has no member(s) {sorted(unknown)} in the {self.service} schema")
        plan: list[tuple[str, Callable[[R], Any]]] = []
        for name, member in spec.items():
            reader = self.readers.get(name)
            if reader is None:
                if not member[3]:
                    continue  # may be absent: the SDK reads an absent member as None
                reader = _constant(neutral(self.service, member))
            plan.append((name, reader))
        return plan


def neutral(service: str, member: list[Any]) -> Any:
    """The value an always-returned member has when the fake has nothing to say (None when it may be absent)."""
    kind, member_type, _required, always = member
    if not always:
        return None
    if kind == "list":
        return []
    if kind == "object":
        return {n: neutral(service, m) for n, m in schema.members(service, member_type).items()}
    return {"string": "", "int": 0, "bool": False, "float": 0.0}.get(kind)


def complete(service: str, member: list[Any], value: Any) -> Any:
    """``value`` (a member's value as a request gave it) with every always-returned member its objects lack
    given its neutral value, recursively: what the request left out, the answer still shows."""
    kind, member_type = member[0], member[1]
    if kind == "object" and isinstance(value, dict):
        return _completed(service, member_type, value)
    if kind == "list" and isinstance(value, list) and member_type[:1].isupper():
        return [_completed(service, member_type, v) if isinstance(v, dict) else v for v in value]
    return value


def _completed(service: str, object_name: str, value: dict[str, Any]) -> dict[str, Any]:
    out = dict(value)
    for name, member in schema.members(service, object_name).items():
        if name in out:
            out[name] = complete(service, member, out[name])
        elif member[3]:
            out[name] = neutral(service, member)
    return out


def _constant(value: Any) -> Callable[[Any], Any]:
    if isinstance(value, (list, dict)):
        return lambda _r: copy.deepcopy(value)  # every answer gets its own (callers may change it)
    return lambda _r: value


def _values(value: Value) -> Iterable[str]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return value


def matches(resource: Any, compiled: list[Compiled]) -> bool:
    """Does ``resource`` match every filter (an AND of ORs)?"""
    for _name, spec, wanted in compiled:
        if spec.test is not None:
            if not spec.test(resource, sorted(wanted)):
                return False
        elif wanted.isdisjoint(_values(spec.read(resource))):  # type: ignore[misc]
            return False
    return True


#: Entries per block of a posting list (a block splits at twice this): inserting or removing in the middle of a
#: posting of a million resources moves at most a block, not the list.
_BLOCK = 256


class _Posting(Generic[R]):
    """The resources with one value of one index, in creation order (by sequence number): a list of blocks of
    at most ``2 * _BLOCK`` entries, so that filing and unfiling cost O(log n + block) however long it is, and a
    page at ``start`` costs O(n / block + page)."""

    __slots__ = ("blocks", "maxes", "size")

    def __init__(self) -> None:
        self.blocks: list[tuple[list[int], list[R]]] = []
        self.maxes: list[int] = []  # the last sequence number of each block
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def add(self, seq: int, item: R) -> None:
        maxes = self.maxes
        if maxes and seq > maxes[-1]:  # the common case: the newest resource goes last
            seqs, items = self.blocks[-1]
            seqs.append(seq)
            items.append(item)
            maxes[-1] = seq
            self.size += 1
            if len(seqs) > 2 * _BLOCK:
                self.blocks.append((seqs[_BLOCK:], items[_BLOCK:]))
                del seqs[_BLOCK:], items[_BLOCK:]
                maxes.insert(len(maxes) - 1, seqs[-1])
            return
        if not maxes:
            self.blocks.append(([seq], [item]))
            maxes.append(seq)
            self.size = 1
            return
        b = bisect_left(maxes, seq)
        if b == len(maxes):
            b -= 1
        seqs, items = self.blocks[b]
        i = bisect_left(seqs, seq)
        if i < len(seqs) and seqs[i] == seq:
            return
        seqs.insert(i, seq)
        items.insert(i, item)
        self.size += 1
        maxes[b] = seqs[-1]
        if len(seqs) > 2 * _BLOCK:
            self.blocks.insert(b + 1, (seqs[_BLOCK:], items[_BLOCK:]))
            del seqs[_BLOCK:], items[_BLOCK:]
            maxes.insert(b, seqs[-1])

    def discard(self, seq: int) -> None:
        maxes = self.maxes
        b = bisect_left(maxes, seq)
        if b == len(maxes):
            return
        seqs, items = self.blocks[b]
        i = bisect_left(seqs, seq)
        if i < len(seqs) and seqs[i] == seq:
            del seqs[i], items[i]
            self.size -= 1
            if seqs:
                maxes[b] = seqs[-1]
            else:
                del self.blocks[b], maxes[b]

    def __iter__(self) -> Iterator[R]:
        for _seqs, items in self.blocks:
            yield from items

    def pairs(self) -> Iterator[tuple[int, R]]:
        for seqs, items in self.blocks:
            yield from zip(seqs, items)

    def page(self, start: int, size: int) -> list[R]:
        page: list[R] = []
        for _seqs, items in self.blocks:
            if start >= len(items):
                start -= len(items)
                continue
            page += items[start : start + size - len(page)]
            start = 0
            if len(page) >= size:
                break
        return page


#: An index: value -> the resource that alone has it, or the :class:`_Posting` of the resources that have it (a
#: value as unique as an IP address costs one dict entry, not a posting).
_Index = dict[Hashable, Any]


class _Region(Generic[R]):
    """One account's resources of one kind in one region, with the kind's indexes."""

    __slots__ = ("all", "indexes", "ordered", "multi")

    def __init__(self, indexed: Iterable[str]) -> None:
        self.all: OrderedIndex[str, R] = OrderedIndex()
        self.indexes: dict[str, _Index] = {name: {} for name in indexed}
        self.ordered = list(self.indexes.values())  # in the store's order of indexes
        #: index -> how many resources are filed under more than one of its values (0: its postings are
        #: disjoint, so a union of them is counted by adding their lengths).
        self.multi: dict[str, int] = dict.fromkeys(self.indexes, 0)


def _keys(filed: Any) -> tuple[Hashable, ...]:
    """The index keys one filed entry stands for (a bare value, a tuple of them, or None)."""
    if filed is None:
        return ()
    if isinstance(filed, tuple):
        return filed
    return (filed,)


def _filed(value: Any) -> Any:
    """What is kept for a read value: None, a bare string, or a tuple (the form :func:`_keys` reads back)."""
    if value is None or isinstance(value, str):
        return value
    values = tuple(value)
    if len(values) == 1 and isinstance(values[0], str):
        return values[0]
    return values or None


class Store(Generic[R]):
    """The live resources of one :class:`Kind` (module docstring). Resources carry ``uin`` and ``region``."""

    def __init__(self, kind: Kind[R]) -> None:
        self.kind = kind
        self._by_id: dict[str, R] = {}
        self._regions: dict[tuple[str, str], _Region[R]] = {}
        #: (index name, how to read its keys from a resource), for every index the store keeps.
        self._indexed: list[tuple[str, Callable[[R], Any]]] = [
            (n, f.read) for n, f in kind.filters.items()
            if f.indexed and f.index is None and f.lookup is None and f.read is not None
        ]
        tags = kind.tags
        if tags is not None:
            self._indexed += [
                (TAG_KEYS, lambda r: tuple(tags(r))),
                (TAG_VALUES, lambda r: tuple(dict.fromkeys(tags(r).values()))),
                (TAG_PAIRS, lambda r: tuple(tags(r).items())),
            ]
        self._positions = {name: position for position, (name, _read) in enumerate(self._indexed)}
        #: Positions of the indexes of fixed values: kept as None in what a resource is filed under.
        self._fixed = frozenset(self._positions[n] for n, f in kind.filters.items() if f.fixed and n in self._positions)
        #: What resources are filed under, each distinct tuple once (most resources share theirs with many).
        self._shapes: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._shared = 0
        #: id -> what it is filed under, one entry per index (to unfile it when the values change).
        self._filed: dict[str, tuple[Any, ...]] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, resource_id: object) -> bool:
        return resource_id in self._by_id

    # -- writes -----------------------------------------------------------------------------------------------

    def add(self, resource: R) -> None:
        key = (resource.uin, resource.region)  # type: ignore[attr-defined]
        region = self._regions.get(key)
        if region is None:
            region = self._regions[key] = _Region(n for n, _r in self._indexed)
        resource_id = self.kind.id_of(resource)
        self._by_id[resource_id] = resource
        all_ = region.all
        all_.add(resource_id, resource)
        if not self._indexed:
            return
        seq = all_.seq_of(resource_id)
        filed: list[Any] = []
        fixed = self._fixed
        for position, ((name, read), index) in enumerate(zip(self._indexed, region.ordered)):
            value = read(resource)
            if value.__class__ is str:  # the common case: one value, first or only holder of it
                if index.setdefault(value, resource) is not resource:
                    self._file(region, name, value, seq, resource)
                filed.append(None if position in fixed else value)
                continue
            entry = _filed(value)
            if entry is not None:
                self._file(region, name, entry, seq, resource)
            filed.append(None if position in fixed else entry)
        self._filed[resource_id] = self._shape(tuple(filed))

    def _shape(self, filed: tuple[Any, ...]) -> tuple[Any, ...]:
        shapes = self._shapes
        shared = shapes.get(filed)
        if shared is not None:
            self._shared += 1
            return shared
        # Keep a new shape while sharing pays: resources filed under a value of their own (a disk under its
        # instance's id) would only double the references.
        if len(shapes) < 1024 or self._shared > 4 * len(shapes):
            shapes[filed] = filed
        return filed

    def remove(self, resource: R) -> None:
        resource_id = self.kind.id_of(resource)
        if self._by_id.pop(resource_id, None) is None:
            return
        region = self._regions[(resource.uin, resource.region)]  # type: ignore[attr-defined]
        filed = self._filed.pop(resource_id, None)
        if filed is not None:
            seq = region.all.seq_of(resource_id)
            fixed = self._fixed
            for position, ((name, read), index, entry) in enumerate(zip(self._indexed, region.ordered, filed)):
                if position in fixed:
                    entry = _filed(read(resource))
                if entry.__class__ is str:  # the common case, inline: one value
                    held = index.get(entry)
                    if held is resource:
                        del index[entry]
                    elif held.__class__ is _Posting:
                        held.discard(seq)
                        if held.size == 1:
                            index[entry] = held.blocks[0][1][0]
                        elif not held.size:
                            del index[entry]
                elif entry is not None:
                    self._unfile(region, name, entry, seq, resource)
        region.all.remove(resource_id)

    def changed(self, resource: R, *names: str, was: Optional[Mapping[str, Any]] = None) -> None:
        """Re-file ``resource`` under its current values of the indexed filters (call after changing them):
        of the indexes ``names`` only (the filter names, or ``tag-key``, ``tag-value`` and ``tag:`` for tags),
        or of every index. Only the indexes whose values changed are touched.

        A ``fixed`` filter's value is not kept per resource, so a change of it (an instance moved to another
        subnet) names the value read before the change in ``was`` (filter name -> value); fixed filters not in
        ``was`` are not re-filed."""
        resource_id = self.kind.id_of(resource)
        old = self._filed.get(resource_id)
        if old is None:
            return
        region = self._regions[(resource.uin, resource.region)]  # type: ignore[attr-defined]
        positions = self._positions
        fixed = self._fixed
        for name, value in (was or {}).items():
            position = positions[name]
            if position not in fixed:
                raise TypeError(f"`was` names {name!r}, which is not a fixed filter: its value is kept")
            before, after = _filed(value), _filed(self._indexed[position][1](resource))
            if before != after:
                seq = region.all.seq_of(resource_id)
                if before is not None:
                    self._unfile(region, name, before, seq, resource)
                if after is not None:
                    self._file(region, name, after, seq, resource)
        chosen = [p for p in (range(len(old)) if not names else [positions[n] for n in names if n in positions])
                  if p not in fixed]
        new: Optional[list[Any]] = None
        seq = -1
        for position in chosen:
            name, read = self._indexed[position]
            before, after = old[position], _filed(read(resource))
            if before == after:
                continue
            if new is None:
                new, seq = list(old), region.all.seq_of(resource_id)
            if before is not None:
                self._unfile(region, name, before, seq, resource)
            if after is not None:
                self._file(region, name, after, seq, resource)
            new[position] = after
        if new is not None:
            self._filed[resource_id] = self._shape(tuple(new))

    def _file(self, region: _Region[R], name: str, entry: Any, seq: int, resource: R) -> None:
        keys = _keys(entry)
        if len(keys) > 1:
            region.multi[name] += 1
        index = region.indexes[name]
        for key in keys:
            held = index.get(key)
            if held is None:
                index[key] = resource  # the only one so far: no posting yet
                continue
            if not isinstance(held, _Posting):
                if held is resource:
                    continue
                posting: _Posting[R] = _Posting()
                posting.add(region.all.seq_of(self.kind.id_of(held)), held)
                index[key] = held = posting
            held.add(seq, resource)

    def _unfile(self, region: _Region[R], name: str, entry: Any, seq: int, resource: R) -> None:
        keys = _keys(entry)
        if len(keys) > 1:
            region.multi[name] -= 1
        index = region.indexes[name]
        for key in keys:
            held = index.get(key)
            if held is None:
                continue
            if held.__class__ is not _Posting:
                if held is resource:
                    del index[key]
                continue
            held.discard(seq)
            if held.size == 1:
                index[key] = held.blocks[0][1][0]
            elif not held.size:
                del index[key]

    # -- reads ------------------------------------------------------------------------------------------------

    def get(self, uin: str, region: str, resource_id: str) -> Optional[R]:
        """The live resource ``resource_id`` of the account in ``region``, or None."""
        resource = self._by_id.get(resource_id)
        if resource is None or resource.uin != uin or resource.region != region:  # type: ignore[attr-defined]
            return None
        return resource

    def existing(self, uin: str, region: str, resource_id: str) -> R:
        """Like :meth:`get`, but a malformed or unknown id is refused with the kind's codes."""
        self.kind.check_id(resource_id)
        resource = self.get(uin, region, resource_id)
        if resource is None:
            raise self.kind.not_found(resource_id, region)
        return resource

    def existing_all(self, uin: str, region: str, ids: list[str], what: str = "") -> list[R]:
        """Every resource of ``ids`` (checked whole before any is looked up), duplicates dropped."""
        return [self.existing(uin, region, i) for i in self.kind.check_ids(ids, what)]

    def in_region(self, uin: str, region: str) -> Iterator[R]:
        """The account's resources in ``region``, in creation order."""
        found = self._regions.get((uin, region))
        return iter(()) if found is None else iter(found.all)

    def count(self, uin: str, region: str) -> int:
        found = self._regions.get((uin, region))
        return 0 if found is None else len(found.all)

    def all(self, uin: Optional[str] = None) -> list[R]:
        """Every resource (of ``uin``, or of every account), in creation order per region."""
        return [r for (owner, _region), found in self._regions.items() if uin is None or owner == uin
                for r in found.all]

    def page(self, uin: str, region: str, start: int, size: int) -> tuple[int, list[R]]:
        """``(count, the resources at start .. start+size-1)`` of (uin, region) in creation order, O(page)."""
        found = self._regions.get((uin, region))
        if found is None:
            return 0, []
        return len(found.all), found.all.page(start, size)

    def by(self, uin: str, region: str, name: str, value: str) -> list[R]:
        """The resources whose indexed filter ``name`` reads ``value``, in creation order."""
        found = self._regions.get((uin, region))
        if found is None:
            return []
        held = found.indexes[name].get(value)
        if held is None:
            return []
        return list(held) if isinstance(held, _Posting) else [held]

    def describe(
        self,
        uin: str,
        region: str,
        ids: Optional[list[str]] = None,
        filters: Optional[list[dict[str, Any]]] = None,
        offset: Union[int, str, None] = None,
        limit: Union[int, str, None] = None,
        *,
        extra: Iterable[R] = (),
    ) -> tuple[int, list[R]]:
        """``(TotalCount, page)`` for a Describe call: ids or filters (or neither), then Offset/Limit.

        Unknown ids are left out of the answer, as the real Describe calls do. ``extra`` resources (not kept in
        the store, such as derived ones) are filtered and listed after the stored ones. Without ids, filters or
        extras the page comes straight from the region's index, O(page); with filters, see :meth:`find`.
        """
        start, size = self.paging(offset, limit)
        extra = list(extra)
        if not ids and not filters and not extra:
            return self.page(uin, region, start, size)
        if not ids and not extra:
            return self.find(uin, region, filters or [], start, size)
        selected = self.select(uin, region, ids, filters, extra=extra)
        return len(selected), selected[start : start + size]

    def paging(self, offset: Union[int, str, None], limit: Union[int, str, None]) -> tuple[int, int]:
        """``Offset`` and ``Limit`` checked against the kind's bounds, with the kind's default limit (some
        services declare them as strings: digits are accepted)."""
        kind = self.kind
        start = 0 if offset is None else _number(offset, "Offset", kind.codes.paging)
        size = kind.default_limit if limit is None else _number(limit, "Limit", kind.codes.paging)
        if start < 0:
            raise ApiError(f"Offset must not be negative, got {start}.", code=kind.codes.paging)
        if not 0 <= size <= kind.max_limit:
            raise ApiError(f"Limit must be between 0 and {kind.max_limit}, got {size}.", code=kind.codes.paging)
        return start, size

    def find(
        self, uin: str, region: str, filters: list[dict[str, Any]], start: int, size: int
    ) -> tuple[int, list[R]]:
        """``(how many match, the page start .. start+size-1 of them)`` in creation order (``Filters`` checked
        first). One filter answered by an index (one value, or values no resource shares) costs O(page); several
        filters cost the smallest index's length; only filters that scan (a substring, a time range, a filter
        without an index) cost the region."""
        compiled = self.kind.compile(filters)
        found = self._regions.get((uin, region))
        if found is None:
            return 0, []
        if len(compiled) == 1:
            name, spec, wanted = compiled[0]
            fast = self._one(found, spec, name, wanted, start, size)
            if fast is not None:
                return fast
        selected = [r for r in self._candidates(found, compiled) if matches(r, compiled)]
        return len(selected), selected[start : start + size]

    def _one(
        self, found: _Region[R], spec: Filter, name: str, wanted: frozenset[str], start: int, size: int
    ) -> Optional[tuple[int, list[R]]]:
        """One indexed filter: count and page without looking at what is not on the page (None: no index)."""
        source = self._source(found, spec, name, wanted)
        if source is None:
            return None
        kind, held = source
        if kind == "list":
            return len(held), held[start : start + size]
        postings: list[_Posting[R]] = held
        if len(postings) == 1:
            return postings[0].size, postings[0].page(start, size)
        if found.multi[spec.index or name]:
            merged = list(_merged(postings))
            return len(merged), merged[start : start + size]
        return sum(p.size for p in postings), list(islice(_merged(postings), start, start + size))

    def _source(
        self, found: _Region[R], spec: Filter, name: str, wanted: frozenset[str]
    ) -> Optional[tuple[str, Any]]:
        """Where the resources a filter selects are, without a scan: ("list", resources in creation order) or
        ("postings", posting lists to merge); None if the filter has no index."""
        if spec.lookup is not None:
            lookup, by_id, all_ = spec.lookup, self._by_id, found.all
            hits: dict[int, R] = {}
            for value in wanted:
                resource_id = lookup(value)
                if resource_id is not None and resource_id in all_:
                    resource = by_id[resource_id]
                    if value in _keys(_filed(spec.read(resource))):  # type: ignore[misc]
                        hits[all_.seq_of(resource_id)] = resource
            return "list", [hits[seq] for seq in sorted(hits)]
        if not spec.indexed:
            return None
        index = found.indexes.get(spec.index or name)
        if index is None:
            return None
        key = spec.key
        singles: list[R] = []
        postings: list[_Posting[R]] = []
        for value in wanted:
            held = index.get(value if key is None else key(value))
            if held is None:
                continue
            if isinstance(held, _Posting):
                postings.append(held)
            else:
                singles.append(held)
        if not postings:
            if len(singles) > 1:
                all_ = found.all
                singles = sorted(dict.fromkeys(singles), key=lambda r: all_.seq_of(self.kind.id_of(r)))
            return "list", singles
        for single in singles:  # rare (a few values, one of them unique): a posting of one
            posting: _Posting[R] = _Posting()
            posting.add(found.all.seq_of(self.kind.id_of(single)), single)
            postings.append(posting)
        return "postings", postings

    def select(
        self,
        uin: str,
        region: str,
        ids: Optional[list[str]] = None,
        filters: Optional[list[dict[str, Any]]] = None,
        *,
        extra: Iterable[R] = (),
    ) -> list[R]:
        """Every resource the ids and filters select: ids in the order given, otherwise in creation order."""
        kind = self.kind
        if ids and filters and kind.codes.coexist is not None:
            raise ApiError(f"{kind.noun} ids and Filters cannot be given together.", code=kind.codes.coexist)
        compiled = kind.compile(filters or [])
        if ids:
            pool = [r for r in (self.get(uin, region, i) for i in kind.check_ids(ids)) if r is not None]
            return [r for r in pool if matches(r, compiled)]
        found = self._regions.get((uin, region))
        candidates = self._candidates(found, compiled) if found is not None else iter(())
        selected = [r for r in candidates if matches(r, compiled)]
        selected += [r for r in extra if matches(r, compiled)]
        return selected

    def _candidates(self, found: _Region[R], compiled: list[Compiled]) -> Iterator[R]:
        """The resources of the filter with the fewest (an index or a lookup), in creation order; else all."""
        best: Optional[tuple[str, Any]] = None
        best_size = len(found.all)
        for name, spec, wanted in compiled:
            source = self._source(found, spec, name, wanted)
            if source is None:
                continue
            kind, held = source
            size = len(held) if kind == "list" else sum(p.size for p in held)
            if size <= best_size:
                best, best_size = source, size
        if best is None:
            return iter(found.all)
        kind, held = best
        if kind == "list":
            return iter(held)
        if len(held) == 1:
            return iter(list(held[0]))
        return _merged(held)


def _merged(postings: list[_Posting[R]]) -> Iterator[R]:
    """The union of several postings in creation order, each resource once (it may be under several values)."""
    last = -1
    for seq, item in heapq.merge(*(p.pairs() for p in postings), key=lambda pair: pair[0]):
        if seq != last:
            last = seq
            yield item


def _number(value: Union[int, str], name: str, code: str) -> int:
    if isinstance(value, int):
        return value
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    raise ApiError(f"{name} must be a whole number, got {value!r}.", code=code)
