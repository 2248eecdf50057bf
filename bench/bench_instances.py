"""Issue 3: DescribeInstances and TerminateInstances as the world grows; moto EC2 for comparison; memory."""

from __future__ import annotations

import gc
import inspect
import random
import sys
import time
import tracemalloc
from typing import Any, Callable

from bench.harness import Row, compare_sync, median_time, not_built
from bench.sdk import client, request

REGION = "ap-guangzhou"
ZONE = "ap-guangzhou-3"
SIZES_FULL = (10, 1_000, 10_000, 100_000)
SIZES_QUICK = (10, 1_000, 10_000)


def implemented(service: str, name: str) -> bool:
    from mockcvm.dispatch import implemented_actions

    return (service, name) in implemented_actions()


def can_seed() -> bool:
    from mockcvm import Cloud

    return hasattr(Cloud, "seed_instances")


def seed(cloud: Any, count: int, **fields: Any) -> list[str]:
    """Add ``count`` instances with ``cloud.seed_instances``; returns their ids."""
    accepted = inspect.signature(cloud.seed_instances).parameters
    kwargs = {k: v for k, v in dict(region=REGION, zone=ZONE, **fields).items() if k in accepted}
    made = cloud.seed_instances(count, **kwargs)
    return [m if isinstance(m, str) else getattr(m, "instance_id", None) or m["InstanceId"] for m in made]


def rows(quick: bool) -> list[Row]:
    out: list[Row] = []
    sizes = SIZES_QUICK if quick else SIZES_FULL
    names = [
        ("DescribeInstances(Limit=20), no filter", 1.3, "DescribeInstances"),
        ("DescribeInstances, 20 InstanceIds", 1.3, "DescribeInstances"),
        ("DescribeInstances(Limit=20), instance-state filter", None, "DescribeInstances"),
        ("TerminateInstances, 100-id batch", 2.0, "TerminateInstances"),
    ]
    if not can_seed() or not implemented("cvm", "DescribeInstances"):
        why = "needs cloud.seed_instances and DescribeInstances"
        for size in SIZES_FULL:
            out.extend(not_built("3", f"{name} @ {size:,}", goal, why=why) for name, goal, _ in names)
        out.append(not_built("3", "memory per instance", 2048, unit="B", why=why))
    else:
        out.extend(_scaling(sizes, quick, names))
    out.append(_moto_row(quick))
    return out


