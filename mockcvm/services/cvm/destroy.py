"""TerminateInstances, InquiryPriceTerminateInstances and RenewInstances."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

from mockcvm.errors import ApiError, InvalidParameterValue
from mockcvm.services.cvm import checks, models, refunds
from mockcvm.services.cvm.backend import add_months
from mockcvm.services.cvm.lifecycle import terminate_operation
from mockcvm.services.cvm.models import Instance
from mockcvm.services.cvm.offers import instance_price

if TYPE_CHECKING:
    from mockcvm.engine.transitions import Step
    from mockcvm.services.cvm.backend import CvmBackend


def bin_duration(backend: CvmBackend, instance: Instance) -> float:
    """How long an instance put in the bin by TerminateInstances stays there: 7 days prepaid, 2 h postpaid."""
    options = backend.world.options
    return options.duration("recycle_bin" if instance.charge_type == models.PREPAID else "recycle_bin_short")


def plan_terminate(backend: CvmBackend, instances: list[Instance], action: str) -> list[tuple[Instance, Step]]:
    """Check a TerminateInstances batch whole: one charge type, allowed states, no destroy protection."""
    checks.same_charge_type(instances)
    to_bin = backend.world.options.postpaid_terminate_to_bin
    planned = checks.steps(
        backend, instances, action,
        lambda i: terminate_operation(i.state, i.charge_type == models.PREPAID, to_bin),
    )
    for instance in instances:
        if instance.disable_api_termination:
            raise ApiError(
                f"The instance `{instance.instance_id}` has destroy protection (DisableApiTermination); turn it "
                "off with ModifyInstancesAttribute first.",
                code="UnsupportedOperation.InstancesProtected",
            )
    return planned


def apply_terminate(
    backend: CvmBackend, planned: list[tuple[Instance, Step]], request_id: str, keep_for: Optional[float] = None,
    release_address: bool = False, release_prepaid_data_disks: bool = False,
) -> None:
    """Bin or destroy each planned instance (``keep_for`` overrides how long a binned instance stays)."""
    for instance, step in planned:
        instance.release_address = release_address
        instance.release_prepaid_data_disks = release_prepaid_data_disks
        instance.release_reason = "TerminateInstances"
        if step.settled == models.SHUTDOWN:
            keep = keep_for if keep_for is not None else bin_duration(backend, instance)
            backend.put_in_bin(instance, keep, models.MANMADE)
        backend.begin(instance, "TerminateInstances", request_id, step)


def terminate_instances(
    backend: CvmBackend, uin: str, region: str, params: dict[str, Any], request_id: str
) -> None:
    ids = checks.instance_ids(params.get("InstanceIds"), "TerminateInstances")
    instances = checks.find_all(backend, uin, region, ids)
    planned = plan_terminate(backend, instances, "TerminateInstances")
    owed = {i.instance_id: (uin, refunds.refund_of(backend.world, i)) for i in instances}
    apply_terminate(
        backend, planned, request_id,
        release_address=bool(params.get("ReleaseAddress", False)),
        release_prepaid_data_disks=bool(params.get("ReleasePrepaidDataDisks", False)),
    )
    refunds.pay_refunds(backend.world, owed)


def inquiry_price_terminate(
    backend: CvmBackend, uin: str, region: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """The refund TerminateInstances would give each instance now (``refunds.refund_of``)."""
    ids = checks.instance_ids(params.get("InstanceIds"), "InquiryPriceTerminateInstances")
    instances = checks.find_all(backend, uin, region, ids)
    checks.same_charge_type(instances)
    answer = []
    for instance in instances:
        amount = refunds.refund_of(backend.world, instance)
        detail = {"InstanceId": instance.instance_id, "Refunds": str(amount),
                  "Rule": "five-day" if amount and amount == backend.world.billing.paid_upfront(
                      uin, instance.instance_id) else "used-days"}
        answer.append({"InstanceId": instance.instance_id, "Refunds": float(amount),
                       "PriceDetail": json.dumps(detail)})
    return answer


def renew_instances(backend: CvmBackend, uin: str, region: str, params: dict[str, Any], request_id: str) -> None:
    """Extend prepaid instances from their ExpiredTime; a binned one comes back STOPPED and NOTISOLATED."""
    world = backend.world
    ids = checks.instance_ids(params.get("InstanceIds"), "RenewInstances")
    instances = checks.find_all(backend, uin, region, ids)
    for instance in instances:
        if instance.charge_type != models.PREPAID:
            raise ApiError(
                f"The instance `{instance.instance_id}` is {instance.charge_type}; only PREPAID instances can be "
                "renewed.",
                code="UnsupportedOperation.InstanceChargeType",
            )
    prepaid = params.get("InstanceChargePrepaid")
    months = checks.period(prepaid, "RenewInstances")
    renew_flag = (prepaid or {}).get("RenewFlag")
    if renew_flag is not None and renew_flag not in models.RENEW_FLAGS:
        raise InvalidParameterValue(f"`InstanceChargePrepaid.RenewFlag` {renew_flag!r} is not one of "
                                    f"{', '.join(models.RENEW_FLAGS)}.")
    planned = checks.steps(backend, instances, "RenewInstances", lambda i: "RenewInstances")
    prices = {i.instance_id: instance_price(world, i.instance_type, "month") * months for i in instances}
    total = sum(prices.values(), Decimal(0))
    if world.billing.balance(uin) < total:
        raise ApiError(
            f"The balance ({world.billing.balance(uin)} yuan) cannot cover renewing {len(instances)} instance(s) "
            f"for {months} month(s) ({total} yuan); top up first.",
            code="InvalidAccount.InsufficientBalance",
        )
    for instance, step in planned:
        world.billing.charge_upfront(uin, prices[instance.instance_id], instance.instance_id, "RenewInstances")
        start = instance.expired_time if instance.expired_time is not None else world.now
        instance.expired_time = add_months(start, months)
        if renew_flag is not None:
            instance.renew_flag = renew_flag
        if instance.state == models.SHUTDOWN:
            backend.leave_bin(instance)
            instance.stop_charging_mode = models.KEEP_CHARGING
        backend.schedule_expiry(instance)
        backend.begin(instance, "RenewInstances", request_id, step)

