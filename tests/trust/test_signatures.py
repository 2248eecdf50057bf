"""Signatures as Tencent documents them: canonical headers follow SignedHeaders, the algorithm and the scope must
match exactly, v1 takes only HmacSHA1/HmacSHA256 with a Nonce, and a repeated Nonce is a replay."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from mockcvm import mock_cvm
from tests import sdk

SECRET_ID, SECRET_KEY = "AKIDsigning", "signing-secret-key"
HOST = "cvm.tencentcloudapi.com"


def tc3(action: str, payload: dict[str, Any], *, signed: str = "content-type;host", algorithm: str = "TC3-HMAC-SHA256",
        scope_service: str = "cvm", date: str = "", lower_values: bool = True) -> dict[str, str]:
    """Headers of a TC3 request signed by hand, following Tencent's documentation step by step."""
    timestamp = int(time.time())
    date = date or time.strftime("%Y-%m-%d", time.gmtime(timestamp))
    headers = {"content-type": "application/json; charset=utf-8", "host": HOST, "x-tc-action": action}
    names = signed.split(";")
    canonical_headers = "".join(
        f"{n}:{headers[n].lower() if lower_values else headers[n]}\n" for n in names)
    body = json.dumps(payload)
    canonical_request = "\n".join(["POST", "/", "", canonical_headers, signed,
                                   hashlib.sha256(body.encode()).hexdigest()])
    scope = f"{date}/{scope_service}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope,
                         hashlib.sha256(canonical_request.encode()).hexdigest()])

    def sign(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    key = sign(sign(sign(("TC3" + SECRET_KEY).encode(), date), scope_service), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return {
        "Content-Type": headers["content-type"], "Host": HOST, "X-TC-Action": action,
        "X-TC-Version": "2017-03-12", "X-TC-Region": "ap-guangzhou", "X-TC-Timestamp": str(timestamp),
        "Authorization": f"{algorithm} Credential={SECRET_ID}/{scope}, SignedHeaders={signed}, "
                         f"Signature={signature}",
        "_body": body,
    }


def send(headers: dict[str, str]) -> str:
    body = headers.pop("_body")
    answer = requests.post(f"https://{HOST}/", data=body, headers=headers).json()["Response"]
    return str(answer.get("Error", {}).get("Code", "ok"))


@pytest.fixture
def verifying() -> Any:
    with mock_cvm(verify_signatures=True) as cloud:
        cloud.register_credentials(SECRET_ID, SECRET_KEY)
        yield cloud


def test_tc3_signed_over_content_type_host_and_x_tc_action_as_documented_passes(verifying: Any) -> None:
    assert send(tc3("DescribeZones", {}, signed="content-type;host;x-tc-action")) == "ok"
    assert send(tc3("DescribeZones", {}, signed="content-type;host;x-tc-action", lower_values=False)) == "ok"
    assert send(tc3("DescribeZones", {})) == "ok"


def test_signed_headers_without_host_or_with_one_not_sent_are_invalid_authorization(verifying: Any) -> None:
    headers = tc3("DescribeZones", {}, signed="content-type;x-tc-action")
    assert send(headers) == "AuthFailure.InvalidAuthorization"
    headers = tc3("DescribeZones", {}, signed="content-type;host;x-tc-action")
    headers["Authorization"] = headers["Authorization"].replace("x-tc-action", "x-tc-nothere")
    assert send(headers) == "AuthFailure.InvalidAuthorization"


def test_a_bogus_algorithm_suffix_is_invalid_authorization() -> None:
    with mock_cvm():  # refused whether or not signatures are verified
        assert send(tc3("DescribeZones", {}, algorithm="TC3-HMAC-SHA256-BOGUS")) == "AuthFailure.InvalidAuthorization"


def test_a_credential_scope_of_another_service_is_invalid_authorization() -> None:
    with mock_cvm():
        assert send(tc3("DescribeZones", {}, scope_service="vpc")) == "AuthFailure.InvalidAuthorization"


def test_a_credential_scope_date_other_than_the_timestamps_fails_the_signature(verifying: Any) -> None:
    assert send(tc3("DescribeZones", {}, date="2020-01-01")) == "AuthFailure.SignatureFailure"


def _v1(**changes: Any) -> dict[str, str]:
    params = {"Action": "DescribeZones", "Version": "2017-03-12", "Region": "ap-guangzhou", "SecretId": SECRET_ID,
              "Timestamp": str(int(time.time())), "Nonce": "12345", "SignatureMethod": "HmacSHA256",
              "Signature": "c2ln"}
    params.update(changes)
    return {k: v for k, v in params.items() if v is not None}


@pytest.mark.parametrize("method", ["MD5", "HmacSHA512", "hmacsha1"])
def test_v1_signature_method_md5_and_others_are_refused(method: str) -> None:
    with mock_cvm():
        answer = requests.get(f"https://{HOST}/?" + urlencode(_v1(SignatureMethod=method))).json()["Response"]
    assert answer["Error"]["Code"] == "AuthFailure.SignatureFailure"


def test_v1_without_a_nonce_is_missing_parameter() -> None:
    with mock_cvm():
        answer = requests.get(f"https://{HOST}/?" + urlencode(_v1(Nonce=None))).json()["Response"]
    assert answer["Error"]["Code"] == "MissingParameter"


@pytest.mark.parametrize("sign", ["HmacSHA1", "HmacSHA256"])
def test_a_repeated_v1_nonce_within_the_window_is_refused_as_a_replay(sign: str) -> None:
    import random

    with mock_cvm(verify_signatures=True) as cloud:
        cloud.register_credentials(sdk.SECRET_ID, sdk.SECRET_KEY)
        client = sdk.client("cvm", sign=sign, method="GET")
        state = random.getstate()
        assert sdk.call(client, "DescribeZones").TotalCount > 0
        random.setstate(state)  # the SDK draws its Nonce from random: the same Nonce again
        with pytest.raises(sdk.SDKError) as caught:
            sdk.call(client, "DescribeZones")
        assert caught.value.code == "AuthFailure.SignatureExpire" and "Nonce" in caught.value.message
        assert sdk.call(client, "DescribeZones").TotalCount > 0  # a fresh Nonce passes
