"""Budgets through the real SDK: their thresholds fire on the world's timeline, at the settlement (or up-front
charge) at which the ledger reaches them, exactly once per cycle, whatever the clock's jumps."""

from __future__ import annotations

import asyncio
import os
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockcvm import Cloud, mock_cvm
from mockcvm.clock import spaced
from tests import sdk
from tests.conftest import START, Clock
from tests.release.helpers import (
    ZONE,
    api,
    assert_shape,
    frozen_time,  # noqa: F401  (autouse: a refusal changes nothing, not even time)
    refused,
    run_instances,
)

pytestmark = pytest.mark.cloud_options(transitions="immediate", prices={"disk_gb_hour": 0})
HOUR = 3600
T0 = START.timestamp()  # 2026-01-05 04:00:00 UTC


def budget_params(**changes: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "BudgetName": "cvm", "CycleType": "MONTH", "PeriodBegin": "2026-01", "PeriodEnd": "2026-12",
        "PlanType": "FIX", "BudgetQuota": "10", "BillType": "BILL", "FeeType": "COST",
        "WarnJson": [{"WarnType": "ACTUAL", "CalType": "PERCENTAGE", "ThresholdValue": "50"}],
    }
    params.update(changes)
    return params


def create(billing: Any, **changes: Any) -> str:
    answer = api(billing, "CreateBudget", **budget_params(**changes))
    assert (answer["Code"], answer["Message"]) == (0, "create success")
    return str(answer["Data"]["BudgetId"])


def reminders(billing: Any, budget_id: str) -> list[dict[str, Any]]:
    return list(api(billing, "DescribeBudgetRemindRecordList", BudgetId=budget_id, PageNo=1, PageSize=100)["Data"][
        "Records"] or [])


def sent_at(billing: Any, budget_id: str) -> list[str]:
    return [spaced(r["SendTime"] / 1000) for r in reminders(billing, budget_id)]


def ledger_reaches(cloud: Cloud, amount: Decimal, first: float, last: float) -> Optional[str]:
    """The first ledger instant in [first, last] at which the rows so far (from ``first``) sum to ``amount``."""
    by_time: dict[float, Decimal] = defaultdict(Decimal)
    for entry in cloud.ledger():
        if first <= entry.time <= last:
            by_time[entry.time] += entry.amount
    total = Decimal(0)
    for moment in sorted(by_time):
        total += by_time[moment]
        if total >= amount:
            return spaced(moment)
    return None


@pytest.fixture
def billing(cloud: Cloud) -> Any:
    return sdk.client("billing")


def test_a_threshold_fires_once_at_the_settlement_that_reaches_it(cloud: Cloud, clock: Clock, billing: Any) -> None:
    budget_id = create(billing)
    run_instances(sdk.client("cvm"), 2)  # 1 yuan an hour: 5 yuan (50% of 10) at the 5th settlement
    clock.move_to(START + timedelta(hours=5) - timedelta(seconds=1))
    assert reminders(billing, budget_id) == []
    clock.move_to(START + timedelta(days=3))  # one jump over the crossing
    [record] = reminders(billing, budget_id)
    assert_shape("billing", "BudgetRemindRecords", record)
    assert clock_text(record["SendTime"]) == "2026-01-05 09:00:00" == ledger_reaches(
        cloud, Decimal(5), T0, T0 + 40 * 86400)
    assert (record["RealCost"], record["BudgetQuota"], record["AlarmType"]) == ("5.00", "10", "BUDGET")
    clock.move_to(START + timedelta(days=6))
    assert len(reminders(billing, budget_id)) == 1  # once per cycle
    [shown] = api(billing, "DescribeBudget", PageNo=1, PageSize=10)["Data"]["Records"]
    assert (shown["RemindTimes"], shown["MoneyStatus"], shown["BudgetStatus"], shown["CurDateDesc"]) == (
        1, 2, "ACTIVE", "2026-01")
    assert Decimal(shown["RealCost"]) == sum(e.amount for e in cloud.ledger())


def clock_text(millis: int) -> str:
    return spaced(millis / 1000)


