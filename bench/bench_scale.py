"""Issue 15: fast at any scale. One row per goal: every value filter of DescribeInstances at 10 .. 100 000
instances, the unfiltered page and 20 ids, the async DescribeRegions, TerminateInstances (plain and with the
release cascade), memory per instance by owner, seeding, ``import mockcvm``, the clock fixture and the suite.
"""

from __future__ import annotations

import gc
import os
import random
import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bench.harness import Row, compare_async, compare_sync, not_built
from bench.sdk import client, request

REGION = "ap-guangzhou"
ZONES = ("ap-guangzhou-3", "ap-guangzhou-4")
SIZES_FULL = (10, 1_000, 10_000, 100_000)
SIZES_QUICK = (10, 1_000, 10_000)
ISSUE = "15"
ROOT = Path(__file__).resolve().parent.parent

#: Where the time goes in the rows that miss (from ``python -m bench.profile``), by row-name prefix.
WHY = {
    "DescribeInstances(Limit=20), no filter": "the rest is rendering 20 instances (JSON of the dynamic members) "
    "and the envelope; no cost grows with the world",
    "DescribeInstances, 20 InstanceIds": "20 id checks + 20 renders (the static part is cached per instance, an "
    "LRU of 4096, so random ids at 100k miss it); no cost grows with the world",
}


def rows(quick: bool) -> list[Row]:
    out: list[Row] = []
    sizes = SIZES_QUICK if quick else SIZES_FULL
    out += _describe_rows(sizes, quick)
    out += _terminate_rows(quick)
    out.append(_regions_async_row(quick))
    out.append(_import_row(quick))
    out += _clock_rows(quick)
    if not quick:
        out += _million_rows()
        out.append(_suite_row())
    return out


def _million_rows() -> list[Row]:
    """Seed 1 000 000 instances for real, in a process of its own (its peak RSS is the memory row), then page."""
    done = subprocess.run([sys.executable, "-m", "bench.bench_scale", "--million"], cwd=ROOT, capture_output=True,
                          text=True, timeout=1800)
    if done.returncode != 0:
        return [Row(ISSUE, "seeding 1,000,000 instances", None, "s", 30.0, done.stderr[-300:], note="ERROR")]
    seconds, peak_mib, ratio, detail = done.stdout.split("|")
    why = ("Store.add files each instance, its system disk and its primary interface in every index (about 60 % "
           "of the time), CBS makes the system disk, billing sets two rates, ids are drawn one by one")
    return [
        Row(ISSUE, "seeding 1,000,000 instances through cloud.seed_instances", float(seconds), "s", 30.0,
            f"in chunks of 10,000 over 8 zones of 2 regions; {why}"),
        Row(ISSUE, "peak memory of a 1,000,000-instance world", float(peak_mib), "MiB", 1536.0,
            "ru_maxrss of the process (Python, the SDK, mockcvm and the world)"),
        Row(ISSUE, "DescribeInstances(Limit=20), no filter @ 1,000,000 (500,000 in the region)", float(ratio), "x",
            1.2, detail),
    ]


def _million() -> str:
    import resource

    from mockcvm import mock_cvm
    from mockcvm.regions import REGIONS

    # A default subnet (/15) holds 131 069 instances: 125 000 in each of the first 8 zones (4 in ap-guangzhou).
    places = [(region, zone.zone) for region, info in REGIONS.items() for zone in info.zones][:8]
    with mock_cvm() as cloud:
        started = time.perf_counter()
        for n in range(100):
            region, zone = places[n % 8]
            cloud.seed_instances(10_000, region=region, zone=zone, tags={"team": f"t{n % 10}"})
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        cvm = client("cvm", REGION)
        page = request("cvm", "DescribeInstances", Limit=20)
        result = compare_sync(cloud, lambda _: cvm.DescribeInstances(page), repeat=3, number=10)
    return f"{seconds}|{peak}|{result.ratio}|{result.detail()}"


