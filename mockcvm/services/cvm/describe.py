"""DescribeInstances and DescribeInstancesStatus: ids or filters, paging, and the Instance shape of the API.

Filters, ids and codes come from the ``INSTANCE`` resource kind; an unknown filter name is ``InvalidFilter``.
A page of the unfiltered listing or an id lookup touches only the instances it returns.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Optional

from mockcvm import clock
from mockcvm.engine.resources import Codes, Filter, Kind
from mockcvm.errors import ApiError, InvalidParameter, InvalidParameterValue
from mockcvm.protocol.envelope import RawJson
from mockcvm.services.cvm import checks, models
from mockcvm.services.cvm.models import Instance, host_name_of, instance_id_of_uuid, uuid_of

if TYPE_CHECKING:
    from mockcvm.services.cvm.backend import CvmBackend

MAX_FILTER_VALUES = 5
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

def _nothing(_value: str) -> Optional[str]:
    return None


def _name_contains(instance: Instance, values: list[str]) -> bool:
    return any(value in instance.name for value in values)


def _created_after(instance: Instance, values: list[str]) -> bool:
    return all(instance.created_time >= _time(v, "creation-start-time") for v in values)


def _created_before(instance: Instance, values: list[str]) -> bool:
    return all(instance.created_time <= _time(v, "creation-end-time") for v in values)


def _times(name: str) -> Callable[[list[str]], None]:
    def check(values: list[str]) -> None:
        for value in values:
            _time(value, name)

    return check


def _time(text: str, name: str) -> float:
    for parse in (clock.parse_spaced, clock.parse_iso):
        try:
            return parse(text)
        except ValueError:
            continue
    raise ApiError(
        f"The value {text!r} of filter `{name}` is not a time; use YYYY-MM-DD hh:mm:ss (UTC) or "
        "YYYY-MM-DDThh:mm:ssZ.",
        code="InvalidParameterValue.InvalidTimeFormat",
    )


def public_ips(instance: Instance, backend: CvmBackend) -> list[str]:
    """The ordinary public IP, then the elastic IPs bound to the instance."""
    own = [instance.public_ip] if instance.public_ip else []
    return own + backend.world.vpc.public_ips_of(instance)


#: The instance as a resource kind: its ids, filters and codes (rendering is below: the hottest answer of all
#: keeps its never-changing members pre-encoded). ``public-ip-address`` is added by the backend.
INSTANCE: Kind[Instance] = Kind(
    service="cvm",
    output=None,
    noun="instance",
    id_attr="instance_id",
    id_prefix="ins",
    codes=Codes(
        malformed="InvalidInstanceId.Malformed",
        not_found="InvalidInstanceId.NotFound",
        coexist="InvalidParameter",
        unknown_filter="InvalidFilter",
        values_limit="InvalidFilterValue.LimitExceeded",
    ),
    # Every filter that selects by value is answered from an index kept at write time (the backends call
    # ``instances.changed`` after changing a state, a charge type, a project, security groups or public
    # addresses), or from the id itself; only the name (a substring) and the creation times (ranges) scan.
    # ``fixed``: set at launch and seldom changed (the store reads them again at release instead of keeping them
    # per instance); ModifyInstancesVpcAttribute changes the network ones with ``instances.changed(..., was=...)``.
    filters={
        "zone": Filter(lambda i: i.zone, indexed=True, fixed=True),
        "project-id": Filter(lambda i: str(i.project_id), indexed=True),
        "vpc-id": Filter(lambda i: i.vpc_id, indexed=True, fixed=True),
        "subnet-id": Filter(lambda i: i.subnet_id, indexed=True, fixed=True),
        "instance-id": Filter(lambda i: i.instance_id, lookup=lambda value: value),
        "uuid": Filter(uuid_of, lookup=instance_id_of_uuid),
        "security-group-id": Filter(lambda i: i.security_group_ids, indexed=True),
        "instance-name": Filter(test=_name_contains),
        "instance-charge-type": Filter(lambda i: i.charge_type, indexed=True),
        "instance-state": Filter(lambda i: i.state, indexed=True),
        "private-ip-address": Filter(lambda i: i.private_ip, indexed=True, fixed=True),
        "ipv6-address": Filter(lambda i: None, lookup=_nothing),  # no instance of the fake has IPv6
        "host-id": Filter(lambda i: None, lookup=_nothing),  # none runs on a CDH host
        "dedicated-cluster-id": Filter(lambda i: None, lookup=_nothing),  # nor in a dedicated cluster
        "creation-start-time": Filter(test=_created_after, check=_times("creation-start-time")),
        "creation-end-time": Filter(test=_created_before, check=_times("creation-end-time")),
    },
    tags=lambda i: i.tags,
    max_values=MAX_FILTER_VALUES,
)


def _paging(params: dict[str, Any]) -> tuple[int, int]:
    offset = params.get("Offset", 0)
    limit = params.get("Limit", DEFAULT_LIMIT)
    if offset < 0:
        raise InvalidParameterValue(f"`Offset` must be 0 or more, got {offset}.")
    if limit > MAX_LIMIT:
        raise InvalidParameterValue(
            f"`Limit` is {limit}; at most {MAX_LIMIT} per page (use Offset to page).",
            code="InvalidParameterValue.LimitExceeded",
        )
    if limit < 1:
        raise InvalidParameterValue(f"`Limit` must be 1 to {MAX_LIMIT}, got {limit}.")
    return offset, limit


def select(backend: CvmBackend, uin: str, region: str, params: dict[str, Any], with_filters: bool) -> tuple[
        int, list[Instance]]:
    """(TotalCount, the page) for ``InstanceIds`` or ``Filters`` or neither, after every check."""
    offset, limit = _paging(params)
    has_ids, has_filters = bool(params.get("InstanceIds")), bool(params.get("Filters"))
    if has_ids and has_filters:
        raise InvalidParameter("`InstanceIds` and `Filters` cannot be given together; use one or the other.")
    if has_ids:
        ids = checks.instance_ids(params["InstanceIds"], "DescribeInstances", required=False)
        found = [i for i in map(backend.instances.get, [uin] * len(ids), [region] * len(ids), ids) if i is not None]
        return len(found), found[offset:offset + limit]
    if with_filters and has_filters:
        return backend.instances.find(uin, region, params["Filters"], offset, limit)
    return backend.instances.page(uin, region, offset, limit)


def describe_instances(backend: CvmBackend, uin: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    total, page = select(backend, uin, region, params, with_filters=True)
    shown = RawJson("[" + ",".join(render_json(backend, instance) for instance in page) + "]")
    backend.seen(page)
    return {"TotalCount": total, "InstanceSet": shown}


def describe_instances_status(
    backend: CvmBackend, uin: str, region: str, params: dict[str, Any]
) -> dict[str, Any]:
    total, page = select(backend, uin, region, params, with_filters=False)
    shown = [{"InstanceId": i.instance_id, "InstanceState": i.state} for i in page]
    backend.seen(page)
    return {"TotalCount": total, "InstanceStatusSet": shown}


def _disk(disk: dict[str, Any], data: bool) -> dict[str, Any]:
    shown = {
        "DiskType": disk.get("DiskType", "CLOUD_PREMIUM"),
        "DiskId": disk.get("DiskId"),
        "DiskSize": disk.get("DiskSize", 50),
        "Encrypt": bool(disk.get("Encrypt", False)),
        "KmsKeyId": disk.get("KmsKeyId"),
    }
    if data:
        shown["DeleteWithInstance"] = bool(disk.get("DeleteWithInstance", True))
        if disk.get("SnapshotId"):
            shown["SnapshotId"] = disk["SnapshotId"]  # made from that snapshot
    return shown


@lru_cache(maxsize=4096)
def _iso_of(epoch: float) -> str:
    return clock.iso(epoch)


def _iso(epoch: Optional[float]) -> Optional[str]:
    """ISO 8601 UTC, cached: many instances share a creation or expiry second (a pure function of its argument)."""
    return _iso_of(epoch) if epoch is not None else None


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # stateless: safe to share

#: How many instances keep their never-changing members pre-encoded (about 1 KiB each).
STATIC_JSON_CACHE = 4096


def render_json(backend: CvmBackend, i: Instance) -> str:
    """:func:`render` encoded as JSON; the members that never change after launch are encoded once per instance."""
    cache = backend.static_json
    static = cache.get(i.instance_id)
    if static is None:
        static = _ENCODE(render_static(i))[1:-1]
        cache[i.instance_id] = static
        if len(cache) > STATIC_JSON_CACHE:
            cache.popitem(last=False)
    dynamic = _ENCODE(render_dynamic(backend, i))
    return "{" + static + "," + dynamic[1:]


def render(backend: CvmBackend, i: Instance) -> dict[str, Any]:
    """The API's ``Instance`` object: every member the official schema marks as always returned."""
    return {**render_static(i), **render_dynamic(backend, i)}