def test_a_rate_that_rises_brings_the_reminder_forward(cloud: Cloud, clock: Clock, billing: Any) -> None:
    budget_id = create(billing, BudgetQuota="20", WarnJson=[
        {"WarnType": "ACTUAL", "CalType": "PERCENTAGE", "ThresholdValue": "100"}])
    cvm = sdk.client("cvm")
    [first] = run_instances(cvm)  # 0.5 an hour: 20 yuan after 40 hours
    clock.move_to(START + timedelta(hours=2, minutes=30))
    more = run_instances(cvm, 3)  # 2 an hour from 06:30
    clock.move_to(START + timedelta(hours=6, minutes=10))
    api(cvm, "TerminateInstances", InstanceIds=more[:2])  # 1 an hour from 10:10: the crossing comes later
    clock.move_to(START + timedelta(days=2))
    expected = ledger_reaches(cloud, Decimal(20), T0, T0 + 30 * 86400)
    assert sent_at(billing, budget_id) == [expected] and expected is not None
    assert expected > spaced(T0 + 10 * HOUR)


def test_a_budget_made_mid_hour_counts_the_open_hours_pieces(cloud: Cloud, clock: Clock, billing: Any) -> None:
    cvm = sdk.client("cvm")
    run_instances(cvm)  # 0.5 an hour from 04:00
    clock.move_to(START + timedelta(hours=2, minutes=20))
    run_instances(cvm)  # and from 06:20: its first piece, at 07:00, is 0.33
    clock.move_to(START + timedelta(hours=2, minutes=40))
    budget_id = create(billing, WarnJson=[{"WarnType": "ACTUAL", "CalType": "ABS", "ThresholdValue": "2.83"}])
    clock.move_to(START + timedelta(days=1))  # 1.00 by 06:00, 1.83 at 07:00, 2.83 at 08:00
    assert sent_at(billing, budget_id) == ["2026-01-05 08:00:00"] == [
        ledger_reaches(cloud, Decimal("2.83"), T0, T0 + 86400)]


def test_steps_and_one_jump_fire_the_same_reminders(cloud: Cloud, clock: Clock, billing: Any) -> None:
    daily = create(billing, CycleType="DAY", PeriodBegin="2026-01-01", PeriodEnd="2026-01-31", BudgetQuota="4",
                   WarnJson=[{"WarnType": "ACTUAL", "CalType": "PERCENTAGE", "ThresholdValue": "50"},
                             {"WarnType": "ACTUAL", "CalType": "ABS", "ThresholdValue": "20"}])
    run_instances(sdk.client("cvm"))  # 0.5 an hour: 2 yuan at the 4th settlement of a day, never 20
    for hours in range(1, 3 * 24 + 1, 7):
        clock.move_to(START + timedelta(hours=hours))
    clock.move_to(START + timedelta(days=3, hours=1))
    stepped = sent_at(billing, daily)
    assert stepped == ["2026-01-05 08:00:00", "2026-01-06 03:00:00", "2026-01-07 03:00:00", "2026-01-08 03:00:00"]
    day = T0 - 4 * HOUR + 86400  # the settlement at 00:00 is the new day's first
    assert ledger_reaches(cloud, Decimal(2), day, day + 86399) == "2026-01-06 03:00:00"
    [record] = reminders(billing, daily)[1:2]
    assert (record["DateDesc"], record["RealCost"]) == ("day", "2.00")


def test_an_upfront_charge_fires_at_once(cloud: Cloud, clock: Clock, billing: Any) -> None:
    disks = create(billing, DimensionsRange={"Business": ["p_cbs"], "PayMode": ["prePay"]}, WarnJson=[
        {"WarnType": "ACTUAL", "CalType": "ABS", "ThresholdValue": "25"}])
    every = create(billing, BudgetQuota="1000")
    run_instances(sdk.client("cvm"))
    clock.move_to(START + timedelta(minutes=42))
    api(sdk.client("cbs"), "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="PREPAID", DiskType="CLOUD_SSD",
        DiskSize=100, DiskChargePrepaid={"Period": 1})  # 30 yuan up front
    assert sent_at(billing, disks) == ["2026-01-05 04:42:00"]
    assert reminders(billing, every) == []
    clock.move_to(START + timedelta(days=2))
    assert len(reminders(billing, disks)) == 1


