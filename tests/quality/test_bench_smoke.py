"""The benchmark suite still runs: its harness measures a call against the floor, and every suite imports.

(The numbers themselves are not tested: timings belong in ``python -m bench``, not in a test run.)
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from mockcvm import mock_cvm

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_harness_times_a_call_against_its_floor() -> None:
    from bench.harness import Row, compare_async, compare_sync
    from bench.run import render
    from bench.sdk import client, request

    with mock_cvm() as cloud:
        sync_client = client("cvm")
        req = request("cvm", "DescribeRegions")
        sync = compare_sync(cloud, lambda _: sync_client.DescribeRegions(req), repeat=2, number=2)
        async_client = client("cvm", asynchronous=True)
        asynchronous = compare_async(cloud, lambda: async_client.DescribeRegions(req), repeat=2, number=2)
    for result in (sync, asynchronous):
        assert result.mock > 0 and result.floor > 0 and result.ratio > 0
    table = render([Row("2", "DescribeRegions", sync.ratio, "x", 1.2, sync.detail()), Row("3", "later", None)])
    assert "| 2 | DescribeRegions |" in table and "n/a" in table


@pytest.mark.parametrize("module", sorted(p.stem for p in BENCH.glob("bench_*.py")))
def test_every_bench_suite_imports(module: str) -> None:
    importlib.import_module(f"bench.{module}")
