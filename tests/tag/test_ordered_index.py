"""OrderedIndex, the structure behind paging at scale, against a plain list as the model."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mockcvm.engine.ordered_index import OrderedIndex

operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 300)),
        st.tuples(st.just("remove"), st.integers(0, 300)),
        st.tuples(st.just("page"), st.tuples(st.integers(0, 120), st.integers(0, 30))),
    ),
    max_size=400,
)


@settings(max_examples=60, deadline=None)
@given(operations)
def test_behaves_like_an_insertion_ordered_list(ops: list[tuple[str, object]]) -> None:
    index: OrderedIndex[int, str] = OrderedIndex()
    model: list[int] = []
    for op, arg in ops:
        if op == "add":
            assert isinstance(arg, int)
            index.add(arg, f"v{arg}")
            if arg not in model:
                model.append(arg)
        elif op == "remove":
            assert isinstance(arg, int)
            index.remove(arg)
            if arg in model:
                model.remove(arg)
        else:
            assert isinstance(arg, tuple)
            offset, limit = arg
            assert index.page(offset, limit) == [f"v{k}" for k in model[offset : offset + limit]]
        assert len(index) == len(model)
    assert list(index) == [f"v{k}" for k in model]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 200), unique=True, min_size=1), st.data())
def test_resuming_after_a_sequence_number_skips_what_was_seen(keys: list[int], data: st.DataObject) -> None:
    index: OrderedIndex[int, int] = OrderedIndex()
    for key in keys:
        index.add(key, key)
    cut = data.draw(st.integers(0, len(keys) - 1))
    seq = index.seq_of(keys[cut])
    gone = data.draw(st.lists(st.sampled_from(keys), max_size=len(keys)))
    for key in gone:
        index.remove(key)
    index.add(1000, 1000)
    resumed = [value for _seq, value in index.after(seq)]
    assert resumed == [k for k in keys[cut + 1 :] if k not in gone] + [1000]


def test_pages_stay_right_through_holes_and_squeezes() -> None:
    index: OrderedIndex[int, int] = OrderedIndex()
    model = list(range(1000))
    for key in model:
        index.add(key, key)
    for round_ in range(6):
        for key in model[round_::7]:
            index.remove(key)
        model = [k for k in model if k not in set(model[round_::7])]
        for offset in (0, 1, 13, len(model) // 2, len(model) - 3, len(model)):
            assert index.page(offset, 20) == model[offset : offset + 20]
        index.add(5000 + round_, 5000 + round_)
        model.append(5000 + round_)
    assert list(index) == model
