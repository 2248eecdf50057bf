"""The plugin as a new user meets it: clients that follow the world in use, faults that must fire, sleeps that
move the clock. All scenarios run in one pytest subprocess (one start-up), each checked by its own test here."""

from __future__ import annotations

import pytest

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


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    work = tmp_path_factory.mktemp("user_plugin")
    sub = work / "ini"
    sub.mkdir()
    (sub / "conftest.py").write_text("", encoding="utf-8")
    files = {"test_worlds.py": WORLDS, "test_faults.py": FAULTS, "test_sleeps.py": SLEEPS}
    result = run_user_files(work, files)
    ini_run = run_user_files(sub, {"test_sleeps_ini.py": SLEEPS_INI}, ini="[pytest]\nmockcvm_sleep = advance\n")
    result.outcomes.update(ini_run.outcomes)
    result.output += ini_run.output
    return result


# -- the clients follow the world in use ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "test",
    [
        "test_module_world_and_its_client",
        "test_module_world_and_its_async_client",
        "test_session_world_and_its_client",
        "test_a_client_of_every_service",
        "test_async_clients_of_other_services",
        "test_the_factory",
    ],
)
def test_client_fixtures_talk_to_the_world_the_test_uses(run: Run, test: str) -> None:
    assert run.outcome(f"test_worlds::{test}") == "passed", run.output


def test_a_test_asking_for_two_worlds_is_an_error_that_says_so(run: Run) -> None:
    assert run.outcome("test_worlds::test_two_worlds") == "error"
    assert "this test uses 2 fake clouds (cvm, cvm_module)" in run.output


def test_the_factory_names_the_services_it_fakes(run: Run) -> None:
    assert run.outcome("test_worlds::test_the_factory_refuses_an_unknown_service") == "failure"
    assert "tc_client('cdb'): mockcvm fakes cvm, vpc, cbs, tag, billing, sts" in run.output


# -- faults that never fired fail the test -------------------------------------------------------------------


def test_a_fault_that_did_not_fire_fails_the_test_at_teardown(run: Run) -> None:
    assert run.outcome("test_faults::test_a_fault_that_never_fired") == "error"
    assert run.outcome("test_faults::test_a_fault_fired_once_of_two") == "error"
    assert "mockcvm: 1 injected fault(s) of cvm did not fire as often as asked:" in run.output
    assert "  inject('DescribeZones', 'RequestLimitExceeded', times=2): fired 0 of 2 time(s)" in run.output
    assert "  inject('DescribeRegions', 'RequestLimitExceeded', times=2): fired 1 of 2 time(s)" in run.output
    assert "@pytest.mark.mockcvm(assert_faults_fired=False)" in run.output


def test_the_fault_check_can_be_turned_off_and_spares_probabilities_and_failed_tests(run: Run) -> None:
    assert run.outcome("test_faults::test_the_check_turned_off") == "passed"
    assert run.outcome("test_faults::test_a_probability_fault_need_not_fire") == "passed"
    assert run.outcome("test_faults::test_a_failing_test_is_not_blamed_twice") == "failure"
    assert "ERROR at teardown of test_a_failing_test_is_not_blamed_twice" not in run.output


# -- sleeping moves the clock --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "test",
    [
        "test_sleeps::test_backoff_moves_the_clock",
        "test_sleeps::test_a_deadline_poll_ends",
        "test_sleeps::test_async_sleepers_wake_in_order",
        "test_sleeps::test_sleep_is_real_by_default",
        "test_sleeps_ini::test_the_ini_option",
    ],
)
def test_sleep_advance_moves_the_clock_instead_of_waiting(run: Run, test: str) -> None:
    assert run.outcome(test) == "passed", run.output


def test_the_sleep_marker_without_the_clock_is_an_error(run: Run) -> None:
    assert run.outcome("test_sleeps::test_the_sleep_option_needs_the_clock") == "error"
    assert "@pytest.mark.mockcvm(sleep=...) says what sleeping does to cvm_clock, but this test does not use " \
        "cvm_clock" in run.output
