"""The plugin as a new user meets it: clients that follow the world in use, faults that must fire, sleeps that
move the clock. All scenarios run in one pytest subprocess (one start-up), each checked by its own test here."""

from __future__ import annotations

from pathlib import Path

from tests.user.conftest import Run, run_user_files

WORLDS = '''
import asyncio

import pytest
from tencentcloud.billing.v20180709 import models as billing_models
from tencentcloud.cbs.v20170312 import models as cbs_models
from tencentcloud.cvm.v20170312 import models
from tencentcloud.sts.v20180813 import models as sts_models
from tencentcloud.tag.v20180813 import models as tag_models
from tencentcloud.vpc.v20170312 import models as vpc_models


def test_module_world_and_its_client(cvm_module, cvm_client):
    cvm_client.DescribeRegions(models.DescribeRegionsRequest())
    assert len(cvm_module.calls("DescribeRegions")) == 1


def test_module_world_and_its_async_client(cvm_module, cvm_async_client):
    asyncio.run(cvm_async_client.DescribeZones(models.DescribeZonesRequest()))
    assert len(cvm_module.calls("DescribeZones")) == 1
    assert len(cvm_module.calls("DescribeRegions")) == 1  # the same world as the test before


def test_session_world_and_its_client(cvm_session, billing_client):
    billing_client.DescribeAccountBalance(billing_models.DescribeAccountBalanceRequest())
    assert len(cvm_session.calls("DescribeAccountBalance")) == 1


def test_two_worlds(cvm, cvm_module):
    pass


def test_a_client_of_every_service(cvm, vpc_client, cbs_client, tag_client, billing_client, sts_client):
    vpc_client.DescribeAddresses(vpc_models.DescribeAddressesRequest())
    cbs_client.DescribeDisks(cbs_models.DescribeDisksRequest())
    tag_client.GetResources(tag_models.GetResourcesRequest())
    billing_client.DescribeAccountBalance(billing_models.DescribeAccountBalanceRequest())
    sts_client.GetCallerIdentity(sts_models.GetCallerIdentityRequest())
    assert [c.service for c in cvm.journal] == ["vpc", "cbs", "tag", "billing", "sts"]
    assert all(c.ok for c in cvm.journal)


def test_async_clients_of_other_services(cvm, vpc_async_client, cbs_async_client):
    async def both():
        await vpc_async_client.DescribeAddresses(vpc_models.DescribeAddressesRequest())
        await cbs_async_client.DescribeDisks(cbs_models.DescribeDisksRequest())

    asyncio.run(both())
    assert [c.service for c in cvm.journal] == ["vpc", "cbs"]


@pytest.mark.mockcvm(region="ap-beijing")
def test_the_factory(cvm_module, tc_client):
    shanghai = tc_client("vpc", region="ap-shanghai")
    assert shanghai.region == "ap-shanghai"
    shanghai.DescribeAddresses(vpc_models.DescribeAddressesRequest())
    assert cvm_module.calls("DescribeAddresses")[-1].region == "ap-shanghai"
    client = tc_client("cbs", async_=True)
    asyncio.run(client.DescribeDisks(cbs_models.DescribeDisksRequest()))
    assert cvm_module.calls("DescribeDisks")[-1].region == "ap-guangzhou"  # the module world's default region


def test_the_factory_refuses_an_unknown_service(cvm, tc_client):
    tc_client("cdb")
'''

FAULTS = '''
import pytest
from tencentcloud.cvm.v20170312 import models


def test_a_fault_that_never_fired(cvm, cvm_client):
    cvm.inject("DescribeZones", "RequestLimitExceeded", times=2)
    cvm_client.DescribeRegions(models.DescribeRegionsRequest())


def test_a_fault_fired_once_of_two(cvm, cvm_client):
    cvm.inject("DescribeRegions", "RequestLimitExceeded", times=2)
    with pytest.raises(Exception):
        cvm_client.DescribeRegions(models.DescribeRegionsRequest())


@pytest.mark.mockcvm(assert_faults_fired=False)
def test_the_check_turned_off(cvm, cvm_client):
    cvm.inject("DescribeZones", "RequestLimitExceeded")


def test_a_probability_fault_need_not_fire(cvm):
    cvm.inject("DescribeZones", "RequestLimitExceeded", probability=0.5)


def test_a_failing_test_is_not_blamed_twice(cvm):
    cvm.inject("DescribeZones", "RequestLimitExceeded")
    assert False, "the test's own failure"
'''