def _scaling(sizes: tuple[int, ...], quick: bool, names: list[tuple[str, Any, str]]) -> list[Row]:
    from mockcvm import mock_cvm

    out: list[Row] = []
    repeat, number = (5, 20) if quick else (9, 30)
    rng = random.Random(7)
    memory = not_built("3", "memory per instance", 2048, unit="B")
    with mock_cvm() as cloud:
        cvm = client("cvm", REGION)
        ids: list[str] = []
        for size in sizes:
            started = time.perf_counter()
            traced = size == sizes[-1]  # the memory row: the bytes the last growth step takes, per instance
            if traced:
                gc.collect()
                tracemalloc.start()
                before, grown_from = tracemalloc.get_traced_memory()[0], len(ids)
            while len(ids) < size:
                chunk = min(size - len(ids), 10_000)
                ids += seed(cloud, chunk, state=rng.choice(["RUNNING", "STOPPED"]), charge_type="POSTPAID_BY_HOUR")
            if traced:
                gc.collect()
                grown = tracemalloc.get_traced_memory()[0] - before
                tracemalloc.stop()
                per = grown / (size - grown_from)
                memory = Row("3", f"memory per instance @ {size:,} (tracemalloc)", per, "B", 2048.0,
                             f"{grown / 2**20:.1f} MiB for instances {grown_from + 1:,}-{size:,} (with system disks, "
                             "billing, indexes)")
            seeding = time.perf_counter() - started
            gc.collect()
            page = request("cvm", "DescribeInstances", Limit=20)
            result = compare_sync(cloud, lambda _, page=page: cvm.DescribeInstances(page), repeat=repeat,
                                  number=number)
            out.append(Row("3", f"{names[0][0]} @ {size:,}", result.ratio, "x", 1.3,
                           result.detail() + f"; seeded in {seeding:.1f} s"))

            def by_ids(ids: list[str] = ids) -> Any:
                return request("cvm", "DescribeInstances", InstanceIds=rng.sample(ids, min(20, len(ids))))

            result = compare_sync(cloud, lambda req: cvm.DescribeInstances(req), prepare=by_ids,
                                  repeat=repeat, number=number)
            out.append(Row("3", f"{names[1][0]} @ {size:,}", result.ratio, "x", 1.3, result.detail()))

            filtered = request("cvm", "DescribeInstances", Limit=20,
                               Filters=[{"Name": "instance-state", "Values": ["STOPPED"]}])
            result = compare_sync(cloud, lambda _, filtered=filtered: cvm.DescribeInstances(filtered),
                                  repeat=repeat, number=number)
            out.append(Row("3", f"{names[2][0]} @ {size:,}", result.ratio, "x", None, result.detail()))

            if not implemented("cvm", "TerminateInstances"):
                out.append(not_built("3", f"{names[3][0]} @ {size:,}", 2.0))
                continue
            last: list[Any] = []

            def fresh_batch(last: list[Any] = last) -> Any:
                batch = seed(cloud, 100, state="RUNNING", charge_type="POSTPAID_BY_HOUR")
                last[:] = [request("cvm", "TerminateInstances", InstanceIds=batch)]
                return last[0]

            result = compare_sync(cloud, lambda req: cvm.TerminateInstances(req), prepare=fresh_batch,
                                  floor_prepare=lambda last=last: last[0], repeat=repeat, number=max(2, number // 8))
            out.append(Row("3", f"{names[3][0]} @ {size:,}", result.ratio, "x", 2.0, result.detail()))
    out.append(memory)
    return out


# -- moto ------------------------------------------------------------------------------------------------------


def _moto_row(quick: bool) -> Row:
    name = "moto EC2 / mockcvm: flow at 1,000 instances (run 100, describe 20, terminate 100)"
    try:
        import boto3  # noqa: F401
        from moto import mock_aws
    except ImportError:
        return Row("3", name, None, note="n/a (moto missing)", detail="pip install 'mockcvm[bench]'")
    if not (implemented("cvm", "RunInstances") and implemented("cvm", "TerminateInstances")
            and implemented("cvm", "DescribeInstances")):
        return not_built("3", name, None, why="needs RunInstances, DescribeInstances, TerminateInstances")
    mock_seconds = _mockcvm_flow(3 if quick else 11)
    moto_seconds = _moto_flow(1 if quick else 2, mock_aws)  # moto takes seconds per flow at this size
    return Row("3", name, moto_seconds / mock_seconds, "x", None,
               f"moto {moto_seconds * 1e3:.0f} ms / mockcvm {mock_seconds * 1e3:.1f} ms per flow (higher: moto slower)")


def _mockcvm_flow(repeat: int) -> float:
    from mockcvm import mock_cvm

    with mock_cvm(transitions="immediate") as cloud:
        cvm = client("cvm", REGION)
        if can_seed():
            seed(cloud, 1000, state="RUNNING", charge_type="POSTPAID_BY_HOUR")
        else:
            for _ in range(10):
                cvm.RunInstances(_run_request(100))

        def flow() -> None:
            ids = cvm.RunInstances(_run_request(100)).InstanceIdSet
            cvm.DescribeInstances(request("cvm", "DescribeInstances", Limit=20))
            cvm.TerminateInstances(request("cvm", "TerminateInstances", InstanceIds=ids))

        flow()
        return median_time(flow, repeat=repeat, number=1)


def _run_request(count: int) -> Any:
    return request(
        "cvm", "RunInstances", InstanceChargeType="POSTPAID_BY_HOUR", Placement={"Zone": ZONE},
        InstanceType="S5.MEDIUM2", ImageId="img-eb30mz89", InstanceCount=count,
    )


def _moto_flow(repeat: int, mock_aws: Callable[[], Any]) -> float:
    import boto3

    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        ec2.run_instances(ImageId=image, MinCount=1000, MaxCount=1000, InstanceType="t3.micro")

        def flow() -> None:
            made = ec2.run_instances(ImageId=image, MinCount=100, MaxCount=100, InstanceType="t3.micro")
            ids = [i["InstanceId"] for i in made["Instances"]]
            ec2.describe_instances(MaxResults=20)
            ec2.terminate_instances(InstanceIds=ids)

        flow()
        return median_time(flow, repeat=repeat, number=1)


if __name__ == "__main__":
    started = time.perf_counter()
    for row in rows(quick="--quick" in sys.argv):
        print(row)
    print(f"{time.perf_counter() - started:.1f} s")
