"""RunInstances: checks the whole request, charges prepaid batches up front, creates the instances (PENDING)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.regions import REGIONS, ZONE_REGION
from mockcvm.services.cbs import image_snapshots
from mockcvm.services.cvm import checks, hpc, instance_ops, models
from mockcvm.services.cvm.backend import add_months
from mockcvm.services.cvm.catalogue import INSTANCE_TYPE
from mockcvm.services.cvm.keypairs import tags_of
from mockcvm.services.cvm.lifecycle import NEW
from mockcvm.services.cvm.models import Instance
from mockcvm.services.cvm.offers import instance_price

if TYPE_CHECKING:
    from mockcvm.services.cvm.backend import CvmBackend
    from mockcvm.services.cvm.images import Image
    from mockcvm.services.vpc.network_backend import Placement

IMAGE_ID = re.compile(r"img-[a-z0-9]{8}\Z")
DEFAULT_INSTANCE_TYPE = "S1.SMALL1"
DEFAULT_NAME = "未命名"
MAX_COUNT = 500


#: ``{R:x}`` or ``{R:x,F:y}`` in InstanceName and HostName: the n-th instance of the call gets x+n, zero-padded to
#: y digits; ``{IP}`` in HostName: the instance's private IP. Any other braces are plain text.
_NUMBERING = re.compile(r"\{R:(\d+)(?:,F:([0-8]))?\}")
_IP = re.compile(r"\{IP\}")


def instance_name(name: str, count: int, n: int, given: bool, private_ip: Optional[str] = None) -> str:
    """The name (or, with ``private_ip``, the host name) of the ``n``-th (from 0) of ``count`` instances: its
    patterns replaced, else ``name`` with 1..count appended when several are launched under a given name."""
    text, found = _NUMBERING.subn(lambda m: str(int(m.group(1)) + n).zfill(int(m.group(2) or 0)), name)
    if private_ip is not None:
        text, ips = _IP.subn(lambda _m: private_ip, text)
        found += ips
    if found:
        return text
    return name if count == 1 or not given else f"{name}{n + 1}"


def run_instances(
    backend: CvmBackend, uin: str, region: str, params: dict[str, Any], request_id: str
) -> list[str]:
    """Launch the instances ``params`` describe; returns their ids (the same ids again for a repeated ClientToken)."""
    world = backend.world
    params = world.templates.merged(uin, region, params)
    token = params.get("ClientToken")
    if token is not None:
        if len(token) > 64:
            raise ApiError("`ClientToken` is longer than 64 characters.", code="InvalidClientToken.TooLong")
        earlier = backend.client_tokens.get((uin, region, token))
        if earlier is not None:
            return list(earlier)
    plan = checked_plan(backend, uin, region, params)
    charge_type: str = plan["charge_type"]
    count: int = plan["count"]
    placement = world.vpc.network.plan_placement(uin, region, plan["zone"], params, count)
    total = Decimal(0)
    if charge_type == models.PREPAID:
        total = instance_price(world, plan["instance_type"], "month") * plan["period"] * count
        if world.billing.balance(uin) < total:
            raise ApiError(
                f"The balance ({world.billing.balance(uin)} yuan) cannot cover {count} prepaid instance(s) for "
                f"{plan['period']} month(s) ({total} yuan); top up first.",
                code="InvalidAccount.InsufficientBalance",
            )
    elif world.billing.balance(uin) <= 0:
        raise ApiError(
            f"The balance ({world.billing.balance(uin)} yuan) is not above zero: postpaid instances cannot be "
            "launched while the account is in arrears; top up first.",
            code="InvalidAccount.InsufficientBalance",
        )
    if "ActionTimer" in params:
        world.timers.check_run_timer(params["ActionTimer"], charge_type)
    if params.get("DryRun"):
        raise ApiError("The request would have succeeded (DryRun).", code="DryRunOperation")
    ids = [_launch(backend, uin, region, params, plan, placement, n, request_id) for n in range(count)]
    if token is not None:
        backend.client_tokens[(uin, region, token)] = ids
    return ids


def checked_plan(backend: CvmBackend, uin: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    """Everything RunInstances (and InquiryPriceRunInstances) checks before creating or charging anything."""
    world = backend.world
    plan = _plan(params, region)
    image = world.images.usable(uin, region, plan["image_id"])
    sold = world.offers.sold(plan["instance_type"], plan["zone"])
    if not world.images.compatible(image, sold):
        raise ApiError(
            f"The image `{image.image_id}` is built for {image.architecture}; the instance type "
            f"`{sold.instance_type}` runs {world.catalogue.architecture_of(sold)} images.",
            code="InvalidParameterValue.InvalidImageForGivenInstanceType",
        )
    plan["cpu"], plan["memory"] = sold.cpu, sold.memory
    plan["os_name"] = image.os_name
    plan["key_ids"] = instance_ops.launch_key_ids(backend, uin, region, params.get("LoginSettings"))
    if plan["key_ids"] and image.platform == "Windows":
        raise ApiError("Windows images take a password, not key pairs.",
                       code="UnsupportedOperation.KeyPairUnsupportedWindows")
    plan["user_data"] = instance_ops.check_user_data(params.get("UserData"))
    plan["data_disks"] = _data_disks(backend, uin, region, params, image)
    hpc.check_launch(world.placements.hpc_clusters, uin, region, params.get("HpcClusterId"), plan["zone"])
    plan["placement_group"] = world.placements.launch_group(uin, region, params.get("DisasterRecoverGroupIds"),
                                                           plan["count"])
    return plan


def _data_disks(backend: CvmBackend, uin: str, region: str, params: dict[str, Any], image: Image
                ) -> list[dict[str, Any]]:
    """The data disks to make: ``DataDisks`` as given, or without it one disk per data-disk snapshot of a private
    image (its size). A disk with a ``SnapshotId`` is checked against the snapshot and made from it."""
    snapshots = backend.world.cbs.snapshots
    given = params.get("DataDisks")
    if given is None:
        owner = (image.uin, image.region)  # a shared image's snapshots are its owner's
        specs = [{"DiskSize": e["DiskSize"], "SnapshotId": e["SnapshotId"]} for e in image.snapshots
                 if e["DiskUsage"] == "DATA_DISK" and snapshots.store.get(*owner, e["SnapshotId"]) is not None]
    else:
        owner, specs = (uin, region), [dict(disk) for disk in given]
    disks = []
    for spec in specs:
        disk = {"DeleteWithInstance": True, "DiskType": "CLOUD_PREMIUM", **spec}
        if disk.get("SnapshotId"):
            snapshot = image_snapshots.for_launch(snapshots, *owner, disk["SnapshotId"], int(disk.get("DiskSize", 0)))
            if snapshot.encrypt:
                disk["Encrypt"] = True
        disks.append(disk)
    return disks


def _plan(params: dict[str, Any], region: str) -> dict[str, Any]:
    """Everything RunInstances checks before creating anything."""
    charge_type = params.get("InstanceChargeType", models.POSTPAID)
    if charge_type not in models.CHARGE_TYPES:
        raise InvalidParameterValue(
            f"`InstanceChargeType` {charge_type!r} is not supported; use {', '.join(models.CHARGE_TYPES)}."
        )
    count = params.get("InstanceCount", 1)
    if not 1 <= count <= MAX_COUNT:
        raise InvalidParameterValue(f"`InstanceCount` must be 1 to {MAX_COUNT}, got {count}.")
    zone = (params.get("Placement") or {}).get("Zone")
    if not zone:
        raise MissingParameter("RunInstances needs `Placement.Zone`.")
    zone_region = ZONE_REGION.get(zone)
    if zone_region != region:
        if zone_region is None and not any(zone.startswith(r + "-") for r in REGIONS if r != region):
            raise ApiError(
                f"The zone `{zone}` is not a zone of {region}; its zones are "
                f"{', '.join(z.zone for z in REGIONS[region].zones)}.",
                code="InvalidParameterValue.ZoneNotSupported",
            )
        raise ApiError(
            f"The zone `{zone}` does not belong to the region {region} of this request.",
            code="InvalidZone.MismatchRegion",
        )
    image_id = params.get("ImageId")
    if not image_id:
        raise MissingParameter("RunInstances needs `ImageId`.")
    if not IMAGE_ID.match(image_id):
        raise ApiError(
            f"The image id `{image_id}` is malformed; image ids look like img-1a2b3c4d.",
            code="InvalidImageId.Malformed",
        )
    instance_type = params.get("InstanceType", DEFAULT_INSTANCE_TYPE)
    if INSTANCE_TYPE.match(instance_type) is None:
        raise ApiError(
            f"The instance type `{instance_type}` is malformed; instance types look like S5.MEDIUM4.",
            code="InvalidInstanceType.Malformed",
        )
    name = params.get("InstanceName", DEFAULT_NAME)
    if len(name) > 128:
        raise ApiError("`InstanceName` is longer than 128 characters.", code="InvalidInstanceName.TooLong")
    period: Optional[int] = None
    renew_flag: Optional[str] = None
    if charge_type == models.PREPAID:
        prepaid = params.get("InstanceChargePrepaid")
        period = checks.period(prepaid, "RunInstances")
        renew_flag = (prepaid or {}).get("RenewFlag", models.MANUAL_RENEW)
        if renew_flag not in models.RENEW_FLAGS:
            raise InvalidParameterValue(
                f"`InstanceChargePrepaid.RenewFlag` {renew_flag!r} is not one of {', '.join(models.RENEW_FLAGS)}."
            )
    tags = tags_of(params, "instance")
    return {
        "charge_type": charge_type, "count": count, "zone": zone, "image_id": image_id,
        "instance_type": instance_type, "name": name, "period": period, "renew_flag": renew_flag, "tags": tags,
    }


def _launch(
    backend: CvmBackend, uin: str, region: str, params: dict[str, Any], plan: dict[str, Any],
    placement: Placement, n: int, request_id: str,
) -> str:
    world = backend.world
    instance_id = world.ids.short("ins")
    while backend.get(uin, region, instance_id) is not None:  # pragma: no cover - 36**8 ids
        instance_id = world.ids.short("ins")
    subnet, private_ip, security_groups = world.vpc.network.place(placement, instance_id, n)
    internet = params.get("InternetAccessible") or {}
    bandwidth = int(internet.get("InternetMaxBandwidthOut", 0))
    public = internet.get("PublicIpAssigned", bandwidth > 0)
    name = instance_name(plan["name"], plan["count"], n, "InstanceName" in params)
    system_disk = {"DiskType": "CLOUD_PREMIUM", "DiskSize": 50}
    system_disk.update(params.get("SystemDisk") or {})
    data_disks = [dict(disk) for disk in plan["data_disks"]]
    now = world.now
    instance = Instance(
        instance_id=instance_id, uin=uin, region=region, zone=plan["zone"], instance_type=plan["instance_type"],
        image_id=plan["image_id"], charge_type=plan["charge_type"], name=name, created_time=float(int(now)),
        cpu=plan["cpu"], memory=plan["memory"], state=models.PENDING,
        disable_api_termination=bool(params.get("DisableApiTermination", False)),
        tags=dict(plan["tags"]), system_disk=system_disk, data_disks=data_disks,
        private_ip=private_ip,
        public_ip=backend.new_public_ip() if public else None,
        internet_max_bandwidth_out=bandwidth,
        internet_charge_type=internet.get("InternetChargeType", "TRAFFIC_POSTPAID_BY_HOUR") if public else None,
        vpc_id=subnet.vpc_id, subnet_id=subnet.subnet_id,
        security_group_ids=security_groups,
        project_id=int((params.get("Placement") or {}).get("ProjectId", 0)),
        host_name=instance_name(params["HostName"], plan["count"], n, True, private_ip) if params.get(
            "HostName") else "", os_name=plan["os_name"], key_ids=plan["key_ids"],
        user_data=plan["user_data"],
    )
    if plan["charge_type"] == models.PREPAID:
        instance.expired_time = add_months(instance.created_time, plan["period"])
        instance.renew_flag = plan["renew_flag"]
        world.billing.charge_upfront(
            uin, instance_price(world, plan["instance_type"], "month") * plan["period"], instance_id, "RunInstances"
        )
    backend.add(instance)
    world.vpc.instance_launched(instance)
    if plan["placement_group"] is not None:
        world.placements.join(plan["placement_group"], instance)
    if instance.key_ids:
        world.keypairs.bind(instance_id, world.keypairs.key_pairs.existing_all(uin, region, list(instance.key_ids)))
    world.cbs.launch_disks(instance)
    backend.begin(instance, "RunInstances", request_id, backend.lifecycle.step("RunInstances", NEW))
    if plan["charge_type"] == models.PREPAID:
        backend.schedule_expiry(instance)
    if "ActionTimer" in params:
        world.timers.create(instance, params["ActionTimer"])
    return instance_id
