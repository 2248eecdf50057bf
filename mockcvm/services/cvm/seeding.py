"""``cloud.seed_instances``: many instances at once, settled, without going through RunInstances one by one."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Optional, Union

from mockcvm.errors import MockcvmError
from mockcvm.regions import REGIONS, ZONE_REGION
from mockcvm.services.cvm import models
from mockcvm.services.cvm.backend import add_months
from mockcvm.services.cvm.catalogue import CPU_BY_SIZE, INSTANCE_TYPE
from mockcvm.services.cvm.destroy import bin_duration
from mockcvm.services.cvm.launch import DEFAULT_NAME
from mockcvm.services.cvm.models import Instance

if TYPE_CHECKING:
    from mockcvm.services.cvm.backend import CvmBackend

SEEDABLE_STATES = (models.RUNNING, models.STOPPED, models.SHUTDOWN, models.LAUNCH_FAILED)


def seed_instances(
    backend: CvmBackend,
    count: int,
    *,
    uin: str,
    region: Optional[str] = None,
    zone: Optional[str] = None,
    charge_type: str = models.POSTPAID,
    state: str = models.RUNNING,
    tags: Optional[dict[str, str]] = None,
    created_time: Union[float, datetime, None] = None,
    instance_type: str = "S5.MEDIUM4",
    image_id: str = "img-eb30mz89",
    name: Optional[str] = None,
    period: int = 1,
    renew_flag: str = models.MANUAL_RENEW,
    disable_api_termination: bool = False,
) -> list[str]:
    world = backend.world
    region = region or world.options.region
    if region not in REGIONS:
        raise MockcvmError(f"region {region!r} is not a region mockcvm knows; use one of {', '.join(REGIONS)}")
    zone = zone or REGIONS[region].zones[0].zone
    if ZONE_REGION.get(zone) != region:
        raise MockcvmError(f"zone {zone!r} is not a zone of {region}: {[z.zone for z in REGIONS[region].zones]}")
    if charge_type not in models.CHARGE_TYPES:
        raise MockcvmError(f"charge_type {charge_type!r}: use one of {', '.join(models.CHARGE_TYPES)}")
    if state not in SEEDABLE_STATES:
        raise MockcvmError(f"state {state!r}: seeded instances are settled, use one of {', '.join(SEEDABLE_STATES)}")
    shape = INSTANCE_TYPE.match(instance_type)
    if shape is None:
        raise MockcvmError(f"instance_type {instance_type!r} is malformed; instance types look like S5.MEDIUM4")
    if not isinstance(count, int) or count < 0:
        raise MockcvmError(f"count must be an int >= 0, got {count!r}")
    if charge_type == models.PREPAID and period not in models.PERIODS:
        raise MockcvmError(f"period {period!r}: use 1-12, 24, 36, 48 or 60 months")
    created = _epoch(created_time, world.now)
    cpu = CPU_BY_SIZE[shape.group(3)] * int(shape.group(2) or 1)
    memory = int(shape.group(4))
    network = world.vpc.network
    subnet = network.default_subnet(uin, region, zone)
    if subnet is None or subnet.available < count:
        free = 0 if subnet is None else subnet.available
        raise MockcvmError(f"the default subnet of {zone} has {free} free private IPs; {count} were asked for")
    default_group = world.vpc.security_groups.ensure_default(uin, region)
    groups = [] if default_group is None else [default_group.group_id]
    request_id = world.ids.uuid4()
    prepaid = charge_type == models.PREPAID
    expired = add_months(created, period) if prepaid else None
    stop_mode = models.KEEP_CHARGING if state == models.STOPPED else models.NOT_APPLICABLE
    ids: list[str] = []
    for n in range(count):
        instance_id = world.ids.short("ins")
        instance = Instance(
            instance_id=instance_id, uin=uin, region=region, zone=zone, instance_type=instance_type,
            image_id=image_id, charge_type=charge_type, name=f"{name}{n + 1}" if name else DEFAULT_NAME,
            created_time=created, cpu=cpu, memory=memory, state=state, stop_charging_mode=stop_mode,
            disable_api_termination=disable_api_termination, expired_time=expired,
            renew_flag=renew_flag if prepaid else None, tags=dict(tags) if tags else {},
            system_disk={"DiskType": "CLOUD_PREMIUM", "DiskSize": 50},
            private_ip=subnet.take(instance_id), vpc_id=subnet.vpc_id, subnet_id=subnet.subnet_id,
            security_group_ids=list(groups), latest_operation="RunInstances",
            latest_operation_state=models.SUCCESS, latest_operation_request_id=request_id,
        )
        backend.add(instance)
        world.vpc.instance_launched(instance)
        world.cbs.launch_disks(instance)
        if state == models.SHUTDOWN:
            instance.release_reason = "TerminateInstances"
            backend.put_in_bin(instance, bin_duration(backend, instance), models.MANMADE)
        if prepaid:
            backend.schedule_expiry(instance)
        world.billing.instance_changed(instance)
        ids.append(instance_id)
    return ids


def _epoch(value: Union[float, datetime, None], now: float) -> float:
    if value is None:
        return float(int(now))
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise MockcvmError("created_time must be an aware datetime (with tzinfo) or epoch seconds")
        return value.timestamp()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise MockcvmError(f"created_time must be epoch seconds or an aware datetime, got {value!r}")
