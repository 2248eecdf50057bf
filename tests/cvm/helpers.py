"""Helpers for the CVM tests: launch through the SDK, catch a refusal, snapshot the world."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from mockcvm import Cloud
from tests import sdk

ZONE = "ap-guangzhou-3"
IMAGE = "img-eb30mz89"


def launch(client: Any, count: int = 1, **params: Any) -> list[str]:
    """RunInstances with sensible defaults; returns the ids."""
    params.setdefault("Placement", {"Zone": ZONE})
    params.setdefault("ImageId", IMAGE)
    params.setdefault("InstanceType", "S5.MEDIUM4")
    return list(sdk.call(client, "RunInstances", InstanceCount=count, **params).InstanceIdSet)


def launch_prepaid(client: Any, count: int = 1, period: int = 1, **params: Any) -> list[str]:
    prepaid = {"Period": period, **params.pop("prepaid", {})}
    return launch(client, count, InstanceChargeType="PREPAID", InstanceChargePrepaid=prepaid, **params)


def describe(client: Any, ids: list[str] | None = None, **params: Any) -> list[Any]:
    """DescribeInstances (by ids if given); returns the InstanceSet."""
    if ids is not None:
        params["InstanceIds"] = ids
    return list(sdk.call(client, "DescribeInstances", **params).InstanceSet)


def states(client: Any, ids: list[str]) -> dict[str, str]:
    return {i.InstanceId: i.InstanceState for i in describe(client, ids)}


def settled(client: Any, ids: list[str]) -> list[Any]:
    """Read until nothing in ``ids`` is transitional (the default policy settles on the next read)."""
    for _ in range(5):
        found = describe(client, ids)
        if all(i.InstanceState not in ("PENDING", "STARTING", "STOPPING", "REBOOTING") for i in found):
            return found
    raise AssertionError("instances did not settle")


def refused(call: Callable[[], Any]) -> TencentCloudSDKException:
    """The SDK exception ``call`` raises."""
    with pytest.raises(TencentCloudSDKException) as info:
        call()
    return info.value


def call_refused(client: Any, action: str, **params: Any) -> TencentCloudSDKException:
    return refused(lambda: sdk.call(client, action, **params))


def snapshot(cloud: Cloud) -> list[tuple[Any, ...]]:
    """Everything a refused batch must leave alone."""
    world = cloud.world
    return [
        (i.instance_id, i.state, i.settles_to, i.isolated_source, i.restrict_state, i.stop_charging_mode,
         i.name, i.disable_api_termination, i.expired_time, i.latest_operation, i.latest_operation_state,
         i.latest_operation_request_id, i.recycle_bin_deadline)
        for i in world.cvm.all_instances()
    ] + [("balance", world.billing.balance(world.accounts.default.uin))]
