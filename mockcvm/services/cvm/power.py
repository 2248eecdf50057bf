"""StartInstances, StopInstances, RebootInstances, ModifyInstancesAttribute: check the batch, then change it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockcvm.errors import ApiError, InvalidParameterValue, NotImplementedByMockcvm
from mockcvm.services.cvm import checks, models
from mockcvm.services.cvm.models import Instance

if TYPE_CHECKING:
    from mockcvm.services.cvm.backend import CvmBackend

STOP_TYPES = ("SOFT", "HARD", "SOFT_FIRST")
STOPPED_MODES = (models.KEEP_CHARGING, models.STOP_CHARGING)


def _batch(backend: CvmBackend, uin: str, region: str, params: dict[str, Any], action: str) -> list[Instance]:
    ids = checks.instance_ids(params.get("InstanceIds"), action)
    return checks.find_all(backend, uin, region, ids)


def start_instances(backend: CvmBackend, uin: str, region: str, params: dict[str, Any], request_id: str) -> None:
    instances = _batch(backend, uin, region, params, "StartInstances")
    planned = checks.steps(backend, instances, "StartInstances", lambda i: "StartInstances")
    balance = backend.world.billing.balance(uin)
    if balance <= 0:
        raise ApiError(
            f"The account's balance is {balance} yuan; instances cannot be started until it is above zero. "
            "Top up first.",
            code="InvalidAccount.InsufficientBalance",
        )
    for instance, step in planned:
        instance.stop_charging_mode = models.NOT_APPLICABLE
        backend.begin(instance, "StartInstances", request_id, step)


def stop_instances(backend: CvmBackend, uin: str, region: str, params: dict[str, Any], request_id: str) -> None:
    stop_type = params.get("StopType", "SOFT")
    if stop_type not in STOP_TYPES:
        raise InvalidParameterValue(f"`StopType` {stop_type!r} is not one of {', '.join(STOP_TYPES)}.")
    mode = params.get("StoppedMode", models.KEEP_CHARGING)
    if mode not in STOPPED_MODES:
        raise InvalidParameterValue(f"`StoppedMode` {mode!r} is not one of {', '.join(STOPPED_MODES)}.")
    instances = _batch(backend, uin, region, params, "StopInstances")
    planned = checks.steps(backend, instances, "StopInstances", lambda i: "StopInstances")
    for instance in instances:
        if mode == models.STOP_CHARGING and instance.charge_type == models.PREPAID:
            raise ApiError(
                f"The instance `{instance.instance_id}` is PREPAID; StoppedMode STOP_CHARGING is for postpaid "
                "instances only.",
                code="UnsupportedOperation.StoppedModeStopCharging",
            )
    for instance, step in planned:
        instance.stop_charging_mode = mode
        backend.begin(instance, "StopInstances", request_id, step)


def reboot_instances(backend: CvmBackend, uin: str, region: str, params: dict[str, Any], request_id: str) -> None:
    stop_type = params.get("StopType", "SOFT")
    if stop_type not in STOP_TYPES:
        raise InvalidParameterValue(f"`StopType` {stop_type!r} is not one of {', '.join(STOP_TYPES)}.")
    instances = _batch(backend, uin, region, params, "RebootInstances")
    planned = checks.steps(backend, instances, "RebootInstances", lambda i: "RebootInstances")
    for instance, step in planned:
        backend.begin(instance, "RebootInstances", request_id, step)


#: The attributes ModifyInstancesAttribute changes, and those it does not model (refused, not ignored).
ATTRIBUTES = ("InstanceName", "DisableApiTermination", "HostName", "SecurityGroups")
UNMODELLED_ATTRIBUTES = ("CamRoleName", "CamRoleType", "UserData", "EnableJumboFrame", "AutoReboot")


def modify_instances_attribute(
    backend: CvmBackend, uin: str, region: str, params: dict[str, Any], request_id: str
) -> None:
    """Changes the name, destroy protection, host name or security groups at once (no in-flight period)."""
    unmodelled = [member for member in UNMODELLED_ATTRIBUTES if params.get(member) is not None]
    if unmodelled:
        raise NotImplementedByMockcvm(f"ModifyInstancesAttribute does not model {', '.join(unmodelled)}; it changes "
                                      f"{', '.join(ATTRIBUTES)}.")
    name = params.get("InstanceName")
    if name is not None and not 1 <= len(name) <= 60:  # RunInstances takes 128; this description says 60
        raise ApiError("`InstanceName` must be 1 to 60 characters.", code="InvalidInstanceName.TooLong")
    instances = _batch(backend, uin, region, params, "ModifyInstancesAttribute")
    if not any(params.get(member) is not None for member in ATTRIBUTES):
        raise ApiError(f"ModifyInstancesAttribute needs one attribute to change: {', '.join(ATTRIBUTES)}.",
                       code="MissingParameter.AtLeastOne")
    checks.steps(backend, instances, "ModifyInstancesAttribute", lambda i: "ModifyInstancesAttribute")
    for instance in instances:
        if name is not None:
            instance.name = name
        if "DisableApiTermination" in params:
            instance.disable_api_termination = bool(params["DisableApiTermination"])
        if "HostName" in params:
            instance.host_name = params["HostName"]
        if params.get("SecurityGroups"):
            instance.security_group_ids = list(params["SecurityGroups"])
            backend.instances.changed(instance, "security-group-id")
        instance.latest_operation = "ModifyInstancesAttribute"
        instance.latest_operation_state = models.SUCCESS
        instance.latest_operation_request_id = request_id
