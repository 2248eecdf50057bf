"""Cbs state and operations (cloud disks). Knows nothing of HTTP; raises ApiError.

Disks are kept in a :class:`Store` of the ``DISK`` kind (paging, filters, id checks and rendering come from the
declaration in ``models.py``); its ``instance-id`` index finds the disks of an instance, so that the release of
an instance touches only its own disks. A postpaid disk is charged ``price("disk_gb_hour") * DiskSize`` per
hour from creation until it is deleted, attached or not, and also while its instance sits in the recycle bin.

Local disks (``LOCAL_*`` types) are part of their host: they get an ``ldisk-`` id in the instance's
description but no CBS record, and go with the instance.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

from mockcvm.engine.resources import Filter, Store
from mockcvm.engine.transitions import InFlight
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.regions import REGIONS
from mockcvm.services.cbs.auto_snapshots import AutoSnapshotPolicies
from mockcvm.services.cbs.models import (
    ATTACHED,
    ATTACHING,
    CLOUD_DISK_TYPES,
    DATA_DISK,
    DETACHING,
    DISK,
    LOCAL_DISK_TYPES,
    POSTPAID,
    PREPAID,
    SYSTEM_DISK,
    UNATTACHED,
    Disk,
    check_batch,
    check_name,
)
from mockcvm.services.cbs.operations import DiskOperations
from mockcvm.services.cbs.prepaid import BIN_DAYS, DAY, PrepaidDisks, read_prepaid
from mockcvm.services.cbs.snapshots import Snapshots
from mockcvm.services.cvm.models import INSTANCE_ID
from mockcvm.services.tag.validation import check_tags

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.world import World

MIN_SIZE, MAX_SIZE = 10, 32000
MAX_CREATE = 50
MAX_DISKS_PER_CALL = 100
MAX_DATA_DISKS_PER_INSTANCE = 20
#: Disks one AttachDisks or DetachDisks call moves (their descriptions say 10).
MAX_MOVED_PER_CALL = 10
#: Instance states a disk can be attached in or detached from (not launching, in the bin or going).
ATTACHABLE_STATES = ("RUNNING", "STOPPED", "STARTING", "STOPPING", "REBOOTING")
RATE_REASON = "disk"


class CbsBackend:
    def __init__(self, world: World) -> None:
        self.world = world
        self.disks: Store[Disk] = Store(
            DISK.with_filters(
                {
                    "instance-ip-address": Filter(self._instance_ips),
                    "instance-name": Filter(lambda d: self._instance_field(d, "name")),
                }
            )
        )
        self.prepaid = PrepaidDisks(self)
        self.ops = DiskOperations(self)
        self.snapshots = Snapshots(self)
        self.auto_snapshots = AutoSnapshotPolicies(self)
        #: Disks with an attach, detach or resize in flight (ATTACHING, DETACHING, EXPANDING).
        self.in_flight: InFlight[Disk] = InFlight(
            world.timeline, world.options.transitions, world.options.duration("transition"), self._settle
        )

    # -- hooks (docs/internals.md) ---------------------------------------------------------------------------

    def launch_disks(self, instance: Instance) -> None:
        """Create the disks of a new instance and fill in their ``DiskId`` in ``instance.system_disk`` and
        ``instance.data_disks``. Also makes the instance known to the Tag service (and through it to VPC).

        Data disks are elastic unless the dict says ``"Portable": False``; ``DeleteWithInstance`` defaults to
        true for postpaid disks and false for prepaid ones (RunInstances' documented default).
        """
        self.world.tag.track("instance", instance.instance_id, instance)
        charge_type = PREPAID if instance.charge_type == PREPAID else POSTPAID
        if not instance.system_disk:
            instance.system_disk.update({"DiskType": "CLOUD_BSSD", "DiskSize": 50})
        self._launch_one(instance, instance.system_disk, SYSTEM_DISK, charge_type)
        for spec in instance.data_disks:
            self._launch_one(instance, spec, DATA_DISK, charge_type)

    def _launch_one(self, instance: Instance, spec: dict[str, Any], usage: str, charge_type: str) -> None:
        disk_type = spec.setdefault("DiskType", "CLOUD_BSSD")
        if disk_type in LOCAL_DISK_TYPES:
            spec.setdefault("DiskId", self.world.ids.short("ldisk"))
            return
        system = usage == SYSTEM_DISK
        delete_with_instance = bool(spec.get("DeleteWithInstance", system or charge_type == POSTPAID))
        if not system:
            spec["DeleteWithInstance"] = delete_with_instance
        disk = Disk(
            disk_id=self._new_id(),
            uin=instance.uin,
            region=instance.region,
            zone=instance.zone,
            disk_type=disk_type,
            disk_size=int(spec.get("DiskSize", 50)),
            usage=usage,
            charge_type=charge_type,
            created_time=self.world.now,
            portable=False if system else bool(spec.get("Portable", True)),
            delete_with_instance=delete_with_instance,
            name=str(spec.get("DiskName", "")),
            state=ATTACHED,
            instance_id=instance.instance_id,
            last_instance_id=instance.instance_id,
            project_id=instance.project_id,
            deadline=instance.expired_time if charge_type == PREPAID else None,
            renew_flag=(instance.renew_flag or "NOTIFY_AND_MANUAL_RENEW") if charge_type == PREPAID else "",
            encrypt=bool(spec.get("Encrypt", False)),
            snapshot_id=str(spec.get("SnapshotId") or ""),  # checked by RunInstances
        )
        spec["DiskId"] = disk.disk_id
        self.add(disk)
        self.prepaid.schedule(disk)

    def instance_released(self, instance: Instance, release_prepaid_data_disks: bool) -> None:
        """Apply the release rules to the instance's disks: the system disk and non-elastic disks are deleted;
        elastic postpaid disks are deleted with ``DeleteWithInstance``, elastic prepaid disks with
        ``release_prepaid_data_disks``; every other elastic disk is detached and kept (UNATTACHED)."""
        for disk in self.attached_to(instance.instance_id, instance.uin, instance.region):
            if disk.usage == SYSTEM_DISK or not disk.portable:
                goes = True
            elif disk.charge_type == PREPAID:
                goes = release_prepaid_data_disks
            else:
                goes = disk.delete_with_instance
            if goes:
                self.delete(disk)
            else:
                self.in_flight.forget(disk)
                disk.state, disk.instance_id, disk.settles_to = UNATTACHED, None, None
                self.disks.changed(disk)
                self.prepaid.kept_after_instance(disk)

    # -- reads -----------------------------------------------------------------------------------------------

    def get(self, uin: str, region: str, disk_id: str) -> Optional[Disk]:
        return self.disks.get(uin, region, disk_id)

    def attached_to(self, instance_id: str, uin: str, region: str) -> list[Disk]:
        return self.disks.by(uin, region, "instance-id", instance_id)

    def describe(self, uin: str, region: str, params: dict[str, Any]) -> tuple[int, list[Disk]]:
        """``(TotalCount, page)`` of DescribeDisks: ids or filters, then ``Order``/``OrderField``, then paging."""
        order = params.get("Order", "ASC")
        if order not in ("ASC", "DESC"):
            raise InvalidParameterValue(f"Order must be ASC or DESC, got {order!r}.")
        order_field = params.get("OrderField", "CREATE_TIME")
        if order_field not in ("CREATE_TIME", "DEADLINE"):
            raise InvalidParameterValue(f"OrderField must be CREATE_TIME or DEADLINE, got {order_field!r}.")
        ids, filters = params.get("DiskIds"), params.get("Filters")
        if order == "ASC" and order_field == "CREATE_TIME":
            return self.disks.describe(uin, region, ids, filters, params.get("Offset"), params.get("Limit"))
        start, size = self.disks.paging(params.get("Offset"), params.get("Limit"))
        selected = self.disks.select(uin, region, ids, filters)
        if order_field == "DEADLINE":
            selected.sort(key=lambda d: d.deadline if d.deadline is not None else float("inf"))
        if order == "DESC":
            selected.reverse()
        return len(selected), selected[start : start + size]

    def _instance_field(self, disk: Disk, field: str) -> Optional[str]:
        if disk.instance_id is None:
            return None
        instance = self.world.tag.find_instance(disk.uin, disk.region, disk.instance_id)
        return None if instance is None else getattr(instance, field)

    def _instance_ips(self, disk: Disk) -> list[str]:
        return [ip for ip in (self._instance_field(disk, "private_ip"), self._instance_field(disk, "public_ip")) if ip]

    # -- changes ---------------------------------------------------------------------------------------------

    def create(self, uin: str, region: str, params: dict[str, Any]) -> list[str]:
        charge_type = params["DiskChargeType"]
        if charge_type not in (PREPAID, POSTPAID):
            raise InvalidParameterValue(f"DiskChargeType must be PREPAID or POSTPAID_BY_HOUR, got {charge_type!r}.")
        disk_type = params["DiskType"]
        if disk_type not in CLOUD_DISK_TYPES:
            raise InvalidParameterValue(f"DiskType must be one of {', '.join(CLOUD_DISK_TYPES)}, got {disk_type!r}.")
        zone = params["Placement"]["Zone"]
        if zone not in {z.zone for z in REGIONS[region].zones}:
            raise InvalidParameterValue(f"The zone {zone!r} is not a zone of {region}.")
        snapshot = None
        if params.get("SnapshotId"):
            snapshot = self.snapshots.usable(uin, region, params["SnapshotId"])
            if snapshot.zone != zone:
                raise ApiError(
                    f"The snapshot {snapshot.snapshot_id} is in {snapshot.zone}; a disk is created from it in its "
                    "own zone only.",
                    code="ResourceUnavailable.ZoneNotMatch",
                )
        if "DiskSize" not in params and snapshot is None:
            raise MissingParameter("CreateDisks needs DiskSize (or a SnapshotId).")
        size = params.get("DiskSize", snapshot.disk_size if snapshot else 0)
        if not MIN_SIZE <= size <= MAX_SIZE:
            raise InvalidParameterValue(f"DiskSize must be between {MIN_SIZE} and {MAX_SIZE} GB, got {size}.")
        if snapshot is not None and size < snapshot.disk_size:
            raise ApiError(
                f"DiskSize {size} GB is smaller than the snapshot {snapshot.snapshot_id} ({snapshot.disk_size} GB).",
                code="InvalidParameter.DiskSizeNotMatch",
            )
        check_name(params, "DiskName", in_bytes=True)
        count = params.get("DiskCount", 1)
        if not 1 <= count <= MAX_CREATE:
            raise ApiError(
                f"DiskCount must be between 1 and {MAX_CREATE}, got {count}.",
                code="InvalidParameterValue.LimitExceeded",
            )
        period, renew_flag = 0, ""
        if charge_type == PREPAID:
            period, renew_flag = read_prepaid(params.get("DiskChargePrepaid"), "A PREPAID disk")
            total = self.prepaid.month_price(size) * period * count
            self.prepaid.check_balance(uin, total, f"{count} prepaid disk(s) of {size} GB for {period} month(s)")
        tags = check_tags((t["Key"], t["Value"]) for t in params.get("Tags", []))
        ids = []
        for _ in range(count):
            disk = Disk(
                disk_id=self._new_id(),
                uin=uin,
                region=region,
                zone=zone,
                disk_type=disk_type,
                disk_size=size,
                usage=DATA_DISK,
                charge_type=charge_type,
                created_time=self.world.now,
                name=params.get("DiskName", ""),
                project_id=params["Placement"].get("ProjectId", 0),
                encrypt=params.get("Encrypt") == "ENCRYPT" or (snapshot is not None and snapshot.encrypt),
                snapshot_id=snapshot.snapshot_id if snapshot else "",
                shareable=params.get("Shareable", False),
                tags=dict(tags),
            )
            self.add(disk)
            if charge_type == PREPAID:
                self.prepaid.start(disk, period, renew_flag, f"disk prepaid {period} month(s)")
            ids.append(disk.disk_id)
        return ids

    def add(self, disk: Disk) -> None:
        """Put a disk into the world (also used by control APIs and benchmarks); postpaid disks start charging."""
        self.disks.add(disk)
        self.world.tag.track("volume", disk.disk_id, disk)
        if disk.charge_type == POSTPAID:
            self._rate(disk, self.world.billing.price("disk_gb_hour") * disk.disk_size)

    def attach(self, uin: str, region: str, params: dict[str, Any]) -> None:
        check_batch(params["DiskIds"], MAX_MOVED_PER_CALL, "AttachDisks")
        disks = self._existing_all(uin, region, params["DiskIds"])
        instance = self._instance(uin, region, params["InstanceId"])
        for disk in disks:
            self._check_movable(disk)
            self.check_usable(disk)
            if disk.attached:
                raise ApiError(
                    f"The disk {disk.disk_id} is already attached to {disk.instance_id}; detach it first.",
                    code="ResourceUnavailable.Attached",
                )
            if disk.zone != instance.zone:
                raise ApiError(
                    f"The disk {disk.disk_id} is in {disk.zone} and the instance {instance.instance_id} in "
                    f"{instance.zone}; a disk attaches only in its own zone.",
                    code="ResourceUnavailable.ZoneNotMatch",
                )
        data_disks = [d for d in self.attached_to(instance.instance_id, uin, region) if d.usage == DATA_DISK]
        if len(data_disks) + len(disks) > MAX_DATA_DISKS_PER_INSTANCE:
            raise ApiError(
                f"The instance {instance.instance_id} would have {len(data_disks) + len(disks)} data disks; at "
                f"most {MAX_DATA_DISKS_PER_INSTANCE} are allowed.",
                code="LimitExceeded.InstanceAttachedDisk",
            )
        delete_with_instance = params.get("DeleteWithInstance")
        for disk in disks:
            disk.state, disk.instance_id, disk.last_instance_id = ATTACHING, instance.instance_id, instance.instance_id
            disk.settles_to = ATTACHED
            if delete_with_instance is not None:
                disk.delete_with_instance = bool(delete_with_instance)
            self.disks.changed(disk)
            instance.data_disks.append(disk.to_instance_data_disk())
            self.in_flight.begin(disk, f"attach {disk.disk_id}")

    def detach(self, uin: str, region: str, params: dict[str, Any]) -> None:
        check_batch(params["DiskIds"], MAX_MOVED_PER_CALL, "DetachDisks")
        disks = self._existing_all(uin, region, params["DiskIds"])
        wanted = params.get("InstanceId")
        for disk in disks:
            self._check_movable(disk)
            self.check_usable(disk)
            if disk.instance_id is None:
                raise ApiError(f"The disk {disk.disk_id} is not attached.", code="InvalidDisk.NotSupported")
            if wanted is not None and disk.instance_id != wanted:
                raise InvalidParameterValue(
                    f"The disk {disk.disk_id} is attached to {disk.instance_id}, not to {wanted}."
                )
        hosts = {d.instance_id for d in disks}
        if len(hosts) > 1:
            raise InvalidParameterValue("DetachDisks detaches disks of one instance per call.")
        for disk in disks:
            host = self.world.tag.find_instance(uin, region, disk.instance_id or "")
            if host is not None and host.state not in ATTACHABLE_STATES:
                raise ApiError(
                    f"The instance {host.instance_id} is {host.state}; disks can be detached from a RUNNING or "
                    "STOPPED instance.",
                    code="InvalidInstance.NotSupported",
                )
        for disk in disks:
            disk.state, disk.settles_to = DETACHING, UNATTACHED
            self.disks.changed(disk)
            self.in_flight.begin(disk, f"detach {disk.disk_id}")

    def terminate(self, uin: str, region: str, disk_ids: list[str]) -> None:
        """A postpaid disk is deleted; a prepaid one goes into the recycle bin, and out of it for good."""
        disks = self._existing_all(uin, region, disk_ids)
        for disk in disks:
            if disk in self.in_flight:
                raise self.busy(disk)
            if disk.attached:
                raise ApiError(
                    f"The disk {disk.disk_id} is attached to {disk.instance_id}; detach it before terminating it.",
                    code="ResourceUnavailable.NotSupported",
                )
        for disk in disks:
            if disk.charge_type == PREPAID and not disk.in_bin:
                self.prepaid.stop(disk)
                self.prepaid.to_bin(disk, self.world.now + BIN_DAYS * DAY)
            else:
                self.delete(disk)

    # -- internals -------------------------------------------------------------------------------------------

    def _existing_all(self, uin: str, region: str, disk_ids: list[str]) -> list[Disk]:
        return self.disks.existing_all(uin, region, disk_ids, "disks")

    def _instance(self, uin: str, region: str, instance_id: str) -> Instance:
        if not INSTANCE_ID.match(instance_id):
            raise InvalidParameterValue(
                f"The instance id {instance_id!r} is malformed; expected ins- and 8 letters or digits."
            )
        instance = self.world.tag.find_instance(uin, region, instance_id)
        if instance is None or instance.released:
            raise ApiError(
                f"The instance {instance_id} does not exist in {region} (or was released).",
                code="InvalidInstanceId.NotFound",
            )
        if instance.state not in ATTACHABLE_STATES:
            raise ApiError(
                f"The instance {instance_id} is {instance.state}; disks attach to a RUNNING or STOPPED instance.",
                code="InvalidInstance.NotSupported",
            )
        return instance

    @staticmethod
    def _check_movable(disk: Disk) -> None:
        if disk.usage == SYSTEM_DISK:
            raise ApiError(
                f"The disk {disk.disk_id} is a system disk; it cannot be attached or detached.",
                code="ResourceUnavailable.TypeError",
            )
        if not disk.portable:
            raise ApiError(
                f"The disk {disk.disk_id} is not elastic (Portable=false); it lives and dies with its instance.",
                code="ResourceUnavailable.NotPortable",
            )

    def check_usable(self, disk: Disk) -> None:
        """Refuse an operation on a disk in the recycle bin or with another operation in flight."""
        if disk.bin_deadline is not None:
            raise ApiError(
                f"The disk {disk.disk_id} is expired or in the recycle bin; renew it with RenewDisk first.",
                code="ResourceUnavailable.Expire",
            )
        if disk in self.in_flight:
            raise self.busy(disk)

    @staticmethod
    def busy(disk: Disk) -> ApiError:
        return ApiError(
            f"The disk {disk.disk_id} is {disk.state}; wait until the operation in progress finishes.",
            code="InvalidDisk.Busy",
        )

    def _settle(self, disk: Disk) -> None:
        settled, disk.settles_to = disk.settles_to, None
        if settled is None or disk.released:
            return
        if settled == UNATTACHED and disk.instance_id is not None:
            self.detach_now(disk)
        else:
            disk.state = settled
            self.disks.changed(disk)

    def detach_now(self, disk: Disk) -> None:
        host_id = disk.instance_id
        if host_id is None:
            return
        host = self.world.tag.find_instance(disk.uin, disk.region, host_id)
        if host is not None:
            host.data_disks[:] = [d for d in host.data_disks if d.get("DiskId") != disk.disk_id]
        disk.state, disk.instance_id = UNATTACHED, None
        self.disks.changed(disk)

    def delete(self, disk: Disk) -> None:
        """The disk is gone for good (rates stop, events are cancelled, the Tag service forgets it)."""
        self.in_flight.forget(disk)
        self.prepaid.stop(disk)
        self.auto_snapshots.disk_deleted(disk.disk_id)
        if disk.charge_type == POSTPAID:
            self._rate(disk, Decimal(0))
        disk.released = True
        disk.state, disk.instance_id = UNATTACHED, None
        self.disks.remove(disk)
        self.world.tag.untrack(disk.uin, "volume", disk.disk_id)

    def sync_instance_view(self, disk: Disk) -> None:
        """Show the disk's current flags in its instance's ``DataDisks``."""
        host = self.world.tag.find_instance(disk.uin, disk.region, disk.instance_id) if disk.instance_id else None
        if host is not None:
            for spec in host.data_disks:
                if spec.get("DiskId") == disk.disk_id:
                    spec["DeleteWithInstance"] = disk.delete_with_instance

    def set_hourly_rate(self, disk: Disk, rate: Decimal) -> None:
        self._rate(disk, rate)

    def _rate(self, disk: Disk, rate: Decimal) -> None:
        self.world.billing.set_rate(disk.uin, disk.disk_id, RATE_REASON, rate)

    def _new_id(self) -> str:
        while True:
            disk_id = self.world.ids.short("disk")
            if disk_id not in self.disks:
                return disk_id