SLEEPS = '''
import asyncio
import time

import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.cvm.v20170312 import models


def regions_with_backoff(client, attempts=4):
    for attempt in range(attempts):
        try:
            return client.DescribeRegions(models.DescribeRegionsRequest())
        except TencentCloudSDKException:
            time.sleep(2 ** attempt)


@pytest.mark.mockcvm(sleep="advance")
def test_backoff_moves_the_clock(cvm, cvm_client, cvm_clock):
    cvm.inject("DescribeRegions", "RequestLimitExceeded", times=3)
    start = time.time()
    assert regions_with_backoff(cvm_client).RegionSet
    assert time.time() - start == 1 + 2 + 4
    assert [round(c.time - start) for c in cvm.calls("DescribeRegions")] == [0, 1, 3, 7]


@pytest.mark.mockcvm(sleep="advance", transitions="manual")
def test_a_deadline_poll_ends(cvm, cvm_client, cvm_clock):
    deadline = time.time() + 60
    polls = 0
    while time.time() < deadline:
        cvm_client.DescribeZones(models.DescribeZonesRequest())
        polls += 1
        time.sleep(5)
    assert polls == 12


@pytest.mark.mockcvm(sleep="advance")
def test_async_sleepers_wake_in_order(cvm, cvm_async_client, cvm_clock):
    start = time.time()
    woke = []

    async def sleeper(name, seconds):
        await asyncio.sleep(seconds)
        woke.append((name, time.time() - start))
        await cvm_async_client.DescribeZones(models.DescribeZonesRequest())

    async def main():
        await asyncio.gather(sleeper("slow", 5), sleeper("quick", 1), sleeper("middle", 3))

    asyncio.run(main())
    assert woke == [("quick", 1), ("middle", 3), ("slow", 5)]
    assert [round(c.time - start) for c in cvm.calls("DescribeZones")] == [1, 3, 5]


def test_sleep_is_real_by_default(cvm_clock):
    assert cvm_clock.sleep == "real"
    before = time.time()
    time.sleep(0.01)
    assert time.time() == before  # frozen, and not moved by the sleep


@pytest.mark.mockcvm(sleep="advance")
def test_the_sleep_option_needs_the_clock(cvm):
    pass
'''

SLEEPS_INI = '''
import time


def test_the_ini_option(cvm_clock):
    start = time.time()
    time.sleep(3600)
    assert time.time() - start == 3600
'''


def _check(run: Run, expected: dict[str, str], lines: list[str]) -> None:
    """Every test of the run had its expected outcome, and the output has every line a user must read."""
    got = {test: run.outcome(test) for test in expected}
    assert got == expected, run.output
    missing = [line for line in lines if line not in run.output]
    assert not missing, f"missing from the output: {missing}\n{run.output}"


def test_client_fixtures_follow_the_world_the_test_uses(tmp_path: Path) -> None:
    run = run_user_files(tmp_path, {"test_worlds.py": WORLDS})
    passing = [
        "test_module_world_and_its_client", "test_module_world_and_its_async_client",
        "test_session_world_and_its_client", "test_a_client_of_every_service",
        "test_async_clients_of_other_services", "test_the_factory",
    ]
    expected = {f"test_worlds::{name}": "passed" for name in passing}
    expected["test_worlds::test_two_worlds"] = "error"
    expected["test_worlds::test_the_factory_refuses_an_unknown_service"] = "failure"
    _check(run, expected, [
        "this test uses 2 fake clouds (cvm, cvm_module). Each is a separate world and only the one started last "
        "answers the SDK, so the others would silently see nothing.",
        "tc_client('cdb'): mockcvm fakes cvm, vpc, cbs, tag, billing, sts",
    ])


def test_a_fault_that_did_not_fire_fails_the_test_unless_told_otherwise(tmp_path: Path) -> None:
    # The ini option of sleep rides along (these tests do not use cvm_clock, so it changes nothing for them).
    run = run_user_files(tmp_path, {"test_faults.py": FAULTS, "test_sleeps_ini.py": SLEEPS_INI},
                         ini="[pytest]\nmockcvm_sleep = advance\n")
    _check(run, {
        "test_faults::test_a_fault_that_never_fired": "error",
        "test_faults::test_a_fault_fired_once_of_two": "error",
        "test_faults::test_the_check_turned_off": "passed",
        "test_faults::test_a_probability_fault_need_not_fire": "passed",
        "test_faults::test_a_failing_test_is_not_blamed_twice": "failure",
        "test_sleeps_ini::test_the_ini_option": "passed",
    }, [
        "mockcvm: 1 injected fault(s) of cvm did not fire as often as asked:",
        "  inject('DescribeZones', 'RequestLimitExceeded', times=2): fired 0 of 2 time(s)",
        "  inject('DescribeRegions', 'RequestLimitExceeded', times=2): fired 1 of 2 time(s)",
        "The code under test made fewer of those calls than the test expected. Inject with times= the number of "
        "calls you expect, or turn this check off with @pytest.mark.mockcvm(assert_faults_fired=False) "
        "(ini: mockcvm_assert_faults_fired = false).",
    ])
    assert "ERROR at teardown of test_a_failing_test_is_not_blamed_twice" not in run.output


def test_sleep_advance_moves_the_clock_instead_of_waiting(tmp_path: Path) -> None:
    run = run_user_files(tmp_path, {"test_sleeps.py": SLEEPS})
    passing = ["test_backoff_moves_the_clock", "test_a_deadline_poll_ends", "test_async_sleepers_wake_in_order",
               "test_sleep_is_real_by_default"]
    expected = {f"test_sleeps::{name}": "passed" for name in passing}
    expected["test_sleeps::test_the_sleep_option_needs_the_clock"] = "error"
    _check(run, expected, [
        "@pytest.mark.mockcvm(sleep=...) says what sleeping does to cvm_clock, but this test does not use "
        "cvm_clock; add cvm_clock to the test's arguments (or drop sleep)",
    ])
