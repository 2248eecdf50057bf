"""Every way the SDK can reach the fake: sync and async, TC3 and v1 signing, POST and GET, every host form."""

from __future__ import annotations

import asyncio

import pytest

from mockcvm import Cloud, mock_cvm
from tests import sdk

SIGNINGS = [
    ("TC3-HMAC-SHA256", "POST"),
    ("TC3-HMAC-SHA256", "GET"),
    ("HmacSHA1", "POST"),
    ("HmacSHA1", "GET"),
    ("HmacSHA256", "POST"),
    ("HmacSHA256", "GET"),
]


@pytest.mark.parametrize(("sign", "method"), SIGNINGS)
def test_sync_client_reads_zones_of_its_region(cloud: Cloud, sign: str, method: str) -> None:
    client = sdk.client("cvm", "ap-shanghai", sign=sign, method=method)
    zones = sdk.call(client, "DescribeZones")
    assert [z.Zone for z in zones.ZoneSet] == [
        "ap-shanghai-2", "ap-shanghai-3", "ap-shanghai-4", "ap-shanghai-5", "ap-shanghai-8"
    ]
    assert zones.TotalCount == 5
    assert len(zones.RequestId) == 36


@pytest.mark.parametrize(("sign", "method"), SIGNINGS)
def test_async_client_reads_regions(cloud: Cloud, sign: str, method: str) -> None:
    async def scenario() -> list[str]:
        client = sdk.client("cvm", sign=sign, method=method, asynchronous=True)
        async with client:
            answer = await client.DescribeRegions(sdk.request("cvm", "DescribeRegions"))
        return [r.Region for r in answer.RegionSet]

    assert "ap-guangzhou" in asyncio.run(scenario())


@pytest.mark.parametrize(
    "endpoint",
    ["cvm.tencentcloudapi.com", "cvm.ap-beijing.tencentcloudapi.com", "cvm.intl.tencentcloudapi.com"],
)
def test_every_tencent_host_form_is_answered(cloud: Cloud, endpoint: str) -> None:
    client = sdk.client("cvm", "ap-beijing", endpoint=endpoint)
    assert sdk.call(client, "DescribeZones").TotalCount == 7


def test_other_services_answer_on_their_hosts(cloud: Cloud) -> None:
    me = sdk.call(sdk.client("sts"), "GetCallerIdentity")
    assert me.AccountId == cloud.default_account
    assert me.Arn == f"qcs::cam::uin/{me.AccountId}:uin/{me.AccountId}"
    balance = sdk.call(sdk.client("billing", ""), "DescribeAccountBalance")
    assert balance.Balance == 100_000_000  # 1 000 000 yuan, in cents
    assert balance.Uin == int(cloud.default_account)


def test_a_user_named_endpoint_is_answered_with_tc3_and_v1() -> None:
    with mock_cvm(endpoints={"cvm.internal.example": "cvm", "proxy.example:8443": None}):
        for sign in ("TC3-HMAC-SHA256", "HmacSHA256"):
            named = sdk.client("cvm", endpoint="cvm.internal.example", sign=sign)
            assert sdk.call(named, "DescribeZones").TotalCount == 4
        # without a service name the TC3 credential scope tells which service it is
        proxied = sdk.client("cvm", endpoint="proxy.example:8443")
        assert sdk.call(proxied, "DescribeZones").TotalCount == 4


def test_v1_signing_to_an_unnamed_endpoint_says_how_to_name_it() -> None:
    with mock_cvm(endpoints=["proxy.example"]):
        client = sdk.client("cvm", endpoint="proxy.example", sign="HmacSHA1")
        with pytest.raises(sdk.SDKError) as caught:
            sdk.call(client, "DescribeZones")
    assert caught.value.code == "InvalidParameter"
    assert "endpoints={host: service}" in caught.value.message


def test_the_sdk_connection_pool_option_opens_no_socket(cloud: Cloud, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a real socket was opened")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    client = sdk.client("cvm", pre_conn_pool_size=3)
    assert sdk.call(client, "DescribeRegions").TotalCount > 0
