"""Smaller instance actions: renew flag, bandwidth, FPGA programming, and the reads about what an instance may do
(user data, the downgrade limit, the types it may change to)."""

from __future__ import annotations

from typing import Any, Optional

from mockcvm.dispatch import Context, action
from mockcvm.engine.resources import Codes, Filter, Kind, matches
from mockcvm.errors import ApiError, InvalidParameterValue, NotImplementedByMockcvm
from mockcvm.services.cvm import checks, models
from mockcvm.services.cvm.offers import TYPE_CONFIG, Offer

ATTRIBUTES = ("UserData",)
OPERATIONS = ("INSTANCE_DEGRADE", "INTERNET_CHARGE_TYPE_CHANGE")
#: How many times the fake lets a prepaid instance be downgraded (and change its internet charge type).
OPERATION_LIMIT = 4
BANDWIDTH_LIMIT = 200  # Mbps, the upper bound the fake applies to every type
PREPAID_BANDWIDTH = "BANDWIDTH_PREPAID"


def _instances(ctx: Context, ids: Any, action_name: str, limit: int = checks.MAX_IDS) -> list[models.Instance]:
    return checks.find_all(ctx.world.cvm, ctx.account.uin, ctx.region,
                           checks.instance_ids(ids, action_name, limit=limit))


