"""Budget handlers: CreateBudget, ModifyBudget, DeleteBudget and the reads (``budgets.py`` does the work)."""

from __future__ import annotations

import json
from typing import Any

from mockcvm import clock
from mockcvm.dispatch import Context, action
from mockcvm.errors import InvalidParameterValue
from mockcvm.services.billing.bills import shape
from mockcvm.services.billing.budget_spec import MAX_PAGE_SIZE, Budget, LogEntry, RemindRecord
from mockcvm.services.billing.budgets import Budgets


def _budgets(ctx: Context) -> Budgets:
    return ctx.world.billing.budgets


def _page(params: dict[str, Any], items: list[Any]) -> tuple[dict[str, Any], list[Any]]:
    """``(Current, Pages, Size, Total)`` and the page's items (``PageNo`` from 1, ``PageSize`` 1-100)."""
    number, size = params.get("PageNo"), params.get("PageSize")
    if not isinstance(number, int) or number < 1 or not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidParameterValue(f"PageNo must be >= 1 and PageSize 1-{MAX_PAGE_SIZE}; got {number}, {size}.")
    pages = -(-len(items) // size)
    return ({"Current": number, "Pages": pages, "Size": size, "Total": len(items)},
            items[(number - 1) * size : number * size])


@action("billing", "CreateBudget")
def create_budget(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    budget = _budgets(ctx).create(ctx.account.uin, params)
    return {"Code": 0, "Message": "create success",
            "Data": {"BudgetId": budget.budget_id, "UpdateTime": clock.spaced(budget.updated)}}


@action("billing", "ModifyBudget")
def modify_budget(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    budget = _budgets(ctx).modify(ctx.account.uin, params)
    return {"Code": 0, "Message": "update success",
            "Data": {"BudgetId": budget.budget_id, "UpdateTime": clock.spaced(budget.updated)}}


@action("billing", "DeleteBudget")
def delete_budget(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ids = params.get("BudgetIds") or []
    if not ids:
        raise InvalidParameterValue("BudgetIds must name at least one budget.")
    return {"Code": 0, "Message": "delete success", "Data": _budgets(ctx).delete(ctx.account.uin, ids)}


@action("billing", "DescribeBudget")
def describe_budget(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    budgets = _budgets(ctx)
    paging, page = _page(params, budgets.listed(ctx.account.uin, params))
    return {"Code": 0, "Message": "query success",
            "Data": {**paging, "Records": [_render(ctx, budgets, b) for b in page]}}


@action("billing", "DescribeBudgetRemindRecordList")
def describe_budget_remind_record_list(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    budget = _budgets(ctx).get(ctx.account.uin, params.get("BudgetId"), deleted_too=True)
    paging, page = _page(params, budget.records)
    return {"Code": 0, "Message": "query success", "Data": {
        **paging, "Records": [_record(r) for r in page], "Orders": [], "OptimizeCountSql": True,
        "SearchCount": True, "CountId": None, "MaxLimit": None}}


@action("billing", "DescribeBudgetOperationLog")
def describe_budget_operation_log(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    budget = _budgets(ctx).get(ctx.account.uin, params.get("BudgetId"), deleted_too=True)
    paging, page = _page(params, budget.log)
    return {"Code": 0, "Message": "query success",
            "Data": {**paging, "Records": [_log(ctx, budget, entry) for entry in page]}}


def _render(ctx: Context, budgets: Budgets, budget: Budget) -> dict[str, Any]:
    now = ctx.world.now
    spec = budget.spec
    cycle = budget.cycle_at(min(max(now, budget.valid_from), budget.valid_to))
    spent = budgets.cost(budget, cycle)
    quota = budget.quota(cycle)
    progress = "0.00" if not quota else f"{spent * 100 / quota:.2f}"
    plan = None
    if spec["PlanType"] == "CYCLE":
        plan = [{"DateDesc": item["dateDesc"], "Quota": item["quota"]} for item in json.loads(spec["BudgetQuota"])]
    return shape("BudgetExtend", {
        "BudgetId": budget.budget_id, "BudgetName": spec["BudgetName"], "BudgetNote": spec["BudgetNote"],
        "BudgetQuota": spec["BudgetQuota"], "BudgetQuotaJson": plan, "CycleType": spec["CycleType"],
        "BillType": spec["BillType"], "FeeType": spec["FeeType"], "PeriodBegin": spec["PeriodBegin"],
        "PeriodEnd": spec["PeriodEnd"], "Dimensions": "COST", "PlanType": spec["PlanType"],
        "WarnJson": spec["WarnJson"], "WaveThresholdJson": [], "DimensionsRange": spec["DimensionsRange"],
        "PayerUin": int(budget.uin), "DefaultMode": 0, "TemplateType": "CUS", "SendDetail": "",
        "MoneyStatus": 2 if quota is not None and spent > quota else 1, "RemindTimes": len(budget.records),
        "CreateTime": clock.spaced(budget.created), "UpdateTime": clock.spaced(budget.updated),
        "HasForecast": "NO_FORECAST", "RealCost": f"{spent:.2f}", "CurDateDesc": cycle.label,
        "BudgetStatus": budget.status(now), "BudgetProgress": progress, "BudgetSendInfoForm": [],
    })


def _record(record: RemindRecord) -> dict[str, Any]:
    millis = int(record.at * 1000)
    return shape("BudgetRemindRecords", {
        "DateDesc": record.date_desc, "RealCost": f"{record.cost:.2f}", "BudgetQuota": record.quota,
        "AlarmType": "BUDGET", "MessageContent": record.message, "SendTime": millis, "CreateTime": millis,
    })


def _log(ctx: Context, budget: Budget, entry: LogEntry) -> dict[str, Any]:
    when = clock.to_datetime(entry.at)
    uin = int(budget.uin)
    return shape("BudgetOperationLogEntity", {
        "PayerUin": uin, "OwnerUin": uin, "OperateUin": uin, "BillDay": int(when.strftime("%Y%m%d")),
        "BillMonth": when.strftime("%Y-%m-01 00:00:00"), "Action": entry.action,
        "DiffValue": [{"Property": p, "Before": b, "After": a} for p, b, a in entry.diff],
        "CreateTime": clock.spaced(entry.at), "UpdateTime": clock.spaced(entry.at), "OperationChannel": "API",
        "BudgetId": budget.budget_id,
    })
