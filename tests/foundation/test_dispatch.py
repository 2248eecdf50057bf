"""The action registry: unknown and unimplemented actions, strict mode, the journal, the public API."""

from __future__ import annotations

import pytest

import mockcvm
from mockcvm import Cloud, mock_cvm
from mockcvm.dispatch import implemented_actions
from mockcvm.protocol import schema
from tests import sdk


def test_the_public_api_is_declared() -> None:
    assert sorted(mockcvm.__all__) == [
        "ApiError", "Call", "Cloud", "MockCvm", "MockcvmError", "NetworkGuardError", "__version__", "mock_cvm",
    ]
    for name in mockcvm.__all__:
        assert hasattr(mockcvm, name)


def test_every_registered_action_exists_in_the_official_schema() -> None:
    actions = implemented_actions()
    assert ("cvm", "DescribeRegions") in actions
    for service, action in actions:
        assert schema.has_action(service, action)


def test_an_action_that_does_not_exist_is_invalid(cloud: Cloud) -> None:
    client = sdk.client("cvm", language="en-US")
    with pytest.raises(sdk.SDKError) as caught:
        client.call_json("LaunchRocket", {})
    assert caught.value.code == "InvalidAction"
    assert "LaunchRocket" in caught.value.message


def test_a_real_action_mockcvm_does_not_build_says_so(cloud: Cloud) -> None:
    client = sdk.client("cvm", language="en-US")
    with pytest.raises(sdk.SDKError) as caught:
        client.call_json("DescribeChcHosts", {})
    assert caught.value.code == "UnsupportedOperation"
    assert caught.value.message.startswith("mockcvm does not implement cvm:DescribeChcHosts")


def test_strict_mode_fails_at_stop_listing_unimplemented_actions() -> None:
    mock = mock_cvm(strict=True)
    mock.start()
    with pytest.raises(sdk.SDKError):
        sdk.client("cvm").call_json("DescribeChcHosts", {})
    with pytest.raises(AssertionError) as caught:
        mock.stop()
    assert "called actions mockcvm does not implement: cvm:DescribeChcHosts" in str(caught.value)


def test_the_journal_records_time_service_region_action_params_outcome(cloud: Cloud) -> None:
    sdk.call(sdk.client("cvm", "ap-beijing"), "DescribeZones")
    with pytest.raises(sdk.SDKError):
        sdk.call(sdk.client("cvm"), "TerminateInstances")
    first, second = cloud.journal
    assert (first.service, first.region, first.action, first.error, first.ok) == (
        "cvm", "ap-beijing", "DescribeZones", None, True
    )
    assert first.time == pytest.approx(cloud.now(), abs=5)
    assert second.error == "MissingParameter"
    cloud.assert_called("DescribeZones", times=1, region="ap-beijing")
    with pytest.raises(AssertionError) as caught:
        cloud.assert_called("RunInstances")
    assert "cvm:DescribeZones region=ap-beijing -> ok" in str(caught.value)


def test_injected_faults_answer_with_the_code_and_then_stop(cloud: Cloud) -> None:
    cloud.inject("DescribeZones", "RequestLimitExceeded", times=2)
    client = sdk.client("cvm")
    for _ in range(2):
        with pytest.raises(sdk.SDKError) as caught:
            sdk.call(client, "DescribeZones")
        assert caught.value.code == "RequestLimitExceeded"
    assert sdk.call(client, "DescribeZones").TotalCount == 4
