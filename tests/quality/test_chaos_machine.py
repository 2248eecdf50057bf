"""Model-free chaos under the transitions policies that show operations in flight ("default" and "manual").

The reference-model machine (test_state_machine.py) runs with ``transitions="immediate"``; this one lets operations
overlap with what falls due while they are in flight (a scheduled destroy firing on a STOPPING instance, arrears
shutting down a STARTING one, expiry of a REBOOTING one, the bin deadline of a SHUTDOWN one, ``cloud.settle()`` at
any point) and checks only what must hold whatever the order:

- no InternalError, no Python exception escaping, every refusal a Tencent error that changed nothing;
- ids unique; the store and the listing agree; an instance once gone never comes back;
- every state is a SPEC state; SHUTDOWN only in the recycle bin (a deadline ahead, IsolatedSource MANMADE or EXPIRE);
- the balance equals the payments minus the ledger; prepaid instances are never charged by the hour, and nothing is
  charged for an hour that began after the instance was seen gone.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Iterator, Optional

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from mockcvm import mock_cvm
from tests import sdk
from tests.quality.conftest import quality_settings
from tests.quality.world_state import first_difference, snapshot

START = datetime(2026, 1, 5, 4, 0, 0, tzinfo=timezone.utc)
REGION = "ap-guangzhou"
ZONE = "ap-guangzhou-3"
RICH = Decimal(10**8)
STATES = {"PENDING", "LAUNCH_FAILED", "RUNNING", "STOPPED", "STARTING", "STOPPING", "REBOOTING", "SHUTDOWN",
          "TERMINATING"}
ACTIONS = ["StartInstances", "StopInstances", "RebootInstances", "TerminateInstances", "ModifyInstancesAttribute",
           "RenewInstances"]

_frozen: Any = None
CALLS: list[int] = []  # requests per run, to check the runs are not trivially short


class ChaosMachine(RuleBasedStateMachine):
    TRANSITIONS = "manual"

    def __init__(self) -> None:
        super().__init__()
        _frozen.move_to(START)
        self.mock = mock_cvm(transitions=self.TRANSITIONS, seed=5, balance=RICH)
        self.cloud = self.mock.start()
        self.world = self.cloud.world
        self.cvm = sdk.client("cvm", REGION)
        self.known: dict[str, str] = {}  # id -> charge type, every instance ever launched
        self.gone: dict[str, float] = {}  # id -> when it was first seen gone

    def teardown(self) -> None:
        CALLS.append(len(self.world.journal))
        self.mock.stop()

    def now(self) -> float:
        return float(self.cloud.now())

    def call(self, action: str, **params: Any) -> Optional[Any]:
        self.cloud.catch_up()
        before = snapshot(self.world)
        try:
            return sdk.call(self.cvm, action, **params)
        except TencentCloudSDKException as error:
            assert error.code != "InternalError", f"{action}: {error}"
            difference = first_difference(before, snapshot(self.world))
            assert difference is None, f"the refused {action} ({error.code}) changed the world: {difference}"
            return None

    def ids(self, data: st.DataObject) -> list[str]:
        return data.draw(st.lists(st.sampled_from(sorted(self.known)), min_size=1, max_size=3, unique=True))

    @rule(charge=st.sampled_from(["POSTPAID_BY_HOUR", "PREPAID", "SPOTPAID"]), count=st.integers(1, 3),
          timer_in=st.one_of(st.none(), st.sampled_from([301, 900, 7200, 3 * 86400])), protected=st.booleans())
    def launch(self, charge: str, count: int, timer_in: Optional[int], protected: bool) -> None:
        if len(self.known) >= 14:
            return
        params: dict[str, Any] = {"InstanceChargeType": charge, "Placement": {"Zone": ZONE}, "InstanceCount": count,
                                  "ImageId": "img-eb30mz89", "DisableApiTermination": protected}
        if charge == "PREPAID":
            params["InstanceChargePrepaid"] = {"Period": 1, "RenewFlag": "NOTIFY_AND_AUTO_RENEW"}
        elif timer_in is not None:
            when = datetime.fromtimestamp(self.now() + timer_in, timezone.utc)
            params["ActionTimer"] = {"TimerAction": "TerminateInstances",
                                     "ActionTime": when.strftime("%Y-%m-%dT%H:%M:%SZ")}
        answer = self.call("RunInstances", **params)
        if answer is not None:
            for instance_id in answer.InstanceIdSet:
                assert instance_id not in self.known, f"RunInstances reused the id {instance_id}"
                self.known[instance_id] = charge

    @precondition(lambda self: bool(self.known))
    @rule(data=st.data(), action=st.sampled_from(ACTIONS))
    def operate(self, data: st.DataObject, action: str) -> None:
        params: dict[str, Any] = {"InstanceIds": self.ids(data)}
        if action == "ModifyInstancesAttribute":
            params["DisableApiTermination"] = data.draw(st.booleans())
        elif action == "RenewInstances":
            params["InstanceChargePrepaid"] = {"Period": 1}
        elif action == "StopInstances":
            params["StoppedMode"] = data.draw(st.sampled_from(["KEEP_CHARGING", "STOP_CHARGING"]))
        self.call(action, **params)

    @precondition(lambda self: bool(self.known))
    @rule(data=st.data(), release=st.sampled_from(["now", "after_2h"]))
    def console_destroy(self, data: st.DataObject, release: str) -> None:
        self.cloud.console.destroy(REGION, self.ids(data), release=release)

    @precondition(lambda self: bool(self.known))
    @rule(data=st.data())
    def console_recover(self, data: st.DataObject) -> None:
        self.cloud.console.recover(REGION, self.ids(data))

    @precondition(lambda self: bool(self.known))
    @rule(data=st.data(), lead=st.sampled_from([301, 600, 3600, 86400]))
    def schedule_destroy(self, data: st.DataObject, lead: int) -> None:
        when = datetime.fromtimestamp(self.now() + lead, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.call("ImportInstancesActionTimer", InstanceIds=self.ids(data)[:1],
                  ActionTimer={"TimerAction": "TerminateInstances", "ActionTime": when})

    @precondition(lambda self: bool(self.known))
    @rule(data=st.data())
    def cancel_destroy(self, data: st.DataObject) -> None:
        listed = self.call("DescribeInstancesActionTimer")
        if listed is not None and listed.ActionTimers:
            timer = data.draw(st.sampled_from([t.ActionTimerId for t in listed.ActionTimers]))
            self.call("DeleteInstancesActionTimer", ActionTimerIds=[timer])

    @rule(data=st.data())
    def settle(self, data: st.DataObject) -> None:
        if self.known and data.draw(st.booleans()):
            self.cloud.settle(self.ids(data))
        else:
            self.cloud.settle()

    @precondition(lambda self: bool(self.known))
    @rule(data=st.data())
    def read(self, data: st.DataObject) -> None:
        self.call("DescribeInstances", InstanceIds=self.ids(data))

    @rule(negative=st.booleans())
    def money(self, negative: bool) -> None:
        if negative:
            self.cloud.set_balance(-20)
        else:
            self.cloud.top_up(RICH)

    @rule(seconds=st.one_of(st.integers(1, 10), st.integers(60, 3 * 3600), st.integers(86400, 9 * 86400)))
    def tick(self, seconds: int) -> None:
        if self.now() - START.timestamp() < 50 * 86400:
            _frozen.tick(timedelta(seconds=seconds))

    @invariant()
    def the_world_is_consistent(self) -> None:
        assert not self.world.internal_errors, "\n".join(self.world.internal_errors)
        now = self.now()
        stored = {i.instance_id: i for i in self.world.cvm.all_instances(self.cloud.default_account)}
        for instance_id, instance in stored.items():
            assert instance.state in STATES, f"{instance_id} in state {instance.state}"
            assert instance_id not in self.gone, f"{instance_id} came back in {instance.state} after it was gone"
            if instance.state == "SHUTDOWN":
                assert instance.isolated_source in ("MANMADE", "EXPIRE"), f"{instance_id} SHUTDOWN, {instance}"
                assert instance.recycle_bin_deadline is not None and instance.recycle_bin_deadline > now, (
                    f"{instance_id} is SHUTDOWN with no deadline ahead: {instance.recycle_bin_deadline} (now {now})"
                )
        for instance_id in self.known:
            if instance_id not in stored and instance_id not in self.gone:
                self.gone[instance_id] = now
        assert set(stored) | set(self.gone) == set(self.known), "an instance appeared that nobody launched"

    @invariant()
    def the_money_adds_up(self) -> None:
        uin = self.cloud.default_account
        ledger = self.cloud.ledger()
        payments = sum(p.amount for p in self.world.billing.payments(uin))
        assert self.cloud.balance() == payments - sum(row.amount for row in ledger)
        for row in ledger:
            if row.reason != "instance":
                continue
            assert self.known.get(row.resource_id) != "PREPAID", f"prepaid {row.resource_id} charged hourly: {row}"
            gone_at = self.gone.get(row.resource_id)
            assert gone_at is None or row.time - 3600 < gone_at, (
                f"{row.resource_id} charged for the hour ending {row.time}, after it was gone at {gone_at}"
            )


class DefaultPolicyChaosMachine(ChaosMachine):
    TRANSITIONS = "default"


@pytest.fixture
def frozen() -> Iterator[Any]:
    from freezegun import freeze_time

    global _frozen
    with freeze_time(START) as factory:
        _frozen = factory
        try:
            yield factory
        finally:
            _frozen = None


@pytest.mark.parametrize("machine", [ChaosMachine, DefaultPolicyChaosMachine], ids=["manual", "default"])
def test_operations_in_flight_and_due_events_never_break_the_world(frozen: Any, machine: type) -> None:
    CALLS.clear()
    run_state_machine_as_test(machine, settings=quality_settings(20, deep=60, stateful_step_count=50))
    assert sum(CALLS) > 200, f"the runs made only {sum(CALLS)} requests: {CALLS}"
