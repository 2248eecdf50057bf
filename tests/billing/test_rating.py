"""The rating engine against a brute-force model: second by second, hour by hour, the same cents."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Optional

from mockcvm.services.billing.rating import HOUR, AccountRating, piece


def brute_force(
    changes: list[tuple[int, str, Decimal]], start: int, until: int, balance: Decimal
) -> tuple[Decimal, Optional[int]]:
    """Settle hour by hour: for each hour, each resource's piece of every rate it had in that hour."""
    rate_at: dict[str, list[tuple[int, Decimal]]] = {}
    for moment, resource, rate in changes:
        history = rate_at.setdefault(resource, [])
        if not history or history[-1][1] != rate:  # the same rate again continues the segment
            history.append((moment, rate))
    crossing = None
    hour = start - start % HOUR
    while hour + HOUR <= until:
        debit = Decimal(0)
        for history in rate_at.values():
            for n, (moment, rate) in enumerate(history):
                end = history[n + 1][0] if n + 1 < len(history) else None
                lo = max(moment, hour)
                hi = min(end if end is not None else hour + HOUR, hour + HOUR)
                if rate and hi > lo:
                    debit += piece(rate, hi - lo)
        before = balance
        balance -= debit
        if crossing is None and before >= 0 and balance < 0:
            crossing = hour + HOUR
        hour += HOUR
    return balance, crossing


def test_pieces_round_half_up_to_the_cent() -> None:
    assert piece(Decimal("0.50"), 3600) == Decimal("0.50")
    assert piece(Decimal("0.50"), 2400) == Decimal("0.33")
    assert piece(Decimal("0.50"), 9) == Decimal("0.00")
    assert piece(Decimal("0.50"), 36) == Decimal("0.01")  # 0.005 rounds up
    assert piece(Decimal("0.50"), 0) == Decimal("0")


def test_random_histories_match_the_brute_force_model() -> None:
    rng = random.Random(4)
    for _ in range(200):
        start = 1767585600 + rng.randrange(HOUR)
        rating = AccountRating(start)
        balance = Decimal(rng.randrange(0, 2000)) / 100
        opening = balance
        changes: list[tuple[int, str, Decimal]] = []
        now = start
        first_crossing: Optional[int] = None
        for _ in range(rng.randrange(1, 30)):
            now += rng.choice([0, 1, 59, 600, 3599, 3600, 7200, 10000])
            balance, crossing = rating.settle(now, balance)
            if crossing and first_crossing is None:
                first_crossing = crossing.at
            resource = f"r{rng.randrange(5)}"
            rate = Decimal(rng.choice(["0", "0.5", "0.5", "1.25", "0.0005", "3"]))
            rating.set_rate(resource, "x", rate, now)
            changes.append((now, resource, rate))
        end = now + rng.randrange(0, 30 * HOUR)
        expected_balance, expected_crossing = brute_force(changes, start, end, opening)
        balance, crossing = rating.settle(end, balance)
        if crossing and first_crossing is None:
            first_crossing = crossing.at
        assert balance == expected_balance
        assert first_crossing == expected_crossing


def test_next_crossing_is_the_first_settlement_below_zero() -> None:
    rng = random.Random(7)
    for _ in range(200):
        start = 1767585600 + rng.randrange(HOUR)
        rating = AccountRating(start)
        for n in range(rng.randrange(1, 6)):
            rating.set_rate(f"r{n}", "x", Decimal(rng.choice(["0.5", "1.25", "0.33"])), start + n * 7)
        balance = Decimal(rng.randrange(0, 5000)) / 100
        predicted = rating.next_crossing(balance)
        assert predicted is not None
        before, crossing = rating.settle(predicted - 1, balance)
        assert crossing is None and before >= 0
        after, crossing = rating.settle(predicted, before)
        assert crossing is not None and crossing.at == predicted and after < 0


def test_a_segment_total_is_the_sum_of_its_pieces() -> None:
    from mockcvm.services.billing.rating import Segment

    rng = random.Random(5)
    for _ in range(500):
        start = 1767585600 + rng.randrange(5 * HOUR)
        segment = Segment("r", "x", Decimal(rng.choice(["0.5", "1.25", "0.0125", "3"])), start)
        if rng.random() < 0.7:
            segment.end = start + rng.randrange(0, 50 * HOUR)
        until = start + rng.randrange(-HOUR, 60 * HOUR)
        assert segment.total(until) == sum((amount for _, amount in segment.pieces(until)), Decimal(0))


def test_integer_pieces_equal_decimal_rounding() -> None:
    from decimal import ROUND_HALF_UP

    rng = random.Random(9)
    for _ in range(2000):
        rate = Decimal(rng.randrange(1, 10**6)) / Decimal(10 ** rng.randrange(0, 7))
        seconds = rng.randrange(1, HOUR + 1)
        expected = (rate * seconds / Decimal(HOUR)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert piece(rate, seconds) == expected, (rate, seconds)
