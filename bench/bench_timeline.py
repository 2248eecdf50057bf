"""Issue 4: the timeline under load. 100 000 postpaid instances, each with a scheduled destroy spread over 30 days,
plus running billing (instances and their system disks):

- the time of ONE 40-day jump (goal <= 2 s): every timer fires and releases its instance at its own second,
  every settlement in between is computed;
- the per-request overhead when nothing is due (DescribeRegions) with 100 000 pending events, against the same
  request in an empty world (goal: no growth, <= 1.3x) and against the transport floor;
- that the 40-day jump equals 40 one-day steps (on a smaller world; the test suite asserts it too).

    .venv/bin/python -m bench.bench_timeline            # 100 000 instances
    .venv/bin/python -m bench.bench_timeline --quick    # 10 000 instances
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from bench.harness import Row, compare_sync
from bench.sdk import client, request

START = datetime(2026, 1, 5, 4, 0, 0, tzinfo=timezone.utc)
DAY = 86400.0
BATCH = 500  # RunInstances.InstanceCount at most
TIMER_BATCH = 100  # ImportInstancesActionTimer.InstanceIds at most


def _populate(cloud: Any, frozen: Any, count: int, distinct: bool = False) -> None:
    """``count`` postpaid instances through the SDK; timers spread evenly over 30 days: one ActionTime per
    ImportInstancesActionTimer of 100 instances, or (``distinct``) a different second for every instance, set
    through the timer backend directly (100 000 SDK calls would only slow the setup down)."""
    from mockcvm import clock

    cvm = client("cvm")
    cloud.set_balance(Decimal(10) ** 9)
    ids: list[str] = []
    for _ in range(0, count, BATCH):
        answer = cvm.RunInstances(
            request(
                "cvm",
                "RunInstances",
                InstanceChargeType="POSTPAID_BY_HOUR",
                InstanceCount=min(BATCH, count - len(ids)),
                ImageId="img-eb30mz89",
                Placement={"Zone": "ap-guangzhou-3"},
            )
        )
        ids.extend(answer.InstanceIdSet)
    with cloud.world.lock:
        cloud.world.cvm.settle()
    now = cloud.now()
    if distinct:
        world = cloud.world
        with world.lock:
            for n, instance_id in enumerate(ids):
                instance = world.cvm.get(cloud.default_account, "ap-guangzhou", instance_id)
                at = now + 600 + (30 * DAY - 600) * n / max(len(ids) - 1, 1)
                world.timers.create(
                    instance, {"TimerAction": "TerminateInstances", "ActionTime": clock.iso(int(at))}
                )
        return
    batches = [ids[n : n + TIMER_BATCH] for n in range(0, len(ids), TIMER_BATCH)]
    for n, batch in enumerate(batches):
        at = now + 600 + (30 * DAY - 600) * n / max(len(batches) - 1, 1)
        cvm.ImportInstancesActionTimer(
            request(
                "cvm",
                "ImportInstancesActionTimer",
                InstanceIds=batch,
                ActionTimer={"TimerAction": "TerminateInstances", "ActionTime": clock.iso(int(at))},
            )
        )


def _paired_request_ratio(cloud: Any, repeat: int = 15, number: int = 200) -> tuple[float, float, float]:
    """DescribeRegions on the busy world vs on an empty one, in alternating batches through the same Cloud (its
    ``world`` swapped), so machine noise hits both alike. Returns (busy us, empty us, median of paired ratios)."""
    import statistics

    from mockcvm.world import World

    busy = cloud.world
    empty = World(cloud.options)
    cvm = client("cvm")
    req = request("cvm", "DescribeRegions")

    def batch() -> float:
        started = time.perf_counter()
        for _ in range(number):
            cvm.DescribeRegions(req)
        return (time.perf_counter() - started) / number

    busy_times, empty_times = [], []
    try:
        batch()
        for _ in range(repeat):
            cloud.world = busy
            busy_times.append(batch())
            cloud.world = empty
            empty_times.append(batch())
    finally:
        cloud.world = busy
    ratios = [b / e for b, e in zip(busy_times, empty_times)]
    return statistics.median(busy_times), statistics.median(empty_times), statistics.median(ratios)


def _catch_up_cost(world: Any, number: int = 20000) -> float:
    """Seconds per ``world.catch_up()`` when nothing is due (the per-request price of the timeline)."""
    started = time.perf_counter()
    for _ in range(number):
        world.catch_up()
    return (time.perf_counter() - started) / number


def _describe_regions() -> Any:
    cvm = client("cvm")
    req = request("cvm", "DescribeRegions")
    return lambda _: cvm.DescribeRegions(req)


def measure(count: int) -> dict[str, Any]:
    """Two worlds of ``count`` instances: timers set by ImportInstancesActionTimer batches of 100 (one ActionTime
    each), and timers on ``count`` distinct seconds (``count`` pending events: the per-request overhead is measured
    there)."""
    import time_machine

    from mockcvm import mock_cvm

    out: dict[str, Any] = {"count": count}
    # time-machine, not freezegun: freezegun also freezes time.perf_counter, which the timing needs.
    with time_machine.travel(START, tick=False) as frozen:
        with mock_cvm(seed=1) as empty:
            out["catch_up_empty"] = _catch_up_cost(empty.world)
        for distinct in (False, True):
            key = "distinct" if distinct else "batched"
            frozen.move_to(START)
            with mock_cvm(seed=1) as cloud:
                started = time.perf_counter()
                _populate(cloud, frozen, count, distinct)
                out[f"setup_{key}"] = time.perf_counter() - started
                out[f"pending_{key}"] = len(cloud.world.timeline.pending())
                if distinct:
                    out["pending"] = out["pending_distinct"]
                    out["catch_up_pending"] = _catch_up_cost(cloud.world)
                    busy, empty_cost, ratio = _paired_request_ratio(cloud)
                    out["request_pending"], out["request_empty"], out["ratio_pending"] = busy, empty_cost, ratio
                    comparison = compare_sync(cloud, _describe_regions(), repeat=7, number=100)
                    out["floor_ratio"] = comparison.ratio
                    out["floor_detail"] = comparison.detail()
                gc.collect()
                frozen.shift(timedelta(days=40))
                started, started_cpu = time.perf_counter(), time.process_time()
                cloud.catch_up()
                out[f"jump_{key}"] = time.perf_counter() - started
                out[f"jump_cpu_{key}"] = time.process_time() - started_cpu
                out[f"left_{key}"] = len(cloud.world.cvm.all_instances())
                out[f"done_{key}"] = sum(1 for t in cloud.world.timers.all_timers() if t.status == "DONE")
                out[f"charged_{key}"] = cloud.world.billing.charged(cloud.default_account)
    return out


def jump_equals_steps(count: int) -> bool:
    import time_machine

    from mockcvm import mock_cvm

    results = []
    for steps in (1, 40):
        with time_machine.travel(START, tick=False) as frozen, mock_cvm(seed=3) as cloud:
            _populate(cloud, frozen, count)
            for _ in range(steps):
                frozen.shift(timedelta(days=40) / steps)
                cloud.catch_up()
            world = cloud.world
            results.append(
                (
                    [(i.instance_id, i.state) for i in world.cvm.all_instances()],
                    [(t.timer_id, t.status) for t in world.timers.all_timers()],
                    cloud.balance(),
                    cloud.world.billing.charged(cloud.default_account),
                    [(s.resource_id, s.rate, s.start, s.end) for s in
                     cloud.world.billing._accounts[cloud.default_account].rating.segments],
                )
            )
    return results[0] == results[1]


def rows(quick: bool) -> list[Row]:
    count = 10_000 if quick else 100_000
    r = measure(count)
    equal = jump_equals_steps(200 if quick else 1000)
    return [
        Row("4", f"one 40-day jump, {count:,} instances, timers in batches of 100", r["jump_batched"], "s", 2.0,
            f"CPU {r['jump_cpu_batched']:.2f} s; {r['done_batched']:,} timers DONE"),
        Row("4", f"one 40-day jump, {count:,} instances, every timer its own second", r["jump_distinct"], "s", 2.0,
            f"CPU {r['jump_cpu_distinct']:.2f} s; {r['done_distinct']:,} timers DONE"),
        Row("4", f"DescribeRegions, {r['pending']:,} pending events vs empty world", r["ratio_pending"], "x", 1.3,
            f"{r['request_pending'] * 1e6:.0f} us vs {r['request_empty'] * 1e6:.0f} us"),
        Row("4", "DescribeRegions with pending events vs floor", r["floor_ratio"], "x", None, r["floor_detail"]),
        Row("4", "40-day jump == 40 one-day steps", 0.0 if equal else 1.0, "x", 0.0,
            "snapshot equal" if equal else "DIFFERENT"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 000 instances instead of 100 000")
    args = parser.parse_args(argv)
    count = 10_000 if args.quick else 100_000
    r = measure(count)
    print(f"postpaid instances, each with a timer: {count:,} (launched through the SDK, 500 per RunInstances)")
    ways = (("batched", "ImportInstancesActionTimer batches of 100"), ("distinct", "every timer its own second"))
    for key, how in ways:
        print(f"one 40-day jump, {how}:")
        print(f"    {r['jump_' + key]:.3f} s wall, {r['jump_cpu_' + key]:.3f} s CPU (goal <= 2 s); "
              f"{r['pending_' + key]:,} events pending before; {r['done_' + key]:,} timers DONE, "
              f"{r['left_' + key]:,} instances left, {r['charged_' + key]} yuan charged")
    print(f"catch-up with nothing due: {r['catch_up_empty'] * 1e6:.2f} us (empty world), "
          f"{r['catch_up_pending'] * 1e6:.2f} us ({r['pending']:,} pending events)")
    print(f"DescribeRegions with {r['pending']:,} pending events: {r['request_pending'] * 1e6:.0f} us vs "
          f"{r['request_empty'] * 1e6:.0f} us in an empty world (median paired ratio {r['ratio_pending']:.2f}x, "
          "goal <= 1.3x)")
    print(f"DescribeRegions vs the transport floor: {r['floor_ratio']:.2f}x ({r['floor_detail']})")
    equal = jump_equals_steps(200 if args.quick else 1000)
    print(f"40-day jump == 40 one-day steps: {equal}")
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
