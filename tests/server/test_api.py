"""The API over HTTP: the real SDK (sync and async) against the server, and how the server finds the service."""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from mockcvm.options import make_options
from mockcvm.server import ThreadedServer
from mockcvm.server.service import ServedCloud
from tests.server.conftest import RUN, SECRET_ID, SECRET_KEY, call, control, sdk_client


def test_the_sdk_launches_describes_and_terminates_over_http(fresh: ThreadedServer) -> None:
    client = sdk_client(fresh)
    ids = call(client, "RunInstances", dict(RUN, InstanceCount=2)).InstanceIdSet
    described = call(client, "DescribeInstances", {"InstanceIds": ids})
    assert described.TotalCount == 2
    assert {i.InstanceState for i in described.InstanceSet} == {"PENDING"}
    fresh.tick(5)
    assert {i.InstanceState for i in call(client, "DescribeInstances", {"InstanceIds": ids}).InstanceSet} == {"RUNNING"}
    call(client, "TerminateInstances", {"InstanceIds": ids[:1]})
    fresh.tick(5)
    assert [i.InstanceId for i in call(client, "DescribeInstances").InstanceSet] == ids[1:]
    assert [c.action for c in fresh.cloud.calls()][:2] == ["RunInstances", "DescribeInstances"]


def test_a_refusal_is_the_tencent_error_and_changes_nothing(fresh: ThreadedServer) -> None:
    client = sdk_client(fresh)
    with pytest.raises(TencentCloudSDKException) as caught:
        call(client, "TerminateInstances", {"InstanceIds": ["ins-00000000"]})
    assert caught.value.code == "InvalidInstanceId.NotFound"
    assert fresh.cloud.world.cvm.all_instances() == []


def test_every_faked_service_answers_on_the_one_port(fresh: ThreadedServer) -> None:
    assert call(sdk_client(fresh, "vpc"), "AllocateAddresses", {"AddressCount": 1}).AddressSet
    assert call(sdk_client(fresh, "cbs"), "DescribeDisks").TotalCount == 0
    assert call(sdk_client(fresh, "billing"), "DescribeAccountBalance").Balance == 100000000
    assert call(sdk_client(fresh, "sts"), "GetCallerIdentity").AccountId == fresh.cloud.default_account
    assert call(sdk_client(fresh, "tag"), "GetResources").ResourceTagMappingList is not None


def test_the_async_sdk_works_over_http(fresh: ThreadedServer) -> None:
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.cvm.v20170312 import cvm_client_async, models

    async def scenario() -> Any:
        profile = ClientProfile(httpProfile=HttpProfile(endpoint=fresh.endpoint, protocol="http"))
        client = cvm_client_async.CvmClient(credential.Credential(SECRET_ID, SECRET_KEY), "ap-guangzhou", profile)
        request = models.RunInstancesRequest()
        request.from_json_string(json.dumps(RUN))
        launched = await client.RunInstances(request)
        described = await client.DescribeInstances(models.DescribeInstancesRequest())
        await client.http_client.aclose()
        return launched.InstanceIdSet, [i.InstanceId for i in described.InstanceSet]

    launched, described = asyncio.run(scenario())
    assert launched == described


