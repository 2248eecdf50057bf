"""Bad input answers a Tencent parameter error, never InternalError, never an exception in the caller."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import requests

from mockcvm import Cloud, mock_cvm
from tests import sdk

HEADERS = {
    "Content-Type": "application/json",
    "X-TC-Action": "DescribeInstances",
    "X-TC-Version": "2017-03-12",
    "X-TC-Region": "ap-guangzhou",
    "Authorization": "TC3-HMAC-SHA256 Credential=AKIDx/2026-01-05/cvm/tc3_request, SignedHeaders=content-type;host, "
    "Signature=" + "0" * 64,
}
CVM = "https://cvm.tencentcloudapi.com/"


def error_of(response: requests.Response) -> str:
    return str(response.json()["Response"].get("Error", {}).get("Code", "ok"))


def test_a_lone_surrogate_in_a_key_is_invalid_parameter() -> None:
    with mock_cvm() as cloud:
        response = requests.post(CVM, data=json.dumps({"\ud800": 1}), headers=HEADERS)
    assert error_of(response) == "InvalidParameter"
    assert "\\ud800" in response.json()["Response"]["Error"]["Message"]
    assert not cloud.world.internal_errors


def test_a_lone_surrogate_in_a_filter_is_invalid_parameter_value() -> None:
    with mock_cvm():
        with pytest.raises(sdk.SDKError) as caught:
            sdk.call(sdk.client("cvm"), "DescribeInstances", Filters=[{"Name": "instance-name", "Values": ["\ud800"]}])
    assert caught.value.code == "InvalidParameterValue"


def test_a_lone_surrogate_instance_name_is_refused_and_nothing_is_launched() -> None:
    with mock_cvm(transitions="immediate") as cloud:
        client = sdk.client("cvm")
        with pytest.raises(sdk.SDKError) as caught:
            sdk.call(client, "RunInstances", InstanceName="web\ud800", ImageId="img-eb30mz89",
                     Placement={"Zone": "ap-guangzhou-3"}, InstanceType="S5.MEDIUM2")
        assert caught.value.code == "InvalidParameterValue"
        assert sdk.call(client, "DescribeInstances").TotalCount == 0
        assert not cloud.world.internal_errors


def test_a_stored_name_that_utf8_cannot_carry_can_still_be_described(cloud: Cloud) -> None:
    (instance_id,) = cloud.seed_instances(1, region="ap-guangzhou")
    cloud.world.cvm.all_instances()[0].name = "odd\ud800"  # stored by a control call, not by the API
    answer = sdk.call(sdk.client("cvm"), "DescribeInstances", InstanceIds=[instance_id])
    assert answer.InstanceSet[0].InstanceName == "odd\ud800"
    assert not cloud.world.internal_errors


def test_a_failed_read_does_not_settle_transitions() -> None:
    with mock_cvm() as cloud:
        (instance_id,) = cloud.seed_instances(1, region="ap-guangzhou")
        client = sdk.client("cvm")
        sdk.call(client, "StopInstances", InstanceIds=[instance_id])
        with pytest.raises(sdk.SDKError):
            sdk.call(client, "DescribeInstances", Filters=[{"Name": "instance-name", "Values": ["\ud800"]}])
        assert sdk.call(client, "DescribeInstances").InstanceSet[0].InstanceState == "STOPPING"


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_json_nested_about_a_thousand_deep_is_invalid_parameter(depth: int) -> None:
    with mock_cvm() as cloud:
        response = requests.post(CVM, data='{"Filters":' + "[" * depth + "]" * depth + "}", headers=HEADERS)
    assert error_of(response) == "InvalidParameter"
    assert not cloud.world.internal_errors


@pytest.mark.parametrize("numeral", ["--5", "²", "٣", "1_0", "0x10"])
def test_flattened_integers_python_reads_but_tencent_does_not_are_invalid_parameter(numeral: str) -> None:
    with mock_cvm() as cloud:
        query = {"Action": "DescribeInstances", "Version": "2017-03-12", "Region": "ap-guangzhou", "SecretId": "x",
                 "Signature": "y", "Nonce": "1", "Offset": numeral}
        response = requests.get(CVM, params=query)
    assert error_of(response) == "InvalidParameter"
    assert not cloud.world.internal_errors


def test_offset_at_the_int64_maximum_is_an_empty_page(cloud: Cloud) -> None:
    cloud.seed_instances(2, region="ap-guangzhou")
    answer = sdk.call(sdk.client("cvm"), "DescribeInstances", Offset=2**63 - 1)
    assert (answer.TotalCount, answer.InstanceSet) == (2, [])
    assert not cloud.world.internal_errors


def test_head_answers_carry_no_body() -> None:
    async def head_async() -> bytes:
        async with httpx.AsyncClient() as client:
            return (await client.head(CVM)).content

    with mock_cvm():
        assert requests.head(CVM).content == b""
        assert httpx.head(CVM).content == b""
        assert asyncio.run(head_async()) == b""
