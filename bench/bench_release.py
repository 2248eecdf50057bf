"""Issue 5: what release costs with disks and EIPs around it; VPC/CBS/Tag pages in a big world."""

from __future__ import annotations

import sys
import time
from typing import Any

from bench.bench_instances import REGION, ZONE, can_seed, implemented, seed
from bench.harness import Row, compare_sync, not_built
from bench.sdk import client, request

RELEASE_NEEDS = [("cvm", "RunInstances"), ("cvm", "TerminateInstances"), ("vpc", "AllocateAddresses"),
                 ("vpc", "AssociateAddress")]


def rows(quick: bool) -> list[Row]:
    out = [_release_row(quick)]
    size = 10_000 if quick else 100_000
    out += _page_rows(size, quick)
    return out


def _release_row(quick: bool) -> Row:
    name = "TerminateInstances of 100 instances, each with 2 data disks and 1 EIP (release effects included)"
    missing = [f"{s}:{a}" for s, a in RELEASE_NEEDS if not implemented(s, a)]
    if missing:
        return not_built("5", name, 2.0, why="needs " + ", ".join(missing))
    from mockcvm import mock_cvm

    # transitions="immediate": the instances are released inside the call (disks deleted or detached, EIPs
    # unbound, tags dropped), so the call's time includes the release; under the default policy that work would
    # happen at the next read.
    with mock_cvm(transitions="immediate") as cloud:
        cloud.world.vpc.address_quota = None  # more EIPs than an account's quota
        cvm, vpc = client("cvm", REGION), client("vpc", REGION)
        last: list[Any] = []

        def fresh_batch() -> Any:
            ids = cvm.RunInstances(request(
                "cvm", "RunInstances", InstanceChargeType="POSTPAID_BY_HOUR", Placement={"Zone": ZONE},
                InstanceType="S5.MEDIUM2", ImageId="img-eb30mz89", InstanceCount=100,
                DataDisks=[{"DiskType": "CLOUD_PREMIUM", "DiskSize": 50},
                           {"DiskType": "CLOUD_PREMIUM", "DiskSize": 50, "DeleteWithInstance": True}],
            )).InstanceIdSet
            # A read, as a client would make before binding EIPs (it settles PENDING under the default policy).
            cvm.DescribeInstances(request("cvm", "DescribeInstances", InstanceIds=ids, Limit=100))
            addresses = vpc.AllocateAddresses(request("vpc", "AllocateAddresses", AddressCount=100)).AddressSet
            for address, instance in zip(addresses, ids):
                vpc.AssociateAddress(request("vpc", "AssociateAddress", AddressId=address, InstanceId=instance))
            last[:] = [request("cvm", "TerminateInstances", InstanceIds=ids)]
            return last[0]

        result = compare_sync(cloud, lambda req: cvm.TerminateInstances(req), prepare=fresh_batch,
                              floor_prepare=lambda: last[0], repeat=5 if quick else 9, number=2)
    return Row("5", name, result.ratio, "x", 2.0, result.detail())


def _page_rows(size: int, quick: bool) -> list[Row]:
    from mockcvm import mock_cvm

    out: list[Row] = []
    repeat, number = (5, 20) if quick else (11, 40)
    specs = [
        ("vpc", "DescribeAddresses", "AllocateAddresses", {"Limit": 20}),
        ("cbs", "DescribeDisks", "CreateDisks", {"Limit": 20}),
        ("tag", "GetResources", None, {"MaxResults": 20}),
    ]
    for service, action, maker, params in specs:
        name = f"{action} page of 20 @ {size:,} resources"
        if not implemented(service, action) or (maker and not implemented(service, maker)):
            out.append(not_built("5", name, 1.3, why=f"needs {service}:{action}" + (f", {maker}" if maker else "")))
            continue
        if maker is None and not can_seed():
            out.append(not_built("5", name, 1.3, why="needs cloud.seed_instances (tagged instances)"))
            continue
        with mock_cvm() as cloud:
            cloud.world.vpc.address_quota = None  # more EIPs than an account's quota
            sdk = client(service, REGION)
            started = time.perf_counter()
            _fill(cloud, service, maker, size)
            filled = time.perf_counter() - started
            page = request(service, action, **params)
            call = getattr(sdk, action)
            result = compare_sync(cloud, lambda _, call=call, page=page: call(page), repeat=repeat, number=number)
        out.append(Row("5", name, result.ratio, "x", 1.3, result.detail() + f"; filled in {filled:.1f} s"))
    return out


def _fill(cloud: Any, service: str, maker: Any, size: int) -> None:
    if maker is None:
        made = 0
        while made < size:
            made += len(seed(cloud, min(10_000, size - made), state="RUNNING", charge_type="POSTPAID_BY_HOUR",
                             tags={"team": "bench", "env": "ci"}))
        return
    sdk = client(service, REGION)
    made = 0
    while made < size:
        if maker == "AllocateAddresses":
            count = min(100, size - made)
            sdk.AllocateAddresses(request("vpc", "AllocateAddresses", AddressCount=count))
        else:
            count = min(50, size - made)
            sdk.CreateDisks(request("cbs", "CreateDisks", DiskType="CLOUD_PREMIUM", DiskSize=50, DiskCount=count,
                                    DiskChargeType="POSTPAID_BY_HOUR", Placement={"Zone": ZONE}))
        made += count


if __name__ == "__main__":
    started = time.perf_counter()
    for row in rows(quick="--quick" in sys.argv):
        print(row)
    print(f"{time.perf_counter() - started:.1f} s")
