"""Networking: Describe pages of VPCs, subnets, security groups and network interfaces at 10 and 100 000
resources, unfiltered and with a documented indexed filter; RunInstances into the default subnet as the world
grows to 100 000 instances."""

from __future__ import annotations

import sys
import time
from typing import Any, Callable

from bench.bench_instances import REGION, ZONE, can_seed, implemented, seed
from bench.harness import Row, compare_sync, median_time, not_built
from bench.sdk import client, request

SIZES_FULL = (10, 100_000)
SIZES_QUICK = (10, 10_000)


def rows(quick: bool) -> list[Row]:
    out: list[Row] = []
    sizes = SIZES_QUICK if quick else SIZES_FULL
    for action, fill, filters in (
        ("DescribeVpcs", _fill_vpcs, [{"Name": "vpc-name", "Values": ["bench-7"]}]),
        ("DescribeSubnets", _fill_subnets, [{"Name": "subnet-name", "Values": ["bench-7"]}]),
        ("DescribeSecurityGroups", _fill_groups, [{"Name": "security-group-name", "Values": ["bench-7"]}]),
        ("DescribeNetworkInterfaces", _fill_interfaces, None),
    ):
        out += _page_rows(action, fill, filters, sizes, quick)
    out.append(_launch_row(sizes, quick))
    return out


def _page_rows(action: str, fill: Callable[[Any, int], Any], filters: Any, sizes: tuple[int, ...],
               quick: bool) -> list[Row]:
    from mockcvm import mock_cvm

    out: list[Row] = []
    repeat, number = (5, 20) if quick else (9, 40)
    for size in sizes:
        names = [f"{action} page of 20 @ {size:,}", f"{action} page, indexed filter (<= 20 match) @ {size:,}"]
        if not implemented("vpc", action):
            out += [not_built("10", name, 1.3, why=f"needs vpc:{action}") for name in names]
            continue
        with mock_cvm(transitions="immediate") as cloud:
            sdk = client("vpc", REGION)
            started = time.perf_counter()
            wanted = fill(cloud, size)
            filled = time.perf_counter() - started
            call = getattr(sdk, action)
            pages = [request("vpc", action, Limit=_limit(action)),
                     request("vpc", action, Limit=_limit(action), Filters=filters or wanted)]
            for name, page in zip(names, pages):
                result = compare_sync(cloud, lambda _, page=page, call=call: call(page), repeat=repeat,
                                      number=number)
                out.append(Row("10", name, result.ratio, "x", 1.3, result.detail() + f"; filled in {filled:.1f} s"))
    return out


def _limit(action: str) -> Any:
    return 20 if action == "DescribeNetworkInterfaces" else "20"  # the others declare Limit a string


def _fill_vpcs(cloud: Any, size: int) -> None:
    from mockcvm.services.vpc.network import Vpc

    network = cloud.world.vpc.network
    uin, now = cloud.default_account, cloud.world.now
    for n in range(size):
        network.add_vpc(Vpc(vpc_id=f"vpc-{n:08d}", uin=uin, region=REGION, name=f"bench-{n // 20}",
                            base=0x0A000000 + (n << 8), prefix=24, created_time=now))


def _fill_subnets(cloud: Any, size: int) -> None:
    from mockcvm.services.vpc.network import Subnet

    network = cloud.world.vpc.network
    uin, now = cloud.default_account, cloud.world.now
    for n in range(size):
        network.add_subnet(Subnet(subnet_id=f"subnet-{n:08d}", vpc_id="vpc-bench000", uin=uin, region=REGION,
                                  zone=ZONE, name=f"bench-{n // 20}", base=0x0A000000 + (n << 8), prefix=24,
                                  created_time=now))


def _fill_groups(cloud: Any, size: int) -> None:
    from mockcvm.services.vpc.security_groups import SecurityGroup

    groups = cloud.world.vpc.security_groups
    uin, now = cloud.default_account, cloud.world.now
    for n in range(size):
        groups.add(SecurityGroup(group_id=f"sg-{n:08d}", uin=uin, region=REGION, name=f"bench-{n // 20}",
                                 description="", project_id="0", created_time=now))


def _fill_interfaces(cloud: Any, size: int) -> list[dict[str, Any]]:
    """``size`` instances (each with its primary interface); the filter asks for one instance's interfaces."""
    made: list[str] = []
    while len(made) < size:
        made += seed(cloud, min(10_000, size - len(made)), state="RUNNING", charge_type="POSTPAID_BY_HOUR")
    return [{"Name": "attachment.instance-id", "Values": [made[len(made) // 2]]}]


def _launch_row(sizes: tuple[int, ...], quick: bool) -> Row:
    """RunInstances of one instance into the default subnet: the time at the largest world over the time at the
    smallest (goal: no growth)."""
    from mockcvm import mock_cvm

    name = f"RunInstances into the default subnet, {sizes[-1]:,} vs {sizes[0]:,} instances (time ratio)"
    if not (can_seed() and implemented("cvm", "RunInstances")):
        return not_built("10", name, 1.3, why="needs cloud.seed_instances and RunInstances")
    repeat, number = (5, 20) if quick else (9, 40)
    launch = request("cvm", "RunInstances", Placement={"Zone": ZONE}, ImageId="img-eb30mz89",
                     InstanceType="S5.MEDIUM2", InstanceChargeType="POSTPAID_BY_HOUR")
    times = []
    for size in sizes:
        with mock_cvm(transitions="immediate") as cloud:
            cvm = client("cvm", REGION)
            made = 0
            while made < size:
                made += len(seed(cloud, min(10_000, size - made), state="RUNNING", charge_type="POSTPAID_BY_HOUR"))
            cvm.RunInstances(launch)  # warm-up
            times.append(median_time(lambda cvm=cvm: cvm.RunInstances(launch), repeat=repeat, number=number))
    detail = ", ".join(f"{t * 1e6:.0f} us @ {s:,}" for t, s in zip(times, sizes))
    return Row("10", name, times[-1] / times[0], "x", 1.3, detail)


if __name__ == "__main__":
    started = time.perf_counter()
    for row in rows(quick="--quick" in sys.argv):
        print(f"{row.name}: {row.shown_value()} ({row.status}) {row.detail}")
    print(f"({time.perf_counter() - started:.0f} s)")
