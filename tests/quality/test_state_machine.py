"""The instance lifecycle, model-checked: random sequences of operations through the real SDK against a small
independent reference model of SPEC §2-§6 (tests/quality/reference_model.py).

Launches, stops, starts, reboots, terminates, console destroys and recoveries, renewals, destroy protection,
scheduled destroys and their cancellation, balance changes and clock jumps from seconds to days (freezegun), under
``transitions="immediate"``. After every step:

- instance ids are unique and the fake lists exactly the model's instances, each in the model's state;
- a released instance never reappears, in a listing or looked up by id;
- SHUTDOWN only where SPEC §3 allows it (recycle bin: prepaid terminate, console "after 2 h", expiry), with the
  matching IsolatedSource; a scheduled destroy releases directly, never through SHUTDOWN;
- no CPU/memory charge for an hour in which the instance was in the bin, stopped without charging, shut down for
  arrears, or gone (no charge after TERMINATING);
- the balance equals the payments minus the ledger;
- a refused request changed nothing in the world, and was refused with a code the SPEC gives for it.

More examples: ``MOCKCVM_DEEP=1`` (the counts CI ran before the suite had a time budget) or
``MOCKCVM_HYPOTHESIS_EXAMPLES=500 pytest tests/quality/test_state_machine.py``.
"""

from __future__ import annotations

import collections
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable, Iterator, Optional

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from mockcvm import mock_cvm
from tests import sdk
from tests.quality import reference_model as ref
from tests.quality.conftest import quality_settings
from tests.quality.world_state import first_difference, snapshot

START = datetime(2026, 1, 5, 4, 0, 0, tzinfo=timezone.utc)
REGION = "ap-guangzhou"
ZONE = "ap-guangzhou-3"
RICH = Decimal(10**8)
MAX_INSTANCES = 10
#: The machine stops moving the clock after this long (prepaid instances expire after a month, and are released
#: at most 8 days later, so 45 days covers expiry).
HORIZON = 45 * ref.DAY

_frozen: Any = None  # the freezegun factory of the running test


#: The transitional states that may show, once, before a settled state (SPEC §2), under the default policy.
TRANSITIONAL_BEFORE = {"RUNNING": {"PENDING", "STARTING", "REBOOTING"}, "STOPPED": {"STOPPING"}}

#: What the machines did, by "action: outcome" (printed with -s; a test asserts the interesting paths ran).
OUTCOMES: collections.Counter[str] = collections.Counter()


