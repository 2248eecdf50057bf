"""Checks shared by the CVM actions: instance id lists, lookups, states. All raise ApiError, naming the instance.

A batch is checked whole before anything changes (SPEC §3: a refused batch changes nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

from mockcvm.engine.transitions import Refused, Step
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.services.cvm.models import INSTANCE_ID, PERIODS, Instance

if TYPE_CHECKING:
    from mockcvm.services.cvm.backend import CvmBackend

MAX_IDS = 100


def instance_ids(value: Any, action: str, required: bool = True, limit: int = MAX_IDS) -> list[str]:
    """The ids of ``InstanceIds``, duplicates dropped, each well-formed; at most ``limit``."""
    ids: list[str] = list(value or [])
    if not ids:
        if required:
            raise MissingParameter(f"{action} needs `InstanceIds` with at least one instance id.")
        return []
    if len(ids) > limit:
        raise InvalidParameterValue(
            f"`InstanceIds` has {len(ids)} ids; {action} takes at most {limit} per call.",
            code="InvalidParameterValue.LimitExceeded",
        )
    for instance_id in ids:
        if not INSTANCE_ID.match(instance_id):
            raise ApiError(
                f"The instance id `{instance_id}` is malformed; instance ids look like ins-1a2b3c4d.",
                code="InvalidInstanceId.Malformed",
            )
    return list(dict.fromkeys(ids))


def find_all(backend: CvmBackend, uin: str, region: str, ids: list[str]) -> list[Instance]:
    """The instances of ``ids``; ``InvalidInstanceId.NotFound`` naming the first unknown (or released) one."""
    found: list[Instance] = []
    for instance_id in ids:
        instance = backend.get(uin, region, instance_id)
        if instance is None:
            raise ApiError(
                f"The instance `{instance_id}` does not exist in {region} (or has been released).",
                code="InvalidInstanceId.NotFound",
            )
        found.append(instance)
    return found


def same_charge_type(instances: list[Instance], code: str = "UnsupportedOperation.InstanceMixedPricingModel") -> None:
    first = instances[0]
    for instance in instances[1:]:
        if instance.charge_type != first.charge_type:
            raise ApiError(
                f"The instances mix charge types ({first.instance_id} is {first.charge_type}, "
                f"{instance.instance_id} is {instance.charge_type}); send one charge type per call.",
                code=code,
            )


def steps(
    backend: CvmBackend, instances: list[Instance], action: str, operation: Callable[[Instance], str]
) -> list[tuple[Instance, Step]]:
    """The lifecycle step of each instance, or the refusal of the first that cannot take its operation."""
    planned: list[tuple[Instance, Step]] = []
    for instance in instances:
        if backend.in_operation(instance):
            raise ApiError(
                f"The instance `{instance.instance_id}` is still in {instance.latest_operation} "
                f"(LatestOperationState OPERATING); retry {action} once it has finished.",
                code="OperationDenied.InstanceOperationInProgress",
            )
        try:
            planned.append((instance, backend.lifecycle.step(operation(instance), instance.state)))
        except Refused as refused:
            raise ApiError(
                f"The instance `{instance.instance_id}` is {instance.state}; {action} cannot act on it in that "
                "state.",
                code=refused.code,
            ) from None
    return planned


def period(prepaid: Optional[dict[str, Any]], action: str) -> int:
    """``InstanceChargePrepaid.Period`` (months), required and one of 1-12, 24, 36, 48, 60."""
    if not prepaid or "Period" not in prepaid:
        raise MissingParameter(f"{action} with PREPAID instances needs `InstanceChargePrepaid.Period` (months).")
    months = int(prepaid["Period"])
    if months not in PERIODS:
        raise ApiError(
            f"`InstanceChargePrepaid.Period` {months} is not a valid period; use 1-12, 24, 36, 48 or 60 months.",
            code="InvalidPeriod",
        )
    return months
