"""Bad input never crashes the caller, never gives HTTP 500 and never changes state: it gets a Tencent error."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from mockcvm import Cloud
from tests import sdk

URL = "https://cvm.tencentcloudapi.com/"
AUTH = (
    "TC3-HMAC-SHA256 Credential=AKIDx/2026-01-05/cvm/tc3_request, SignedHeaders=content-type;host, "
    "Signature=" + "0" * 64
)


def tc3_headers(**overrides: str) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json",
        "Authorization": AUTH,
        "X-TC-Action": "DescribeZones",
        "X-TC-Version": "2017-03-12",
        "X-TC-Region": "ap-guangzhou",
        "X-TC-Timestamp": "1767585600",
    }
    headers.update(overrides)
    return {k: v for k, v in headers.items() if v != ""}


def error_of(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()["Response"]
    assert len(body["RequestId"]) == 36
    return body["Error"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("body", "headers", "code", "says"),
    [
        (b"{not json", {}, "InvalidParameter", "not valid JSON"),
        (b"[1, 2]", {}, "InvalidParameter", "JSON object"),
        (b'{"Zone": "\xff\xfe"}', {}, "InvalidParameter", "not valid UTF-8"),
        (b"{}", {"Content-Type": "text/xml"}, "InvalidParameter", "text/xml"),
        (b"{}", {"X-TC-Action": ""}, "MissingParameter", "X-TC-Action"),
        (b"{}", {"X-TC-Version": ""}, "MissingParameter", "X-TC-Version"),
        (b"{}", {"X-TC-Version": "2099-01-01"}, "NoSuchVersion", "2099-01-01"),
        (b"{}", {"X-TC-Action": "Fly"}, "InvalidAction", "Fly"),
        (b"{}", {"X-TC-Region": ""}, "UnsupportedRegion", "needs a region"),
        (b"{}", {"X-TC-Region": "mars-1"}, "UnsupportedRegion", "mars-1"),
        (b"{}", {"X-TC-Timestamp": "yesterday"}, "InvalidParameter", "X-TC-Timestamp"),
        (b"{}", {"Authorization": "TC3-HMAC-SHA256 garbage"}, "AuthFailure.InvalidAuthorization", "malformed"),
        (b"{}", {"Authorization": "Basic dXNlcjpwYXNz"}, "AuthFailure.InvalidAuthorization", "TC3"),
        (b'{"Surprise": 1}', {}, "UnknownParameter", "Surprise"),
    ],
)
def test_a_malformed_request_gets_a_tencent_error(
    cloud: Cloud, body: bytes, headers: dict[str, str], code: str, says: str
) -> None:
    error = error_of(requests.post(URL, data=body, headers=tc3_headers(**headers)))
    assert error["Code"] == code
    assert says in error["Message"]


def test_an_unsigned_request_is_refused(cloud: Cloud) -> None:
    error = error_of(requests.post(URL, data=b"{}", headers={"Content-Type": "application/json"}))
    assert error["Code"] == "AuthFailure.SignatureFailure"


def test_a_v1_request_without_action_is_refused(cloud: Cloud) -> None:
    error = error_of(requests.get(URL, params={"Version": "2017-03-12", "Signature": "x", "SecretId": "s"}))
    assert error["Code"] == "MissingParameter"
    assert "Action" in error["Message"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Action=DescribeZones&Version=2017-03-12&Signature=x&SecretId=s&Region=ap-guangzhou&Zone.0=a&Zone.x=b",
         "InvalidParameter"),
        ("Action=DescribeZones&Version=2017-03-12&Signature=x&SecretId=s&Region=ap-guangzhou&%ff=1",
         "InvalidParameter"),
        ("Action=DescribeZones&Version=2017-03-12&SecretId=s&Region=ap-guangzhou", "AuthFailure.SignatureFailure"),
        ("Action=DescribeZones&Version=2017-03-12&Signature=x&Region=ap-guangzhou", "AuthFailure.SecretIdNotFound"),
    ],
)
def test_a_malformed_v1_query_gets_a_tencent_error(cloud: Cloud, query: str, code: str) -> None:
    assert error_of(requests.get(URL + "?" + query))["Code"] == code


def test_an_oversized_body_is_refused_without_parsing(cloud: Cloud) -> None:
    body = b'{"InstanceIds": [' + b'"ins-aaaaaaaa",' * 800_000 + b'"ins-aaaaaaaa"]}'
    error = error_of(requests.post(URL, data=body, headers=tc3_headers()))
    assert error["Code"] == "RequestSizeLimitExceeded"


def test_an_unsupported_http_method_is_refused(cloud: Cloud) -> None:
    error = error_of(requests.put(URL, data=b"{}", headers=tc3_headers()))
    assert error["Code"] == "UnsupportedProtocol"


@pytest.mark.parametrize(
    ("params", "code", "says"),
    [
        ({"InstanceIds": "ins-12345678"}, "InvalidParameter", "must be a list"),
        ({"InstanceIds": [1]}, "InvalidParameter", "must be a String"),
        ({"InstanceIds": ["ins-12345678"], "ReleaseAddress": "yes"}, "InvalidParameter", "Boolean"),
        ({"InstanceIds": ["ins-12345678"], "Nope": 1}, "UnknownParameter", "Nope"),
        ({}, "MissingParameter", "InstanceIds"),
    ],
)
def test_wrong_types_are_refused_by_the_schema(
    cloud: Cloud, params: dict[str, Any], code: str, says: str
) -> None:
    headers = tc3_headers(**{"X-TC-Action": "TerminateInstances"})
    error = error_of(requests.post(URL, data=json.dumps(params), headers=headers))
    assert error["Code"] == code
    assert says in error["Message"]


def test_integer_out_of_range_is_an_invalid_value(cloud: Cloud) -> None:
    headers = tc3_headers(**{"X-TC-Action": "DescribeInstances"})
    error = error_of(requests.post(URL, data=json.dumps({"Limit": 2**70}), headers=headers))
    assert error["Code"] == "InvalidParameterValue"


def test_the_sdk_raises_its_exception_with_code_message_and_request_id(cloud: Cloud) -> None:
    with pytest.raises(sdk.SDKError) as caught:
        sdk.call(sdk.client("cvm", language="en-US"), "TerminateInstances")
    error = caught.value
    assert error.code == "MissingParameter"
    assert error.message == "The request is missing a required parameter `InstanceIds`."
    assert error.requestId == cloud.journal.calls()[-1].request_id


def test_messages_follow_x_tc_language_which_the_sdk_sets_to_chinese_by_default(cloud: Cloud) -> None:
    for language in (None, "zh-CN"):
        with pytest.raises(sdk.SDKError) as caught:
            sdk.call(sdk.client("cvm", language=language), "TerminateInstances")
        assert caught.value.message == "缺少必填参数 `InstanceIds`。"


def test_refused_requests_are_journaled_and_change_nothing(cloud: Cloud) -> None:
    before = cloud.balance()
    requests.post(URL, data=b"{broken", headers=tc3_headers())
    body = json.dumps({"InstanceIds": ["ins-12345678"], "Bogus": True})
    requests.post(URL, data=body, headers=tc3_headers(**{"X-TC-Action": "TerminateInstances"}))
    assert cloud.balance() == before
    assert [c.error for c in cloud.journal] == ["InvalidParameter", "UnknownParameter"]
    assert cloud.world.internal_errors == []
