"""An insertion-ordered collection that pages in O(log n + page) however large it grows and however it churns.

Describe calls page through resources (``Offset``/``Limit`` in VPC and CBS, an opaque ``PaginationToken`` in
Tag). A plain dict pages with ``islice``, whose cost grows with the offset. :class:`OrderedIndex` keeps, beside
the dict, the keys in insertion order in a list, each with a sequence number that only grows, and a Fenwick tree
counting the live positions. Removing a key leaves a hole (O(log n)); the ``offset``-th live key is found by
descending the tree (O(log n)); holes are squeezed out in one O(n) pass only once they are half the list, so
every operation is amortized O(log n). A token names the last sequence number seen, so resuming after it is a
bisection, and stays valid when items before or after it come and go.

VPC, CBS and Tag all use it.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Generic, Hashable, Iterator, Optional, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class OrderedIndex(Generic[K, V]):
    """``key -> value`` in insertion order, with O(1) get, O(log n) add/remove and cheap paging."""

    __slots__ = ("_values", "_keys", "_seqs", "_position", "_live", "_holes", "_next_seq")

    def __init__(self) -> None:
        self._values: dict[K, V] = {}
        self._keys: list[Optional[K]] = []  # None marks a hole left by a removal
        self._seqs: list[int] = []  # ascending; a hole keeps its sequence number
        self._position: dict[K, int] = {}
        self._live: list[int] = [0]  # Fenwick tree (1-based) over "position holds a key"
        self._holes = 0
        self._next_seq = 1

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __iter__(self) -> Iterator[V]:
        return iter(list(self._values.values()))

    def get(self, key: K) -> Optional[V]:
        return self._values.get(key)

    def add(self, key: K, value: V) -> None:
        """Append ``key`` (a key already present keeps its place and gets the new value)."""
        if key in self._values:
            self._values[key] = value
            return
        self._values[key] = value
        self._position[key] = len(self._keys)
        self._keys.append(key)
        self._seqs.append(self._next_seq)
        self._next_seq += 1
        self._grow_tree()

    def remove(self, key: K) -> Optional[V]:
        """Forget ``key``; returns its value, or None if it was not there."""
        value = self._values.pop(key, None)
        position = self._position.pop(key, None)
        if position is None:
            return value
        self._keys[position] = None
        self._holes += 1
        i = position + 1
        while i < len(self._live):
            self._live[i] -= 1
            i += i & -i
        if self._holes > 64 and self._holes * 2 > len(self._keys):
            self._squeeze()
        return value

    def page(self, offset: int, limit: int) -> list[V]:
        """The values at live positions ``offset .. offset+limit-1``, in insertion order."""
        if offset >= len(self._values) or limit <= 0:
            return []
        start = offset if not self._holes else self._nth_live(offset + 1)
        page: list[V] = []
        keys, end = self._keys, len(self._keys)
        while start < end and len(page) < limit:
            key = keys[start]
            if key is not None:
                page.append(self._values[key])
            start += 1
        return page

    def seq_of(self, key: K) -> int:
        """The sequence number of ``key`` (for a pagination token)."""
        return self._seqs[self._position[key]]

    def after(self, seq: int) -> Iterator[tuple[int, V]]:
        """``(sequence, value)`` for every key added after sequence number ``seq``, in order."""
        start = bisect_right(self._seqs, seq)
        for i in range(start, len(self._keys)):
            key = self._keys[i]
            if key is not None:
                yield self._seqs[i], self._values[key]

    # -- the Fenwick tree ------------------------------------------------------------------------------------

    def _grow_tree(self) -> None:
        """Append a live position: its node sums itself and the nodes below it in its range."""
        i = len(self._keys)
        stop = i - (i & -i)
        total, j = 1, i - 1
        while j > stop:
            total += self._live[j]
            j -= j & -j
        self._live.append(total)

    def _nth_live(self, n: int) -> int:
        """The list position of the ``n``-th live key (1-based ``n``)."""
        position, size = 0, len(self._live) - 1
        step = 1 << size.bit_length()
        while step:
            nxt = position + step
            if nxt <= size and self._live[nxt] < n:
                position = nxt
                n -= self._live[nxt]
            step >>= 1
        return position

    def _squeeze(self) -> None:
        keys: list[Optional[K]] = []
        seqs: list[int] = []
        for key, seq in zip(self._keys, self._seqs):
            if key is not None:
                self._position[key] = len(keys)
                keys.append(key)
                seqs.append(seq)
        self._keys, self._seqs, self._holes = keys, seqs, 0
        size = len(keys)
        live = [0] + [1] * size
        for i in range(1, size + 1):
            parent = i + (i & -i)
            if parent <= size:
                live[parent] += live[i]
        self._live = live
