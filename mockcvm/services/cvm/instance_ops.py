"""Operations that change an instance in place: key pairs, password, reinstall, type, project, VNC.

Each checks the whole batch first (ids, states through the lifecycle table, the request's own rules), then changes
every instance and starts its lifecycle step, so a refused call changes nothing. Operations that the real API runs
only on a stopped instance take ``ForceStop``: a running instance is then stopped, changed and started again
(REBOOTING while in flight); without it a running instance answers ``UnsupportedOperation.InstanceStateRunning``.
"""

from __future__ import annotations

import base64
import binascii
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.services.cvm import checks, models
from mockcvm.services.cvm.lifecycle import REFUSAL_CODES
from mockcvm.services.cvm.models import Instance

if TYPE_CHECKING:
    from mockcvm.engine.transitions import Step
    from mockcvm.services.cvm.backend import CvmBackend

PASSWORD_SYMBOLS = set("()`~!@#$%^&*-+=|{}[]:;'<>,.?/")
USER_DATA_LIMIT = 16 * 1024


def static_changed(backend: CvmBackend, instance: Instance) -> None:
    """A member DescribeInstances encodes once per instance changed (type, image, project, keys): re-encode it."""
    backend.static_json.pop(instance.instance_id, None)


def _batch(backend: CvmBackend, uin: str, region: str, params: dict[str, Any], action: str) -> list[Instance]:
    return checks.find_all(backend, uin, region, checks.instance_ids(params.get("InstanceIds"), action))


def _offline_steps(backend: CvmBackend, instances: list[Instance], action: str, force_stop: bool,
                   operation: str = "OfflineChange") -> list[tuple[Instance, Step]]:
    suffix = ".ForceStop" if force_stop else ""
    return checks.steps(backend, instances, action, lambda i: operation + suffix)


def check_password(password: str, windows: bool) -> None:
    """Tencent's password rules: 8-30 characters (12-30 on Windows), three of lower, upper, digit, special."""
    low = 12 if windows else 8
    classes = sum((any(c.islower() for c in password), any(c.isupper() for c in password),
                   any(c.isdigit() for c in password), any(c in PASSWORD_SYMBOLS for c in password)))
    allowed = all(c.isascii() and (c.isalnum() or c in PASSWORD_SYMBOLS) for c in password)
    if not low <= len(password) <= 30 or classes < 3 or not allowed or password.startswith("/"):
        raise ApiError(
            f"The password does not meet the rules: {low} to 30 characters, at least three of lower-case letters, "
            "upper-case letters, digits and the specials ()`~!@#$%^&*-+=|{}[]:;'<>,.?/, not starting with '/'.",
            code="InvalidPassword",
        )


