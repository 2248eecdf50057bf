"""Billing handlers of bills: summaries and details read from the ledger (``bills.py``)."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.services.billing.bills import Bills, Deals, Renewals
from mockcvm.services.billing.costs import Costs
from mockcvm.services.billing.movements import bill_list


def _bills(ctx: Context) -> Bills:
    return Bills(ctx.world)


@action("billing", "DescribeBillSummaryByProduct")
def describe_bill_summary_by_product(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _bills(ctx).by_product(ctx.account.uin, params)


@action("billing", "DescribeBillSummaryByRegion")
def describe_bill_summary_by_region(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _bills(ctx).by_region(ctx.account.uin, params, ctx.call.language)


@action("billing", "DescribeBillSummaryByPayMode")
def describe_bill_summary_by_pay_mode(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _bills(ctx).by_pay_mode(ctx.account.uin, params)


@action("billing", "DescribeBillSummaryByProject")
def describe_bill_summary_by_project(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _bills(ctx).by_project(ctx.account.uin, params)


@action("billing", "DescribeBillSummaryByTag")
def describe_bill_summary_by_tag(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _bills(ctx).by_tag(ctx.account.uin, params)


@action("billing", "DescribeBillDetail")
def describe_bill_detail(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _bills(ctx).detail(ctx.account.uin, params)


@action("billing", "DescribeBillResourceSummary")
def describe_bill_resource_summary(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return _bills(ctx).resource_summary(ctx.account.uin, params)


@action("billing", "DescribeDealsByCond")
def describe_deals_by_cond(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    total, deals = Deals(ctx.world).find(ctx.account.uin, params)
    return {"TotalCount": total, "Deals": deals}


@action("billing", "DescribeRenewInstances")
def describe_renew_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    items, token = Renewals(ctx.world).find(ctx.account.uin, params)
    return {"InstanceList": items, "NextToken": token}


@action("billing", "DescribeBillList")
def describe_bill_list(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return bill_list(ctx.world, ctx.account.uin, params)


@action("billing", "DescribeCostSummaryByResource")
def describe_cost_summary_by_resource(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return Costs(ctx.world).by_resource(ctx.account.uin, params, ctx.call.language)
