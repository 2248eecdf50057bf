"""Issue 12: snapshot pages, GetResources by tag and GetMonitorData in big worlds; a 40-day jump with 10 000 auto
snapshot policies."""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone

from bench.bench_instances import REGION, ZONE, implemented, seed
from bench.harness import Row, compare_sync, not_built
from bench.sdk import client, request


def rows(quick: bool) -> list[Row]:
    size = 10_000 if quick else 100_000
    repeat, number = (5, 20) if quick else (11, 40)
    return [_snapshot_page(size, repeat, number), _tag_filter_page(size, repeat, number),
            _monitor(size, repeat, max(2, number // 10)), _monitor_functions(repeat, max(2, number // 10)),
            _policy_jump(1_000 if quick else 10_000, bound=False), _policy_jump(100 if quick else 1_000, bound=True)]


def _snapshot_page(size: int, repeat: int, number: int) -> Row:
    name = f"DescribeSnapshots page of 20 @ {size:,} snapshots"
    if not implemented("cbs", "DescribeSnapshots"):
        return not_built("12", name, 1.3, why="needs cbs:DescribeSnapshots")
    from mockcvm import mock_cvm

    with mock_cvm(transitions="immediate") as cloud:
        cbs = client("cbs", REGION)
        [disk_id] = cbs.CreateDisks(request("cbs", "CreateDisks", DiskType="CLOUD_PREMIUM", DiskSize=50,
                                            DiskChargeType="POSTPAID_BY_HOUR", Placement={"Zone": ZONE})).DiskIdSet
        started = time.perf_counter()
        world = cloud.world
        with world.lock:
            disk = world.cbs.get(cloud.default_account, REGION, disk_id)
            for _ in range(size):
                world.cbs.snapshots.take(disk, "", None)
        filled = time.perf_counter() - started
        page = request("cbs", "DescribeSnapshots", Offset=size // 2, Limit=20)
        result = compare_sync(cloud, lambda _: cbs.DescribeSnapshots(page), repeat=repeat, number=number)
    return Row("12", name, result.ratio, "x", 1.3, result.detail() + f"; filled in {filled:.1f} s")


def _tag_filter_page(size: int, repeat: int, number: int) -> Row:
    name = f"GetResources by tag (TagFilters, page of 20) @ {size:,} tagged instances"
    from mockcvm import mock_cvm

    with mock_cvm() as cloud:
        made = 0
        started = time.perf_counter()
        while made < size:
            count = min(10_000, size - made)
            made += len(seed(cloud, count // 2, state="RUNNING", tags={"team": "a", "env": "ci"}))
            made += len(seed(cloud, count - count // 2, state="RUNNING", tags={"team": "b"}))
        filled = time.perf_counter() - started
        tag = client("tag", REGION)
        page = request("tag", "GetResources", MaxResults=20, TagFilters=[{"TagKey": "team", "TagValue": ["b"]}])
        result = compare_sync(cloud, lambda _: tag.GetResources(page), repeat=repeat, number=number)
    return Row("12", name, result.ratio, "x", 1.3, result.detail() + f"; filled in {filled:.1f} s")


def _monitor(size: int, repeat: int, number: int) -> Row:
    name = f"GetMonitorData of 20 instances over 7 days at Period=300 @ {size:,} instances (constant series)"
    if not implemented("monitor", "GetMonitorData"):
        return not_built("12", name, 1.3, why="needs monitor:GetMonitorData")
    from mockcvm import mock_cvm

    with mock_cvm() as cloud:
        week_ago = datetime.now(timezone.utc) - timedelta(days=8)
        made = 0
        ids: list[str] = []
        while made < size:
            batch = cloud.seed_instances(min(10_000, size - made), region=REGION, zone=ZONE, state="RUNNING",
                                         created_time=week_ago)
            made += len(batch)
            ids = ids or batch[:20]
        for n, instance_id in enumerate(ids):
            cloud.metrics.set(instance_id, "CPUUsage", 3.0 if n % 2 else 40.0)
        monitor = client("monitor", REGION)
        end = datetime.now(timezone.utc).replace(microsecond=0)
        query = request("monitor", "GetMonitorData", Namespace="QCE/CVM", MetricName="CPUUsage", Period=300,
                        StartTime=(end - timedelta(days=7)).isoformat(), EndTime=end.isoformat(),
                        Instances=[{"Dimensions": [{"Name": "InstanceId", "Value": i}]} for i in ids])
        result = compare_sync(cloud, lambda _: monitor.GetMonitorData(query), repeat=repeat, number=number)
    return Row("12", name, result.ratio, "x", 1.3, result.detail())


def _monitor_functions(repeat: int, number: int) -> Row:
    """The same query over series that are functions of time: the test's own functions run 40 000 times."""
    name = "GetMonitorData of 20 instances over 7 days at Period=300, series given as functions"
    from mockcvm import mock_cvm

    with mock_cvm() as cloud:
        week_ago = datetime.now(timezone.utc) - timedelta(days=8)
        ids = cloud.seed_instances(20, region=REGION, zone=ZONE, state="RUNNING", created_time=week_ago)
        for n, instance_id in enumerate(ids):
            cloud.metrics.set(instance_id, "CPUUsage", lambda t, n=n: n + (t % 3600) / 3600)
        monitor = client("monitor", REGION)
        end = datetime.now(timezone.utc).replace(microsecond=0)
        query = request("monitor", "GetMonitorData", Namespace="QCE/CVM", MetricName="CPUUsage", Period=300,
                        StartTime=(end - timedelta(days=7)).isoformat(), EndTime=end.isoformat(),
                        Instances=[{"Dimensions": [{"Name": "InstanceId", "Value": i}]} for i in ids])
        result = compare_sync(cloud, lambda _: monitor.GetMonitorData(query), repeat=repeat, number=number)
    return Row("12", name, result.ratio, "x", None, result.detail())


def _policy_jump(count: int, bound: bool) -> Row:
    """Policies firing daily at hours spread over the day. Unbound, the jump measures the timeline's share (one
    event per distinct trigger instant); bound to a disk each, it also takes and expires a snapshot per trigger."""
    what = "each bound to a disk, 7-day retention" if bound else "no disks bound"
    name = f"40-day jump with {count:,} auto snapshot policies ({what})"
    if not implemented("cbs", "CreateAutoSnapshotPolicy"):
        return not_built("12", name, 2.0, "s", why="needs cbs:CreateAutoSnapshotPolicy")
    from mockcvm import mock_cvm

    with mock_cvm(transitions="immediate") as cloud:
        world = cloud.world
        uin = cloud.default_account
        cbs = client("cbs", REGION)
        disk_ids: list[str] = []
        while bound and len(disk_ids) < count:
            disk_ids += cbs.CreateDisks(request("cbs", "CreateDisks", DiskType="CLOUD_PREMIUM", DiskSize=20,
                                                DiskCount=min(50, count - len(disk_ids)),
                                                DiskChargeType="POSTPAID_BY_HOUR", Placement={"Zone": ZONE})).DiskIdSet
        with world.lock:
            for n in range(count):
                policy_id, _next = world.cbs.auto_snapshots.create(uin, REGION, {
                    "Policy": [{"DayOfWeek": [0, 1, 2, 3, 4, 5, 6], "Hour": [n % 24]}], "RetentionDays": 7})
                if bound:
                    world.cbs.auto_snapshots.bind(uin, REGION, policy_id, [disk_ids[n]])
            started = time.perf_counter()
            ran = world.timeline.advance_to(world.now + 40 * 86400)
            elapsed = time.perf_counter() - started
            kept = len(world.cbs.snapshots.store)
    return Row("12", name, elapsed, "s", 2.0 if not bound else None,
               f"{ran:,} timeline events; {kept:,} snapshots kept after the jump")


if __name__ == "__main__":
    started = time.perf_counter()
    for row in rows(quick="--quick" in sys.argv):
        print(row)
    print(f"{time.perf_counter() - started:.1f} s")