class LifecycleMachine(RuleBasedStateMachine):
    #: The transitions policy (SPEC §2). Under "default", the first read after an operation shows its transitional
    #: state and settles it; the invariants read everything after every step, so each rule finds all settled.
    TRANSITIONS = "immediate"
    POSTPAID_TO_BIN = False

    def __init__(self) -> None:
        super().__init__()
        _frozen.move_to(START)
        self.mock = mock_cvm(transitions=self.TRANSITIONS, seed=11, balance=RICH,  # the model keeps no refunds
                             postpaid_terminate_to_bin=self.POSTPAID_TO_BIN, prepaid_refunds=False)
        self.cloud = self.mock.start()
        self.world = self.cloud.world
        self.cvm = sdk.client("cvm", REGION)
        self.model = ref.Model(now=START.timestamp(), postpaid_to_bin=self.POSTPAID_TO_BIN)

    def teardown(self) -> None:
        self.mock.stop()

    # -- helpers ---------------------------------------------------------------------------------------------

    def call(self, action: str, expected: Optional[set[str]], **params: Any) -> Optional[Any]:
        """Call through the SDK. ``expected``: the codes the model accepts (empty: must succeed; None: either).

        A refused call must change nothing."""
        self.cloud.catch_up()
        # A call that must succeed fails the test if refused, before the snapshot would be compared.
        before = snapshot(self.world) if expected is None or expected else None
        try:
            answer = sdk.call(self.cvm, action, **params)
        except TencentCloudSDKException as error:
            assert expected is None or expected, (
                f"{action}({params}) was refused with {error.code}: {error.message}; the model expected success"
            )
            if expected:
                family = str(error.code).split(".")[0]  # SPEC §4 gives ActionTime errors as `InvalidParameterValue…`
                assert error.code in expected or (family == "InvalidParameterValue" and family in expected), (
                    f"{action}({params}) was refused with {error.code}: {error.message}; "
                    f"the model expected one of {sorted(expected)}"
                )
            difference = first_difference(before, snapshot(self.world))
            assert difference is None, f"the refused {action} ({error.code}) changed the world: {difference}"
            OUTCOMES[f"{action}: {error.code}"] += 1
            return None
        OUTCOMES[f"{action}: ok"] += 1
        assert not expected, f"{action}({params}) succeeded; the model expected one of {sorted(expected or ())}"
        return answer

    def refusals_changed_nothing(self, what: str, results: dict[str, Any], before: Any) -> None:
        if not any(result.ok for result in results.values()):
            difference = first_difference(before, snapshot(self.world))
            assert difference is None, f"{what} refused every instance but changed the world: {difference}"

    def pick_ids(self, data: st.DataObject, prefer: Optional[Callable[[ref.Inst], bool]] = None) -> list[str]:
        """1-3 live instances, mostly among those ``prefer`` likes; now and then a released one among them."""
        pool = sorted(self.model.instances)
        liked = [i for i in pool if prefer is not None and prefer(self.model.instances[i])]
        if liked and data.draw(st.integers(0, 3), label="prefer") != 0:
            pool = liked
        ids = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True), label="ids")
        if self.model.released and data.draw(st.integers(0, 7), label="add a released id") == 0:
            ids.append(data.draw(st.sampled_from(sorted(self.model.released)), label="released id"))
        return ids

    def has_instances(self) -> bool:
        return bool(self.model.instances)

    # -- launching ---------------------------------------------------------------------------------------------

    @initialize(count=st.integers(1, 3))
    def first_launch(self, count: int) -> None:
        self.launch(ref.POSTPAID, count, False, None)

    @precondition(lambda self: len(self.model.instances) < MAX_INSTANCES)
    @rule(
        charge=st.sampled_from([ref.POSTPAID, ref.PREPAID, ref.PREPAID, ref.SPOTPAID]),
        auto_renew=st.booleans(),
        count=st.integers(1, 3),
        protected=st.sampled_from([False, False, False, True]),
        timer_in=st.one_of(st.none(), st.none(), st.sampled_from([120, 300, 301, 1800, 7200, 2 * ref.DAY])),
    )
    def launch(
        self, charge: str, count: int, protected: bool, timer_in: Optional[int], auto_renew: bool = False
    ) -> None:
        model = self.model
        expected: Optional[set[str]] = set()
        params: dict[str, Any] = {
            "InstanceChargeType": charge, "Placement": {"Zone": ZONE}, "InstanceType": "S5.MEDIUM2",
            "ImageId": "img-eb30mz89", "InstanceCount": count, "DisableApiTermination": protected,
        }
        if charge == ref.PREPAID:
            renew_flag = "NOTIFY_AND_AUTO_RENEW" if auto_renew else "NOTIFY_AND_MANUAL_RENEW"
            params["InstanceChargePrepaid"] = {"Period": 1, "RenewFlag": renew_flag}
            if model.balance_negative:
                expected = {"InvalidAccount.InsufficientBalance"}
        elif model.balance_negative:
            expected = {"InvalidAccount.InsufficientBalance"}  # no postpaid launch in arrears (docs/semantics.md)
        if timer_in is not None:
            params["ActionTimer"] = {"TimerAction": "TerminateInstances",
                                     "ActionTime": _iso(model.now + timer_in)}
            if charge == ref.PREPAID:
                expected = {"UnsupportedOperation.NotSupportImportInstancesActionTimer"} | (expected or set())
            if timer_in <= ref.TIMER_LEAD:
                expected = {"InvalidParameterValue"} | (expected or set())
        answer = self.call("RunInstances", expected, **params)
        if answer is None:
            return
        for instance_id in answer.InstanceIdSet:
            assert instance_id not in model.instances and instance_id not in model.released, (
                f"RunInstances returned {instance_id}, an id already used"
            )
            inst = ref.Inst(instance_id, charge, ref.RUNNING, protected=protected,
                            auto_renew=auto_renew and charge == ref.PREPAID)
            if charge == ref.PREPAID:
                inst.expired_time = ref.add_months(model.now, 1)
            model.add(inst)
            if timer_in is not None:
                timers = sdk.call(self.cvm, "DescribeInstancesActionTimer", InstanceIds=[instance_id])
                (timer,) = timers.ActionTimers
                model.timers[timer.ActionTimerId] = ref.Timer(timer.ActionTimerId, instance_id, model.now + timer_in)

    # -- power -------------------------------------------------------------------------------------------------

    @precondition(has_instances)
    @rule(data=st.data(), charging=st.sampled_from(["KEEP_CHARGING", "KEEP_CHARGING", "STOP_CHARGING"]))
    def stop(self, data: st.DataObject, charging: str) -> None:
        ids = self.pick_ids(
            data, lambda i: i.state == ref.RUNNING and (charging == "KEEP_CHARGING" or i.charge != ref.PREPAID)
        )
        expected = self.model.check_states(ids, (ref.RUNNING,))
        if charging == "STOP_CHARGING" and any(
            self.model.instances[i].charge == ref.PREPAID for i in ids if i in self.model.instances
        ):
            expected.add("UnsupportedOperation.StoppedModeStopCharging")
        if self.call("StopInstances", expected, InstanceIds=ids, StoppedMode=charging) is not None:
            for instance_id in ids:
                self.model.set_state(self.model.instances[instance_id], ref.STOPPED, charging == "STOP_CHARGING")

    @precondition(has_instances)
    @rule(data=st.data())
    def start(self, data: st.DataObject) -> None:
        ids = self.pick_ids(data, lambda i: i.state == ref.STOPPED)
        if self.call("StartInstances", self.model.check_start(ids), InstanceIds=ids) is not None:
            for instance_id in ids:
                inst = self.model.instances[instance_id]
                inst.arrears_stopped = False
                self.model.set_state(inst, ref.RUNNING)

    @precondition(has_instances)
    @rule(data=st.data())
    def reboot(self, data: st.DataObject) -> None:
        ids = self.pick_ids(data, lambda i: i.state == ref.RUNNING)
        self.call("RebootInstances", self.model.check_states(ids, (ref.RUNNING,)), InstanceIds=ids)

    @precondition(has_instances)
    @rule(data=st.data(), protect=st.booleans())
    def protection(self, data: st.DataObject, protect: bool) -> None:
        ids = self.pick_ids(data, lambda i: i.state != ref.SHUTDOWN)
        expected = self.model.check_states(ids, (ref.RUNNING, ref.STOPPED))
        if self.call("ModifyInstancesAttribute", expected, InstanceIds=ids, DisableApiTermination=protect):
            for instance_id in ids:
                self.model.instances[instance_id].protected = protect

    # -- destroying and recovering -------------------------------------------------------------------------

    @precondition(has_instances)
    @rule(data=st.data(), charge=st.sampled_from([ref.POSTPAID, ref.PREPAID, ref.SPOTPAID]))
    def terminate(self, data: st.DataObject, charge: str) -> None:
        ids = self.pick_ids(data, lambda i: i.charge == charge and not i.protected)
        if self.call("TerminateInstances", self.model.check_terminate(ids), InstanceIds=ids) is not None:
            self.model.terminate(ids)

    @precondition(has_instances)
    @rule(data=st.data(), release=st.sampled_from(["now", "after_2h"]))
    def console_destroy(self, data: st.DataObject, release: str) -> None:
        ids = self.pick_ids(data)
        self.cloud.catch_up()
        before = snapshot(self.world)
        results = self.cloud.console.destroy(REGION, ids, release=release)
        self.refusals_changed_nothing("console destroy", results, before)
        for instance_id in ids:
            predicted = self.model.console_destroy(instance_id, release)
            OUTCOMES[f"console destroy {release}: {'ok' if predicted else 'refused'}"] += 1
            assert results[instance_id].ok == predicted, (
                f"console destroy ({release}) of {instance_id}: {results[instance_id]}; the model predicted "
                f"ok={predicted}"
            )

    @precondition(lambda self: any(i.state == ref.SHUTDOWN for i in self.model.instances.values()))
    @rule(data=st.data())
    def console_recover(self, data: st.DataObject) -> None:
        ids = self.pick_ids(data, lambda i: i.state == ref.SHUTDOWN and i.charge != ref.PREPAID)
        self.cloud.catch_up()
        before = snapshot(self.world)
        results = self.cloud.console.recover(REGION, ids)
        self.refusals_changed_nothing("console recover", results, before)
        for instance_id in ids:
            predicted = self.model.console_recover(instance_id)
            OUTCOMES[f"console recover: {'ok' if predicted else 'refused'}"] += 1
            assert results[instance_id].ok == predicted, (
                f"console recover of {instance_id}: {results[instance_id]}; the model predicted ok={predicted}"
            )

    @precondition(lambda self: any(i.charge == ref.PREPAID for i in self.model.instances.values()))
    @rule(data=st.data(), months=st.integers(1, 2))
    def renew(self, data: st.DataObject, months: int) -> None:
        ids = self.pick_ids(data, lambda i: i.charge == ref.PREPAID)
        expected = self.model.check_renew(ids)
        answer = self.call("RenewInstances", expected, InstanceIds=ids, InstanceChargePrepaid={"Period": months})
        if answer is not None:
            self.model.renew(ids, months)

    # -- scheduled destroy ---------------------------------------------------------------------------------

    @precondition(has_instances)
    @rule(data=st.data(), lead=st.sampled_from([60, 300, 301, 600, 3600, 5 * 3600, 3 * ref.DAY]))
    def schedule_destroy(self, data: st.DataObject, lead: int) -> None:
        (instance_id,) = self.pick_ids(data, lambda i: i.charge != ref.PREPAID)[:1]
        when = self.model.now + lead
        expected = self.model.check_timer(instance_id, when)
        answer = self.call("ImportInstancesActionTimer", expected, InstanceIds=[instance_id],
                           ActionTimer={"TimerAction": "TerminateInstances", "ActionTime": _iso(when)})
        if answer is not None:
            (timer_id,) = answer.ActionTimerIds
            self.model.timers[timer_id] = ref.Timer(timer_id, instance_id, when)

    @precondition(lambda self: bool(self.model.timers))
    @rule(data=st.data())
    def cancel_destroy(self, data: st.DataObject) -> None:
        timer_id = data.draw(st.sampled_from(sorted(self.model.timers)))
        expected = self.model.check_delete_timer(timer_id)
        if self.call("DeleteInstancesActionTimer", expected, ActionTimerIds=[timer_id]) is not None:
            del self.model.timers[timer_id]

    # -- money and time ------------------------------------------------------------------------------------

    @rule()
    def fall_into_arrears(self) -> None:
        self.cloud.set_balance(-50)
        self.model.go_negative()

    @rule(how=st.sampled_from(["top_up", "set_balance"]))
    def pay(self, how: str) -> None:
        if how == "top_up":
            self.cloud.top_up(RICH)
        else:
            self.cloud.set_balance(RICH)
        self.model.go_positive()

    @precondition(lambda self: self.model.now - START.timestamp() < HORIZON)
    @rule(seconds=st.one_of(
        st.integers(1, 600),
        st.integers(3600, 30 * 3600),
        st.integers(ref.DAY, 10 * ref.DAY),
        st.sampled_from([ref.TIMER_LEAD, ref.ARREARS_GRACE, ref.ARREARS_RELEASE, ref.BIN_SHORT, ref.BIN_PREPAID]),
    ))
    def tick(self, seconds: int) -> None:
        _frozen.tick(timedelta(seconds=seconds))
        self.model.advance(self.model.now + seconds)
        OUTCOMES["tick"] += 1

    @precondition(lambda self: self.model.next_due() is not None)
    @rule(offset=st.sampled_from([-1, 0, 0, 1]))
    def tick_to_the_next_deadline(self, offset: int) -> None:
        """Move to one second before, at, or after whatever falls due next (bin, timer, arrears, expiry)."""
        due = self.model.next_due()
        assert due is not None
        seconds = int(due - self.model.now) + offset
        if seconds > 0:
            _frozen.tick(timedelta(seconds=seconds))
            self.model.advance(self.model.now + seconds)
            OUTCOMES["tick to deadline"] += 1

    # -- invariants ----------------------------------------------------------------------------------------

    def list_all(self) -> dict[str, Any]:
        listed: dict[str, Any] = {}
        offset = 0
        while True:
            page = sdk.call(self.cvm, "DescribeInstances", Offset=offset, Limit=100)
            for instance in page.InstanceSet:
                assert instance.InstanceId not in listed, f"{instance.InstanceId} listed twice"
                listed[instance.InstanceId] = instance
            offset += 100
            if offset >= page.TotalCount:
                assert page.TotalCount == len(listed), f"TotalCount {page.TotalCount}, {len(listed)} listed"
                return listed

    def first_read_shows_transitional_states(self) -> None:
        """Under the default policy: the first read may show an operation in flight; check it is the right one."""
        for instance_id, instance in self.list_all().items():
            shown = instance.InstanceState
            expected = self.model.instances.get(instance_id)
            if expected is None:
                how = self.model.released_how.get(instance_id, "nothing: the model never had it")
                assert instance_id in self.model.released and shown == "TERMINATING", (
                    f"{instance_id} shows {shown}; the model has it released by {how} (only TERMINATING may show "
                    "once before it is gone)"
                )
                continue
            allowed = {expected.state} | TRANSITIONAL_BEFORE.get(expected.state, set())
            assert shown in allowed, f"{instance_id} shows {shown}; the model says {expected.state}"
            if shown != expected.state:
                assert instance.LatestOperationState == "OPERATING", f"{instance_id} {shown} but not OPERATING"

    @invariant()
    def the_fake_lists_exactly_the_model(self) -> None:
        if self.TRANSITIONS != "immediate":
            self.first_read_shows_transitional_states()
        listed: dict[str, Any] = {}
        offset, total = 0, None
        while True:
            page = sdk.call(self.cvm, "DescribeInstances", Offset=offset, Limit=100)
            total = page.TotalCount
            for instance in page.InstanceSet:
                assert instance.InstanceId not in listed, f"{instance.InstanceId} listed twice"
                listed[instance.InstanceId] = instance
            offset += 100
            if offset >= total:
                break
        assert total == len(listed), f"TotalCount {total} but {len(listed)} instances listed"
        reappeared = set(listed) & set(self.model.released)
        assert not reappeared, (
            f"released instances reappeared: {sorted(reappeared)} (released by "
            f"{ {i: self.model.released_how[i] for i in reappeared} })"
        )
        model = self.model.instances
        assert set(listed) == set(model), (
            f"the fake lists {sorted(set(listed) - set(model))} the model does not have, and lacks "
            f"{sorted(set(model) - set(listed))}"
        )
        for instance_id, instance in listed.items():
            expected = model[instance_id]
            assert instance.InstanceState == expected.state, (
                f"{instance_id} ({expected.charge}) is {instance.InstanceState}; the model says {expected.state}"
            )
            assert instance.LatestOperationState in (None, "SUCCESS", "FAILED"), (
                f"{instance_id}: LatestOperationState {instance.LatestOperationState} under transitions=immediate"
            )
            if instance.InstanceState == ref.SHUTDOWN:
                wanted = "EXPIRE" if expected.bin_reason == "expiry" else "MANMADE"
                assert instance.IsolatedSource == wanted, (
                    f"{instance_id} is SHUTDOWN (in the bin because of {expected.bin_reason}) with IsolatedSource "
                    f"{instance.IsolatedSource}, expected {wanted}"
                )
            if expected.arrears_stopped and expected.state == ref.STOPPED:
                assert (instance.RestrictState, instance.IsolatedSource) == ("EXPIRED", "ARREAR"), (
                    f"{instance_id} is shut down for arrears but shows {instance.RestrictState}/"
                    f"{instance.IsolatedSource}"
                )
            assert instance.DisableApiTermination == expected.protected, f"{instance_id}: DisableApiTermination"
        self.released_ids_are_not_found()
        self.filters_and_pages_agree_with_the_model(listed)

    def filters_and_pages_agree_with_the_model(self, listed: dict[str, Any]) -> None:
        """One filter (rotating: instance-state, instance-charge-type, instance-id) and small pages, each step."""
        self.checks = getattr(self, "checks", 0) + 1
        model = self.model.instances
        filters = [
            ("instance-state", [ref.RUNNING], lambda i: i.state == ref.RUNNING),
            ("instance-state", [ref.STOPPED, ref.SHUTDOWN], lambda i: i.state in (ref.STOPPED, ref.SHUTDOWN)),
            ("instance-charge-type", [ref.PREPAID], lambda i: i.charge == ref.PREPAID),
            ("instance-charge-type", [ref.POSTPAID, ref.SPOTPAID], lambda i: i.charge != ref.PREPAID),
        ]
        name, values, wanted = filters[self.checks % len(filters)]
        page = sdk.call(self.cvm, "DescribeInstances", Filters=[{"Name": name, "Values": values}], Limit=100)
        found = {i.InstanceId for i in page.InstanceSet}
        expected = {i for i, inst in model.items() if wanted(inst)}
        assert found == expected and page.TotalCount == len(expected), (
            f"filter {name}={values}: the fake gives {sorted(found)} (TotalCount {page.TotalCount}), the model "
            f"{sorted(expected)}"
        )
        if self.checks % 3 == 0 and listed:  # pages of 3 cover the listing exactly once, in the same order
            paged: list[str] = []
            while len(paged) < len(listed):
                chunk = sdk.call(self.cvm, "DescribeInstances", Offset=len(paged), Limit=3).InstanceSet
                assert chunk, f"page at offset {len(paged)} is empty; {len(listed)} instances listed"
                paged += [i.InstanceId for i in chunk]
            assert paged == list(listed), f"pages of 3 give {paged}, the full listing {list(listed)}"

    @invariant()
    def shutdown_only_where_the_spec_allows_it(self) -> None:
        for inst in self.model.instances.values():
            if inst.state != ref.SHUTDOWN:
                continue
            if inst.charge == ref.PREPAID:
                allowed: tuple[str, ...] = ("api", "expiry")
            else:
                allowed = ("console", "api") if self.POSTPAID_TO_BIN else ("console",)
            assert inst.bin_reason in allowed, f"{inst} is SHUTDOWN for a reason the SPEC does not give"
        # A scheduled destroy releases directly: the instance is gone, not in the bin.
        self.cloud.catch_up()
        for instance_id in self.model.timer_released:
            left = self.world.cvm.get(self.cloud.default_account, REGION, instance_id)
            assert left is None or left.state == "TERMINATING", (
                f"{instance_id} was released by its scheduled destroy but is {left.state}"
            )

    def released_ids_are_not_found(self) -> None:
        gone = sorted(self.model.released)[-20:]
        if gone:
            page = sdk.call(self.cvm, "DescribeInstances", InstanceIds=gone)
            assert page.TotalCount == 0 and not page.InstanceSet, (
                f"released instances found by id: {[i.InstanceId for i in page.InstanceSet]}"
            )

    @invariant()
    def the_balance_equals_payments_minus_the_ledger_and_nothing_is_charged_when_it_must_not_be(self) -> None:
        uin = self.cloud.default_account
        ledger = self.cloud.ledger()
        payments = self.world.billing.payments(uin)
        balance = self.cloud.balance()
        assert balance == sum(p.amount for p in payments) - sum(row.amount for row in ledger), (
            f"balance {balance} != payments {sum(p.amount for p in payments)} - ledger "
            f"{sum(row.amount for row in ledger)}"
        )
        assert (balance < 0) == self.model.balance_negative, (
            f"the balance is {balance}; the model has it {'negative' if self.model.balance_negative else 'positive'}"
        )
        assert self.world.billing.in_arrears(uin) == self.model.in_arrears, (
            f"in_arrears is {self.world.billing.in_arrears(uin)}, the model says {self.model.in_arrears}"
        )
        for row in ledger:
            if row.reason != "instance":
                continue
            instance_id = row.resource_id
            inst = self.model.instances.get(instance_id)
            assert inst is None or inst.charge != ref.PREPAID, f"prepaid {instance_id} charged by the hour: {row}"
            intervals = list(self.model.uncharged.get(instance_id, []))
            if inst is not None and inst.uncharged_since is not None:
                intervals.append((inst.uncharged_since, self.model.now))
            hour_start, hour_end = row.time - ref.HOUR, row.time
            for start, end in intervals:
                assert not (start <= hour_start and hour_end <= end), (
                    f"{instance_id} charged {row.amount} for the hour ending {_iso(row.time)}, when it was not "
                    f"chargeable from {_iso(start)} to {_iso(end) if end != float('inf') else 'release'} "
                    f"({self.model.released_how.get(instance_id, 'still there')})"
                )

    @invariant()
    def no_internal_error(self) -> None:
        assert not self.world.internal_errors, "\n".join(self.world.internal_errors)


def _iso(epoch: float) -> str:
    if epoch == float("inf"):
        return "never"
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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


class DefaultTransitionsMachine(LifecycleMachine):
    TRANSITIONS = "default"
    POSTPAID_TO_BIN = True  # and the older API behaviour: postpaid TerminateInstances into the bin for 2 h


def test_the_lifecycle_matches_the_reference_model(frozen: Any) -> None:
    OUTCOMES.clear()
    run_state_machine_as_test(LifecycleMachine, settings=quality_settings(16, deep=80, stateful_step_count=50))
    print("\n".join(f"{count:6d}  {what}" for what, count in sorted(OUTCOMES.items())))


def test_the_lifecycle_matches_the_reference_model_with_transitions_shown_and_postpaid_to_bin(frozen: Any) -> None:
    run_state_machine_as_test(DefaultTransitionsMachine, settings=quality_settings(10, deep=40, stateful_step_count=50))
