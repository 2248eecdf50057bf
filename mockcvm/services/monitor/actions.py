"""Monitor handlers: GetMonitorData and DescribeBaseMetrics for the namespaces mockcvm models."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.errors import ApiError
from mockcvm.services.monitor.catalog import NAMESPACES, PERIODS


@action("monitor", "GetMonitorData")
def get_monitor_data(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return ctx.world.monitor.get_monitor_data(ctx.account.uin, ctx.region, params)


@action("monitor", "DescribeBaseMetrics")
def describe_base_metrics(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    namespace = NAMESPACES.get(params["Namespace"])
    if namespace is None:
        raise ApiError(f"mockcvm does not model the namespace {params['Namespace']!r}; it models "
                       f"{', '.join(NAMESPACES)}.", code="InvalidParameter.UnsupportedProduct")
    wanted = params.get("MetricName")
    metrics = [m for m in namespace.metrics.values() if wanted in (None, "", m.name)]
    return {"MetricSet": [
        {"Namespace": namespace.name, "MetricName": m.name, "Unit": m.unit, "UnitCname": m.unit,
         "Period": list(PERIODS),
         "Periods": [{"Period": str(p), "StatType": ["max", "min", "avg"]} for p in PERIODS],
         "Meaning": {"En": m.meaning, "Zh": m.meaning}, "Dimensions": [{"Dimensions": [namespace.dimension]}],
         "MetricCName": m.meaning, "MetricEName": m.meaning}
        for m in metrics
    ]}
