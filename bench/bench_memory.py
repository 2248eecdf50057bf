"""Memory of a long-lived world: 100 000 calls with about 9 KB of filters each (a ``cvm_session`` world that lives
for a whole suite). The journal keeps the latest ``journal_size`` calls, compressed when large, and exact counts.

Measured as the growth of the process's resident memory (VmRSS) over the calls, after a warm-up, through
``Cloud._handle`` (the path every transport takes) so that 100 000 calls take seconds, not minutes.
"""

from __future__ import annotations

import gc
import json
import time
import uuid

from bench.harness import Row

CALLS = 100_000


def _rss_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def _body() -> bytes:
    filters = [{"Name": f"tag:key-{j}", "Values": [uuid.uuid4().hex * 5 + f"-{k:020d}" for k in range(5)]}
               for j in range(10)]
    return json.dumps({"Filters": filters, "Limit": 20}).encode("utf-8")


def rows(quick: bool) -> list[Row]:
    from mockcvm import mock_cvm
    from mockcvm.protocol.messages import HttpRequest

    calls = CALLS // 10 if quick else CALLS
    headers = {
        "content-type": "application/json",
        "authorization": "TC3-HMAC-SHA256 Credential=AKIDbench/2026-01-05/cvm/tc3_request, "
        "SignedHeaders=content-type;host, Signature=" + "0" * 64,
        "x-tc-action": "DescribeInstances",
        "x-tc-version": "2017-03-12",
        "x-tc-region": "ap-guangzhou",
    }
    bodies = [_body() for _ in range(64)]  # fresh values, reused round-robin (each call copies its body, as a
    # transport hands every request its own bytes)
    size = sum(map(len, bodies)) / len(bodies)
    with mock_cvm() as cloud:
        for body in bodies:  # warm-up: load every module and cache; the journal's ring is still nearly empty
            cloud._handle(HttpRequest("POST", "https://cvm.tencentcloudapi.com/", headers, body))
        cloud.journal.clear()
        gc.collect()
        before = _rss_bytes()
        started = time.perf_counter()
        for number in range(calls):
            response = cloud._handle(
                HttpRequest("POST", "https://cvm.tencentcloudapi.com/", headers, bytes(bytearray(bodies[number % 64]))))
        elapsed = time.perf_counter() - started
        assert b'"TotalCount":0' in response.body, response.body[:200]
        gc.collect()
        grown = _rss_bytes() - before
        counted, kept = cloud.journal.count("DescribeInstances"), len(cloud.journal)
    return [
        Row("14", f"memory growth over {calls:,} calls with {size / 1024:.1f} KB of filters each", grown / 2**20,
            "MB", 50.0, f"RSS; {elapsed / calls * 1e6:.0f} us per call; journal kept {kept:,}, counted {counted:,}"),
    ]
