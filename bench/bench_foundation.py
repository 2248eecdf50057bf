"""Issue 2: the cost of the pipe itself (DescribeRegions, import, one activation)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from bench.harness import Row, compare_async, compare_sync, median_time
from bench.sdk import client, request

_IMPORT_PROBE = """
import time
import {base}
started = time.perf_counter()
import mockcvm
print(time.perf_counter() - started)
"""


def rows(quick: bool) -> list[Row]:
    from mockcvm import mock_cvm

    out: list[Row] = []
    repeat, number = (7, 30) if quick else (21, 60)
    with mock_cvm() as cloud:
        sync_client = client("cvm")
        req = request("cvm", "DescribeRegions")
        result = compare_sync(cloud, lambda _: sync_client.DescribeRegions(req), repeat=repeat, number=number)
        out.append(Row("2", "DescribeRegions, sync client", result.ratio, "x", 1.2, result.detail()))

        async_client = client("cvm", asynchronous=True)
        result = compare_async(
            cloud, lambda: async_client.DescribeRegions(req), repeat=repeat, number=number
        )
        out.append(Row("2", "DescribeRegions, async client", result.ratio, "x", 1.2, result.detail()))

    for base, goal in (("tencentcloud.common", 50.0), ("tencentcloud.common.abstract_client", None)):
        seconds = _import_time(base, 5 if quick else 11)
        out.append(Row("2", f"import mockcvm, beyond import {base}", seconds * 1e3, "ms", goal,
                       "median of fresh interpreters"))

    def enter_exit() -> None:
        with mock_cvm():
            pass

    per = median_time(enter_exit, repeat=7 if quick else 15, number=50 if quick else 200)
    out.append(Row("2", "with mock_cvm(): enter + exit", per * 1e3, "ms", 1.0))
    return out


def _import_time(base: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", _IMPORT_PROBE.format(base=base)], capture_output=True, text=True, check=True
        )
        times.append(float(done.stdout.strip()))
    return statistics.median(times)


if __name__ == "__main__":
    started = time.perf_counter()
    for row in rows(quick="--quick" in sys.argv):
        print(row)
    print(f"{time.perf_counter() - started:.1f} s")