def _post(server: ThreadedServer, headers: dict[str, str], body: bytes = b"{}", path: str = "/") -> dict[str, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("POST", path, body, {"Content-Type": "application/json", **headers})
    answer = connection.getresponse()
    assert answer.status == 200 and answer.getheader("Content-Type") == "application/json"
    data: dict[str, Any] = json.loads(answer.read())["Response"]
    connection.close()
    return data


def _tc3(scope_service: str) -> str:
    return (f"TC3-HMAC-SHA256 Credential={SECRET_ID}/2026-01-05/{scope_service}/tc3_request, "
            "SignedHeaders=content-type;host, Signature=00")


@pytest.mark.parametrize(
    ("headers", "service"),
    [
        ({"Host": "cvm.tencentcloudapi.com", "Authorization": _tc3("127")}, "cvm"),  # the Host header first
        ({"Authorization": _tc3("cvm")}, "cvm"),  # then the credential scope
        ({"Authorization": _tc3("127")}, "cvm"),  # the Node SDK's scope: then the action's name
    ],
    ids=["host", "scope", "action"],
)
def test_the_service_comes_from_host_then_scope_then_action(
    fresh: ThreadedServer, headers: dict[str, str], service: str
) -> None:
    answer = _post(fresh, {"X-TC-Action": "DescribeInstances", "X-TC-Version": "2017-03-12",
                           "X-TC-Region": "ap-guangzhou", **headers})
    assert answer["TotalCount"] == 0
    assert fresh.cloud.calls("DescribeInstances")[-1].service == service


def test_an_action_no_faked_service_has_is_invalid_action(fresh: ThreadedServer) -> None:
    answer = _post(fresh, {"X-TC-Action": "DescribeNothing", "X-TC-Version": "2017-03-12",
                           "Authorization": _tc3("127")})
    assert answer["Error"]["Code"] == "InvalidAction"
    assert "cvm, vpc, cbs" in answer["Error"]["Message"]


def test_an_action_of_several_services_without_a_hint_says_how_to_name_one(
    fresh: ThreadedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no two faked services share an action name today; a future one might
    from mockcvm.server import routing

    monkeypatch.setattr(routing.schema, "has_action", lambda service, action: service in ("cvm", "vpc"))
    answer = _post(fresh, {"X-TC-Action": "DescribeRegions", "X-TC-Version": "2017-03-12",
                           "Authorization": _tc3("127")})
    assert answer["Error"]["Code"] == "InvalidAction"
    assert "Host: cvm.tencentcloudapi.com" in answer["Error"]["Message"]
    assert "credential scope" in answer["Error"]["Message"]


def test_a_request_without_action_or_service_is_a_tencent_error(fresh: ThreadedServer) -> None:
    answer = _post(fresh, {}, b"not json")
    assert answer["Error"]["Code"] == "MissingParameter"
    assert answer["RequestId"]


def test_a_v1_get_names_the_service_by_its_action(fresh: ThreadedServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", fresh.port, timeout=10)
    connection.request("GET", "/?Action=DescribeInstances&Version=2017-03-12&Region=ap-guangzhou&SecretId=AKIDx"
                              "&Timestamp=1767585600&Nonce=1&Signature=x")
    answer = json.loads(connection.getresponse().read())["Response"]
    assert answer["TotalCount"] == 0


def test_garbage_half_requests_and_hang_ups_leave_the_server_serving(fresh: ThreadedServer) -> None:
    for junk in (b"\x16\x03\x01\x00garbage\r\n\r\n", b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"a\"",
                 b"GET /_mockcvm/state HTTP/1.1\r\nHost: x\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", fresh.port), timeout=5) as raw:
            raw.sendall(junk)  # then hang up without reading (mid-answer for the last one)
    client = sdk_client(fresh)
    call(client, "RunInstances", RUN)
    assert call(client, "DescribeInstances").TotalCount == 1
    status, state = control(fresh, "GET", "state")
    assert status == 200 and len(state["accounts"][0]["instances"]) == 1


def test_the_cvm_server_fixture_serves_a_fresh_frozen_world(cvm_server: ThreadedServer) -> None:
    client = sdk_client(cvm_server)
    before = control(cvm_server, "GET", "clock")[1]
    call(client, "RunInstances", RUN)
    assert before["frozen"] is True
    assert control(cvm_server, "GET", "clock")[1] == before
    assert cvm_server.cloud.world.cvm.all_instances()[0].state == "PENDING"


def test_signatures_are_checked_over_http_and_the_credentials_outlive_reset_and_restart(tmp_path: Path) -> None:
    credentials = [(SECRET_ID, SECRET_KEY, None)]
    state = str(tmp_path / "state.db")
    with ThreadedServer(port=0, frozen=True, verify_signatures=True, credentials=credentials, state=state) as server:
        assert call(sdk_client(server), "DescribeInstances").TotalCount == 0  # signed for 127.0.0.1:PORT
        from tencentcloud.common import credential

        stranger = sdk_client(server)
        stranger.credential = credential.Credential(SECRET_ID, "not-the-key")
        with pytest.raises(TencentCloudSDKException) as caught:
            call(stranger, "DescribeInstances")
        assert caught.value.code == "AuthFailure.SignatureFailure"
        control(server, "POST", "reset")
        [launched] = call(sdk_client(server), "RunInstances", RUN).InstanceIdSet
        # a restart that replays the log (the running server has written no snapshot yet): the signed call passes
        again = ServedCloud(make_options(verify_signatures=True), state_path=state, credentials=credentials)
        assert again.replayed == 1
        assert [i.instance_id for i in again.world.cvm.all_instances()] == [launched]
