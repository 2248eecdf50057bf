"""The InquiryPrice* actions: quotes from the same price table the billing ledger charges from.

- postpaid: ``InstancePrice.UnitPrice`` is yuan per hour for the whole request: each instance's type price plus
  its cloud disks at ``disk_gb_hour`` per GB, exactly the rates billing then applies;
- prepaid: ``InstancePrice.OriginalPrice`` (= ``DiscountPrice``, no discount) is what is charged up front.
- bandwidth is not charged by the fake, so ``BandwidthPrice`` quotes 0.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mockcvm.errors import ApiError, InvalidParameterValue
from mockcvm.services.cvm import checks, instance_ops, launch, models
from mockcvm.services.cvm.offers import HOUR, MONTH, instance_price

if TYPE_CHECKING:
    from mockcvm.services.cvm.backend import CvmBackend


def _yuan(amount: Decimal) -> float:
    return float(amount.quantize(Decimal("0.00001")))


def hourly(amount: Decimal) -> dict[str, Any]:
    value = _yuan(amount)
    return {"InstancePrice": {"UnitPrice": value, "UnitPriceDiscount": value, "ChargeUnit": "HOUR", "Discount": 100.0},
            "BandwidthPrice": {"UnitPrice": 0.0, "UnitPriceDiscount": 0.0, "ChargeUnit": "GB", "Discount": 100.0}}


def upfront(amount: Decimal) -> dict[str, Any]:
    value = _yuan(amount)
    return {"InstancePrice": {"OriginalPrice": value, "DiscountPrice": value, "Discount": 100.0},
            "BandwidthPrice": {"OriginalPrice": 0.0, "DiscountPrice": 0.0, "Discount": 100.0}}


def run_instances(backend: CvmBackend, uin: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    world = backend.world
    params = world.templates.merged(uin, region, params)
    plan = launch.checked_plan(backend, uin, region, params)
    count = plan["count"]
    if plan["charge_type"] == models.PREPAID:
        return upfront(instance_price(world, plan["instance_type"], MONTH) * plan["period"] * count)
    system = dict(params.get("SystemDisk") or {})
    gigabytes = int(system.get("DiskSize", 50)) + sum(int(d.get("DiskSize", 0)) for d in plan["data_disks"])
    per_instance = instance_price(world, plan["instance_type"], HOUR) + world.billing.price("disk_gb_hour") * gigabytes
    return hourly(per_instance * count)


def renew_instances(backend: CvmBackend, uin: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    instances = checks.find_all(backend, uin, region, checks.instance_ids(params.get("InstanceIds"),
                                                                          "InquiryPriceRenewInstances"))
    for instance in instances:
        if instance.charge_type != models.PREPAID:
            raise ApiError(f"The instance `{instance.instance_id}` is {instance.charge_type}; only PREPAID instances "
                           "are renewed.", code="UnsupportedOperation.InstanceChargeType")
    months = checks.period(params.get("InstanceChargePrepaid"), "InquiryPriceRenewInstances")
    total = sum((instance_price(backend.world, i.instance_type, MONTH) * months for i in instances), Decimal(0))
    if params.get("DryRun"):
        raise ApiError("The request would have succeeded (DryRun).", code="DryRunOperation")
    return upfront(total)


def reset_instance(backend: CvmBackend, uin: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    """A reinstall costs nothing by itself; the quote is the instance's price as it goes on (hourly or 0 up front)."""
    world = backend.world
    (instance,) = checks.find_all(backend, uin, region, checks.instance_ids([params["InstanceId"]],
                                                                            "InquiryPriceResetInstance"))
    world.images.usable(uin, region, params.get("ImageId") or instance.image_id)
    instance_ops.launch_key_ids(backend, uin, region, params.get("LoginSettings"))
    if instance.charge_type == models.PREPAID:
        return upfront(Decimal(0))
    return hourly(instance_price(world, instance.instance_type, HOUR))


def reset_instances_type(backend: CvmBackend, uin: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    world = backend.world
    total = instance_ops.reset_type(backend, uin, region, params, "", inquiry=True)
    instances = checks.find_all(backend, uin, region, checks.instance_ids(params.get("InstanceIds"),
                                                                          "InquiryPriceResetInstancesType"))
    if instances[0].charge_type == models.PREPAID:
        return upfront(total)
    return hourly(instance_price(world, params["InstanceType"], HOUR) * len(instances))


def modify_charge_type(backend: CvmBackend, uin: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    """What ModifyInstancesChargeType to PREPAID charges up front (the same checks, nothing changes)."""
    from mockcvm.services.cvm.charge_actions import check_charge_type_change

    target = params["InstanceChargeType"]
    if target != models.PREPAID:
        raise InvalidParameterValue(f"`InstanceChargeType` {target!r}: only a change to PREPAID can be quoted.")
    instances, months = check_charge_type_change(backend, uin, region, params)
    total = sum((instance_price(backend.world, i.instance_type, MONTH) * months for i in instances), Decimal(0))
    return upfront(total)
