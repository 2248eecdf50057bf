"""The event queue: time order, fixed order at equal instants, no undo, cost by events due."""

from __future__ import annotations

from mockcvm.engine.timeline import Order, Timeline


def test_events_run_in_time_order_each_at_its_own_instant() -> None:
    timeline = Timeline(start=0)
    seen: list[tuple[str, float]] = []
    timeline.schedule(30, Order.TIMER, lambda: seen.append(("b", timeline.now)))
    timeline.schedule(10, Order.TIMER, lambda: seen.append(("a", timeline.now)))
    assert timeline.advance_to(100) == 2
    assert seen == [("a", 10), ("b", 30)]
    assert timeline.now == 100


def test_equal_instants_follow_the_documented_order_then_scheduling_order() -> None:
    timeline = Timeline(start=0)
    seen: list[str] = []
    timeline.schedule(5, Order.RELEASE, lambda: seen.append("release"))
    timeline.schedule(5, Order.SETTLEMENT, lambda: seen.append("settlement"))
    timeline.schedule(5, Order.TIMER, lambda: seen.append("timer-1"))
    timeline.schedule(5, Order.TIMER, lambda: seen.append("timer-2"))
    timeline.advance_to(5)
    assert seen == ["settlement", "timer-1", "timer-2", "release"]


def test_events_scheduled_by_events_inside_the_jump_also_run() -> None:
    timeline = Timeline(start=0)
    seen: list[float] = []

    def hourly() -> None:
        seen.append(timeline.now)
        if timeline.now < 3 * 3600:
            timeline.schedule(timeline.now + 3600, Order.SETTLEMENT, hourly)

    timeline.schedule(3600, Order.SETTLEMENT, hourly)
    timeline.advance_to(10 * 3600)
    assert seen == [3600, 7200, 10800]


def test_moving_backwards_undoes_nothing() -> None:
    timeline = Timeline(start=100)
    timeline.advance_to(50)
    assert timeline.now == 100
    ran: list[int] = []
    timeline.schedule(20, Order.TIMER, lambda: ran.append(1))  # in the past: due at once
    timeline.advance_to(60)
    assert ran == [1]
    assert timeline.now == 100


def test_cancelled_events_never_run_and_cancel_is_idempotent() -> None:
    timeline = Timeline(start=0)
    ran: list[int] = []
    event = timeline.schedule(10, Order.TIMER, lambda: ran.append(1))
    timeline.cancel(event)
    timeline.cancel(event)
    assert timeline.pending() == []
    timeline.advance_to(20)
    assert ran == []
