"""The timeline (STYLE 7, 8; SPEC §9): one jump equals many steps, backwards undoes nothing, equal instants in Order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mockcvm import Cloud, mock_cvm
from mockcvm.engine.timeline import Order, Timeline
from tests import sdk
from tests.billing.helpers import import_timer, launch, snapshot, states, timers
from tests.conftest import START, Clock

HOUR = 3600.0
DAY = 86400.0


def _busy_world(cloud: Cloud) -> None:
    """Postpaid instances with timers, prepaid ones that expire (one auto-renews), disks, and a balance that runs
    out in the middle: every kind of due event falls inside the next 40 days."""
    postpaid = launch(cloud, count=4)
    launch(cloud, "PREPAID")
    launch(cloud, "PREPAID", InstanceChargePrepaid={"Period": 1, "RenewFlag": "NOTIFY_AND_AUTO_RENEW"})
    import_timer([postpaid[0]], cloud.now() + 3 * DAY + 17)
    import_timer([postpaid[1]], cloud.now() + 9.5 * DAY)
    [cancelled] = import_timer([postpaid[2]], cloud.now() + DAY)
    sdk.call(sdk.client(), "DeleteInstancesActionTimer", ActionTimerIds=[cancelled])
    sdk.call(sdk.client(), "StopInstances", InstanceIds=[postpaid[3]], StoppedMode="STOP_CHARGING")
    cloud.set_balance("300.25")


def _run(clock: Clock, steps: int) -> dict[str, Any]:
    clock.move_to(START)
    with mock_cvm(seed=11) as cloud:
        _busy_world(cloud)
        for _ in range(steps):
            clock.tick(timedelta(days=40) / steps)
            cloud.catch_up()
        return snapshot(cloud)


def test_one_40_day_jump_equals_40_one_day_steps(clock: Clock) -> None:
    jumped = _run(clock, 1)
    stepped = _run(clock, 40)
    assert jumped == stepped
    assert any(jumped["arrears"].values())  # the balance did run out inside the jump
    assert [status for *_, status in jumped["timers"]] == ["DONE", "DONE"]
    assert len(jumped["ledger"]) > 100


def test_moving_the_clock_backwards_undoes_nothing(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    import_timer([instance_id], cloud.now() + HOUR)
    clock.tick(2 * HOUR)
    assert instance_id not in states(cloud)
    after = snapshot(cloud)
    clock.move_to(START)
    assert snapshot(cloud) == after
    assert instance_id not in states(cloud)
    assert [t.Status for t in timers()] == ["DONE"]
    clock.move_to(START + timedelta(hours=2))
    assert snapshot(cloud) == after


def test_events_due_at_the_same_instant_run_in_order() -> None:
    timeline = Timeline(0.0)
    ran: list[str] = []
    for order in (Order.RELEASE, Order.TIMER, Order.SETTLEMENT, Order.EXPIRY, Order.ARREARS, Order.TRANSITION):
        timeline.schedule(100.0, order, lambda name=order.name: ran.append(name))
    timeline.advance_to(100.0)
    assert ran == ["TRANSITION", "SETTLEMENT", "ARREARS", "TIMER", "EXPIRY", "RELEASE"]


def test_a_timer_at_the_arrears_shutdown_instant_runs_after_it(cloud: Cloud, clock: Clock) -> None:
    shut, timed = launch(cloud, count=2)
    cloud.set_balance("-1")
    import_timer([timed], cloud.now() + 2 * HOUR)  # the same second as the arrears shutdown
    clock.tick(2 * HOUR)
    shown = states(cloud)
    assert shown[shut] == "STOPPED"  # shut down by arrears first (Order.ARREARS) ...
    assert shown.get(timed) in (None, "TERMINATING")  # ... then the timer released the other directly
    clock.tick(25 * HOUR)
    assert states(cloud) == {}


def _random_world(cloud: Cloud, seed: int) -> list[float]:
    """A random mix of launches, timers, stops, terminations, disks and money; returns the step boundaries of the
    next 10 days to replay (a random split of the same span)."""
    import random

    rng = random.Random(seed)
    ids = launch(cloud, count=rng.randrange(2, 6))
    if rng.random() < 0.5:
        ids += launch(cloud, "PREPAID")
    for instance_id in ids[:2]:  # postpaid ones
        if rng.random() < 0.7:
            import_timer([instance_id], cloud.now() + rng.randrange(301, 10 * 86400))
    if rng.random() < 0.5:
        sdk.call(sdk.client(), "StopInstances", InstanceIds=[ids[-1]], StoppedMode=rng.choice(
            ["KEEP_CHARGING", "STOP_CHARGING"]))
    cloud.set_balance(str(rng.randrange(0, 40)))
    cuts = sorted(rng.uniform(0, 10 * DAY) for _ in range(rng.randrange(1, 25)))
    return cuts + [10 * DAY]


def test_random_worlds_are_the_same_however_the_time_is_split(clock: Clock) -> None:
    for seed in range(4):
        results = []
        for split in (False, True):
            clock.move_to(START)
            with mock_cvm(seed=seed) as cloud:
                cuts = _random_world(cloud, seed)
                start = cloud.now()
                for cut in cuts if split else cuts[-1:]:
                    clock.move_to(START + timedelta(seconds=start - START.timestamp() + cut))
                    cloud.catch_up()
                results.append(snapshot(cloud))
        assert results[0] == results[1], seed
