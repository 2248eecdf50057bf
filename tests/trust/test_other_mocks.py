"""Beside ``responses`` and ``pytest-httpx``: whichever starts first, Tencent hosts are answered by mockcvm and the
user's mocks keep answering theirs."""

from __future__ import annotations

import asyncio
from typing import Any, Iterator

import httpx
import pytest
import requests
import responses

from mockcvm import mock_cvm
from tests import sdk

USERS = "https://api.example.com/users"


def sdk_works() -> None:
    assert sdk.call(sdk.client("cvm"), "DescribeRegions").TotalCount > 0


def test_responses_activate_started_after_the_mock_leaves_tencent_hosts_to_it() -> None:
    @responses.activate
    def inner() -> None:
        responses.get(USERS, json={"users": []})
        assert requests.get(USERS).json() == {"users": []}
        sdk_works()

    with mock_cvm() as cloud:
        inner()
        sdk_works()
    assert len(cloud.calls("DescribeRegions")) == 2


def test_responses_activate_started_before_the_mock() -> None:
    @responses.activate
    def inner() -> None:
        responses.get(USERS, json={"users": []})
        with mock_cvm():
            sdk_works()
            assert requests.get(USERS).json() == {"users": []}
        assert requests.get(USERS).json() == {"users": []}

    inner()


def test_a_requests_mock_started_after_the_mock_leaves_tencent_hosts_to_it() -> None:
    with mock_cvm():
        with responses.RequestsMock() as users_mock:
            users_mock.get(USERS, body="ok")
            assert requests.get(USERS).text == "ok"
            sdk_works()
        sdk_works()


def test_add_passthru_for_tencent_hosts_never_reaches_the_network_user_mock_first() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as users_mock:
        users_mock.add_passthru(r".*\.tencentcloudapi\.com")
        with mock_cvm() as cloud:
            sdk_works()
    assert len(cloud.calls("DescribeRegions")) == 1


def test_add_passthru_for_tencent_hosts_never_reaches_the_network_mockcvm_first() -> None:
    with mock_cvm() as cloud:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as users_mock:
            users_mock.add_passthru(r".*\.tencentcloudapi\.com")
            sdk_works()
    assert len(cloud.calls("DescribeRegions")) == 1


def test_a_user_mocks_passthrough_to_another_host_is_still_guarded() -> None:
    with responses.RequestsMock() as users_mock:
        users_mock.add_passthru("https://example.com")
        with mock_cvm():
            with pytest.raises(Exception, match="allow_hosts"):
                requests.get("https://example.com/", timeout=2)


@pytest.fixture
def fake() -> Iterator[Any]:
    with mock_cvm() as cloud:
        yield cloud


async def _sdk_async() -> int:
    client = sdk.client("cvm", asynchronous=True)
    async with client:
        answer = await client.DescribeRegions(sdk.request("cvm", "DescribeRegions"))
    return int(answer.TotalCount)


def test_httpx_mock_requested_after_the_mock(fake: Any, httpx_mock: Any) -> None:
    httpx_mock.add_response(url=USERS, json={"users": []})
    assert httpx.get(USERS).json() == {"users": []}
    assert asyncio.run(_sdk_async()) > 0
    assert len(fake.calls("DescribeRegions")) == 1


def test_httpx_mock_requested_before_the_mock(httpx_mock: Any, fake: Any) -> None:
    httpx_mock.add_response(url=USERS, json={"users": []})
    assert asyncio.run(_sdk_async()) > 0
    assert httpx.get(USERS).json() == {"users": []}
    assert len(fake.calls("DescribeRegions")) == 1


def test_a_response_the_user_registered_for_a_tencent_url_wins_in_a_mock_started_inside() -> None:
    canned = {"Response": {"TotalCount": 0, "RegionSet": [], "RequestId": "canned"}}
    with mock_cvm() as cloud:
        with responses.RequestsMock() as users_mock:
            users_mock.post("https://cvm.tencentcloudapi.com/", json=canned)
            assert sdk.call(sdk.client("cvm"), "DescribeRegions").RequestId == "canned"
        assert cloud.journal.total == 0


def test_httpx_mock_with_a_response_for_a_tencent_url_answers_it(fake: Any, httpx_mock: Any) -> None:
    canned = {"Response": {"TotalCount": 0, "RegionSet": [], "RequestId": "canned"}}
    httpx_mock.add_response(url="https://cvm.tencentcloudapi.com/", json=canned)

    async def regions() -> str:
        client = sdk.client("cvm", asynchronous=True)
        async with client:
            return str((await client.DescribeRegions(sdk.request("cvm", "DescribeRegions"))).RequestId)

    assert asyncio.run(regions()) == "canned"
    assert fake.journal.total == 0