def test_dimensions_select_the_resources_counted(cloud: Cloud, clock: Clock, billing: Any) -> None:
    cvm = sdk.client("cvm")
    tagged = create(billing, DimensionsRange={"Tags": [{"TagKey": "team", "TagValue": ["a"]}],
                                              "RegionIds": ["1"]})
    elsewhere = create(billing, DimensionsRange={"ProjectIds": ["7"]})
    run_instances(cvm, TagSpecification=[{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "a"}]}])
    run_instances(cvm, 3)  # untagged, project 0
    clock.move_to(START + timedelta(days=1))
    assert sent_at(billing, tagged) == ["2026-01-05 14:00:00"]  # only the tagged one: 0.5 an hour, 5 yuan
    assert reminders(billing, elsewhere) == []


def test_a_cycle_plan_has_a_quota_per_month(cloud: Cloud, clock: Clock, billing: Any) -> None:
    plan = '[{"dateDesc":"2026-01","quota":"4"},{"dateDesc":"2026-02","quota":"8"}]'
    budget_id = create(billing, PlanType="CYCLE", BudgetQuota=plan, WarnJson=[
        {"WarnType": "ACTUAL", "CalType": "PERCENTAGE", "ThresholdValue": "100"}])
    run_instances(sdk.client("cvm"))
    clock.move_to(START + timedelta(days=40))
    assert sent_at(billing, budget_id) == ["2026-01-05 12:00:00", "2026-02-01 15:00:00"]
    [shown] = api(billing, "DescribeBudget", PageNo=1, PageSize=10, BudgetId=budget_id)["Data"]["Records"]
    assert shown["BudgetQuotaJson"] == [{"DateDesc": "2026-01", "Quota": "4"}, {"DateDesc": "2026-02", "Quota": "8"}]


def test_a_budget_not_yet_in_force_starts_with_its_period(cloud: Cloud, clock: Clock, billing: Any) -> None:
    budget_id = create(billing, PeriodBegin="2026-02", PeriodEnd="2026-02", BudgetQuota="2", WarnJson=[
        {"WarnType": "ACTUAL", "CalType": "PERCENTAGE", "ThresholdValue": "100"}])
    assert api(billing, "DescribeBudget", PageNo=1, PageSize=10, BudgetStatus="ACTIVATED")["Data"]["Total"] == 1
    run_instances(sdk.client("cvm"))
    clock.move_to(START + timedelta(days=60))
    assert sent_at(billing, budget_id) == ["2026-02-01 03:00:00"]  # the settlement at 00:00 is February's first
    assert api(billing, "DescribeBudget", PageNo=1, PageSize=10, BudgetStatus="EXPIRED")["Data"]["Total"] == 1
    assert not [e for e in cloud.world.timeline.pending() if e.label.startswith("budget")]


def test_modify_and_delete_are_logged(cloud: Cloud, billing: Any) -> None:
    budget_id = create(billing)
    run_instances(sdk.client("cvm"), 2)
    modified = api(billing, "ModifyBudget", BudgetId=budget_id, **budget_params(BudgetQuota="12", BudgetNote="x"))
    assert (modified["Code"], modified["Data"]["BudgetId"]) == (0, budget_id)
    assert api(billing, "DescribeBudget", PageNo=1, PageSize=10, BudgetName="cv")["Data"]["Records"][0][
        "BudgetQuota"] == "12"
    deleted = api(billing, "DeleteBudget", BudgetIds=[budget_id])
    assert deleted["Data"] == [budget_id]
    assert api(billing, "DescribeBudget", PageNo=1, PageSize=10)["Data"]["Total"] == 0
    log = api(billing, "DescribeBudgetOperationLog", BudgetId=budget_id, PageNo=1, PageSize=10)["Data"]
    for entry in log["Records"]:
        assert_shape("billing", "BudgetOperationLogEntity", entry)
    assert [e["Action"] for e in log["Records"]] == ["ADD", "UPDATE", "DELETE"]
    assert {d["Property"]: (d["Before"], d["After"]) for d in log["Records"][1]["DiffValue"]} == {
        "budgetQuota": ("10", "12"), "budgetNote": ("", "x")}
    assert ("budgetName", None, "cvm") in [(d["Property"], d["Before"], d["After"]) for d in log["Records"][0][
        "DiffValue"]]
    assert not [e for e in cloud.world.timeline.pending() if e.label.startswith("budget")]
    refused(cloud, billing, "DeleteBudget", "InvalidParameterValue", BudgetIds=[budget_id])


