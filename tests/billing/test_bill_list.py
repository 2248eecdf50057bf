"""DescribeBillList (money movements) and DescribeCostSummaryByResource through the real SDK: both read the ledger
and the payments, so their amounts are the ledger's."""

from __future__ import annotations

import asyncio
import os
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockcvm import Cloud, clock, mock_cvm
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

pytestmark = pytest.mark.cloud_options(transitions="immediate")
JANUARY = {"StartTime": "2026-01-01 00:00:00", "EndTime": "2026-01-31 23:59:59"}
HOURLY = ("instance", "disk", "eip_idle", "snapshot")


def cents(amount: Decimal) -> int:
    return int(amount * 100)


def all_movements(billing: Any, **span: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        page = api(billing, "DescribeBillList", Offset=len(rows), Limit=1000, WithZeroAmount=1, **(span or JANUARY))
        rows += page["TransactionList"]
        if len(rows) >= page["Total"]:
            return rows


def build(cloud: Cloud, clock: Clock) -> dict[str, str]:
    cvm, cbs = sdk.client("cvm"), sdk.client("cbs")
    [ins] = run_instances(cvm, TagSpecification=[{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "a"}]}])
    [prepaid] = api(cbs, "CreateDisks", Placement={"Zone": ZONE, "ProjectId": 7}, DiskChargeType="PREPAID",
                    DiskType="CLOUD_SSD", DiskSize=100, DiskChargePrepaid={"Period": 1})["DiskIdSet"]
    clock.move_to(START + timedelta(hours=2, minutes=30))
    cloud.top_up("12.5")
    clock.move_to(START + timedelta(hours=5))
    api(cvm, "TerminateInstances", InstanceIds=[ins])
    clock.move_to(START + timedelta(hours=8))
    return {"ins": ins, "prepaid": prepaid}


@pytest.fixture
def billing(cloud: Cloud) -> Any:
    return sdk.client("billing")


def test_the_bill_list_is_every_payment_and_charge_with_the_balance_after_it(
    cloud: Cloud, clock: Clock, billing: Any
) -> None:
    made = build(cloud, clock)
    rows = all_movements(billing)
    for row in rows:
        assert_shape("billing", "BillTransactionInfo", row)
    assert [r["ActionType"] for r in rows[:2]] == ["recharge", "deduct"]  # the opening balance, the prepaid disk
    assert rows[1]["Amount"] == -3000 and rows[1]["DeductMode"] == "trade" and made["prepaid"] in rows[1][
        "OperationInfo"]
    top_up = [r for r in rows if r["OperationInfo"] == "top-up"]
    assert [(r["Amount"], r["OperationTime"]) for r in top_up] == [(1250, "2026-01-05 06:30:00.000")]
    hourly = [r for r in rows if r["DeductMode"] == "hourh"]
    assert len(hourly) == len([e for e in cloud.ledger() if e.reason in HOURLY])
    assert sum(r["Amount"] for r in rows if r["ActionType"] != "recharge") == -cents(
        sum(e.amount for e in cloud.ledger()))
    running = 0
    for row in rows:
        running += row["Amount"]
        assert row["Balance"] == row["Cash"] == running
    assert rows[-1]["Balance"] == cents(cloud.balance())
    assert len({r["BillId"] for r in rows}) == len(rows)


def test_the_bill_list_filters_pages_and_totals(cloud: Cloud, clock: Clock, billing: Any) -> None:
    build(cloud, clock)
    every = all_movements(billing)
    deducts = api(billing, "DescribeBillList", Offset=0, Limit=2, PayType=["deduct"], **JANUARY)
    assert deducts["Total"] == len([r for r in every if r["ActionType"] == "deduct"])
    assert len(deducts["TransactionList"]) == 2
    assert deducts["DeductAmount"] == -sum(r["Amount"] for r in every if r["ActionType"] == "deduct")
    assert deducts["RechargeAmount"] == 0
    trade = api(billing, "DescribeBillList", Offset=0, Limit=100, PayType=["deduct"], SubPayType=["trade"], **JANUARY)
    assert [r["Amount"] for r in trade["TransactionList"]] == [-3000]
    recharges = api(billing, "DescribeBillList", Offset=0, Limit=100, PayType=["recharge"], **JANUARY)
    assert recharges["RechargeAmount"] == cents(sum(p.amount for p in cloud.world.billing.payments()))
    later = api(billing, "DescribeBillList", Offset=1, Limit=100, StartTime="2026-01-05 06:00:00",
                EndTime="2026-01-05 07:00:00")
    first_hours = [r for r in every if "2026-01-05 06:00:00" <= r["OperationTime"][:19] <= "2026-01-05 07:00:00"]
    assert later["TransactionList"] == first_hours[1:] and later["Total"] == len(first_hours)
    assert api(billing, "DescribeBillList", Offset=0, Limit=10, StartTime="2026-02-01 00:00:00",
               EndTime="2026-02-02 00:00:00")["Total"] == 0


