"""Helpers shared by the billing and timer tests: launching instances, reading what the SDK shows, snapshots."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import Any, Optional

from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from mockcvm import Cloud, clock
from mockcvm.dispatch import _HANDLERS, _load_handlers
from tests import sdk


def has_action(name: str, service: str = "cvm") -> bool:
    _load_handlers()
    return (service, name) in _HANDLERS


def launch(
    cloud: Cloud,
    charge_type: str = "POSTPAID_BY_HOUR",
    count: int = 1,
    region: str = "ap-guangzhou",
    **extra: Any,
) -> list[str]:
    """Launch ``count`` instances with RunInstances through the SDK and let them settle to RUNNING."""
    params: dict[str, Any] = {
        "InstanceChargeType": charge_type,
        "InstanceCount": count,
        "ImageId": "img-eb30mz89",
        "InstanceType": "S5.MEDIUM2",
        "Placement": {"Zone": region + "-3"},
    }
    if charge_type == "PREPAID":
        params["InstanceChargePrepaid"] = {"Period": 1, "RenewFlag": "NOTIFY_AND_MANUAL_RENEW"}
    params.update(extra)
    if has_action("RunInstances"):
        ids: list[str] = list(sdk.call(sdk.client("cvm", region), "RunInstances", **params).InstanceIdSet)
    else:  # until the CVM lifecycle registers RunInstances: the same backend call, without the SDK
        from mockcvm.services.cvm.launch import run_instances

        with cloud.world.lock:
            cloud.world.catch_up()
            ids = run_instances(cloud.world.cvm, cloud.default_account, region, params, "req")
    with cloud.world.lock:
        cloud.world.cvm.settle()
    return ids


def states(cloud: Cloud, region: str = "ap-guangzhou") -> dict[str, str]:
    """What DescribeInstances shows: id -> InstanceState, for every instance listed."""
    if not has_action("DescribeInstances"):
        with cloud.world.lock:
            cloud.world.catch_up()
            found = list(cloud.world.cvm.instances_in(cloud.default_account, region))
            shown = {i.instance_id: i.state for i in found}
            cloud.world.cvm.seen(found)
            return shown
    answer = sdk.call(sdk.client("cvm", region), "DescribeInstances", Limit=100)
    return {item.InstanceId: item.InstanceState for item in answer.InstanceSet}


def instance(cloud: Cloud, instance_id: str, region: str = "ap-guangzhou") -> Optional[Any]:
    answer = sdk.call(sdk.client("cvm", region), "DescribeInstances", InstanceIds=[instance_id])
    return answer.InstanceSet[0] if answer.InstanceSet else None


def timers(region: str = "ap-guangzhou", **filters: Any) -> list[Any]:
    return list(sdk.call(sdk.client("cvm", region), "DescribeInstancesActionTimer", **filters).ActionTimers)


def import_timer(instance_ids: list[str], at: float, region: str = "ap-guangzhou") -> list[str]:
    answer = sdk.call(
        sdk.client("cvm", region),
        "ImportInstancesActionTimer",
        InstanceIds=instance_ids,
        ActionTimer={"TimerAction": "TerminateInstances", "ActionTime": clock.iso(at)},
    )
    return list(answer.ActionTimerIds)


def error_code(action: str, service: str = "cvm", region: str = "ap-guangzhou", **params: Any) -> str:
    try:
        sdk.call(sdk.client(service, region), action, **params)
    except TencentCloudSDKException as error:
        return str(error.code)
    raise AssertionError(f"{action} succeeded; an error was expected")


def snapshot(cloud: Cloud) -> dict[str, Any]:
    """Everything a test could observe: instances (all fields), timers, balances, payments, ledger, events."""
    world = cloud.world
    with world.lock:
        world.catch_up()
        instances = [
            {f.name: getattr(i, f.name) for f in fields(i) if f.name != "latest_operation_request_id"}
            for i in world.cvm.all_instances()
        ]
        timers_seen = [
            (t.timer_id, t.instance_id, t.action_time, t.status) for t in world.timers.all_timers()
        ]
        balances = {a.uin: world.billing.balance(a.uin) for a in world.accounts.all()}
        return {
            "now": world.now,
            "instances": instances,
            "timers": timers_seen,
            "balances": balances,
            "arrears": {uin: world.billing.arrears_since(uin) for uin in balances},
            "payments": world.billing.payments(),
            "ledger": world.billing.ledger(),
            "events": [(e.due, e.order, e.label) for e in world.timeline.pending()],
        }


def assert_books_balance(cloud: Cloud) -> None:
    """The invariant: for every account, balance == sum(payments) - sum(ledger)."""
    world = cloud.world
    with world.lock:
        world.catch_up()
        for account in world.accounts.all():
            paid = sum((p.amount for p in world.billing.payments(account.uin)), Decimal(0))
            charged = sum((row.amount for row in world.billing.ledger(account.uin)), Decimal(0))
            assert world.billing.balance(account.uin) == paid - charged, account.uin
            assert world.billing.charged(account.uin) == charged, account.uin
