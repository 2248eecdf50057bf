"""verify_signatures=True checks TC3 and v1 signatures against registered credentials and the fake's clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from mockcvm import mock_cvm
from tests import sdk
from tests.conftest import Clock
from tests.foundation.test_sdk_paths import SIGNINGS


@pytest.mark.parametrize(("sign", "method"), SIGNINGS)
def test_a_correctly_signed_request_passes(sign: str, method: str) -> None:
    with mock_cvm(verify_signatures=True) as cloud:
        cloud.register_credentials(sdk.SECRET_ID, sdk.SECRET_KEY)
        assert sdk.call(sdk.client("cvm", sign=sign, method=method), "DescribeZones").TotalCount == 4


@pytest.mark.parametrize(("sign", "method"), SIGNINGS)
def test_a_wrong_secret_key_fails_the_signature(sign: str, method: str) -> None:
    with mock_cvm(verify_signatures=True) as cloud:
        cloud.register_credentials(sdk.SECRET_ID, "another-key")
        with pytest.raises(sdk.SDKError) as caught:
            sdk.call(sdk.client("cvm", sign=sign, method=method), "DescribeZones")
    assert caught.value.code == "AuthFailure.SignatureFailure"


def test_async_client_signatures_are_checked_too() -> None:
    async def zones() -> int:
        async with sdk.client("cvm", asynchronous=True, endpoint="cvm.ap-guangzhou.tencentcloudapi.com") as c:
            return int((await c.DescribeZones(sdk.request("cvm", "DescribeZones"))).TotalCount)

    with mock_cvm(verify_signatures=True) as cloud:
        cloud.register_credentials(sdk.SECRET_ID, sdk.SECRET_KEY)
        assert asyncio.run(zones()) == 4


def test_an_unknown_secret_id_is_refused() -> None:
    with mock_cvm(verify_signatures=True):
        with pytest.raises(sdk.SDKError) as caught:
            sdk.call(sdk.client("cvm", secret_id="AKIDnobody"), "DescribeZones")
    assert caught.value.code == "AuthFailure.SecretIdNotFound"
    assert "register_credentials" in caught.value.message


def test_a_timestamp_far_from_the_fakes_clock_has_expired(clock: Clock) -> None:
    with mock_cvm(verify_signatures=True) as cloud:
        cloud.register_credentials(sdk.SECRET_ID, sdk.SECRET_KEY)
        clock.tick(timedelta(hours=1))
        cloud.catch_up()  # the fake has seen 05:00; it never goes back
        clock.tick(timedelta(hours=-1))  # the client now signs with 04:00
        with pytest.raises(sdk.SDKError) as caught:
            sdk.call(sdk.client("cvm"), "DescribeZones")
    assert caught.value.code == "AuthFailure.SignatureExpire"


def test_credentials_choose_the_account_and_accounts_are_separate() -> None:
    with mock_cvm(verify_signatures=True) as cloud:
        cloud.register_credentials("AKIDalice", "alice-key", account="200000000001")
        cloud.register_credentials("AKIDbob", "bob-key", account="300000000001")
        cloud.set_balance(5, account="300000000001")
        alice = sdk.client("sts", secret_id="AKIDalice", secret_key="alice-key")
        bob = sdk.client("billing", "", secret_id="AKIDbob", secret_key="bob-key")
        assert sdk.call(alice, "GetCallerIdentity").AccountId == "200000000001"
        assert sdk.call(bob, "DescribeAccountBalance").Balance == 500
        assert cloud.balance("200000000001") == 1_000_000


def test_without_verification_any_secret_id_is_the_default_account() -> None:
    with mock_cvm() as cloud:
        me = sdk.call(sdk.client("sts", secret_id="AKIDwhoever", secret_key="x"), "GetCallerIdentity")
    assert me.AccountId == cloud.default_account