def test_a_zero_adjustment_is_listed_only_with_zero_amounts(cloud: Cloud, billing: Any) -> None:
    cloud.set_balance(cloud.balance())  # an adjustment of 0
    span = {"StartTime": "2026-03-01 00:00:00", "EndTime": "2026-03-31 00:00:00"}
    without = api(billing, "DescribeBillList", Offset=0, Limit=10, **span)
    with_zero = api(billing, "DescribeBillList", Offset=0, Limit=10, WithZeroAmount=1, **span)
    assert with_zero["Total"] == without["Total"] + 1
    cloud.set_balance("10")
    [adjusted] = api(billing, "DescribeBillList", Offset=0, Limit=10, PayType=["deduct"], **span)["TransactionList"]
    assert adjusted["Amount"] == -99999000 and adjusted["Balance"] == 1000


def test_bad_bill_list_requests_are_refused_and_change_nothing(cloud: Cloud, billing: Any) -> None:
    bad: list[dict[str, Any]] = [
        {"StartTime": "2026-03-02", "EndTime": "2026-03-03 00:00:00", "Offset": 0, "Limit": 10},
        {"StartTime": "2026-03-03 00:00:00", "EndTime": "2026-03-02 00:00:00", "Offset": 0, "Limit": 10},
        {"StartTime": "2025-01-01 00:00:00", "EndTime": "2026-03-02 00:00:00", "Offset": 0, "Limit": 10},
        {**JANUARY, "Offset": 0, "Limit": 0},
        {**JANUARY, "Offset": 0, "Limit": 10, "PayType": ["gift"]},
        {**JANUARY, "Offset": 0, "Limit": 10, "SubPayType": ["weekly"]},
    ]
    for params in bad:
        refused(cloud, billing, "DescribeBillList", "InvalidParameterValue", **params)


def test_the_cost_summary_is_the_months_ledger_per_resource(cloud: Cloud, clock: Clock, billing: Any) -> None:
    made = build(cloud, clock)
    answer = api(billing, "DescribeCostSummaryByResource", BeginTime="2026-01-01 00:00:00",
                 EndTime="2026-01-31 23:59:59", Offset=0, Limit=100, NeedRecordNum=1, NeedConditionValue=1)
    assert_shape("billing", "DescribeCostSummaryByResourceResponse", answer)
    by_resource: dict[str, Decimal] = defaultdict(Decimal)
    for entry in cloud.ledger():
        by_resource[entry.resource_id] += entry.amount
    assert {d["ResourceId"]: Decimal(d["RealTotalCost"]) for d in answer["Data"]} == by_resource
    assert Decimal(answer["Total"]["RealTotalCost"]) == sum(by_resource.values())
    assert answer["RecordNum"] == len(by_resource)
    assert {b["BusinessCode"] for b in answer["ConditionValue"]["Business"]} == {"p_cvm", "p_cbs"}
    [ins] = [d for d in answer["Data"] if d["ResourceId"] == made["ins"]]
    assert (ins["PayMode"], ins["RegionId"], ins["Tags"], ins["FeeEndTime"]) == (
        "postPay", "1", "team:a", "2026-01-05 09:00:00")
    prepaid = api(billing, "DescribeCostSummaryByResource", BeginTime="2026-01", EndTime="2026-01", Offset=0,
                  Limit=100, Conditions={"PayModes": ["prePay"], "ProjectIds": [7]})
    assert [(d["ResourceId"], d["RealTotalCost"]) for d in prepaid["Data"]] == [(made["prepaid"], "30.00000000")]
    tagged = api(billing, "DescribeCostSummaryByResource", BeginTime="2026-01", EndTime="2026-01", Offset=0,
                 Limit=100, TagKey="team", TagValue="a")
    assert [d["ResourceId"] for d in tagged["Data"]] == [made["ins"]]
    ordered = api(billing, "DescribeCostSummaryByResource", BeginTime="2026-01", EndTime="2026-01", Offset=0,
                  Limit=1, Conditions={"OrderByCost": "desc", "ResourceKeyword": made["prepaid"][-4:]})
    assert [d["ResourceId"] for d in ordered["Data"]] == [made["prepaid"]]
    assert api(billing, "DescribeCostSummaryByResource", BeginTime="2026-02", EndTime="2026-02", Offset=0,
               Limit=10)["Data"] == []
    for params in ({"BeginTime": "2026-01", "EndTime": "2026-02"}, {"BeginTime": "January", "EndTime": "2026-01"},
                   {"BeginTime": "2026-01", "EndTime": "2026-01", "Limit": 101},
                   {"BeginTime": "2026-01", "EndTime": "2026-01", "Conditions": {"OrderByCost": "up"}}):
        refused(cloud, billing, "DescribeCostSummaryByResource", "InvalidParameterValue",
                **{"Offset": 0, "Limit": 10, **params})