@action("cvm", "ModifyInstancesRenewFlag")
def modify_instances_renew_flag(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    flag = params["RenewFlag"]
    if flag not in models.RENEW_FLAGS:
        raise InvalidParameterValue(f"`RenewFlag` {flag!r} is not one of {', '.join(models.RENEW_FLAGS)}.")
    instances = _instances(ctx, params.get("InstanceIds"), "ModifyInstancesRenewFlag")
    for instance in instances:
        if instance.charge_type != models.PREPAID:
            raise ApiError(f"The instance `{instance.instance_id}` is {instance.charge_type}; only PREPAID instances "
                           "have a renew flag.", code="UnsupportedOperation.InstanceChargeType")
    for instance in instances:
        instance.renew_flag = flag
    return {}


@action("cvm", "DescribeInstancesAttributes")
def describe_instances_attributes(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    unknown = [a for a in params["Attributes"] if a not in ATTRIBUTES]
    if unknown or not params["Attributes"]:
        raise InvalidParameterValue(f"`Attributes` may hold {', '.join(ATTRIBUTES)}; got {params['Attributes']!r}.")
    instances = _instances(ctx, params.get("InstanceIds"), "DescribeInstancesAttributes")
    return {"InstanceSet": [{"InstanceId": i.instance_id, "Attributes": {"UserData": i.user_data}}
                            for i in instances]}


@action("cvm", "DescribeInstancesOperationLimit")
def describe_instances_operation_limit(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    operation = params["Operation"]
    if operation not in OPERATIONS:
        raise InvalidParameterValue(f"`Operation` {operation!r} is not one of {', '.join(OPERATIONS)}.")
    instances = _instances(ctx, params.get("InstanceIds"), "DescribeInstancesOperationLimit")
    return {"InstanceOperationLimitSet": [
        {"InstanceId": i.instance_id, "Operation": operation, "LimitCount": OPERATION_LIMIT,
         "CurrentCount": i.degrades if operation == "INSTANCE_DEGRADE" else 0}
        for i in instances
    ]}


_STATUS: Kind[Any] = Kind(
    service="cvm", output=None, noun="configuration", id_attr="zone", id_prefix="status",
    codes=Codes(malformed="InvalidParameterValue", not_found="InvalidParameterValue", unknown_filter="InvalidFilter",
                values_limit="InvalidParameterValue.LimitExceeded"),
    filters={"status": Filter(lambda row: row[0])}, max_values=2,
)


@action("cvm", "DescribeInstancesModification")
def describe_instances_modification(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """The types each instance may change to: its zone's types of the same architecture and GPU-ness."""
    compiled = _STATUS.compile(params.get("Filters") or [])
    instances = _instances(ctx, params.get("InstanceIds"), "DescribeInstancesModification", limit=20)
    world = ctx.world
    catalogue = world.catalogue
    rows = []
    for instance in instances:
        current = catalogue.types.get(instance.instance_type)
        for entry in catalogue.types_in(instance.zone):
            if entry.instance_type == instance.instance_type:
                continue
            fits = current is None or (catalogue.architecture_of(entry) == catalogue.architecture_of(current)
                                       and (entry.gpu > 0) == (current.gpu > 0))
            status = "SELL" if fits and instance.zone not in entry.sold_out_zones else "UNAVAILABLE"
            if not matches((status,), compiled):
                continue
            message = "" if status == "SELL" else "This type is not available to this instance."
            rows.append({"Status": status, "Message": message,
                         "InstanceTypeConfig": TYPE_CONFIG.render(Offer(world, entry, instance.zone))})
    return {"TotalCount": len(rows), "InstanceTypeConfigStatusSet": rows}


@action("cvm", "ProgramFpgaImage")
def program_fpga_image(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    (instance,) = _instances(ctx, [params["InstanceId"]], "ProgramFpgaImage")
    entry = ctx.world.catalogue.types.get(instance.instance_type)
    if entry is None or entry.fpga == 0:
        raise ApiError(f"The instance `{instance.instance_id}` is {instance.instance_type}, which has no FPGA card; "
                       "use an FPGA type (such as FX4).", code="UnsupportedOperation.NotFpgaInstance")
    url = params["FPGAUrl"]
    if not url.startswith(("http://", "https://", "cos://")) or ".cos." not in url and not url.startswith("cos://"):
        raise InvalidParameterValue(f"`FPGAUrl` {url!r} is not the COS URL of an FPGA image file.")
    cards = params.get("DBDFs") or []
    if len(cards) > entry.fpga:
        raise InvalidParameterValue(f"`DBDFs` names {len(cards)} cards; the instance has {entry.fpga}.")
    if instance.state != models.RUNNING:
        raise ApiError(f"The instance `{instance.instance_id}` is {instance.state}; an FPGA image is programmed on a "
                       "running instance.", code="UnsupportedOperation.InstanceStateStopped"
                       if instance.state == models.STOPPED else "InvalidInstanceState")
    if params.get("DryRun"):
        raise ApiError("The request would have succeeded (DryRun).", code="DryRunOperation")
    instance.latest_operation, instance.latest_operation_state = "ProgramFpgaImage", models.SUCCESS
    instance.latest_operation_request_id = ctx.request_id
    return {}


@action("cvm", "ResetInstancesInternetMaxBandwidth")
def reset_instances_internet_max_bandwidth(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """Postpaid bandwidth changes at once; BANDWIDTH_PREPAID (dated windows) is refused as not modelled."""
    bandwidth = params["InternetAccessible"].get("InternetMaxBandwidthOut")
    if bandwidth is None:
        raise InvalidParameterValue("`InternetAccessible.InternetMaxBandwidthOut` is required.")
    if not 0 <= bandwidth <= BANDWIDTH_LIMIT:
        raise ApiError(f"`InternetMaxBandwidthOut` must be 0 to {BANDWIDTH_LIMIT} Mbps, got {bandwidth}.",
                       code="InvalidParameterValue.Range")
    instances = _instances(ctx, params.get("InstanceIds"), "ResetInstancesInternetMaxBandwidth")
    kinds = {i.internet_charge_type for i in instances}
    if len(kinds) > 1:
        raise ApiError("The instances mix internet charge types; send one charge type per call.",
                       code="UnsupportedOperation.InstanceMixedPricingModel")
    if PREPAID_BANDWIDTH in kinds or params.get("StartTime") or params.get("EndTime"):
        raise NotImplementedByMockcvm(
            "mockcvm does not model dated BANDWIDTH_PREPAID bandwidth windows (StartTime/EndTime); postpaid "
            "bandwidth can be changed.")
    planned = checks.steps(ctx.world.cvm, instances, "ResetInstancesInternetMaxBandwidth",
                           lambda i: "OnlineChange")
    for instance, step in planned:
        instance.internet_max_bandwidth_out = int(bandwidth)
        if instance.internet_charge_type is None and bandwidth > 0:
            instance.internet_charge_type = "TRAFFIC_POSTPAID_BY_HOUR"
        ctx.world.cvm.begin(instance, "ResetInstancesInternetMaxBandwidth", ctx.request_id, step)
    return {}


@action("cvm", "EnterRescueMode")
def enter_rescue_mode(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    from mockcvm.services.cvm.instance_ops import check_password, is_windows

    backend = ctx.world.cvm
    (instance,) = _instances(ctx, [params["InstanceId"]], "EnterRescueMode")
    if params.get("StopType", "SOFT_FIRST") not in ("SOFT", "HARD", "SOFT_FIRST"):
        raise InvalidParameterValue("`StopType` is SOFT, HARD or SOFT_FIRST.")
    if is_windows(backend, instance):
        raise ApiError(f"The instance `{instance.instance_id}` runs Windows; rescue mode is for Linux instances.",
                       code="UnsupportedOperation.InstanceOsWindows")
    check_password(params["Password"], windows=False)
    ((_, step),) = checks.steps(backend, [instance], "EnterRescueMode", lambda i: "EnterRescueMode")
    backend.begin(instance, "EnterRescueMode", ctx.request_id, step)
    return {}


@action("cvm", "ExitRescueMode")
def exit_rescue_mode(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    backend = ctx.world.cvm
    (instance,) = _instances(ctx, [params["InstanceId"]], "ExitRescueMode")
    ((_, step),) = checks.steps(backend, [instance], "ExitRescueMode", lambda i: "ExitRescueMode")
    backend.begin(instance, "ExitRescueMode", ctx.request_id, step)
    return {}


#: ConvertOperatingSystems: what a CentOS release becomes (Tencent's migration tool targets TencentOS).
CONVERSIONS = {"CentOS 7": ("TencentOS", "2.4", "TencentOS Server 2.4 (TK4)"),
               "CentOS 8": ("TencentOS", "3.1", "TencentOS Server 3.1 (TK4)")}


def _conversion(os_name: str) -> Optional[tuple[str, str, str]]:
    for prefix, target in CONVERSIONS.items():
        if os_name.startswith(prefix):
            return target
    return None


@action("cvm", "ConvertOperatingSystems")
def convert_operating_systems(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    from mockcvm.services.cvm.instance_ops import static_changed

    backend = ctx.world.cvm
    instances = _instances(ctx, params.get("InstanceIds"), "ConvertOperatingSystems")
    target_type = params.get("TargetOSType", "TencentOS")
    targets = []
    for instance in instances:
        found = _conversion(instance.os_name)
        if found is None:
            raise ApiError(f"The instance `{instance.instance_id}` runs {instance.os_name}; only CentOS 7 and 8 can "
                           "be converted (to TencentOS).", code="UnsupportedOperation.InstanceOsConvertOsNotSupport")
        if target_type != found[0]:
            raise ApiError(f"`TargetOSType` {target_type!r}: CentOS converts to TencentOS.",
                           code="UnsupportedOperation.UserConvertOsNotSupport")
        targets.append(found)
    supported = [{"TargetOSType": t, "TargetOSVersion": v} for t, v, _ in dict.fromkeys(targets)]
    if params.get("DryRun"):
        return {"SupportTargetOSList": supported, "TaskId": ""}
    planned = checks.steps(backend, instances, "ConvertOperatingSystems", lambda i: "ResetInstance")
    for (instance, step), (_, _, os_name) in zip(planned, targets):
        instance.os_name = os_name
        static_changed(backend, instance)
        backend.begin(instance, "ConvertOperatingSystems", ctx.request_id, step)
    return {"SupportTargetOSList": supported, "TaskId": ctx.world.ids.short("task")}