def test_lowering_a_threshold_below_the_cost_fires_at_the_modification(
    cloud: Cloud, clock: Clock, billing: Any
) -> None:
    budget_id = create(billing, BudgetQuota="100")
    run_instances(sdk.client("cvm"), 2)
    clock.move_to(START + timedelta(hours=3, minutes=20))
    api(billing, "ModifyBudget", BudgetId=budget_id, **budget_params(BudgetQuota="4"))  # 50% = 2 <= 3 spent
    assert sent_at(billing, budget_id) == ["2026-01-05 07:20:00"]


def test_bad_budgets_are_refused_and_change_nothing(cloud: Cloud, billing: Any) -> None:
    budget_id = create(billing)
    bad_values: list[dict[str, Any]] = [
        {"CycleType": "WEEK"}, {"PlanType": "SOMETIMES"}, {"BillType": "X"}, {"FeeType": "GOLD"},
        {"BudgetName": " "}, {"PeriodBegin": "2026-01-01"}, {"PeriodBegin": "2026-12", "PeriodEnd": "2026-01"},
        {"CycleType": "DAY", "PeriodBegin": "2026-01", "PeriodEnd": "2026-02"}, {"BudgetQuota": "-1"},
        {"BudgetQuota": "ten"}, {"PlanType": "CYCLE", "BudgetQuota": "10"}, {"WarnJson": []},
        {"WarnJson": [{"WarnType": "ACTUAL", "CalType": "ABS", "ThresholdValue": str(n)} for n in range(4)]},
        {"WarnJson": [{"WarnType": "ACTUAL", "CalType": "RATIO", "ThresholdValue": "1"}]},
        {"WarnJson": [{"WarnType": "ACTUAL", "CalType": "ABS", "ThresholdValue": "-2"}]},
        {"DimensionsRange": {"Tags": [{"TagValue": ["a"]}]}},
    ]
    for changes in bad_values:
        refused(cloud, billing, "CreateBudget", "InvalidParameterValue", **budget_params(**changes))
        refused(cloud, billing, "ModifyBudget", "InvalidParameterValue", BudgetId=budget_id,
                **budget_params(**changes))
    not_modelled: list[dict[str, Any]] = [
        {"WarnJson": [{"WarnType": "FORECAST", "CalType": "ABS", "ThresholdValue": "1"}]},
        {"WaveThresholdJson": [{"WarnType": "ACTUAL", "Threshold": "10", "MetaType": "chain", "PeriodType": "day"}]},
        {"DimensionsRange": {"ComponentCodes": ["v_cpu"]}},
    ]
    for changes in not_modelled:
        message = refused(cloud, billing, "CreateBudget", "UnsupportedOperation", **budget_params(**changes))
        assert "mockcvm does not" in message
    for action, params in (
        ("ModifyBudget", {"BudgetId": "1", **budget_params()}),
        ("DeleteBudget", {"BudgetIds": [budget_id, "2"]}),
        ("DeleteBudget", {"BudgetIds": []}),
        ("DescribeBudgetRemindRecordList", {"BudgetId": "3", "PageNo": 1, "PageSize": 10}),
        ("DescribeBudgetOperationLog", {"BudgetId": "3", "PageNo": 1, "PageSize": 10}),
        ("DescribeBudget", {"PageNo": 0, "PageSize": 10}),
        ("DescribeBudget", {"PageNo": 1, "PageSize": 1000}),
    ):
        refused(cloud, billing, action, "InvalidParameterValue", **params)
    assert api(billing, "DescribeBudget", PageNo=1, PageSize=10)["Data"]["Total"] == 1


