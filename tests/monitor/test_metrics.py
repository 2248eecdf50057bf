"""Cloud Monitor through the real SDK: GetMonitorData reads the series the test set, only while an instance ran."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from mockcvm import Cloud, MockcvmError
from tests import sdk
from tests.conftest import START, Clock
from tests.release.helpers import ZONE, api, assert_shape, refused, run_instances

T0 = START.timestamp()
pytestmark = pytest.mark.cloud_options(transitions="immediate")


@pytest.fixture
def monitor(cloud: Cloud) -> Any:
    return sdk.client("monitor")


def iso(hours: float) -> str:
    return (START + timedelta(hours=hours)).isoformat()


def query(monitor: Any, ids: list[str], metric: str = "CPUUsage", namespace: str = "QCE/CVM",
          dimension: str = "InstanceId", **params: Any) -> list[dict[str, Any]]:
    answer = api(monitor, "GetMonitorData", Namespace=namespace, MetricName=metric,
                 Instances=[{"Dimensions": [{"Name": dimension, "Value": i}]} for i in ids], **params)
    return answer["DataPoints"]  # type: ignore[no-any-return]


def test_a_constant_and_a_function_series_at_each_period(cloud: Cloud, clock: Clock, monitor: Any) -> None:
    busy, idle = run_instances(sdk.client("cvm"), 2)
    cloud.metrics.set(busy, "CPUUsage", lambda t: (t - T0) / 3600)
    cloud.metrics.set(idle, "CPUUsage", 2)
    clock.move_to(START + timedelta(hours=3))
    answer = api(monitor, "GetMonitorData", Namespace="QCE/CVM", MetricName="CPUUsage", Period=3600,
                 StartTime=iso(0), EndTime=iso(3), Instances=[
                     {"Dimensions": [{"Name": "InstanceId", "Value": i}]} for i in (busy, idle)])
    assert_shape("monitor", "GetMonitorDataResponse", answer)
    first, second = answer["DataPoints"]
    assert first["Dimensions"] == [{"Name": "InstanceId", "Value": busy}]
    assert first["Timestamps"] == [T0 + h * 3600 for h in range(4)] and first["Values"] == [0, 1, 2, 3]
    assert second["Values"] == [2.0] * 4
    [fine] = query(monitor, [idle], Period=60, StartTime=iso(2.5), EndTime=iso(3))
    assert len(fine["Timestamps"]) == 31


def test_a_stopped_instance_reports_no_points_for_the_time_it_was_stopped(
    cloud: Cloud, clock: Clock, monitor: Any
) -> None:
    cvm = sdk.client("cvm")
    [ins] = run_instances(cvm)
    cloud.metrics.set(ins, "CPUUsage", 50)
    clock.move_to(START + timedelta(hours=1, seconds=1))
    api(cvm, "StopInstances", InstanceIds=[ins])
    clock.move_to(START + timedelta(hours=3, seconds=1))
    api(cvm, "StartInstances", InstanceIds=[ins])
    clock.move_to(START + timedelta(hours=5))
    [point] = query(monitor, [ins], Period=3600, StartTime=iso(0), EndTime=iso(5))
    assert point["Timestamps"] == [T0 + h * 3600 for h in (0, 1, 4, 5)]
    api(cvm, "TerminateInstances", InstanceIds=[ins])
    clock.move_to(START + timedelta(hours=8))
    [after] = query(monitor, [ins], Period=3600, StartTime=iso(0), EndTime=iso(8))
    # what it reported while it ran stays; nothing from its release (at 5 h) on
    assert after["Timestamps"] == [T0 + h * 3600 for h in (0, 1, 4)]


def test_unset_series_read_zero_and_disks_report_block_storage(cloud: Cloud, clock: Clock, monitor: Any) -> None:
    [disk] = api(sdk.client("cbs"), "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR",
                 DiskType="CLOUD_SSD", DiskSize=20)["DiskIdSet"]
    [ins] = run_instances(sdk.client("cvm"))
    cloud.metrics.set(disk, "DiskReadIops", 120)
    clock.move_to(START + timedelta(minutes=10))
    [cpu] = query(monitor, [ins], Period=300, StartTime=iso(0), EndTime=iso(1))
    assert cpu["Values"] == [0.0, 0.0, 0.0]  # up to the world's now, never after it
    [iops] = query(monitor, [disk], "DiskReadIops", "QCE/BLOCK_STORAGE", "diskId", Period=300, StartTime=iso(0))
    assert iops["Values"] == [120.0] * 3
    [ghost] = query(monitor, ["ins-00000000"], Period=300, StartTime=iso(0))
    assert ghost["Timestamps"] == [] and ghost["Values"] == []


def test_describe_base_metrics_lists_the_modelled_metrics(monitor: Any) -> None:
    names = [m["MetricName"] for m in api(monitor, "DescribeBaseMetrics", Namespace="QCE/CVM")["MetricSet"]]
    assert {"CPUUsage", "MemUsage", "LanOuttraffic", "WanOuttraffic"} <= set(names)
    [one] = api(monitor, "DescribeBaseMetrics", Namespace="QCE/BLOCK_STORAGE", MetricName="DiskUtil")["MetricSet"]
    assert one["Period"] == [60, 300, 3600, 86400] and one["Dimensions"] == [{"Dimensions": ["diskId"]}]


def test_what_is_not_modelled_is_refused_by_name(cloud: Cloud, monitor: Any) -> None:
    [ins] = run_instances(sdk.client("cvm"))
    message = refused(cloud, monitor, "GetMonitorData", "InvalidParameterValue", Namespace="QCE/CVM",
                      MetricName="GpuUsage", Instances=[{"Dimensions": [{"Name": "InstanceId", "Value": ins}]}])
    assert "CPUUsage" in message
    message = refused(cloud, monitor, "GetMonitorData", "InvalidParameter.UnsupportedProduct", Namespace="QCE/CDB",
                      MetricName="CPUUsage", Instances=[{"Dimensions": [{"Name": "InstanceId", "Value": ins}]}])
    assert "QCE/CVM" in message
    refused(cloud, monitor, "GetMonitorData", "InvalidParameterValue", Namespace="QCE/CVM", MetricName="CPUUsage",
            Period=120, Instances=[{"Dimensions": [{"Name": "InstanceId", "Value": ins}]}])
    refused(cloud, monitor, "GetMonitorData", "InvalidParameterValue", Namespace="QCE/CVM", MetricName="CPUUsage",
            StartTime="yesterday", Instances=[{"Dimensions": [{"Name": "InstanceId", "Value": ins}]}])
    with pytest.raises(MockcvmError, match="CPUUsage"):
        cloud.metrics.set(ins, "CpuUsage", 1)


def test_the_async_client_reads_metrics(cloud: Cloud, clock: Clock) -> None:
    [ins] = run_instances(sdk.client("cvm"))
    cloud.metrics.set(ins, "MemUsage", 40)
    clock.move_to(START + timedelta(hours=1))

    async def scenario() -> Any:
        client = sdk.client("monitor", asynchronous=True)
        return await client.GetMonitorData(sdk.request(
            "monitor", "GetMonitorData", Namespace="QCE/CVM", MetricName="MemUsage", Period=3600,
            StartTime=iso(0), Instances=[{"Dimensions": [{"Name": "InstanceId", "Value": ins}]}]))

    answer = asyncio.run(scenario())
    assert answer.DataPoints[0].Values == [40.0, 40.0]
