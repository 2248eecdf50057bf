"""ModifyInstancesChargeType (an instance with a pending scheduled destroy refuses it).

POSTPAID_BY_HOUR -> PREPAID charges the prepaid price of ``Period`` months up front and sets ExpiredTime and
RenewFlag; PREPAID -> POSTPAID_BY_HOUR clears them (no refund is modelled) and hourly billing starts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mockcvm.dispatch import Context, action
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.services.cvm import checks, models
from mockcvm.services.cvm.backend import add_months
from mockcvm.services.cvm.models import Instance
from mockcvm.services.cvm.offers import instance_price

if TYPE_CHECKING:
    from mockcvm.services.cvm.backend import CvmBackend

MAX_IDS = 20
TARGET_CHARGE_TYPES = (models.PREPAID, models.POSTPAID)
#: States in which the charge type cannot change, with the wire code (RUNNING and STOPPED can).
REFUSED_STATES = {
    models.SHUTDOWN: "UnsupportedOperation.InstanceStateShutdown",
    models.TERMINATING: "UnsupportedOperation.InstanceStateTerminating",
    models.STOPPING: "UnsupportedOperation.InstanceStateStopping",
    models.REBOOTING: "UnsupportedOperation.InstanceStateRebooting",
    models.PENDING: "OperationDenied.InstanceOperationInProgress",
    models.STARTING: "OperationDenied.InstanceOperationInProgress",
    models.LAUNCH_FAILED: "InvalidInstance.NotSupported",
}


@action("cvm", "ModifyInstancesChargeType")
def modify_instances_charge_type(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    world = ctx.world
    uin = ctx.account.uin
    instances, months = check_charge_type_change(world.cvm, uin, ctx.region, params)
    target = params["InstanceChargeType"]
    renew_flag = (params.get("InstanceChargePrepaid") or {}).get("RenewFlag") or models.MANUAL_RENEW
    prices = {i.instance_id: instance_price(world, i.instance_type, "month") * months for i in instances}
    total = sum(prices.values(), Decimal(0))
    if target == models.PREPAID and world.billing.balance(uin) < total:
        raise ApiError(
            f"The balance ({world.billing.balance(uin)} yuan) cannot cover {total} yuan for {len(instances)} "
            f"instance(s) for {months} month(s); top up first.",
            code="InvalidAccount.InsufficientBalance",
        )
    for instance in instances:
        if target == models.PREPAID:
            world.billing.charge_upfront(uin, prices[instance.instance_id], instance.instance_id,
                                         "ModifyInstancesChargeType")
            instance.expired_time = add_months(world.now, months)
            instance.renew_flag = renew_flag
        else:
            instance.expired_time = None
            instance.renew_flag = None
        instance.charge_type = target
        world.cvm.instances.changed(instance, "instance-charge-type")
        world.cvm.schedule_expiry(instance)
        world.billing.instance_changed(instance)
    return {}


def check_charge_type_change(
    backend: CvmBackend, uin: str, region: str, params: dict[str, Any]
) -> tuple[list[Instance], int]:
    """Everything ModifyInstancesChargeType (and its InquiryPrice) checks: the instances and the months."""
    ids = checks.instance_ids(params.get("InstanceIds"), "ModifyInstancesChargeType", limit=MAX_IDS)
    target = params.get("InstanceChargeType")
    if target not in TARGET_CHARGE_TYPES:
        raise InvalidParameterValue(
            f"`InstanceChargeType` {target!r} cannot be set; use one of {', '.join(TARGET_CHARGE_TYPES)}."
        )
    prepaid = params.get("InstanceChargePrepaid")
    months = 0
    renew_flag = models.MANUAL_RENEW
    if target == models.PREPAID:
        if not prepaid:
            raise MissingParameter("Changing to PREPAID needs `InstanceChargePrepaid` with `Period`.")
        months = checks.period(prepaid, "ModifyInstancesChargeType")
        renew_flag = prepaid.get("RenewFlag") or models.MANUAL_RENEW
        if renew_flag not in models.RENEW_FLAGS:
            raise InvalidParameterValue(
                f"`InstanceChargePrepaid.RenewFlag` {renew_flag!r}: use one of {', '.join(models.RENEW_FLAGS)}."
            )
    instances = checks.find_all(backend, uin, region, ids)
    for instance in instances:
        timer = backend.world.timers.pending_for(instance.instance_id)
        if timer is not None:
            raise ApiError(
                f"The instance `{instance.instance_id}` has a pending scheduled destroy ({timer.timer_id}); "
                "delete it with DeleteInstancesActionTimer before changing the charge type.",
                code="UnsupportedOperation.InvalidInstanceNotSupportedProtectedInstance",
            )
        refused = REFUSED_STATES.get(instance.state)
        if refused is not None or backend.in_operation(instance):
            raise ApiError(
                f"The instance `{instance.instance_id}` is {instance.state} (or busy); its charge type cannot "
                "change now.",
                code=refused or "OperationDenied.InstanceOperationInProgress",
            )
        if instance.charge_type == target or instance.charge_type == models.SPOTPAID:
            raise ApiError(
                f"The instance `{instance.instance_id}` is {instance.charge_type}; it cannot change to {target}.",
                code="UnsupportedOperation.InstanceChargeType",
            )
    return instances, months
