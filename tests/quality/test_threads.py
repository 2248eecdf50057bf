"""Thread safety: 8 threads share one Cloud and issue hundreds of mixed calls each through the real SDK.

The guarantee (docs/threads.md): one re-entrant lock per world serializes every request and every control call, so
concurrent callers see one consistent world. Afterwards: no instance is lost or duplicated, the listing, the
internal store and what each thread saw agree, every call is in the journal once with its own RequestId, and the
balance equals the payments minus the ledger.
"""

from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import dataclass, field
from typing import Any

from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from mockcvm import Cloud, mock_cvm
from tests import sdk

THREADS = 8
CALLS_PER_THREAD = 150
REGION = "ap-guangzhou"
ZONE = "ap-guangzhou-3"


@dataclass
class Seen:
    """What one thread did and saw."""

    launched: list[str] = field(default_factory=list)
    terminated: set[str] = field(default_factory=set)
    calls: int = 0
    refusals: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def worker(cloud: Cloud, number: int, seen: Seen, start: threading.Barrier) -> None:
    rng = random.Random(number)
    cvm = sdk.client("cvm", REGION)
    vpc = sdk.client("vpc", REGION)
    cbs = sdk.client("cbs", REGION)
    tag = sdk.client("tag", REGION)
    billing = sdk.client("billing", REGION)
    live: list[str] = []

    def call(client: Any, action: str, **params: Any) -> Any:
        seen.calls += 1
        try:
            return sdk.call(client, action, **params)
        except TencentCloudSDKException as error:
            seen.refusals[error.code] = seen.refusals.get(error.code, 0) + 1
            if error.code in ("InternalError", "ClientNetworkError", "ServerNetworkError"):
                seen.errors.append(f"{action}: {error}")
            return None

    start.wait()
    try:
        for step in range(CALLS_PER_THREAD):
            choice = rng.random()
            if choice < 0.15 or not live:
                answer = call(cvm, "RunInstances", InstanceChargeType="POSTPAID_BY_HOUR", Placement={"Zone": ZONE},
                              InstanceType="S5.MEDIUM2", ImageId="img-eb30mz89", InstanceCount=rng.randint(1, 3),
                              TagSpecification=[{"ResourceType": "instance",
                                                 "Tags": [{"Key": "thread", "Value": str(number)}]}])
                if answer is not None:
                    seen.launched += answer.InstanceIdSet
                    live += answer.InstanceIdSet
            elif choice < 0.35:
                call(cvm, "DescribeInstances", InstanceIds=rng.sample(live, min(len(live), 5)))
            elif choice < 0.45:
                call(cvm, "DescribeInstances", Limit=100, Offset=rng.choice([0, 20]))
            elif choice < 0.55:
                call(cvm, rng.choice(["StopInstances", "StartInstances", "RebootInstances"]),
                     InstanceIds=[rng.choice(live)])
            elif choice < 0.65:
                victims = rng.sample(live, min(len(live), rng.randint(1, 3)))
                if call(cvm, "TerminateInstances", InstanceIds=victims) is not None:
                    seen.terminated.update(victims)
                    live = [i for i in live if i not in victims]
            elif choice < 0.72:
                answer = call(vpc, "AllocateAddresses", AddressCount=1)
                if answer is not None and live:
                    call(vpc, "AssociateAddress", AddressId=answer.AddressSet[0], InstanceId=rng.choice(live))
            elif choice < 0.78:
                call(cbs, "CreateDisks", DiskType="CLOUD_PREMIUM", DiskSize=20, DiskChargeType="POSTPAID_BY_HOUR",
                     Placement={"Zone": ZONE}, DiskCount=1)
            elif choice < 0.83:
                call(cbs, "DescribeDisks", Limit=20)
            elif choice < 0.88:
                call(tag, "GetResources", TagFilters=[{"TagKey": "thread", "TagValue": [str(number)]}])
            elif choice < 0.93:
                call(billing, "DescribeAccountBalance")
            elif choice < 0.96:  # control calls, under the same lock
                cloud.top_up(1)
                cloud.ledger()
            else:
                call(vpc, "DescribeAddresses", Limit=20)
            if step % 50 == 49:
                cloud.dump()
    except Exception as exc:  # noqa: BLE001 (anything escaping is the failure this test looks for)
        seen.errors.append(f"{type(exc).__name__}: {exc}")