def test_tccli_nothing_values_are_no_dimensions(cloud: Cloud, billing: Any) -> None:
    budget_id = create(billing, DimensionsRange={"Business": ["None"], "Tags": [{"TagKey": "None", "TagValue": [
        "None"]}]}, WaveThresholdJson=[{"WarnType": "None", "Threshold": "None"}])
    [shown] = api(billing, "DescribeBudget", PageNo=1, PageSize=10, BudgetId=budget_id)["Data"]["Records"]
    assert_shape("billing", "BudgetExtend", shown)
    assert not any(shown["DimensionsRange"].values())


def test_the_async_client_reads_budgets(cloud: Cloud, billing: Any) -> None:
    budget_id = create(billing)

    async def scenario() -> Any:
        client = sdk.client("billing", asynchronous=True)
        return await client.DescribeBudget(sdk.request("billing", "DescribeBudget", PageNo=1, PageSize=5))

    answer = asyncio.run(scenario())
    assert [r.BudgetId for r in answer.Data.Records] == [budget_id]
    assert (answer.Data.Total, answer.Data.Pages, answer.Data.Current) == (1, 1, 1)


def test_a_snapshot_keeps_the_budget_waiting(cloud: Cloud, clock: Clock, billing: Any) -> None:
    budget_id = create(billing)
    run_instances(sdk.client("cvm"), 2)
    saved = cloud.snapshot()
    clock.move_to(START + timedelta(days=1))
    first = sent_at(billing, budget_id)
    cloud.restore(saved)
    clock.move_to(START + timedelta(days=2))
    assert sent_at(billing, budget_id) == first == ["2026-01-05 09:00:00"]


@settings(max_examples=int(os.environ.get("MOCKCVM_EXAMPLES", "6")), deadline=None)
@given(plan=st.lists(st.tuples(st.integers(0, 200), st.integers(1, 3), st.integers(1, 100)), min_size=1, max_size=3),
       thresholds=st.lists(st.integers(1, 150), min_size=1, max_size=3, unique=True), steps=st.booleans(),
       dimensions=st.booleans(), created=st.integers(0, 6))
