"""The resource layer: indexed answers equal a brute-force scan, rendering follows the schema."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockcvm.engine.resources import Codes, Filter, Kind, Store, matches
from mockcvm.errors import ApiError


@dataclass(eq=False)
class Thing:
    thing_id: str
    uin: str
    region: str
    state: str
    zone: str
    name: str
    groups: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


THING: Kind[Thing] = Kind(
    service="vpc",
    output="Address",
    noun="thing",
    id_attr="thing_id",
    id_prefix="thg",
    codes=Codes(malformed="InvalidParameterValue.Malformed", not_found="ResourceNotFound"),
    render={"AddressId": lambda t: t.thing_id, "AddressName": lambda t: t.name},
    filters={
        "state": Filter(lambda t: t.state, indexed=True),
        "zone": Filter(lambda t: t.zone, indexed=True),
        "group": Filter(lambda t: t.groups, indexed=True),
        "name": Filter(test=lambda t, values: any(v in t.name for v in values)),
    },
    tags=lambda t: t.tags,
)
STATES, ZONES, GROUPS = ["A", "B", "C"], ["z1", "z2"], ["g1", "g2", "g3"]
EXAMPLES = int(os.environ.get("MOCKCVM_PROPERTY_EXAMPLES", "40"))

thing = st.builds(
    lambda s, z, n, g, t: (s, z, n, g, t),
    st.sampled_from(STATES), st.sampled_from(ZONES), st.sampled_from(["web", "db", "web-db"]),
    st.lists(st.sampled_from(GROUPS), max_size=2, unique=True),
    st.dictionaries(st.sampled_from(["env", "team"]), st.sampled_from(["prod", "dev"]), max_size=2),
)
a_filter = st.one_of(
    st.tuples(st.sampled_from(["state"]), st.lists(st.sampled_from(STATES), min_size=1, max_size=2)),
    st.tuples(st.sampled_from(["zone"]), st.lists(st.sampled_from(ZONES), min_size=1, max_size=2)),
    st.tuples(st.sampled_from(["group"]), st.lists(st.sampled_from(GROUPS), min_size=1, max_size=2)),
    st.tuples(st.sampled_from(["name"]), st.lists(st.sampled_from(["web", "db"]), min_size=1, max_size=1)),
    st.tuples(st.sampled_from(["tag:env", "tag-key", "tag-value"]),
              st.lists(st.sampled_from(["prod", "env", "team", "dev"]), min_size=1, max_size=2)),
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    things=st.lists(thing, max_size=30),
    changes=st.lists(st.tuples(st.integers(0, 29), st.sampled_from(STATES), st.booleans()), max_size=15),
    filters=st.lists(a_filter, max_size=3),
    offset=st.integers(0, 10),
    limit=st.integers(0, 10),
)
def test_indexed_answers_equal_a_scan_in_the_same_order(things, changes, filters, offset, limit) -> None:
    store: Store[Thing] = Store(THING)
    made = []
    for n, (state, zone, name, groups, tags) in enumerate(things):
        made.append(Thing(f"thg-{n:08d}", "100", "ap-guangzhou", state, zone, name, list(groups), dict(tags)))
        store.add(made[-1])
    for position, state, remove in changes:  # churn: state changes and removals after creation
        if position < len(made):
            chosen = made[position]
            if remove:
                store.remove(chosen)
            else:
                chosen.state = state
                chosen.groups.reverse()
                store.changed(chosen)
    spec = [{"Name": n, "Values": v} for n, v in filters]
    live = [t for t in made if t.thing_id in store]
    expected = [t for t in live if matches(t, THING.compile(spec))]
    total, page = store.describe("100", "ap-guangzhou", filters=spec, offset=offset, limit=limit)
    assert total == len(expected)
    assert page == expected[offset : offset + limit]
    assert store.by("100", "ap-guangzhou", "state", "A") == [t for t in live if t.state == "A"]


def test_rendering_gives_every_always_returned_member_with_its_type() -> None:
    shown = THING.render(Thing("thg-00000001", "100", "ap-guangzhou", "A", "z1", "web"))
    assert shown["AddressId"] == "thg-00000001" and shown["AddressName"] == "web"
    assert shown["IsArrears"] is False and shown["Bandwidth"] == 0 and shown["TagSet"] == []
    assert shown["EipAlgType"] == {"Ftp": False, "Sip": False}
    assert "AntiDDoSPackageId" not in shown  # may be absent: left out


def test_a_reader_for_a_member_the_schema_lacks_is_refused_at_first_render() -> None:
    broken: Kind[Thing] = Kind(service="vpc", output="Address", noun="thing", id_attr="thing_id", id_prefix="thg",
                               codes=THING.codes, render={"Typo": lambda t: 1})
    with pytest.raises(TypeError, match="Typo"):
        broken.render(Thing("thg-00000001", "100", "ap-guangzhou", "A", "z1", "web"))


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda s: s.existing("100", "ap-guangzhou", "thg-1"), "InvalidParameterValue.Malformed"),
        (lambda s: s.existing("100", "ap-guangzhou", "thg-00000009"), "ResourceNotFound"),
        (lambda s: s.describe("100", "ap-guangzhou", filters=[{"Name": "nope", "Values": ["x"]}]),
         "InvalidParameter.FilterInvalidKey"),
        (lambda s: s.describe("100", "ap-guangzhou", limit=101), "InvalidParameterValue.Range"),
        (lambda s: s.describe("100", "ap-guangzhou", offset="x"), "InvalidParameterValue.Range"),
        (lambda s: s.describe("100", "ap-guangzhou", ids=["thg-00000001"],
                              filters=[{"Name": "zone", "Values": ["z1"]}]), "InvalidParameter.Coexist"),
    ],
)
def test_refusals_answer_the_declared_codes(call, code) -> None:
    store: Store[Thing] = Store(THING)
    store.add(Thing("thg-00000001", "100", "ap-guangzhou", "A", "z1", "web"))
    with pytest.raises(ApiError) as caught:
        call(store)
    assert caught.value.wire_code == code


def test_string_paging_and_an_account_sees_only_its_own() -> None:
    store: Store[Thing] = Store(THING)
    for n in range(5):
        store.add(Thing(f"thg-{n:08d}", "100" if n % 2 else "200", "ap-guangzhou", "A", "z1", "web"))
    total, page = store.describe("100", "ap-guangzhou", offset="1", limit="5")
    assert total == 2 and [t.thing_id for t in page] == ["thg-00000003"]
    assert store.get("200", "ap-guangzhou", "thg-00000001") is None


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 3000)), max_size=400), st.integers(0, 1500),
       st.integers(0, 40))
def test_a_posting_of_blocks_behaves_like_a_sorted_list(ops: list[tuple[bool, int]], start: int, size: int) -> None:
    from mockcvm.engine.resources import _BLOCK, _Posting

    posting: _Posting[int] = _Posting()
    model: set[int] = set()
    for seq in range(0, 3 * _BLOCK, 2):  # past two splits, appended in order as a growing store does
        posting.add(seq, seq * 10)
        model.add(seq)
    for add, seq in ops:
        if add:
            posting.add(seq, seq * 10)
            model.add(seq)
        else:
            posting.discard(seq)
            model.discard(seq)
    ordered = sorted(model)
    assert len(posting) == len(ordered) and list(posting) == [s * 10 for s in ordered]
    assert [s for s, _item in posting.pairs()] == ordered
    assert posting.page(start, size) == [s * 10 for s in ordered[start : start + size]]
    assert all(len(seqs) <= 2 * _BLOCK and seqs for seqs, _items in posting.blocks)
    assert posting.maxes == [seqs[-1] for seqs, _items in posting.blocks]