def test_the_async_client_reads_the_bill_list(cloud: Cloud, clock: Clock) -> None:
    build(cloud, clock)

    async def scenario() -> Any:
        client = sdk.client("billing", asynchronous=True)
        return await client.DescribeBillList(sdk.request("billing", "DescribeBillList", Offset=0, Limit=100,
                                                         **JANUARY))

    answer = asyncio.run(scenario())
    assert answer.TransactionList[-1].Balance == cents(cloud.balance())


@settings(max_examples=int(os.environ.get("MOCKCVM_EXAMPLES", "6")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hours=st.lists(st.integers(1, 600), min_size=1, max_size=3), sizes=st.lists(st.integers(10, 500), max_size=1),
       top_ups=st.lists(st.tuples(st.integers(0, 600), st.integers(1, 5000)), max_size=3), split=st.integers(1, 40))
def test_movements_and_costs_equal_the_ledger(
    hours: list[int], sizes: list[int], top_ups: list[tuple[int, int]], split: int
) -> None:
    import time_machine

    with time_machine.travel(START, tick=False) as traveller, mock_cvm(transitions="immediate") as cloud:
        cvm, cbs = sdk.client("cvm"), sdk.client("cbs")
        instances = run_instances(cvm, len(hours))
        for size in sizes:
            api(cbs, "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR", DiskType="CLOUD_SSD",
                DiskSize=size)
        api(cbs, "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="PREPAID", DiskType="CLOUD_SSD",
            DiskSize=10, DiskChargePrepaid={"Period": 1})
        steps = [(h, "terminate", ins) for ins, h in zip(instances, hours)] + [
            (h, "top_up", str(amount)) for h, amount in top_ups]
        for at, what, value in sorted(steps):
            traveller.move_to(START + timedelta(hours=at, minutes=17))
            if what == "terminate":
                api(cvm, "TerminateInstances", InstanceIds=[value])
            else:
                cloud.top_up(value)
        traveller.move_to(START + timedelta(days=28))
        billing = sdk.client("billing")
        cut = clock.spaced(START.timestamp() + split * 86400 // 2)
        ledger, payments = cloud.ledger(), cloud.world.billing.payments()
        for begin, end in (("2026-01-01 00:00:00", cut), (cut, "2026-02-28 23:59:59")):
            first, last = clock.parse_spaced(begin), clock.parse_spaced(end)
            rows = all_movements(billing, StartTime=begin, EndTime=end)
            assert sum(r["Amount"] for r in rows if r["ActionType"] != "recharge") == -cents(
                sum(e.amount for e in ledger if first <= e.time <= last))
            assert sum(r["Amount"] for r in rows if r["ActionType"] == "recharge") == cents(
                sum(p.amount for p in payments if first <= p.time <= last))
        assert all_movements(billing, StartTime="2026-01-01 00:00:00", EndTime="2026-02-28 23:59:59")[-1][
            "Balance"] == cents(cloud.balance())
        for month in ("2026-01", "2026-02"):
            first, last = clock.parse_spaced(f"{month}-01 00:00:00"), clock.parse_spaced(
                "2026-01-31 23:59:59" if month == "2026-01" else "2026-02-28 23:59:59")
            expected: dict[str, Decimal] = defaultdict(Decimal)
            for entry in ledger:
                if first <= entry.time <= last:
                    expected[entry.resource_id] += entry.amount
            answer = api(billing, "DescribeCostSummaryByResource", BeginTime=month, EndTime=month, Offset=0,
                         Limit=100)
            assert {d["ResourceId"]: Decimal(d["RealTotalCost"]) for d in answer["Data"]} == dict(expected)
            assert Decimal(answer["Total"]["RealTotalCost"]) == sum(expected.values())