# -- DescribeInstances -----------------------------------------------------------------------------------------


def _filters(ids: list[str], cloud: Any) -> list[tuple[str, list[str], str]]:
    """(filter, values, what it selects) for every filter that selects by value."""
    backend = cloud.world.cvm
    first = backend.get(cloud.default_account, REGION, ids[len(ids) // 2])
    from mockcvm.services.cvm.models import uuid_of

    return [
        ("instance-state", ["STOPPED"], "half"),
        ("zone", [ZONES[1]], "half"),
        ("instance-charge-type", ["SPOTPAID"], "half"),
        ("vpc-id", [first.vpc_id], "all"),
        ("subnet-id", [first.subnet_id], "all"),
        ("security-group-id", [first.security_group_ids[0]], "all"),
        ("project-id", ["0"], "all"),
        ("private-ip-address", [first.private_ip], "one"),
        ("public-ip-address", ["43.1.2.3"], "none: seeded instances have no public IP"),
        ("instance-id", [ids[0], ids[-1], first.instance_id], "three"),
        ("uuid", [uuid_of(first)], "one"),
        ("tag:team", ["t3"], "a tenth"),
        ("tag-key", ["team"], "all"),
        ("tag-value", ["t3", "t4"], "a fifth"),
    ]


def _describe_rows(sizes: tuple[int, ...], quick: bool) -> list[Row]:
    from mockcvm import mock_cvm

    out: list[Row] = []
    repeat, number = (3, 10) if quick else (5, 20)
    rng = random.Random(15)
    memory: Row = not_built(ISSUE, "memory per instance", 1536, unit="B")
    seeding: Row = not_built(ISSUE, "seeding 1,000,000 instances", 30, unit="s")
    with mock_cvm() as cloud:
        cvm = client("cvm", REGION)
        ids: list[str] = []
        for size in sizes:
            traced = size == sizes[-1]
            if traced:
                gc.collect()
                tracemalloc.start()
                before = tracemalloc.take_snapshot()
                grown_from = len(ids)
            started = time.perf_counter()
            while len(ids) < size:
                n = len(ids)
                ids += cloud.seed_instances(
                    1, region=REGION, zone=ZONES[(n // 2) % 2], state=("RUNNING", "STOPPED")[n % 2],
                    charge_type=("POSTPAID_BY_HOUR", "SPOTPAID")[(n // 4) % 2], tags={"team": f"t{n % 10}"},
                ) if size <= 1_000 else _seed_chunk(cloud, min(size - len(ids), 10_000))
            seconds = time.perf_counter() - started
            if traced:
                gc.collect()
                after = tracemalloc.take_snapshot()
                tracemalloc.stop()
                count = size - grown_from
                memory = _memory_row(before, after, count, size)
                projected = seconds / count * 1_000_000
                seeding = Row(ISSUE, "seeding 1,000,000 instances (projected from the last growth step)", projected,
                              "s", 30.0, f"{count:,} instances in {seconds:.1f} s ({seconds / count * 1e6:.0f} us "
                              "each, under tracemalloc); the time is in CBS (a system disk per instance), billing "
                              "(two rates per instance), ids and the indexes")
            gc.collect()
            page = request("cvm", "DescribeInstances", Limit=20)
            result = compare_sync(cloud, lambda _, page=page: cvm.DescribeInstances(page), repeat=repeat,
                                  number=number)
            out.append(_row(f"DescribeInstances(Limit=20), no filter @ {size:,}", result, 1.2))

            def by_ids(ids: list[str] = ids) -> Any:
                return request("cvm", "DescribeInstances", InstanceIds=rng.sample(ids, min(20, len(ids))))

            result = compare_sync(cloud, lambda req: cvm.DescribeInstances(req), prepare=by_ids, repeat=repeat,
                                  number=number)
            out.append(_row(f"DescribeInstances, 20 InstanceIds @ {size:,}", result, 1.2))
            for name, values, selects in _filters(ids, cloud):
                filtered = request("cvm", "DescribeInstances", Limit=20, Filters=[{"Name": name, "Values": values}])
                result = compare_sync(cloud, lambda _, f=filtered: cvm.DescribeInstances(f), repeat=repeat,
                                      number=number)
                out.append(_row(f"DescribeInstances(Limit=20), {name} filter @ {size:,}", result, 1.3,
                                f"selects {selects}"))
    out += [memory, seeding]
    return out


def _seed_chunk(cloud: Any, count: int) -> list[str]:
    """``count`` instances in eight seeding calls, one per combination of zone, state and charge type, with ten
    team tags between them (seed_instances gives one set of fields per call)."""
    made: list[str] = []
    per = count // 40 or 1
    n = 0
    while len(made) < count:
        zone, state = ZONES[(n // 2) % 2], ("RUNNING", "STOPPED")[n % 2]
        charge = ("POSTPAID_BY_HOUR", "SPOTPAID")[(n // 4) % 2]
        made += cloud.seed_instances(min(per, count - len(made)), region=REGION, zone=zone, state=state,
                                     charge_type=charge, tags={"team": f"t{n % 10}"})
        n += 1
    return made


def _row(name: str, result: Any, goal: float, extra: str = "") -> Row:
    detail = result.detail() + (f"; {extra}" if extra else "")
    if result.ratio > goal:
        why = next((text for prefix, text in WHY.items() if name.startswith(prefix)), "")
        if why:
            detail += f"; {why}"
    return Row(ISSUE, name, result.ratio, "x", goal, detail)


#: tracemalloc file name fragment -> the owner its allocations are counted for.
OWNERS = (("services/cvm", "CVM"), ("engine/", "indexes"), ("services/cbs", "CBS"), ("services/billing", "billing"),
          ("services/tag", "tag"), ("services/vpc", "network"), ("ordered_index", "indexes"))


def _memory_row(before: Any, after: Any, count: int, size: int) -> Row:
    by_owner: dict[str, int] = {}
    total = 0
    for stat in after.compare_to(before, "filename"):
        grown = stat.size_diff
        total += grown
        name = stat.traceback[0].filename
        owner = next((who for fragment, who in OWNERS if fragment in name), "other")
        by_owner[owner] = by_owner.get(owner, 0) + grown
    shown = ", ".join(f"{who} {grown / count:,.0f}" for who, grown in sorted(by_owner.items(), key=lambda kv: -kv[1]))
    return Row(ISSUE, f"memory per instance @ {size:,} (tracemalloc)", total / count, "B", 1536.0,
               f"{total / 2**20:.1f} MiB for {count:,} instances; B per instance by where it was allocated: {shown}")


# -- TerminateInstances ----------------------------------------------------------------------------------------


def _terminate_rows(quick: bool) -> list[Row]:
    from bench.bench_release import _release_row
    from mockcvm import mock_cvm

    out: list[Row] = []
    with mock_cvm() as cloud:
        cvm = client("cvm", REGION)
        _seed_chunk(cloud, 1_000)
        last: list[Any] = []

        def fresh_batch() -> Any:
            batch = cloud.seed_instances(100, region=REGION, state="RUNNING", charge_type="POSTPAID_BY_HOUR")
            last[:] = [request("cvm", "TerminateInstances", InstanceIds=batch)]
            return last[0]

        result = compare_sync(cloud, lambda req: cvm.TerminateInstances(req), prepare=fresh_batch,
                              floor_prepare=lambda: last[0], repeat=5 if quick else 9, number=2 if quick else 4)
        out.append(_row("TerminateInstances, 100 ids @ 1,000", result, 1.5,
                        "the time is per instance: lifecycle step, index re-filing, billing, the timeline event"))
    cascade = _release_row(quick)
    cascade.issue, cascade.goal = ISSUE, 2.0
    cascade.detail += "; per instance and service: CBS detaches/deletes 2 disks, VPC unbinds 1 EIP, tag, billing"
    out.append(cascade)
    return out


# -- the pipe --------------------------------------------------------------------------------------------------


def _regions_async_row(quick: bool) -> Row:
    from mockcvm import mock_cvm

    repeat, number = (7, 30) if quick else (21, 60)
    with mock_cvm() as cloud:
        async_client = client("cvm", asynchronous=True)
        req = request("cvm", "DescribeRegions")
        result = compare_async(cloud, lambda: async_client.DescribeRegions(req), repeat=repeat, number=number)
    return _row("DescribeRegions, async client", result, 1.15,
                "the rest is the httpx adapter (request copy, response build) and the envelope")


def _import_row(quick: bool) -> Row:
    from bench.bench_foundation import _import_time

    seconds = _import_time("tencentcloud.common", 5 if quick else 11)
    return Row(ISSUE, "import mockcvm, beyond import tencentcloud.common", seconds * 1e3, "ms", 30.0,
               "median of fresh interpreters; `python -m bench.profile import` lists the modules by cost")


def _clock_rows(quick: bool) -> list[Row]:
    """What the ``cvm_clock`` fixture does per test (start a freeze or travel, stop it), with the SDK, pytest and
    mockcvm loaded as in a test process: freezegun's cost grows with the modules loaded, time-machine's does not."""
    import statistics

    import pytest  # noqa: F401 - loaded as in a test process
    import tencentcloud.cbs.v20170312.cbs_client  # noqa: F401
    import tencentcloud.cvm.v20170312.cvm_client  # noqa: F401

    from mockcvm.testing_clock import CvmClock

    n = 100 if quick else 500
    out = []
    for library, goal in (("time-machine", 0.5), ("freezegun", None)):
        CvmClock.start("2026-01-05T04:00:00Z", prefer=library).stop()  # the imports
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(n):
                CvmClock.start("2026-01-05T04:00:00Z", prefer=library).stop()
            samples.append((time.perf_counter() - started) / n)
        default = " (the default when time-machine is installed)" if library == "time-machine" else \
            " (clock_library='freezegun', or time-machine not installed)"
        out.append(Row(ISSUE, f"cvm_clock fixture, setup + teardown per test, {library}",
                       statistics.median(samples) * 1e3, "ms", goal,
                       f"start + stop in one process with {len(sys.modules)} modules loaded, median of 5 x {n}"
                       f"{default}"))
    return out


def _suite_row() -> Row:
    """The README's test command, timed (it runs the whole suite: about a minute of the bench's time)."""
    pytest = ROOT / ".venv" / "bin" / "pytest"
    command = [str(pytest) if pytest.exists() else sys.executable, *([] if pytest.exists() else ["-m", "pytest"]),
               "-q", "-p", "no:cacheprovider", "--durations=3"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    seconds = time.perf_counter() - started
    lines = done.stdout.strip().splitlines() or ["(no output)"]
    slowest = [" ".join(line.split()[::2]).replace("tests/", "") for line in lines
               if re.match(r"^\d+\.\d+s (call|setup|teardown) ", line)]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return Row(ISSUE, "the README's test command (.venv/bin/pytest), wall time", seconds, "s", 60.0,
               f"{lines[-1]}; {os.cpu_count()} CPU(s), load average {load:.1f} when it ended; this machine's speed: "
               f"{_python_loop_seconds():.2f} s for sum(range(3e7)) (about 0.4 s on a fast core); slowest tests: "
               + "; ".join(slowest))


def _python_loop_seconds() -> float:
    """A yardstick of the machine, so that suite times from different machines can be compared."""
    started = time.perf_counter()
    sum(range(30_000_000))
    return time.perf_counter() - started


if __name__ == "__main__":
    if "--million" in sys.argv:
        print(_million(), end="")
        sys.exit(0)
    started = time.perf_counter()
    for row in rows(quick="--quick" in sys.argv):
        print(row)
    print(f"{time.perf_counter() - started:.1f} s")