def check_user_data(user_data: Optional[str]) -> str:
    if not user_data:
        return ""
    try:
        base64.b64decode(user_data, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError("`UserData` must be base64-encoded.",
                       code="InvalidParameterValue.InvalidUserDataFormat") from None
    if len(user_data) > USER_DATA_LIMIT:
        raise ApiError(f"`UserData` is {len(user_data)} bytes; at most {USER_DATA_LIMIT} are allowed.",
                       code="InvalidParameterValue.InvalidUserDataFormat")
    return user_data


def is_windows(backend: CvmBackend, instance: Instance) -> bool:
    image = backend.world.images.find(instance.uin, instance.region, instance.image_id)
    return image is not None and image.platform == "Windows"


# -- key pairs ----------------------------------------------------------------------------------------------------

def associate_key_pairs(backend: CvmBackend, uin: str, region: str, params: dict[str, Any], request_id: str,
                        associate: bool) -> None:
    action = "AssociateInstancesKeyPairs" if associate else "DisassociateInstancesKeyPairs"
    key_ids = params.get("KeyIds") or []
    if not key_ids:
        raise MissingParameter(f"{action} needs `KeyIds`.")
    keys = backend.world.keypairs
    key_pairs = keys.bound_ids(uin, region, key_ids) if associate else keys.key_pairs.existing_all(uin, region,
                                                                                                    key_ids)
    instances = _batch(backend, uin, region, params, action)
    for instance in instances:
        if is_windows(backend, instance):
            raise ApiError(f"The instance `{instance.instance_id}` runs Windows; key pairs are for Linux instances.",
                           code="UnsupportedOperation.KeyPairUnsupportedWindows")
    planned = _offline_steps(backend, instances, action, bool(params.get("ForceStop")))
    wanted = tuple(k.key_id for k in key_pairs)
    for instance, step in planned:
        if associate:
            keys.unbind(uin, region, instance.instance_id, list(instance.key_ids))  # the old key stops working
            keys.bind(instance.instance_id, key_pairs)
            instance.key_ids = wanted
        else:
            keys.unbind(uin, region, instance.instance_id, list(wanted))
            instance.key_ids = tuple(k for k in instance.key_ids if k not in wanted)
        static_changed(backend, instance)
        backend.begin(instance, action, request_id, step)


def launch_key_ids(backend: CvmBackend, uin: str, region: str, login: Optional[dict[str, Any]]) -> tuple[str, ...]:
    """``LoginSettings`` of RunInstances / ResetInstance checked: the key ids to bind (a password is checked too)."""
    login = login or {}
    key_ids = login.get("KeyIds") or []
    if login.get("Password") is not None:
        if key_ids:
            raise ApiError("`LoginSettings` takes a `Password` or `KeyIds`, not both.",
                           code="InvalidParameter.ParameterConflict")
        check_password(login["Password"], windows=False)
    return tuple(k.key_id for k in backend.world.keypairs.bound_ids(uin, region, list(key_ids)))


# -- password, project, VNC ---------------------------------------------------------------------------------------

def reset_password(backend: CvmBackend, uin: str, region: str, params: dict[str, Any], request_id: str) -> None:
    instances = _batch(backend, uin, region, params, "ResetInstancesPassword")
    password = params["Password"]
    for instance in instances:
        check_password(password, is_windows(backend, instance))
    user_name = params.get("UserName")
    if user_name is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", user_name):
        raise InvalidParameterValue(f"`UserName` {user_name!r} is not a valid user name.")
    planned = _offline_steps(backend, instances, "ResetInstancesPassword", bool(params.get("ForceStop")))
    for instance, step in planned:
        backend.begin(instance, "ResetInstancesPassword", request_id, step)


def modify_project(backend: CvmBackend, uin: str, region: str, params: dict[str, Any], request_id: str) -> None:
    project_id = params["ProjectId"]
    if project_id < 0:
        raise ApiError(f"The project {project_id} does not exist.", code="InvalidProjectId.NotFound")
    instances = _batch(backend, uin, region, params, "ModifyInstancesProject")
    planned = checks.steps(backend, instances, "ModifyInstancesProject", lambda i: "OnlineChange")
    for instance, step in planned:
        instance.project_id = int(project_id)
        backend.instances.changed(instance, "project-id")
        static_changed(backend, instance)
        backend.begin(instance, "ModifyInstancesProject", request_id, step)


def vnc_url(backend: CvmBackend, uin: str, region: str, instance_id: str) -> str:
    (instance,) = checks.find_all(backend, uin, region, checks.instance_ids([instance_id], "DescribeInstanceVncUrl"))
    if instance.state != models.RUNNING:
        raise ApiError(f"The instance `{instance_id}` is {instance.state}; its VNC terminal needs it RUNNING.",
                       code=REFUSAL_CODES[instance.state])
    token = base64.urlsafe_b64encode(backend.world.ids.uuid4().encode("ascii")).decode("ascii").rstrip("=")
    host = region.split("-")[-1][:2]
    return f"wss://{host}vnc.qcloud.com:26789/vnc?s={token}"


# -- reinstall and type change --------------------------------------------------------------------------------------

def reset_instance(backend: CvmBackend, uin: str, region: str, params: dict[str, Any], request_id: str) -> None:
    """ResetInstance: reinstall with the image given (or the current one); password or key pairs change."""
    world = backend.world
    (instance,) = _batch(backend, uin, region, {"InstanceIds": [params["InstanceId"]]}, "ResetInstance")
    image = world.images.usable(uin, region, params.get("ImageId") or instance.image_id)
    entry = world.catalogue.types.get(instance.instance_type)
    if entry is not None and not world.images.compatible(image, entry):
        raise ApiError(f"The image `{image.image_id}` is built for {image.architecture}; the instance type "
                       f"`{instance.instance_type}` cannot run it.",
                       code="InvalidParameterValue.InvalidImageForGivenInstanceType")
    login = params.get("LoginSettings") or {}
    key_ids = launch_key_ids(backend, uin, region, login)
    if image.platform == "Windows" and key_ids:
        raise ApiError("Windows images take a password, not key pairs.",
                       code="UnsupportedOperation.KeyPairUnsupportedWindows")
    if login.get("Password") is not None and image.platform == "Windows":
        check_password(login["Password"], windows=True)
    system_disk = params.get("SystemDisk") or {}
    size = system_disk.get("DiskSize")
    if size is not None and size < int(instance.system_disk.get("DiskSize", 50)):
        raise ApiError(f"`SystemDisk.DiskSize` {size} is smaller than the current {instance.system_disk['DiskSize']} "
                       "GB; a system disk cannot shrink.", code="InvalidParameterValue.Range")
    if size is not None and size < image.image_size:
        raise ApiError(f"`SystemDisk.DiskSize` {size} is smaller than the image ({image.image_size} GB).",
                       code="InvalidParameterValue.Range")
    user_data = check_user_data(params.get("UserData"))
    (planned,) = checks.steps(backend, [instance], "ResetInstance", lambda i: "ResetInstance")
    keys = world.keypairs
    keys.unbind(uin, region, instance.instance_id, list(instance.key_ids))
    instance.key_ids = key_ids
    keys.bind(instance.instance_id, keys.key_pairs.existing_all(uin, region, list(key_ids)))
    instance.image_id, instance.os_name = image.image_id, image.os_name
    if params.get("HostName"):
        instance.host_name = params["HostName"]
    if user_data:
        instance.user_data = user_data
    if size is not None:
        instance.system_disk["DiskSize"] = size
    static_changed(backend, instance)
    backend.begin(instance, "ResetInstance", request_id, planned[1])


def type_change_cost(backend: CvmBackend, instance: Instance, new_type: str) -> Decimal:
    """What a prepaid instance pays to change type: the monthly price difference for the months left (0 when the
    new type costs less: the fake refunds nothing on a downgrade); postpaid instances pay by the hour instead."""
    from mockcvm.services.cvm.offers import instance_price

    if instance.charge_type != models.PREPAID or instance.expired_time is None:
        return Decimal(0)
    world = backend.world
    difference = instance_price(world, new_type, "month") - instance_price(world, instance.instance_type, "month")
    months_left = Decimal(max(0.0, instance.expired_time - world.now)) / Decimal(30 * 86400)
    return max(Decimal(0), (difference * months_left).quantize(Decimal("0.01")))


def reset_type(backend: CvmBackend, uin: str, region: str, params: dict[str, Any], request_id: str,
               inquiry: bool = False) -> Decimal:
    """ResetInstancesType (or, with ``inquiry``, its price): every instance moves to ``InstanceType``."""
    world = backend.world
    action = "InquiryPriceResetInstancesType" if inquiry else "ResetInstancesType"
    # one instance per call, as both descriptions say
    instances = checks.find_all(backend, uin, region, checks.instance_ids(params.get("InstanceIds"), action, limit=1))
    new_type = params["InstanceType"]
    for instance in instances:
        entry = world.offers.sold(new_type, instance.zone)
        if new_type == instance.instance_type:
            raise InvalidParameterValue(f"The instance `{instance.instance_id}` is already {new_type}.")
        old = world.catalogue.types.get(instance.instance_type)
        if old is not None and (old.gpu > 0) != (entry.gpu > 0):
            raise ApiError(f"`{instance.instance_type}` and `{new_type}` differ in GPU; a type change keeps it.",
                           code="InvalidParameterValue.InvalidGPUFamilyChange")
        if old is not None and world.catalogue.architecture_of(old) != world.catalogue.architecture_of(entry):
            raise ApiError(f"`{instance.instance_type}` and `{new_type}` differ in CPU architecture.",
                           code="UnsupportedOperation.HeterogeneousChangeInstanceFamily")
    costs = {i.instance_id: type_change_cost(backend, i, new_type) for i in instances}
    total = sum(costs.values(), Decimal(0))
    if inquiry:
        return total
    planned = _offline_steps(backend, instances, action, bool(params.get("ForceStop")), "ResetInstancesType")
    if total > world.billing.balance(uin):
        raise ApiError(f"The balance ({world.billing.balance(uin)} yuan) cannot cover the type change ({total} "
                       "yuan); top up first.", code="InvalidAccount.InsufficientBalance")
    entry = world.catalogue.types[new_type]
    for instance, step in planned:
        if costs[instance.instance_id] > 0:
            world.billing.charge_upfront(uin, costs[instance.instance_id], instance.instance_id, action)
        if instance.charge_type == models.PREPAID and (entry.cpu, entry.memory) < (instance.cpu, instance.memory):
            instance.degrades += 1
        instance.instance_type, instance.cpu, instance.memory = new_type, entry.cpu, entry.memory
        static_changed(backend, instance)
        backend.begin(instance, action, request_id, step)
    return total
