"""Server mode: DescribeInstances(Limit=20) at 1,000 instances from 8 concurrent clients over loopback, mockcvm server
against moto_server (describe_instances(MaxResults=20) at 1,000 EC2 instances through boto3); and what --state adds
to a mutating call at 10,000 instances.

Each server runs in a process of its own (``mockcvm server``; moto's ``ThreadedMotoServer``), and the 8 clients are
8 processes, each with its own keep-alive connection, so neither side shares a GIL with the other.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable

from bench.harness import Row

CLIENTS = 8
INSTANCES = 1_000
REGION, ZONE = "ap-guangzhou", "ap-guangzhou-3"


def rows(quick: bool) -> list[Row]:
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        return [Row("13", "mockcvm server", None, note="n/a (uvicorn missing)", detail="pip install 'mockcvm[server]'")]
    seconds = 3.0 if quick else 8.0
    mine, raw = _run_mockcvm(seconds)
    out = [
        Row("13", f"mockcvm server: DescribeInstances(Limit=20) @ {INSTANCES:,}, {CLIENTS} SDK clients, p99",
            mine["p99"], "ms", 20.0, f"{mine['rps']:.0f} req/s, p50 {mine['p50']:.2f} ms, {mine['n']} calls"),
        Row("13", f"mockcvm server: the same from {CLIENTS} bare HTTP clients (the server's own cost), p99",
            raw["p99"], "ms", None, f"{raw['rps']:.0f} req/s, p50 {raw['p50']:.2f} ms, {raw['n']} calls"),
    ]
    moto = _run_moto(seconds)
    if moto is None:
        out.append(Row("13", "moto_server / mockcvm server throughput", None, note="n/a (moto[server] missing)",
                       detail="pip install 'mockcvm[bench]'"))
    else:
        out.append(Row(
            "13", f"moto_server throughput as a share of mockcvm server's, describe 20 @ {INSTANCES:,}, {CLIENTS} "
            "clients",
            100 * moto["rps"] / mine["rps"], "%", 10.0,
            f"moto {moto['rps']:.1f} req/s (p50 {moto['p50']:.0f} ms, p99 {moto['p99']:.0f} ms) vs mockcvm "
            f"{mine['rps']:.0f} req/s: mockcvm {mine['rps'] / moto['rps']:.0f}x (goal: at least 10x)",
        ))
    out += _state_rows(quick)
    out.append(_restore_row())
    return out


def _restore_row() -> Row:
    """cloud.restore() of a prepared world against seeding the same world, per test."""
    from mockcvm import mock_cvm

    count = 1_000
    seed_times, restore_times = [], []
    with mock_cvm() as cloud:
        cloud.seed_instances(count)
        prepared = cloud.snapshot()
    for _ in range(5):
        with mock_cvm() as cloud:
            start = time.perf_counter()
            cloud.seed_instances(count)
            seed_times.append(time.perf_counter() - start)
        with mock_cvm() as cloud:
            start = time.perf_counter()
            cloud.restore(prepared)
            restore_times.append(time.perf_counter() - start)
    seeding, restoring = statistics.median(seed_times), statistics.median(restore_times)
    return Row("13", f"cloud.restore(snapshot) / cloud.seed_instances({count:,}), per test", restoring / seeding, "x",
               1.0, f"restore {restoring * 1e3:.1f} ms vs seed {seeding * 1e3:.1f} ms; snapshot {len(prepared):,} B")


# -- clients ------------------------------------------------------------------------------------------------------


def _mockcvm_worker(endpoint: str, seconds: float, queue: Any) -> None:
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.cvm.v20170312 import cvm_client, models

    profile = ClientProfile(httpProfile=HttpProfile(endpoint=endpoint, protocol="http", keepAlive=True))
    client = cvm_client.CvmClient(credential.Credential("AKIDbench", "bench"), REGION, profile)
    request = models.DescribeInstancesRequest()
    request.Limit = 20
    _measure(lambda: client.DescribeInstances(request), seconds, queue)


def _raw_worker(endpoint: str, seconds: float, queue: Any) -> None:
    """A bare keep-alive HTTP client sending a fixed TC3 request: what the server alone costs."""
    import http.client

    host, port = endpoint.split(":")
    connection = http.client.HTTPConnection(host, int(port))
    headers = {"Content-Type": "application/json", "X-TC-Action": "DescribeInstances", "X-TC-Version": "2017-03-12",
               "X-TC-Region": REGION, "X-TC-Timestamp": str(int(time.time())),
               "Authorization": "TC3-HMAC-SHA256 Credential=AKIDbench/2026-01-01/cvm/tc3_request, "
                                "SignedHeaders=content-type;host, Signature=00"}

    def call() -> None:
        connection.request("POST", "/", b'{"Limit": 20}', headers)
        connection.getresponse().read()

    _measure(call, seconds, queue)


def _moto_worker(endpoint: str, seconds: float, queue: Any) -> None:
    import boto3

    client = boto3.client("ec2", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="bench",
                          aws_secret_access_key="bench")
    _measure(lambda: client.describe_instances(MaxResults=20), seconds, queue)


def _measure(call: Callable[[], Any], seconds: float, queue: Any) -> None:
    call()  # connect and warm up
    latencies = []
    end = time.perf_counter() + seconds
    while True:
        start = time.perf_counter()
        if start >= end:
            break
        call()
        latencies.append(time.perf_counter() - start)
    queue.put(latencies)


def _load(worker: Callable[..., None], endpoint: str, seconds: float) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=worker, args=(endpoint, seconds, queue)) for _ in range(CLIENTS)]
    for process in processes:
        process.start()
    latencies: list[float] = []
    for _ in processes:
        latencies += queue.get(timeout=seconds + 120)
    for process in processes:
        process.join()
    latencies.sort()
    return {
        "n": len(latencies),
        "rps": len(latencies) / seconds,
        "p50": statistics.median(latencies) * 1e3,
        "p99": latencies[int(len(latencies) * 0.99)] * 1e3,
    }


# -- servers ------------------------------------------------------------------------------------------------------


def _start_mockcvm(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "mockcvm", "server", "--port", "0", "--transitions", "immediate",
                             *args], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, line.strip().rsplit("//", 1)[1]


def _fill_mockcvm(endpoint: str, count: int) -> Any:
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.cvm.v20170312 import cvm_client

    from bench.sdk import request

    profile = ClientProfile(httpProfile=HttpProfile(endpoint=endpoint, protocol="http", keepAlive=True))
    client = cvm_client.CvmClient(credential.Credential("AKIDbench", "bench"), REGION, profile)
    ids: list[str] = []
    for _ in range(count // 100):
        ids += client.RunInstances(request("cvm", "RunInstances", InstanceCount=100, ImageId="img-eb30mz89",
                                           Placement={"Zone": ZONE})).InstanceIdSet
    return client, ids


def _run_mockcvm(seconds: float) -> tuple[dict[str, float], dict[str, float]]:
    proc, endpoint = _start_mockcvm()
    try:
        _fill_mockcvm(endpoint, INSTANCES)
        return _load(_mockcvm_worker, endpoint, seconds), _load(_raw_worker, endpoint, seconds)
    finally:
        proc.terminate()
        proc.wait()


def _run_moto(seconds: float) -> dict[str, float] | None:
    try:
        import boto3
        from moto.server import ThreadedMotoServer  # noqa: F401
    except ImportError:
        return None
    code = ("import sys, time\nfrom moto.server import ThreadedMotoServer\n"
            "s = ThreadedMotoServer(ip_address='127.0.0.1', port=0)\ns.start()\n"
            "print('PORT', s._server.server_address[1], flush=True)\ntime.sleep(3600)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        while not line.startswith("PORT "):  # moto prints a line of its own first
            line = proc.stdout.readline()
        endpoint = f"http://127.0.0.1:{int(line.split()[1])}"
        ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="bench",
                           aws_secret_access_key="bench")
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        for _ in range(INSTANCES // 100):
            ec2.run_instances(ImageId=image, MinCount=100, MaxCount=100, InstanceType="t2.micro")
        return _load(_moto_worker, endpoint, seconds)
    finally:
        proc.terminate()
        proc.wait()


# -- the state file -----------------------------------------------------------------------------------------------


def _state_rows(quick: bool) -> list[Row]:
    """Three servers at 10,000 instances (in memory, --state full, --state normal), measured in alternating batches
    so that the load of a busy machine falls on all three alike; the added time is the median of the paired
    differences."""
    count = 10_000
    with tempfile.TemporaryDirectory() as directory:
        runs = {"memory": (),
                "full": ("--state", os.path.join(directory, "full.db")),
                "normal": ("--state", os.path.join(directory, "normal.db"), "--state-sync", "normal")}
        servers = {label: _start_mockcvm(*args) for label, args in runs.items()}
        try:
            clients = {label: _fill_mockcvm(endpoint, count) for label, (_, endpoint) in servers.items()}
            batches: dict[str, list[float]] = {label: [] for label in runs}
            for round_number in range(10 if quick else 40):
                for label, (client, ids) in clients.items():
                    batches[label].append(_modify_time(client, ids, 20, round_number))
        finally:
            for proc, _ in servers.values():
                proc.terminate()
                proc.wait()
        fsync = _fsync_time(directory)
    out = []
    for label, how in (("full", "synchronous=FULL: one fsync per call"),
                       ("normal", "--state-sync normal, synchronous=NORMAL: written to the OS, survives kill -9")):
        added = statistics.median(b - m for b, m in zip(batches[label], batches["memory"]))
        out.append(Row(
            "13", f"--state ({label}): time added to a mutating call (ModifyInstancesAttribute) @ {count:,} instances",
            added * 1e3, "ms", 1.0,
            f"median {statistics.median(batches[label]) * 1e3:.2f} ms vs "
            f"{statistics.median(batches['memory']) * 1e3:.2f} ms in memory ({how}; "
            f"one bare fsync on this disk: {fsync * 1e3:.2f} ms)",
        ))
    return out


def _fsync_time(directory: str) -> float:
    path = os.path.join(directory, "fsync-probe")
    samples = []
    with open(path, "wb") as handle:
        for _ in range(50):
            handle.write(b"x" * 512)
            handle.flush()
            start = time.perf_counter()
            os.fsync(handle.fileno())
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _modify_time(client: Any, ids: list[str], calls: int, batch: int) -> float:
    from bench.sdk import request

    samples = []
    for index in range(batch * calls, (batch + 1) * calls):
        req = request("cvm", "ModifyInstancesAttribute", InstanceIds=[ids[index % len(ids)]],
                      InstanceName=f"renamed-{index}")
        start = time.perf_counter()
        client.ModifyInstancesAttribute(req)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


if __name__ == "__main__":
    for row in rows("--quick" in sys.argv):
        print(json.dumps({"name": row.name, "value": row.value, "goal": row.goal, "detail": row.detail}))
