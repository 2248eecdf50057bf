"""While mockcvm is active nothing reaches the network, and the user's own HTTP mocks keep working."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import requests
import responses

from mockcvm import NetworkGuardError, mock_cvm
from tests import sdk


def test_a_request_to_another_host_fails_at_once_naming_the_url_and_the_fix() -> None:
    with mock_cvm():
        with pytest.raises(NetworkGuardError) as caught:
            requests.get("https://example.com/data?x=1", timeout=1)
    message = str(caught.value)
    assert "GET https://example.com/data?x=1" in message
    assert "mock_cvm(allow_hosts=['example.com'])" in message


def test_the_sdk_reports_a_blocked_endpoint_as_a_network_error() -> None:
    with mock_cvm():
        client = sdk.client("cvm", endpoint="cvm.example.org")
        with pytest.raises(sdk.SDKError) as caught:
            sdk.call(client, "DescribeRegions")
    assert caught.value.code == "ClientNetworkError"
    assert "mockcvm blocked a real network request" in caught.value.message


def test_httpx_requests_are_guarded_sync_and_async() -> None:
    async def fetch() -> None:
        async with httpx.AsyncClient() as client:
            await client.get("https://example.com/")

    with mock_cvm():
        with pytest.raises(httpx.ConnectError, match="allow_hosts"):
            httpx.get("https://example.com/")
        with pytest.raises(httpx.ConnectError, match="allow_hosts"):
            asyncio.run(fetch())


def test_allowed_hosts_go_on_to_the_transport_underneath() -> None:
    with responses.RequestsMock() as users_mock:
        users_mock.get("https://internal.example/health", body="ok")
        with mock_cvm(allow_hosts=["internal.example"]):
            assert requests.get("https://internal.example/health").text == "ok"


def test_the_users_own_responses_mocks_keep_working_beside_it() -> None:
    with responses.RequestsMock() as users_mock:
        users_mock.get("https://api.example.com/users", json={"users": []})
        with mock_cvm():
            assert requests.get("https://api.example.com/users").json() == {"users": []}
            assert sdk.call(sdk.client("cvm"), "DescribeRegions").TotalCount > 0
        # and after mockcvm stops, the user's mock is still the one in place
        assert requests.get("https://api.example.com/users").json() == {"users": []}


def test_patches_are_removed_when_the_mock_stops() -> None:
    from requests.adapters import HTTPAdapter

    send, handle_async = HTTPAdapter.send, httpx.AsyncHTTPTransport.handle_async_request
    with mock_cvm():
        assert HTTPAdapter.send is not send
        assert httpx.AsyncHTTPTransport.handle_async_request is not handle_async
    assert HTTPAdapter.send is send
    assert httpx.AsyncHTTPTransport.handle_async_request is handle_async


def test_a_tencent_service_mockcvm_does_not_fake_is_answered_not_sent() -> None:
    with mock_cvm():
        response = requests.post(
            "https://cdb.tencentcloudapi.com/",
            data=b"{}",
            headers={
                "Content-Type": "application/json",
                "X-TC-Action": "DescribeDBInstances",
                "X-TC-Version": "2017-03-20",
                "Authorization": "TC3-HMAC-SHA256 Credential=AKID/2026-01-05/cdb/tc3_request, "
                "SignedHeaders=content-type;host, Signature=00",
            },
        )
    error = response.json()["Response"]["Error"]
    assert error["Code"] == "UnsupportedOperation"
    assert "does not implement the cdb service" in error["Message"]