def test_every_reminder_is_the_instant_the_ledger_reaches_it(
    plan: list[tuple[int, int, int]], thresholds: list[int], steps: bool, dimensions: bool, created: int
) -> None:
    import time_machine

    with time_machine.travel(START, tick=False) as traveller, mock_cvm(transitions="immediate",
                                                                        prices={"disk_gb_hour": 0}) as cloud:
        billing, cvm = sdk.client("billing"), sdk.client("cvm")
        events = []
        for start, count, lifetime in plan:
            events += [(start * HOUR + 17 * 60, "run", count), ((start + lifetime) * HOUR + 1234, "stop", count)]
        # mid-hour, often in an hour in which rates changed (a partial hour is open then), or at the start
        moments = [0] + [at // HOUR * HOUR for at, _what, _count in events]
        created_at = moments[created % len(moments)] + 29 * 60
        events.append((created_at, "budget", 0))
        running: list[str] = []
        budget_id = ""
        for at, what, count in sorted(events):
            traveller.move_to(START + timedelta(seconds=at))
            if what == "budget":
                budget_id = create(billing, CycleType="MONTH", PeriodBegin="2026-01", PeriodEnd="2026-01", WarnJson=[
                    {"WarnType": "ACTUAL", "CalType": "ABS", "ThresholdValue": str(t)} for t in thresholds],
                    DimensionsRange={"Business": ["p_cvm"]} if dimensions else {})  # all rows are p_cvm: same cost
            elif what == "run":
                running += run_instances(cvm, count)
            elif running:
                api(cvm, "TerminateInstances", InstanceIds=running[:count])
                running = running[count:]
            if steps and budget_id:
                sent_at(billing, budget_id)  # a read in between changes nothing
        traveller.move_to(START + timedelta(days=30))
        first, last = T0 - 4 * 86400 - 4 * HOUR, T0 + 26 * 86400 + 20 * HOUR - 1  # 2026-01-01 .. 01-31 23:59:59
        assert (spaced(first), spaced(last)) == ("2026-01-01 00:00:00", "2026-01-31 23:59:59")
        reached = filter(None, (ledger_reaches(cloud, Decimal(t), first, last) for t in thresholds))
        expected = sorted(max(at, spaced(T0 + created_at)) for at in reached)  # reached before: at the creation
        assert sorted(sent_at(billing, budget_id)) == expected
        rating, _upfront = cloud.world.billing.budget_sources(cloud.default_account)
        through = Decimal(0)
        for moment in sorted({e.time for e in cloud.ledger()}):  # the settled debits are the ledger's, hour by hour
            through += sum(e.amount for e in cloud.ledger() if e.time == moment)
            assert rating.debited_through(int(moment)) == int(through * 100)


def test_a_refund_lowers_the_cost_and_is_a_return_in_the_bill_list(cloud: Cloud, clock: Clock, billing: Any) -> None:
    budget_id = create(billing, BudgetQuota="1000", WarnJson=[
        {"WarnType": "ACTUAL", "CalType": "ABS", "ThresholdValue": "100"}])
    cvm = sdk.client("cvm")
    [ins] = run_instances(cvm, InstanceChargeType="PREPAID", InstanceChargePrepaid={"Period": 1})  # 200 up front
    assert sent_at(billing, budget_id) == ["2026-01-05 04:00:00"]
    clock.move_to(START + timedelta(hours=1))
    api(cvm, "TerminateInstances", InstanceIds=[ins])  # within five days: everything back
    [shown] = api(billing, "DescribeBudget", PageNo=1, PageSize=10)["Data"]["Records"]
    assert (shown["RealCost"], shown["RemindTimes"], shown["MoneyStatus"]) == ("0.00", 1, 1)
    rows = api(billing, "DescribeBillList", StartTime="2026-01-05 00:00:00", EndTime="2026-01-06 00:00:00",
               Offset=0, Limit=100)["TransactionList"]
    assert [(r["ActionType"], r["DeductMode"], r["Amount"]) for r in rows[1:]] == [
        ("deduct", "trade", -20000), ("return", "trade", 20000)]
    assert rows[-1]["Balance"] == rows[0]["Amount"] == int(cloud.balance() * 100)


@pytest.mark.cloud_options(verify_signatures=True)
def test_an_account_sees_only_its_own_budgets_and_movements(cloud: Cloud) -> None:
    cloud.register_credentials("AKIDalice0000000000000000000000000", "alice-key", account="200000000001")
    cloud.register_credentials("AKIDbob000000000000000000000000000", "bob-key", account="200000000002")
    alice = sdk.client("billing", secret_id="AKIDalice".ljust(34, "0"), secret_key="alice-key")
    bob = sdk.client("billing", secret_id="AKIDbob".ljust(34, "0"), secret_key="bob-key")
    budget_id = create(alice)
    cloud.top_up("5", account="200000000002")
    assert api(bob, "DescribeBudget", PageNo=1, PageSize=10)["Data"]["Total"] == 0
    refused(cloud, bob, "DescribeBudgetOperationLog", "InvalidParameterValue", BudgetId=budget_id, PageNo=1,
            PageSize=10)
    refused(cloud, bob, "DeleteBudget", "InvalidParameterValue", BudgetIds=[budget_id])
    span = {"StartTime": "2026-03-01 00:00:00", "EndTime": "2026-03-31 00:00:00", "Offset": 0, "Limit": 10}
    assert [r["OperationInfo"] for r in api(bob, "DescribeBillList", **span)["TransactionList"]] == [
        "opening balance", "top-up"]
    assert [r["OperationInfo"] for r in api(alice, "DescribeBillList", **span)["TransactionList"]] == [
        "opening balance"]


def test_the_failure_report_does_not_list_budget_checks(cloud: Cloud, billing: Any) -> None:
    create(billing)
    run_instances(sdk.client("cvm"))
    assert [e for e in cloud.world.timeline.pending() if e.label.startswith("budget check")]
    assert "budget" not in cloud.dump()
