"""The control API as a new user types it: fault names that cannot be mistyped, typed money and options, messages
mockcvm writes in English, sleeps that move the clock under either time library."""

from __future__ import annotations

import asyncio
import inspect
import time
import typing
from decimal import Decimal
from typing import Any, Iterator

import pytest
from tencentcloud.billing.v20180709 import billing_client
from tencentcloud.billing.v20180709 import models as billing_models
from tencentcloud.common import credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.cvm.v20170312 import cvm_client, models

from mockcvm import Cloud, mock_cvm
from mockcvm.errors import UnknownActionName
from mockcvm.options import OPTION_NAMES, MockCvmOptions, Money
from mockcvm.testing_clock import CvmClock

CRED = credential.Credential("AKIDuser", "user-secret")
REAL_SLEEPS = (time.sleep, asyncio.sleep)


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    with mock_cvm(transitions="immediate") as active:
        yield active


# -- faults --------------------------------------------------------------------------------------------------


def test_a_mistyped_action_is_a_value_error_naming_the_closest(cloud: Cloud) -> None:
    with pytest.raises(ValueError) as caught:
        cloud.inject("DescribeZone", "RequestLimitExceeded")
    assert isinstance(caught.value, UnknownActionName)
    assert "has no action 'DescribeZone'; the closest: DescribeZones (cvm)" in str(caught.value)
    assert cloud.world.faults.all() == []  # nothing was injected


def test_the_wrong_case_and_the_wrong_service_are_named_too(cloud: Cloud) -> None:
    with pytest.raises(ValueError, match=r"the closest: DescribeRegions \(cvm\)"):
        cloud.inject("describeregions", "InternalError")
    with pytest.raises(ValueError, match="the vpc service has no action 'DescribeInstances'"):
        cloud.inject("DescribeInstances", "InternalError", service="vpc")
    with pytest.raises(ValueError, match="did you mean 'cvm'"):
        cloud.inject("DescribeInstances", "InternalError", service="cvn")


def test_fired_counts_the_calls_a_fault_answered(cloud: Cloud) -> None:
    client = cvm_client.CvmClient(CRED, "ap-guangzhou")
    fault = cloud.inject("DescribeZones", "RequestLimitExceeded", times=2)
    for _ in range(3):
        try:
            client.DescribeZones(models.DescribeZonesRequest())
        except TencentCloudSDKException:
            pass
    assert fault.fired == 2
    assert cloud.world.faults.unfired() == []


# -- money and options are typed -----------------------------------------------------------------------------


def test_amounts_are_typed_decimal_int_or_str() -> None:
    assert Money == typing.Union[Decimal, int, str]
    assert typing.get_type_hints(Cloud.set_balance)["amount"] == Money
    assert typing.get_type_hints(Cloud.top_up)["amount"] == Money


def test_the_options_are_a_typed_dict_with_literal_values() -> None:
    hints = typing.get_type_hints(MockCvmOptions)
    assert tuple(hints) == OPTION_NAMES
    assert hints["transitions"] == typing.Literal["default", "immediate", "manual"]
    assert hints["balance"] == Money
    assert inspect.signature(mock_cvm).parameters["options"].annotation == "Unpack[MockCvmOptions]"


def test_yuan_in_cents_out_through_the_sdk(cloud: Cloud) -> None:
    cloud.set_balance("4.50")
    cloud.top_up(Decimal("0.25"))
    balance = billing_client.BillingClient(CRED, "").DescribeAccountBalance(
        billing_models.DescribeAccountBalanceRequest()
    )
    assert balance.Balance == 475
    with pytest.raises(ValueError, match="must be an int, a Decimal or a numeric string, got 4.5"):
        cloud.set_balance(4.5)  # type: ignore[arg-type]
    assert cloud.balance() == Decimal("4.75")  # the refused call changed nothing


# -- mockcvm's own messages are in English, Chinese after them for zh-CN ---------------------------------------


def _error(call: Any) -> TencentCloudSDKException:
    with pytest.raises(TencentCloudSDKException) as caught:
        call()
    return caught.value


def test_not_implemented_is_english_first_for_the_sdk_default_language(cloud: Cloud) -> None:
    client = cvm_client.CvmClient(CRED, "ap-guangzhou")  # the SDK sends X-TC-Language: zh-CN
    error = _error(lambda: client.DescribeChcHosts(models.DescribeChcHostsRequest()))
    assert error.get_code() == "UnsupportedOperation"
    assert error.get_message() == "mockcvm does not implement cvm:DescribeChcHosts yet; see the README for what it " \
        "fakes. (mockcvm 尚未实现 cvm:DescribeChcHosts。)"


def test_not_implemented_is_english_only_for_en_us(cloud: Cloud) -> None:
    client = cvm_client.CvmClient(CRED, "ap-guangzhou", ClientProfile(language="en-US"))
    error = _error(lambda: client.DescribeChcHosts(models.DescribeChcHostsRequest()))
    assert error.get_message() == (
        "mockcvm does not implement cvm:DescribeChcHosts yet; see the README for what it fakes.")


def test_a_service_mockcvm_does_not_fake_is_english_first(cloud: Cloud) -> None:
    client = CommonClient("cdb", "2017-03-20", CRED, "ap-guangzhou")
    error = _error(lambda: client.call_json("DescribeDBInstances", {}))
    assert error.get_code() == "UnsupportedOperation"
    assert error.get_message().startswith("mockcvm does not implement the cdb service; it fakes cvm, ")
    assert error.get_message().endswith("(mockcvm 未实现 cdb 服务。)")


def test_a_bug_inside_mockcvm_is_english_first(cloud: Cloud, monkeypatch: pytest.MonkeyPatch) -> None:
    from mockcvm import dispatch

    def broken(context: Any, params: Any) -> Any:
        raise KeyError("boom")

    monkeypatch.setitem(dispatch._HANDLERS, ("cvm", "DescribeRegions"), broken)
    client = cvm_client.CvmClient(CRED, "ap-guangzhou")
    error = _error(lambda: client.DescribeRegions(models.DescribeRegionsRequest()))
    assert error.get_code() == "InternalError"
    assert error.get_message().startswith("mockcvm failed on this request (KeyError: 'boom'); please report it. (")
    cloud.world.internal_errors.clear()


# -- sleep="advance" under freezegun and time-machine --------------------------------------------------------


@pytest.mark.parametrize("backend", ["freezegun", "time-machine"])
def test_sleeps_move_the_clock_in_order_under_either_library(backend: str) -> None:
    clock = CvmClock.start("2026-01-05T04:00:00Z", prefer=backend, sleep="advance")
    try:
        with mock_cvm(transitions="immediate") as cloud:
            start = time.time()
            time.sleep(90)
            assert cloud.now() == start + 90
            woke: list[tuple[str, float]] = []

            async def sleeper(name: str, seconds: float) -> None:
                await asyncio.sleep(seconds)
                woke.append((name, time.time() - start))

            async def main() -> None:
                await asyncio.gather(sleeper("b", 20), sleeper("a", 10))
                await asyncio.sleep(0)

            asyncio.run(main())
            assert woke == [("a", 100), ("b", 110)]
            assert clock.backend == backend
    finally:
        clock.stop()
    assert clock.sleep == "real"
    assert (time.sleep, asyncio.sleep) == REAL_SLEEPS  # the real functions are back


def test_sleep_mode_is_checked() -> None:
    from mockcvm.errors import MockcvmError

    with pytest.raises(MockcvmError, match="sleep='fast': use one of 'real', 'advance'"):
        CvmClock.start(sleep="fast")  # type: ignore[arg-type]
