"""Where mockcvm's time (or memory) goes in one benchmark scenario, for whoever fixes a missed goal.

    .venv/bin/python -m bench.profile describe --size 10000
    .venv/bin/python -m bench.profile terminate|describe-ids|describe-state|regions|release|addresses|disks|resources
    .venv/bin/python -m bench.profile memory --size 10000     # tracemalloc, top allocation sites per instance
    .venv/bin/python -m bench.profile import                  # what `import mockcvm` loads, slowest first

Only mockcvm's own side of each call is profiled (``Cloud._handle``: everything between the transport and the
envelope), so the numbers are what the ratio to the floor is made of.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import subprocess
import sys
import tracemalloc
from typing import Any, Callable

from bench.bench_instances import REGION, ZONE, seed
from bench.sdk import client, request


def profiled_handle(cloud: Any, profiler: cProfile.Profile, active: list[bool]) -> None:
    """Profile ``cloud._handle`` while ``active[0]`` (the measured call, not the requests that prepare it)."""
    original = cloud._handle

    def handle(http: Any, *service: Any) -> Any:
        if not active[0]:
            return original(http, *service)
        profiler.enable()
        try:
            return original(http, *service)
        finally:
            profiler.disable()

    cloud._handle = handle


def scenario(name: str, size: int) -> tuple[Any, Callable[[], Any], Callable[[], Any]]:
    """``(mock, prepare, call)`` for a scenario; ``call(prepare())`` is what is profiled."""
    from mockcvm import mock_cvm

    mock = mock_cvm(transitions="immediate") if name == "release" else mock_cvm()
    cloud = mock.start()
    cloud.world.vpc.address_quota = None  # more EIPs than an account's quota
    if name in ("describe", "describe-ids", "describe-state", "terminate", "resources"):
        ids: list[str] = []
        while len(ids) < size:
            ids += seed(cloud, min(10_000, size - len(ids)), state="RUNNING", tags={"team": "bench"})
    cvm = client("cvm", REGION)
    if name == "regions":
        return mock, lambda: None, lambda _: cvm.DescribeRegions(request("cvm", "DescribeRegions"))
    if name == "describe":
        return mock, lambda: request("cvm", "DescribeInstances", Limit=20), cvm.DescribeInstances
    if name == "describe-ids":  # 20 random ids each time, as in the benchmark (no warm per-instance cache)
        rng = random.Random(3)
        return mock, lambda: request("cvm", "DescribeInstances", InstanceIds=rng.sample(ids, 20)), cvm.DescribeInstances
    if name == "describe-state":
        filters = [{"Name": "instance-state", "Values": ["RUNNING"]}]
        return mock, lambda: request("cvm", "DescribeInstances", Filters=filters, Limit=20), cvm.DescribeInstances
    if name == "terminate":
        def batch() -> Any:
            return request("cvm", "TerminateInstances", InstanceIds=seed(cloud, 100, state="RUNNING"))
        return mock, batch, cvm.TerminateInstances
    if name == "release":
        from bench import bench_release  # noqa: F401  (same batch as the benchmark)

        vpc = client("vpc", REGION)

        def release_batch() -> Any:
            made = cvm.RunInstances(request(
                "cvm", "RunInstances", InstanceChargeType="POSTPAID_BY_HOUR", Placement={"Zone": ZONE},
                InstanceType="S5.MEDIUM2", ImageId="img-eb30mz89", InstanceCount=100,
                DataDisks=[{"DiskType": "CLOUD_PREMIUM", "DiskSize": 50},
                           {"DiskType": "CLOUD_PREMIUM", "DiskSize": 50, "DeleteWithInstance": True}])).InstanceIdSet
            cvm.DescribeInstances(request("cvm", "DescribeInstances", InstanceIds=made, Limit=100))
            for address, instance in zip(vpc.AllocateAddresses(request("vpc", "AllocateAddresses",
                                                                       AddressCount=100)).AddressSet, made):
                vpc.AssociateAddress(request("vpc", "AssociateAddress", AddressId=address, InstanceId=instance))
            return request("cvm", "TerminateInstances", InstanceIds=made)
        return mock, release_batch, cvm.TerminateInstances
    if name == "addresses":
        vpc = client("vpc", REGION)
        for _ in range(size // 100):
            vpc.AllocateAddresses(request("vpc", "AllocateAddresses", AddressCount=100))
        return mock, lambda: request("vpc", "DescribeAddresses", Limit=20), vpc.DescribeAddresses
    if name == "disks":
        cbs = client("cbs", REGION)
        for _ in range(size // 50):
            cbs.CreateDisks(request("cbs", "CreateDisks", DiskType="CLOUD_PREMIUM", DiskSize=50, DiskCount=50,
                                    DiskChargeType="POSTPAID_BY_HOUR", Placement={"Zone": ZONE}))
        return mock, lambda: request("cbs", "DescribeDisks", Limit=20), cbs.DescribeDisks
    if name == "resources":
        tag = client("tag", REGION)
        return mock, lambda: request("tag", "GetResources", MaxResults=20), tag.GetResources
    raise SystemExit(f"unknown scenario {name!r}")


def profile_calls(name: str, size: int, calls: int, top: int) -> None:
    mock, prepare, call = scenario(name, size)
    profiler = cProfile.Profile()
    call(prepare())  # warm-up, unprofiled
    active = [False]
    profiled_handle(mock.cloud, profiler, active)
    for _ in range(calls):
        argument = prepare()
        active[0] = True
        call(argument)
        active[0] = False
    mock.stop()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"{name} @ {size:,}: mockcvm side {total / calls * 1e6:.0f} us per call ({calls} calls)\n")
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print(out.getvalue())


def profile_memory(size: int, top: int) -> None:
    from mockcvm import mock_cvm

    with mock_cvm() as cloud:
        seed(cloud, 10)
        tracemalloc.start(5)
        before = tracemalloc.take_snapshot()
        seed(cloud, size)
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
    stats = after.compare_to(before, "lineno")
    total = sum(s.size_diff for s in stats)
    print(f"{total / size:,.0f} B per instance over {size:,} instances; top sites (bytes per instance):")
    for stat in stats[:top]:
        frame = stat.traceback[0]
        print(f"  {stat.size_diff / size:8.1f}  {frame.filename.split('site-packages/')[-1]}:{frame.lineno}")


def profile_import(top: int) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import tencentcloud.common; import mockcvm"],
        capture_output=True, text=True, check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        if "|" not in line or line.startswith("import time: self"):
            continue
        own, cumulative, module = line.split(":", 1)[1].split("|", 2)
        rows.append((int(cumulative), int(own), module.rstrip()))
    start = next((i for i, r in enumerate(rows) if r[2].strip() == "tencentcloud.common"), -1) + 1
    print("imports after tencentcloud.common, by cumulative time (us cumulative, us self, module):")
    for cumulative, own, module in sorted(rows[start:], reverse=True)[:top]:
        print(f"  {cumulative:8d} {own:8d} {module}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("scenario")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    if args.scenario == "memory":
        profile_memory(args.size, args.top)
    elif args.scenario == "import":
        profile_import(args.top)
    else:
        profile_calls(args.scenario, args.size, args.calls, args.top)


if __name__ == "__main__":
    main()
