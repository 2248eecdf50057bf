"""The metrics mockcvm models, by namespace: unit, periods, dimension, and the value a series has when the test
set none."""

from __future__ import annotations

from typing import NamedTuple

PERIODS = (60, 300, 3600, 86400)


class Metric(NamedTuple):
    name: str
    unit: str
    meaning: str
    default: float = 0.0


class Namespace(NamedTuple):
    name: str
    dimension: str  # the one dimension that names the resource
    metrics: dict[str, Metric]


def _metrics(*items: Metric) -> dict[str, Metric]:
    return {m.name: m for m in items}


NAMESPACES: dict[str, Namespace] = {
    "QCE/CVM": Namespace("QCE/CVM", "InstanceId", _metrics(
        Metric("CPUUsage", "%", "CPU utilization"),
        Metric("BaseCpuUsage", "%", "Base CPU utilization"),
        Metric("CpuLoadavg", "-", "CPU load average (1 minute)"),
        Metric("Cpuloadavg5m", "-", "CPU load average (5 minutes)"),
        Metric("Cpuloadavg15m", "-", "CPU load average (15 minutes)"),
        Metric("MemUsage", "%", "Memory utilization"),
        Metric("MemUsed", "MB", "Memory used"),
        Metric("LanOuttraffic", "Mbps", "Private network outbound bandwidth"),
        Metric("LanIntraffic", "Mbps", "Private network inbound bandwidth"),
        Metric("LanOutpkg", "packets/s", "Private network outbound packets"),
        Metric("LanInpkg", "packets/s", "Private network inbound packets"),
        Metric("WanOuttraffic", "Mbps", "Public network outbound bandwidth"),
        Metric("WanIntraffic", "Mbps", "Public network inbound bandwidth"),
        Metric("WanOutpkg", "packets/s", "Public network outbound packets"),
        Metric("WanInpkg", "packets/s", "Public network inbound packets"),
        Metric("AccOuttraffic", "MB", "Public network outbound traffic"),
        Metric("TcpCurrEstab", "count", "TCP connections"),
        Metric("CvmDiskUsage", "%", "Disk utilization"),
    )),
    "QCE/BLOCK_STORAGE": Namespace("QCE/BLOCK_STORAGE", "diskId", _metrics(
        Metric("DiskReadTraffic", "KB/s", "Disk read traffic"),
        Metric("DiskWriteTraffic", "KB/s", "Disk write traffic"),
        Metric("DiskReadIops", "count/s", "Disk read IOPS"),
        Metric("DiskWriteIops", "count/s", "Disk write IOPS"),
        Metric("DiskAwait", "ms", "Disk I/O wait time"),
        Metric("DiskSvctm", "ms", "Disk I/O service time"),
        Metric("DiskUtil", "%", "Disk I/O utilization"),
    )),
}
#: metric name -> namespace, for the control API (metric names do not repeat across the two namespaces).
NAMESPACE_OF: dict[str, str] = {m: ns.name for ns in NAMESPACES.values() for m in ns.metrics}
