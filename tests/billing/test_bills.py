"""Bills through the real SDK: every amount is the ledger's, by the period the request names."""

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

from mockcvm import Cloud, mock_cvm
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
JANUARY = {"BeginTime": "2026-01-01 00:00:00", "EndTime": "2026-01-31 23:59:59"}
PRODUCT = {"ins": "p_cvm", "disk": "p_cbs", "snap": "p_cbs", "eip": "p_eip"}


def ledger_by(cloud: Cloud, key: Any) -> dict[str, Decimal]:
    groups: dict[str, Decimal] = defaultdict(Decimal)
    for entry in cloud.ledger():
        groups[key(entry)] += entry.amount
    return dict(groups)


def build(cloud: Cloud, clock: Any) -> dict[str, str]:
    cvm, cbs, vpc = sdk.client("cvm"), sdk.client("cbs"), sdk.client("vpc")
    [ins] = run_instances(cvm, TagSpecification=[{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "a"}]}])
    [disk] = api(cbs, "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR", DiskType="CLOUD_SSD",
                 DiskSize=200, Tags=[{"Key": "team", "Value": "b"}])["DiskIdSet"]
    [prepaid] = api(cbs, "CreateDisks", Placement={"Zone": ZONE, "ProjectId": 7}, DiskChargeType="PREPAID",
                    DiskType="CLOUD_SSD", DiskSize=100, DiskChargePrepaid={"Period": 1})["DiskIdSet"]
    [eip] = api(vpc, "AllocateAddresses")["AddressSet"]
    clock.move_to(START + timedelta(hours=5))
    api(cvm, "TerminateInstances", InstanceIds=[ins])  # released: its bills keep its region and tags
    clock.move_to(START + timedelta(hours=8))
    return {"ins": ins, "disk": disk, "prepaid": prepaid, "eip": eip}


@pytest.fixture
def billing(cloud: Cloud) -> Any:
    return sdk.client("billing")


def test_summaries_are_the_ledger_grouped(cloud: Cloud, clock: Clock, billing: Any) -> None:
    made = build(cloud, clock)
    by_product = api(billing, "DescribeBillSummaryByProduct", **JANUARY)
    expected = ledger_by(cloud, lambda e: PRODUCT[e.resource_id.split("-")[0]])
    assert {i["BusinessCode"]: Decimal(i["RealTotalCost"]) for i in by_product["SummaryOverview"]} == expected
    assert Decimal(by_product["SummaryTotal"]["TotalCost"]) == sum(expected.values())
    for item in by_product["SummaryOverview"]:
        assert_shape("billing", "BusinessSummaryOverviewItem", item)
    by_mode = api(billing, "DescribeBillSummaryByPayMode", **JANUARY)["SummaryOverview"]
    prepaid_total = sum(e.amount for e in cloud.ledger() if e.resource_id == made["prepaid"])
    assert {i["PayMode"]: Decimal(i["TotalCost"]) for i in by_mode}["prePay"] == prepaid_total == Decimal(30)
    by_project = api(billing, "DescribeBillSummaryByProject", **JANUARY)["SummaryOverview"]
    assert {i["ProjectId"]: Decimal(i["TotalCost"]) for i in by_project}["7"] == prepaid_total
    by_region = api(billing, "DescribeBillSummaryByRegion", **JANUARY)["SummaryOverview"]
    assert [i["RegionId"] for i in by_region] == ["ap-guangzhou"]
    by_tag = api(billing, "DescribeBillSummaryByTag", TagKey="team", **JANUARY)
    team = {i["TagValue"]: Decimal(i["TotalCost"]) for i in by_tag["SummaryOverview"]}
    ledger = ledger_by(cloud, lambda e: e.resource_id)
    assert team["a"] == ledger[made["ins"]] > 0 and team["b"] == ledger[made["disk"]] > 0
    refused(cloud, billing, "DescribeBillSummaryByTag", "FailedOperation.TagKeyNotExist", TagKey="nobody",
            **JANUARY)


def test_details_and_resource_summaries_page_the_ledger(cloud: Cloud, clock: Clock, billing: Any) -> None:
    made = build(cloud, clock)
    first = api(billing, "DescribeBillDetail", Offset=0, Limit=3, Month="2026-01")
    assert first["Total"] == len(cloud.ledger()) and len(first["DetailSet"]) == 3
    for detail in first["DetailSet"]:
        assert_shape("billing", "BillDetail", detail)
    of_disk = api(billing, "DescribeBillDetail", Offset=0, Limit=100, Month="2026-01", ResourceId=made["disk"])
    assert sum(Decimal(d["ComponentSet"][0]["Cost"]) for d in of_disk["DetailSet"]) == \
        sum(e.amount for e in cloud.ledger() if e.resource_id == made["disk"])
    summary = api(billing, "DescribeBillResourceSummary", Offset=0, Limit=100, Month="2026-01")
    totals = {s["ResourceId"]: Decimal(s["RealTotalCost"]) for s in summary["ResourceSummarySet"]}
    assert totals == ledger_by(cloud, lambda e: e.resource_id)
    assert api(billing, "DescribeBillDetail", Offset=0, Limit=10, Month="2026-02")["Total"] == 0
    refused(cloud, billing, "DescribeBillDetail", "InvalidParameterValue", Offset=0, Limit=10, Month="January")
    refused(cloud, billing, "DescribeBillDetail", "InvalidParameterValue", Offset=0, Limit=1000, Month="2026-01")
    refused(cloud, billing, "DescribeBillSummaryByRegion", "InvalidParameterValue",
            BeginTime="2026-01-01 00:00:00", EndTime="2026-02-01 00:00:00")


