"""The fidelity audit: every implemented action, called through the real SDK on a world with one resource of each
kind, answers every member the official API description marks as always returned, with its type, recursively.

The world and the table of parameters live in ``tests/quality/fidelity_table.py``.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from mockcvm import mock_cvm
from mockcvm.dispatch import implemented_actions
from mockcvm.protocol import schema
from tests import sdk
from tests.quality.fidelity_table import READ_AT, ROWS, START, World
from tests.shape import Walk, walk

#: Lists of objects that stay empty on the audit's world, and why (every other list must have an element, so that
#: its elements' members are walked too).
IPV6 = "IPv6 is not modelled"
EMPTY_BY_NATURE = {
    "tag:TagResources.FailedResources": "empty when every resource was tagged",
    "tag:UnTagResources.FailedResources": "empty when every resource was untagged",
    "vpc:CreateNetworkInterface.NetworkInterface.Ipv6AddressSet": IPV6,
    "vpc:DescribeNetworkInterfaces.NetworkInterfaceSet[].Ipv6AddressSet": IPV6,
    "vpc:CreateVpc.Vpc.Ipv6CidrBlockSet": IPV6,
    "vpc:DescribeVpcs.VpcSet[].Ipv6CidrBlockSet": IPV6,
    "cvm:DescribeZoneInstanceConfigInfos.InstanceTypeQuotaSet[].LocalDiskTypeList":
        "the catalogue has no instance type with local disks",
    "cbs:DescribeAutoSnapshotPolicies.AutoSnapshotPolicySet[].Tags": "auto snapshot policies take no tags here",
    "cbs:DescribeDiskAssociatedAutoSnapshotPolicy.AutoSnapshotPolicySet[].Tags":
        "auto snapshot policies take no tags here",
    "cbs:DescribeSnapshots.SnapshotSet[].Images": "images made from snapshots are not modelled",
    "billing:DescribeDealsByCond.Deals[].ProductInfo": "a deal's product details are not modelled",
}


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    import time_machine

    with time_machine.travel(START, tick=False) as traveller, mock_cvm(transitions="immediate") as cloud:
        built = World(cloud)
        traveller.move_to(READ_AT)
        yield built


def test_the_table_covers_every_implemented_action_exactly() -> None:
    implemented = set(implemented_actions())
    missing = sorted(implemented - set(ROWS))
    extra = sorted(set(ROWS) - implemented)
    assert not missing, (
        f"no fidelity row for {', '.join(f'{s}:{a}' for s, a in missing)}: add one to ROWS in "
        "tests/quality/fidelity_table.py, (service, action): a builder of parameters that make the action succeed "
        "on the World (make a fresh resource, as world.instance() does, if the action changes or consumes one)")
    assert not extra, f"fidelity rows for actions that are not registered: {extra}; remove them"


def test_every_action_answers_every_always_returned_member_with_its_type(world: World) -> None:
    seen = Walk()
    failures: list[str] = []
    for (service, action), build in sorted(ROWS.items()):
        try:
            params = build(world)
            answer = world.answer(service, action, params)
        except sdk.SDKError as error:
            failures.append(f"{service}:{action} was refused: [{error.code}] {error.message}")
            continue
        problems_before = len(seen.problems)
        walk(service, schema.output_object(service, action), answer, f"{service}:{action}", seen)
        failures += seen.problems[problems_before:]
    for where in seen.empty_lists():
        if where not in EMPTY_BY_NATURE:
            failures.append(f"{where} is always an empty list: give the world an element to walk, or list it in "
                            "EMPTY_BY_NATURE with the reason")
    assert not world.cloud.world.internal_errors, world.cloud.world.internal_errors[0]
    assert not failures, f"{len(failures)} problems in {len(ROWS)} actions:\n" + "\n".join(failures)
    assert seen.members > 1000
