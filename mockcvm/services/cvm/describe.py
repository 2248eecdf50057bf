"""DescribeInstances and DescribeInstancesStatus: ids or filters, paging, and the Instance shape of the API.

Filters are a table from name to a test of one instance; an unknown name is ``InvalidFilter``.
A page of the unfiltered listing or an id lookup touches only the instances it returns.
"""

from __future__ import annotations

import itertools
import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional

from mockcvm import clock
from mockcvm.errors import ApiError, InvalidParameter, InvalidParameterValue
from mockcvm.protocol.envelope import RawJson
from mockcvm.services.cvm import checks, models
from mockcvm.services.cvm.backend import host_name_of, uuid_of
from mockcvm.services.cvm.models import Instance

if TYPE_CHECKING:
    from mockcvm.services.cvm.backend import CvmBackend

MAX_FILTERS = 10
MAX_FILTER_VALUES = 5
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

#: A filter test: does ``instance`` match any of ``values``?
Test = Callable[[Instance, list[str], "CvmBackend"], bool]


def _exact(read: Callable[[Instance, CvmBackend], Iterable[str]]) -> Test:
    def test(instance: Instance, values: list[str], backend: CvmBackend) -> bool:
        return any(value in values for value in read(instance, backend))

    return test


def _name_contains(instance: Instance, values: list[str], backend: CvmBackend) -> bool:
    return any(value in instance.name for value in values)


def _created_after(instance: Instance, values: list[str], backend: CvmBackend) -> bool:
    return all(instance.created_time >= _time(v, "creation-start-time") for v in values)


def _created_before(instance: Instance, values: list[str], backend: CvmBackend) -> bool:
    return all(instance.created_time <= _time(v, "creation-end-time") for v in values)


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


FILTERS: dict[str, Test] = {
    "zone": _exact(lambda i, b: (i.zone,)),
    "project-id": _exact(lambda i, b: (str(i.project_id),)),
    "vpc-id": _exact(lambda i, b: (i.vpc_id,)),
    "subnet-id": _exact(lambda i, b: (i.subnet_id,)),
    "instance-id": _exact(lambda i, b: (i.instance_id,)),
    "uuid": _exact(lambda i, b: (uuid_of(i),)),
    "security-group-id": _exact(lambda i, b: i.security_group_ids),
    "instance-name": _name_contains,
    "instance-charge-type": _exact(lambda i, b: (i.charge_type,)),
    "instance-state": _exact(lambda i, b: (i.state,)),
    "private-ip-address": _exact(lambda i, b: (i.private_ip,)),
    "public-ip-address": _exact(public_ips),
    "ipv6-address": _exact(lambda i, b: ()),
    "host-id": _exact(lambda i, b: ()),  # no instance of the fake runs on a CDH host
    "dedicated-cluster-id": _exact(lambda i, b: ()),  # nor in a dedicated cluster
    "tag-key": _exact(lambda i, b: i.tags.keys()),
    "tag-value": _exact(lambda i, b: i.tags.values()),
    "creation-start-time": _created_after,
    "creation-end-time": _created_before,
}
TAG_PREFIX = "tag:"


def _tag_test(key: str) -> Test:
    def test(instance: Instance, values: list[str], backend: CvmBackend) -> bool:
        return key in instance.tags and instance.tags[key] in values

    return test


def _filters(given: list[dict[str, Any]]) -> list[tuple[Test, list[str]]]:
    if len(given) > MAX_FILTERS:
        raise InvalidParameterValue(
            f"`Filters` has {len(given)} filters; DescribeInstances takes at most {MAX_FILTERS}.",
            code="InvalidParameterValue.LimitExceeded",
        )
    tests: list[tuple[Test, list[str]]] = []
    for spec in given:
        name, values = spec["Name"], list(spec["Values"])
        if len(values) > MAX_FILTER_VALUES:
            raise ApiError(
                f"The filter `{name}` has {len(values)} values; at most {MAX_FILTER_VALUES} per filter.",
                code="InvalidFilterValue.LimitExceeded",
            )
        if name.startswith(TAG_PREFIX) and len(name) > len(TAG_PREFIX):
            tests.append((_tag_test(name[len(TAG_PREFIX):]), values))
        elif name in FILTERS:
            if name.startswith("creation-"):
                for value in values:
                    _time(value, name)
            tests.append((FILTERS[name], values))
        else:
            raise ApiError(
                f"The filter `{name}` is not supported; filters are {', '.join(FILTERS)} and tag:<key>.",
                code="InvalidFilter",
            )
    return tests


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
    instances = backend.instances_in(uin, region)
    if has_ids:
        ids = checks.instance_ids(params["InstanceIds"], "DescribeInstances", required=False)
        found = [instances[i] for i in ids if i in instances]
        return len(found), found[offset:offset + limit]
    if with_filters and has_filters:
        tests = _filters(params["Filters"])
        matched = [i for i in instances.values() if all(test(i, values, backend) for test, values in tests)]
        return len(matched), matched[offset:offset + limit]
    return len(instances), list(itertools.islice(instances.values(), offset, offset + limit))


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
        "LoginSettings": {"KeyIds": None},
        "Uuid": uuid_of(i),
        "LatestOperationErrorMsg": None,
        "DisasterRecoverGroupIds": [],
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
