"""Monitor state: the series the test set, and when each instance was running.

A series is ``cloud.metrics.set(resource_id, metric, value)``: a number (constant over time) or a function from
epoch seconds to a number. A resource with no series for a metric reads the metric's default (0). An instance
reports points only for the times it was RUNNING (recorded from the billing hook every state change goes
through, from its creation for an instance that starts out running); a disk for the time it has existed.
Points are at multiples of ``Period`` within [StartTime, EndTime], never after the world's now.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter, MockcvmError
from mockcvm.protocol.envelope import RawJson
from mockcvm.services.monitor.catalog import NAMESPACE_OF, NAMESPACES, PERIODS

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.world import World

Series = Union[float, int, Callable[[float], float]]
DEFAULT_WINDOW = 3600  # StartTime defaults to one hour before EndTime


def parse_time(text: str, name: str) -> float:
    """An ISO 8601 instant (``2026-01-05T12:00:00+08:00``, ``...Z``, or without offset: UTC)."""
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise InvalidParameterValue(f"{name} must be an ISO 8601 time such as 2026-01-05T12:00:00+08:00, "
                                    f"got {text!r}.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


class MonitorBackend:
    def __init__(self, world: World) -> None:
        self.world = world
        #: (resource id, metric) -> series
        self._series: dict[tuple[str, str], Series] = {}
        #: instance id -> [start, end) running intervals (end None while running); kept after a release.
        self._running: dict[str, list[list[Optional[float]]]] = {}
        self._owners: dict[str, tuple[str, str]] = {}

    # -- the control API -------------------------------------------------------------------------------------

    def set(self, resource_id: str, metric: str, value: Series) -> None:
        if metric not in NAMESPACE_OF:
            raise MockcvmError(f"mockcvm does not model the metric {metric!r}; it models {_modelled()}.")
        if not callable(value) and not isinstance(value, (int, float)):
            raise MockcvmError(f"A series is a number or a function of epoch seconds, got {value!r}.")
        self._series[(resource_id, metric)] = value

    def clear(self, resource_id: Optional[str] = None) -> None:
        if resource_id is None:
            self._series.clear()
        else:
            for key in [k for k in self._series if k[0] == resource_id]:
                del self._series[key]

    # -- the hook (billing.instance_changed) -----------------------------------------------------------------

    def instance_changed(self, instance: Instance) -> None:
        running = instance.state == "RUNNING" and not instance.released
        intervals = self._running.get(instance.instance_id)
        if intervals is None:
            if running:
                self._running[instance.instance_id] = [[min(instance.created_time, self.world.now), None]]
                self._owners[instance.instance_id] = (instance.uin, instance.region)
            return
        is_open = intervals[-1][1] is None
        if running and not is_open:
            intervals.append([self.world.now, None])
        elif not running and is_open:
            intervals[-1][1] = self.world.now

    # -- GetMonitorData --------------------------------------------------------------------------------------

    def get_monitor_data(self, uin: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        namespace = NAMESPACES.get(params["Namespace"])
        if namespace is None:
            raise ApiError(f"mockcvm does not model the namespace {params['Namespace']!r}; it models "
                           f"{', '.join(NAMESPACES)}.", code="InvalidParameter.UnsupportedProduct")
        metric = namespace.metrics.get(params["MetricName"])
        if metric is None:
            raise InvalidParameterValue(f"mockcvm does not model the metric {params['MetricName']!r} of "
                                        f"{namespace.name}; it models {', '.join(namespace.metrics)}.")
        period = params.get("Period", 300)
        if period not in PERIODS:
            raise InvalidParameterValue(f"Period must be one of {', '.join(map(str, PERIODS))}, got {period}.")
        now = self.world.now
        end = parse_time(params["EndTime"], "EndTime") if params.get("EndTime") else now
        start = parse_time(params["StartTime"], "StartTime") if params.get("StartTime") else end - DEFAULT_WINDOW
        if start > end:
            raise InvalidParameterValue("StartTime must not be after EndTime.")
        ids = []
        for item in params["Instances"]:
            names = {d["Name"]: d["Value"] for d in item["Dimensions"]}
            if namespace.dimension not in names:
                raise MissingParameter(f"Each instance of {namespace.name} needs the dimension "
                                       f"{namespace.dimension!r}.")
            ids.append(names[namespace.dimension])
        first = int(math.ceil(start / period) * period)
        last = min(end, now)
        count = int((last - first) // period) + 1 if last >= first else 0
        points = []
        encoded: dict[int, str] = {}  # the Timestamps of gapless runs from the first stamp, by length
        for resource_id in ids:
            times: list[int] = []  # whole epoch seconds, as the real service answers
            for span_start, span_end in self._spans(uin, region, namespace.name, resource_id):
                # the stamps first + k*period inside [span_start, span_end)
                low = max(0, math.ceil((span_start - first) / period))
                high = min(count, math.ceil((span_end - first) / period)) if span_end != math.inf else count
                times.extend(range(first + low * period, first + high * period, period))
            series = self._series.get((resource_id, metric.name), metric.default)
            if callable(series):
                values = ",".join(map(repr, map(float, map(series, map(float, times)))))
            else:
                values = ",".join([repr(float(series))] * len(times))
            dimensions = json.dumps([{"Name": namespace.dimension, "Value": resource_id}], ensure_ascii=False)
            # encoded here: a week of 5-minute points for 20 instances is 40 000 numbers
            contiguous = bool(times) and times[0] == first and times[-1] == first + (len(times) - 1) * period
            stamps = encoded.get(len(times), "") if contiguous else ""
            if not stamps:
                stamps = ",".join(map(str, times))
                if contiguous:
                    encoded[len(times)] = stamps
            points.append(f'{{"Dimensions":{dimensions},"Timestamps":[{stamps}],"Values":[{values}]}}')
        return {"MetricName": metric.name, "Period": period, "StartTime": params.get("StartTime") or _iso(start),
                "EndTime": params.get("EndTime") or _iso(end), "DataPoints": RawJson("[" + ",".join(points) + "]"),
                "Msg": ""}

    def _spans(self, uin: str, region: str, namespace: str, resource_id: str) -> list[tuple[float, float]]:
        """When the resource reported: an instance's running intervals, a live disk's lifetime."""
        if namespace == "QCE/CVM":
            intervals = self._running.get(resource_id) if self._owners.get(resource_id) == (uin, region) else None
            return [(s or 0.0, e if e is not None else math.inf) for s, e in intervals or []]
        disk = self.world.cbs.get(uin, region, resource_id)
        return [] if disk is None else [(disk.created_time, math.inf)]


def _modelled() -> str:
    return "; ".join(f"{ns.name}: {', '.join(ns.metrics)}" for ns in NAMESPACES.values())


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")