def async_worker(cloud: Cloud, number: int, seen: Seen, start: threading.Barrier) -> None:
    """The SDK's async client (httpx) in its own event loop: launches, reads and terminates."""

    async def run() -> None:
        cvm = sdk.client("cvm", REGION, asynchronous=True)
        rng = random.Random(number)
        live: list[str] = []
        for _ in range(CALLS_PER_THREAD):
            seen.calls += 1
            try:
                if rng.random() < 0.3 or not live:
                    answer = await cvm.RunInstances(sdk.request(
                        "cvm", "RunInstances", InstanceChargeType="POSTPAID_BY_HOUR", Placement={"Zone": ZONE},
                        InstanceType="S5.MEDIUM2", ImageId="img-eb30mz89", InstanceCount=rng.randint(1, 3)))
                    seen.launched += answer.InstanceIdSet
                    live += answer.InstanceIdSet
                elif rng.random() < 0.7:
                    await cvm.DescribeInstances(sdk.request("cvm", "DescribeInstances", InstanceIds=live[-5:]))
                else:
                    victim = live.pop(rng.randrange(len(live)))
                    await cvm.TerminateInstances(sdk.request("cvm", "TerminateInstances", InstanceIds=[victim]))
                    seen.terminated.add(victim)
            except TencentCloudSDKException as error:
                seen.refusals[error.code] = seen.refusals.get(error.code, 0) + 1
                if error.code in ("InternalError", "ClientNetworkError", "ServerNetworkError"):
                    seen.errors.append(str(error))

    start.wait()
    try:
        asyncio.run(run())
    except Exception as exc:  # noqa: BLE001
        seen.errors.append(f"{type(exc).__name__}: {exc}")


def test_eight_threads_sharing_one_cloud_leave_a_consistent_world() -> None:
    with mock_cvm(seed=3, journal_size=10_000) as cloud:  # keep every call: the test reads them all
        seen = [Seen() for _ in range(THREADS)]
        barrier = threading.Barrier(THREADS)
        targets = [worker] * (THREADS - 1) + [async_worker]  # one thread drives the async (httpx) client
        threads = [threading.Thread(target=targets[n], args=(cloud, n, seen[n], barrier)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
        errors = [e for s in seen for e in s.errors]
        assert not errors, "\n".join(errors)
        world = cloud.world
        assert not world.internal_errors, "\n".join(world.internal_errors)

        launched = [i for s in seen for i in s.launched]
        assert len(launched) == len(set(launched)), "an instance id was handed out twice"
        terminated = set().union(*(s.terminated for s in seen))
        calls = sum(s.calls for s in seen)
        journal = list(world.journal)
        assert len(journal) == calls, f"{calls} calls made, {len(journal)} in the journal"
        request_ids = [c.request_id for c in journal]
        assert len(request_ids) == len(set(request_ids)), "two calls got the same RequestId"
        cloud.settle()  # terminations still in flight (default transitions policy) finish now
        expected = set(launched) - terminated
        stored = {i.instance_id for i in world.cvm.all_instances()}
        assert stored == expected, (
            f"lost: {sorted(expected - stored)[:10]}, unexpected: {sorted(stored - expected)[:10]}"
        )

        listed: list[str] = []
        cvm = sdk.client("cvm", REGION)
        total = None
        while total is None or len(listed) < total:
            page = sdk.call(cvm, "DescribeInstances", Limit=100, Offset=len(listed))
            total = page.TotalCount
            if not page.InstanceSet:
                break
            listed += [i.InstanceId for i in page.InstanceSet]
        assert len(listed) == len(set(listed)) == total == len(expected), "the listing disagrees with the store"
        assert set(listed) == expected

        uin = cloud.default_account
        balance = cloud.balance()
        payments = sum(p.amount for p in world.billing.payments(uin))
        charged = sum(row.amount for row in cloud.ledger())
        assert balance == payments - charged, f"balance {balance} != payments {payments} - ledger {charged}"
        refused = sum(sum(s.refusals.values()) for s in seen)
        assert refused < calls / 3, f"most calls were refused, the test exercises little: {seen[0].refusals}"