@settings(max_examples=int(os.environ.get("MOCKCVM_EXAMPLES", "6")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hours=st.lists(st.integers(1, 300), min_size=1, max_size=4), sizes=st.lists(st.integers(10, 500), max_size=3),
       split=st.integers(1, 27))
def test_every_amount_equals_the_ledger_in_the_period(hours: list[int], sizes: list[int], split: int) -> None:
    import time_machine

    with time_machine.travel(START, tick=False) as traveller, mock_cvm(transitions="immediate") as cloud:
        cvm, cbs = sdk.client("cvm"), sdk.client("cbs")
        instances = run_instances(cvm, len(hours))
        for size in sizes:
            api(cbs, "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR", DiskType="CLOUD_SSD",
                DiskSize=size)
        for ins, lifetime in sorted(zip(instances, hours), key=lambda pair: pair[1]):
            traveller.move_to(START + timedelta(hours=lifetime))
            api(cvm, "TerminateInstances", InstanceIds=[ins])
        traveller.move_to(START + timedelta(days=27))
        billing = sdk.client("billing")
        cut = f"2026-01-{5 + split // 2:02d} 00:00:00"
        for begin, end in (("2026-01-01 00:00:00", cut), (cut, "2026-01-31 23:59:59")):
            answer = api(billing, "DescribeBillSummaryByProduct", BeginTime=begin, EndTime=end)
            first, last = _epoch(begin), _epoch(end)
            expected = sum(e.amount for e in cloud.ledger() if first <= e.time <= last)
            assert Decimal(answer["SummaryTotal"]["TotalCost"]) == expected


def _epoch(text: str) -> float:
    from mockcvm import clock

    return clock.parse_spaced(text)


def test_the_async_client_reads_a_bill(cloud: Cloud, clock: Clock) -> None:
    build(cloud, clock)

    async def scenario() -> Any:
        client = sdk.client("billing", asynchronous=True)
        return await client.DescribeBillSummaryByPayMode(sdk.request("billing", "DescribeBillSummaryByPayMode",
                                                                      **JANUARY))

    answer = asyncio.run(scenario())
    assert sum(Decimal(i.TotalCost) for i in answer.SummaryOverview) == sum(e.amount for e in cloud.ledger())


def test_deals_are_the_up_front_charges(cloud: Cloud, clock: Clock, billing: Any) -> None:
    made = build(cloud, clock)
    cbs = sdk.client("cbs")
    api(cbs, "RenewDisk", DiskId=made["prepaid"], DiskChargePrepaid={"Period": 2})
    answer = api(billing, "DescribeDealsByCond", StartTime="2026-01-01 00:00:00", EndTime="2026-01-31 23:59:59",
                 Limit=100)
    upfront = [e for e in cloud.ledger() if e.reason not in ("instance", "disk", "eip_idle", "snapshot")]
    assert answer["TotalCount"] == len(upfront) == 2
    for deal, entry in zip(answer["Deals"], upfront):
        assert_shape("billing", "Deal", deal)
        assert deal["RealTotalCost"] == int(entry.amount * 100) and deal["ResourceId"] == [entry.resource_id]
    assert [d["Action"] for d in answer["Deals"]] == ["purchase", "renew"]
    only = api(billing, "DescribeDealsByCond", StartTime="2026-01-01 00:00:00", EndTime="2026-01-31 23:59:59",
               Limit=100, OrderId=answer["Deals"][1]["OrderId"])
    assert only["TotalCount"] == 1
    refused(cloud, billing, "DescribeDealsByCond", "InvalidParameterValue", StartTime="2026-01-31 00:00:00",
            EndTime="2026-01-01 00:00:00", Limit=10)


def test_renew_instances_lists_prepaid_instances_and_disks_by_deadline(cloud: Cloud, billing: Any) -> None:
    cvm, cbs = sdk.client("cvm"), sdk.client("cbs")
    [ins] = run_instances(cvm, InstanceChargeType="PREPAID", InstanceChargePrepaid={"Period": 2})
    [disk] = api(cbs, "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="PREPAID", DiskType="CLOUD_SSD",
                 DiskSize=10, DiskChargePrepaid={"Period": 1, "RenewFlag": "NOTIFY_AND_AUTO_RENEW"})["DiskIdSet"]
    api(cbs, "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR", DiskType="CLOUD_SSD",
        DiskSize=10)
    listed = api(billing, "DescribeRenewInstances", MaxResults=10)["InstanceList"]
    prepaid_disks = [d["DiskId"] for d in api(cbs, "DescribeDisks", Filters=[
        {"Name": "disk-charge-type", "Values": ["PREPAID"]}])["DiskSet"]]
    assert [i["InstanceId"] for i in listed][0] == disk  # one month before two
    assert {i["InstanceId"] for i in listed} == {ins, *prepaid_disks}
    for item in listed:
        assert_shape("billing", "RenewInstance", item)
    first = api(billing, "DescribeRenewInstances", MaxResults=1, RenewFlagList=["NOTIFY_AND_AUTO_RENEW"])
    assert [i["InstanceId"] for i in first["InstanceList"]] == [disk] and first["NextToken"] == ""
    page = api(billing, "DescribeRenewInstances", MaxResults=1, Reverse=True)
    assert page["NextToken"] and page["InstanceList"][0]["ExpireTime"] >= listed[-1]["ExpireTime"]
    refused(cloud, billing, "DescribeRenewInstances", "InvalidParameterValue", MaxResults=1, NextToken="x")
