"""Scheduled destroy (SPEC §4) through the real SDK, under freezegun and time-machine."""

from __future__ import annotations

from typing import Any

import pytest

from mockcvm import Cloud
from mockcvm import clock as mock_clock
from tests import sdk
from tests.billing.helpers import has_action, import_timer, launch, states, timers
from tests.conftest import Clock

HOUR = 3600.0


def test_a_timer_fires_at_its_second_and_not_before(cloud: Cloud, clock: Clock) -> None:
    [kept, doomed] = launch(cloud, count=2)
    at = cloud.now() + 2 * HOUR
    [timer_id] = import_timer([doomed], at)
    seen: list[str] = []

    clock.tick(2 * HOUR - 1)
    seen.append(states(cloud)[doomed])
    assert [t.Status for t in timers()] == ["UNDO"]
    clock.tick(1)
    shown = states(cloud)
    assert shown.get(doomed) in (None, "TERMINATING")
    seen.append(shown.get(doomed, "gone"))
    clock.tick(30)
    shown = states(cloud)
    assert doomed not in shown
    assert shown[kept] == "RUNNING"
    [timer] = timers()
    assert (timer.ActionTimerId, timer.Status, timer.InstanceId) == (timer_id, "DONE", doomed)
    assert timer.ActionTime == mock_clock.iso(at)
    assert "SHUTDOWN" not in seen and seen[0] == "RUNNING"


def test_a_timer_releases_directly_and_billing_stops_at_its_second(cloud: Cloud, clock: Clock) -> None:
    [doomed] = launch(cloud)
    import_timer([doomed], cloud.now() + 1.5 * HOUR)
    clock.tick(5 * HOUR)
    rows = [row for row in cloud.ledger() if row.resource_id == doomed]
    assert [str(row.amount) for row in rows] == ["0.50", "0.25"]
    assert doomed not in states(cloud)


def test_a_cancelled_timer_never_fires(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    [timer_id] = import_timer([instance_id], cloud.now() + HOUR)
    sdk.call(sdk.client(), "DeleteInstancesActionTimer", ActionTimerIds=[timer_id])
    assert timers() == []
    clock.tick(3 * 86400)
    assert states(cloud)[instance_id] == "RUNNING"
    assert cloud.world.timeline.pending() == [] or all(
        "timer" not in event.label for event in cloud.world.timeline.pending()
    )


def test_a_new_timer_can_be_set_once_the_old_one_is_deleted(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    [first] = import_timer([instance_id], cloud.now() + HOUR)
    sdk.call(sdk.client(), "DeleteInstancesActionTimer", ActionTimerIds=[first])
    [second] = import_timer([instance_id], cloud.now() + 2 * HOUR)
    clock.tick(HOUR + 60)
    assert states(cloud)[instance_id] == "RUNNING"
    clock.tick(HOUR)
    assert instance_id not in states(cloud)
    assert [(t.ActionTimerId, t.Status) for t in timers()] == [(second, "DONE")]


def test_a_timer_of_an_instance_destroyed_first_is_dropped(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    import_timer([instance_id], cloud.now() + HOUR)
    with cloud.world.lock:
        cloud.world.cvm.release_now(cloud.world.cvm.get(cloud.default_account, "ap-guangzhou", instance_id), "test")
    clock.tick(60)
    assert instance_id not in states(cloud)
    assert timers() == []


def test_describe_filters(cloud: Cloud, clock: Clock) -> None:
    ids = launch(cloud, count=3)
    now = cloud.now()
    timer_ids = [import_timer([i], now + (n + 1) * HOUR)[0] for n, i in enumerate(ids)]
    clock.tick(HOUR + 60)
    states(cloud)
    assert [t.ActionTimerId for t in timers()] == timer_ids
    assert [t.ActionTimerId for t in timers(ActionTimerIds=[timer_ids[1]])] == [timer_ids[1]]
    assert [t.InstanceId for t in timers(InstanceIds=[ids[2], ids[0]])] == [ids[0], ids[2]]
    assert [t.Status for t in timers(StatusList=["UNDO"])] == ["UNDO", "UNDO"]
    assert [t.ActionTimerId for t in timers(StatusList=["DONE", "DOING"])] == [timer_ids[0]]
    assert len(timers(TimerAction="TerminateInstances")) == 3
    start = mock_clock.spaced(now + 2 * HOUR)
    assert [t.ActionTimerId for t in timers(StartActionTime=start)] == timer_ids[1:]
    assert [t.ActionTimerId for t in timers(EndActionTime=start)] == timer_ids[:2]
    assert [t.ActionTimerId for t in timers(StartActionTime=start, EndActionTime=start)] == [timer_ids[1]]


def test_import_answers_one_timer_per_instance_in_order(cloud: Cloud, clock: Clock) -> None:
    ids = launch(cloud, count=3)
    timer_ids = import_timer(ids, cloud.now() + HOUR)
    assert len(set(timer_ids)) == 3
    assert [t.InstanceId for t in timers()] == ids
    assert all(len(t) == 36 for t in timer_ids)


@pytest.mark.skipif(not has_action("RunInstances"), reason="RunInstances is not built yet")
def test_run_instances_action_timer(cloud: Cloud, clock: Clock) -> None:
    at = mock_clock.iso(cloud.now() + HOUR)
    [instance_id] = launch(cloud, ActionTimer={"TimerAction": "TerminateInstances", "ActionTime": at})
    [timer] = timers()
    assert (timer.InstanceId, timer.Status, timer.ActionTime) == (instance_id, "UNDO", at)
    clock.tick(HOUR - 1)
    assert states(cloud)[instance_id] == "RUNNING"
    clock.tick(60)
    assert instance_id not in states(cloud)
    assert timers()[0].Status == "DONE"


def _timer_param(at: Any) -> dict[str, Any]:
    return {"TimerAction": "TerminateInstances", "ActionTime": at}


def test_a_firing_timer_is_doing_while_the_instance_terminates(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    import_timer([instance_id], cloud.now() + HOUR)
    clock.tick(HOUR)
    assert [t.Status for t in timers()] == ["DOING"]
    assert states(cloud).get(instance_id) == "TERMINATING"
    clock.tick(10)
    assert [t.Status for t in timers()] == ["DONE"]
    assert [t.Status for t in timers(StatusList=["DONE"])] == ["DONE"]


@pytest.mark.cloud_options(transitions="immediate")
def test_a_timer_under_immediate_transitions(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    import_timer([instance_id], cloud.now() + HOUR)
    clock.tick(HOUR)
    assert [t.Status for t in timers()] == ["DONE"]
    assert instance_id not in states(cloud)


@pytest.mark.cloud_options(transitions="manual")
def test_a_timer_under_manual_transitions_stays_doing_until_settled(cloud: Cloud, clock: Clock) -> None:
    [instance_id] = launch(cloud)
    import_timer([instance_id], cloud.now() + HOUR)
    clock.tick(2 * HOUR)
    assert [t.Status for t in timers()] == ["DOING"]
    assert states(cloud)[instance_id] == "TERMINATING"
    cloud.settle([instance_id])
    assert [t.Status for t in timers()] == ["DONE"]
    assert instance_id not in states(cloud)
