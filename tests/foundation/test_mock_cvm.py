"""mock_cvm as decorator, context manager and start/stop: nesting, fresh worlds, no import-time patching."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import unittest

import pytest
from requests.adapters import HTTPAdapter

from mockcvm import Cloud, MockcvmError, mock_cvm
from mockcvm.core import MockCvm
from tests import sdk


def regions() -> int:
    return int(sdk.call(sdk.client("cvm"), "DescribeRegions").TotalCount)


def test_context_manager_yields_the_cloud() -> None:
    with mock_cvm() as cloud:
        assert isinstance(cloud, Cloud)
        assert regions() == 16
        assert len(cloud.journal) == 1


def test_bare_decorator_on_a_function() -> None:
    @mock_cvm
    def work() -> int:
        return regions()

    assert work() == 16


def test_decorator_with_options_on_an_async_function() -> None:
    mock = mock_cvm(region="ap-shanghai")

    @mock
    async def work() -> int:
        client = sdk.client("cvm", asynchronous=True)
        async with client:
            answer = await client.DescribeRegions(sdk.request("cvm", "DescribeRegions"))
        assert mock.cloud.options.region == "ap-shanghai"
        return int(answer.TotalCount)

    assert asyncio.run(work()) == 16
    assert not mock.active


def test_decorated_unittest_class_runs_setup_inside_the_mock() -> None:
    seen: list[int] = []

    @mock_cvm
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            seen.append(regions())

        def test_one(self) -> None:
            seen.append(regions())

    result = unittest.TextTestRunner(stream=open("/dev/null", "w")).run(  # noqa: SIM115
        unittest.defaultTestLoader.loadTestsFromTestCase(Case)
    )
    assert result.wasSuccessful()
    assert seen == [16, 16]
    assert HTTPAdapter.send.__module__ == "requests.adapters"


def test_decorated_plain_class_wraps_each_test_method() -> None:
    @mock_cvm
    class Tests:
        def test_a(self) -> int:
            return regions()

        def helper(self) -> str:
            return "not wrapped"

    assert Tests().test_a() == 16
    assert Tests().helper() == "not wrapped"


def test_nesting_is_counted_and_only_the_outermost_start_makes_a_fresh_world() -> None:
    mock = MockCvm()
    outer = mock.start()
    regions()
    inner = mock.start()
    assert inner is outer
    mock.stop()
    assert mock.active
    assert regions() == 16
    assert len(outer.journal) == 2
    mock.stop()
    assert not mock.active
    fresh = mock.start()
    assert fresh is not outer
    assert len(fresh.journal) == 0
    mock.stop()


def test_stop_without_start_is_a_clear_error() -> None:
    with pytest.raises(MockcvmError, match="more often than start"):
        MockCvm().stop()


def test_the_cloud_of_an_inactive_mock_is_a_clear_error() -> None:
    with pytest.raises(MockcvmError, match="not active"):
        MockCvm().cloud  # noqa: B018


def test_two_mocks_own_separate_worlds() -> None:
    with mock_cvm() as first:
        regions()
        with mock_cvm() as second:
            regions()
            regions()
    assert (len(first.journal), len(second.journal)) == (1, 2)


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"regoin": "ap-guangzhou"}, "unknown mock_cvm option(s) regoin"),
        ({"region": "mars"}, "region 'mars'"),
        ({"transitions": "slow"}, "transitions='slow'"),
        ({"durations": {"forever": 1}}, "unknown duration 'forever'"),
        ({"prices": {"instance_hour": 0.5}}, "must be an int, a Decimal or a numeric string"),
        ({"seed": "x"}, "seed must be an int"),
    ],
)
def test_bad_options_say_what_is_accepted(options: dict[str, object], says: str) -> None:
    with pytest.raises(MockcvmError, match=None) as caught:
        mock_cvm(**options)
    assert says in str(caught.value)


def test_importing_mockcvm_patches_nothing() -> None:
    code = (
        "import responses, requests.adapters, httpx\n"
        "before = (requests.adapters.HTTPAdapter.send, httpx.AsyncHTTPTransport.handle_async_request)\n"
        "import mockcvm, mockcvm.services\n"
        "after = (requests.adapters.HTTPAdapter.send, httpx.AsyncHTTPTransport.handle_async_request)\n"
        "assert before == after, 'import patched something'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_same_seed_gives_the_same_request_ids() -> None:
    def ids() -> list[str]:
        with mock_cvm(seed=42) as cloud:
            regions()
            regions()
            return [c.request_id for c in cloud.journal]

    assert ids() == ids()