def render_static(i: Instance) -> dict[str, Any]:
    """The members no operation changes after launch (zone, type, image, network, creation, identity)."""
    return {
        "Placement": {"Zone": i.zone, "ProjectId": i.project_id},
        "InstanceId": i.instance_id,
        "InstanceType": i.instance_type,
        "CPU": i.cpu,
        "Memory": i.memory,
        "PrivateIpAddresses": [i.private_ip],
        "VirtualPrivateCloud": {"VpcId": i.vpc_id, "SubnetId": i.subnet_id, "AsVpcGateway": False},
        "ImageId": i.image_id,
        "CreatedTime": _iso_of(i.created_time),
        "OsName": i.os_name,
        "LoginSettings": {"KeyIds": list(i.key_ids) or None},
        "Uuid": uuid_of(i),
        "LatestOperationErrorMsg": None,
        "DisasterRecoverGroupIds": list(i.placement_group_ids),
        "IPv6Addresses": None,
        "CamRoleName": "",
        "HpcClusterId": "",
        "RdmaIpAddresses": None,
        "DedicatedClusterId": "",
        "DefaultLoginUser": "root",
        "DefaultLoginPort": 22,
        "LicenseType": "TencentCloud",
    }


def render_dynamic(backend: CvmBackend, i: Instance) -> dict[str, Any]:
    """The members operations change: state, name, charge, disks, addresses, tags, the latest operation."""
    addresses = public_ips(i, backend)
    return {
        "RestrictState": i.restrict_state,
        "InstanceName": i.name,
        "InstanceChargeType": i.charge_type,
        "SystemDisk": _disk(i.system_disk, False),
        "DataDisks": [_disk(d, True) for d in i.data_disks],
        "PublicIpAddresses": addresses or None,
        "InternetAccessible": {
            "InternetChargeType": i.internet_charge_type,
            "InternetMaxBandwidthOut": i.internet_max_bandwidth_out,
            "PublicIpAssigned": i.public_ip is not None,
        },
        "RenewFlag": i.renew_flag if i.charge_type == models.PREPAID else None,
        "ExpiredTime": _iso(i.expired_time) if i.charge_type == models.PREPAID else None,
        "SecurityGroupIds": list(i.security_group_ids),
        "InstanceState": i.state,
        "Tags": [{"Key": k, "Value": v} for k, v in i.tags.items()],
        "StopChargingMode": i.stop_charging_mode,
        "LatestOperation": i.latest_operation,
        "LatestOperationState": i.latest_operation_state,
        "LatestOperationRequestId": i.latest_operation_request_id,
        "IsolatedSource": i.isolated_source,
        "DisableApiTermination": i.disable_api_termination,
        "HostName": host_name_of(i),
    }
