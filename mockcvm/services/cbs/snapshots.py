"""Snapshots of cloud disks: CreateSnapshot (CREATING -> NORMAL with ``Percent``, by the ``transitions`` option),
DescribeSnapshots, DeleteSnapshots, ModifySnapshotAttribute, CreateDisks from a snapshot. What CVM does with
snapshots (RunInstances from one, the snapshots of images: ``Images``, ``ImageCount``) is in ``image_snapshots.py``.

A snapshot's storage is charged ``price("snapshot_gb_hour") * DiskSize`` per hour from creation until it is
deleted (by DeleteSnapshots, at its ``Deadline``, or with its image). A snapshot outlives its disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

from mockcvm import clock
from mockcvm.compat import SLOTS
from mockcvm.engine.resources import Codes, Filter, Kind, Store
from mockcvm.engine.timeline import Event, Order
from mockcvm.engine.transitions import InFlight
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter, NotImplementedByMockcvm
from mockcvm.regions import REGIONS
from mockcvm.services.cbs.models import ROLLBACKING, check_name
from mockcvm.services.tag.validation import check_tags

if TYPE_CHECKING:
    from mockcvm.services.cbs.backend import CbsBackend
    from mockcvm.services.cbs.models import Disk
    from mockcvm.services.cvm.images import Image

CREATING, NORMAL = "CREATING", "NORMAL"
RATE_REASON = "snapshot"


@dataclass(eq=False, **SLOTS)
class Snapshot:
    snapshot_id: str
    uin: str
    region: str
    zone: str
    disk_id: str
    disk_size: int
    disk_usage: str
    created_time: float
    name: str = ""
    state: str = CREATING
    encrypt: bool = False
    project_id: int = 0
    deadline: Optional[float] = None  # None: permanent
    policy_id: str = ""  # the auto snapshot policy that took it
    #: account id -> when the snapshot was shared with it
    shared_with: dict[str, float] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    #: Of a system disk: the image its instance ran when the snapshot was taken (an image made of the snapshot
    #: takes its OS from it).
    source_image_id: str = ""
    #: The images made with this snapshot (CreateImage, SyncImages); while one exists the snapshot stays.
    images: list[Image] = field(default_factory=list)
    released: bool = False
    #: ``created_time`` as the API shows it, formatted once (every Describe row reads it).
    created_text: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.created_text = clock.spaced(self.created_time)


SNAPSHOT: Kind[Snapshot] = Kind(
    service="cbs",
    output="Snapshot",
    noun="snapshot",
    id_attr="snapshot_id",
    id_prefix="snap",
    codes=Codes(
        malformed="InvalidParameterValue",
        not_found="InvalidSnapshotId.NotFound",
        coexist="InvalidParameterValue",
        unknown_filter="InvalidFilter",
        paging="InvalidParameterValue",
    ),
    render={
        "SnapshotId": lambda s: s.snapshot_id,
        "SnapshotName": lambda s: s.name,
        "SnapshotState": lambda s: s.state,
        "Percent": lambda s: 100 if s.state == NORMAL else 0,
        "DiskId": lambda s: s.disk_id,
        "DiskSize": lambda s: s.disk_size,
        "DiskUsage": lambda s: s.disk_usage,
        "Encrypt": lambda s: s.encrypt,
        "IsPermanent": lambda s: s.deadline is None,
        "DeadlineTime": lambda s: clock.spaced(s.deadline) if s.deadline is not None else "",
        "CreateTime": lambda s: s.created_text,
        "SnapshotType": lambda s: "PRIVATE_SNAPSHOT",
        "AutoSnapshotPolicyId": lambda s: s.policy_id,
        # fresh empty lists here are cheaper than the renderer's deep copy of a neutral value
        "CopyingToRegions": lambda s: [],
        "Images": lambda s: [{"ImageId": i.image_id, "ImageName": i.image_name} for i in s.images],
        "ImageCount": lambda s: len(s.images),
        "ShareReference": lambda s: len(s.shared_with),
        "SnapshotMode": lambda s: "STANDARD_SNAPSHOT",
        "Tags": lambda s: [{"Key": k, "Value": v} for k, v in s.tags.items()],
        "Placement": lambda s: {"Zone": s.zone, "CageId": "", "ProjectId": s.project_id, "ProjectName": "默认项目",
                                "CdcName": "", "CdcId": "", "DedicatedClusterId": ""},
    },
    filters={
        "snapshot-id": Filter(lambda s: s.snapshot_id),
        "disk-id": Filter(lambda s: s.disk_id, indexed=True),
        "disk-usage": Filter(lambda s: s.disk_usage),
        "snapshot-name": Filter(lambda s: s.name),
        "snapshot-state": Filter(lambda s: s.state, indexed=True),
        "zone": Filter(lambda s: s.zone),
        "project-id": Filter(lambda s: str(s.project_id)),
        "encrypt": Filter(lambda s: "TRUE" if s.encrypt else "FALSE"),
        "snapshot-type": Filter(lambda s: "PRIVATE_SNAPSHOT"),
    },
    tags=lambda s: s.tags,
)


class Snapshots:
    def __init__(self, cbs: CbsBackend) -> None:
        self.cbs = cbs
        self.world = cbs.world
        self.store: Store[Snapshot] = Store(SNAPSHOT)
        self.in_flight: InFlight[Snapshot] = InFlight(
            self.world.timeline, self.world.options.transitions, self.world.options.duration("transition"),
            self._settle,
        )
        self._deadlines: dict[str, Event] = {}

    def create(self, uin: str, region: str, params: dict[str, Any]) -> str:
        if params.get("DiskBackupId") or params.get("LocalSnap"):
            raise NotImplementedByMockcvm("Snapshots of disk backups and local snapshots are not modelled.")
        if not params.get("DiskId"):
            raise MissingParameter("CreateSnapshot needs DiskId.")
        disk = self.cbs.disks.existing(uin, region, params["DiskId"])
        self.cbs.check_usable(disk)
        deadline = self._deadline(params.get("Deadline"))
        tags = check_tags((t["Key"], t["Value"]) for t in params.get("Tags", []))
        return self.take(disk, params.get("SnapshotName", ""), deadline, "", tags).snapshot_id

    def take(
        self, disk: Disk, name: str, deadline: Optional[float], policy_id: str = "",
        tags: Optional[dict[str, str]] = None,
    ) -> Snapshot:
        """A new snapshot of ``disk`` (CREATING until the transition settles), charged from now."""
        host = self.world.cvm.get(disk.uin, disk.region, disk.instance_id) if disk.instance_id else None
        snapshot = Snapshot(
            snapshot_id=self.new_id(), uin=disk.uin, region=disk.region, zone=disk.zone, disk_id=disk.disk_id,
            disk_size=disk.disk_size, disk_usage=disk.usage, created_time=self.world.now, name=name,
            encrypt=disk.encrypt, project_id=disk.project_id, deadline=deadline, policy_id=policy_id,
            tags=dict(tags or {}),
            source_image_id=host.image_id if host is not None and disk.usage == "SYSTEM_DISK" else "",
        )
        self.start(snapshot)
        return snapshot

    def start(self, snapshot: Snapshot) -> None:
        self.store.add(snapshot)
        self.world.tag.track("snapshot", snapshot.snapshot_id, snapshot)
        self._rate(snapshot, self.world.billing.price("snapshot_gb_hour") * snapshot.disk_size)
        self._schedule(snapshot)
        self.in_flight.begin(snapshot, f"snapshot {snapshot.snapshot_id}")

    def _deadline(self, text: Optional[str]) -> Optional[float]:
        if not text:
            return None
        try:
            moment = clock.parse_iso(text)
        except ValueError:
            raise InvalidParameterValue(f"Deadline must be YYYY-MM-DDThh:mm:ssZ, got {text!r}.") from None
        if moment <= self.world.now:
            raise InvalidParameterValue(f"Deadline {text} is not in the future.")
        return moment

    def _settle(self, snapshot: Snapshot) -> None:
        if not snapshot.released:
            snapshot.state = NORMAL
            self.store.changed(snapshot)

    def describe(self, uin: str, region: str, params: dict[str, Any]) -> tuple[int, list[Snapshot]]:
        order, field_name = params.get("Order", "ASC"), params.get("OrderField", "CREATE_TIME")
        if order not in ("ASC", "DESC") or field_name not in ("CREATE_TIME", "DISK_SIZE"):
            raise InvalidParameterValue("Order must be ASC or DESC and OrderField CREATE_TIME or DISK_SIZE.")
        ids, filters = params.get("SnapshotIds"), params.get("Filters")
        if order == "ASC" and field_name == "CREATE_TIME":
            return self.store.describe(uin, region, ids, filters, params.get("Offset"), params.get("Limit"))
        start, size = self.store.paging(params.get("Offset"), params.get("Limit"))
        selected = self.store.select(uin, region, ids, filters)
        if field_name == "DISK_SIZE":
            selected.sort(key=lambda s: s.disk_size)
        if order == "DESC":
            selected.reverse()
        return len(selected), selected[start : start + size]

    def usable(self, uin: str, region: str, snapshot_id: str) -> Snapshot:
        """A NORMAL snapshot to create a disk from (refused while CREATING)."""
        snapshot = self.store.existing(uin, region, snapshot_id)
        if snapshot.state != NORMAL:
            raise ApiError(
                f"The snapshot {snapshot_id} is {snapshot.state}; wait until it is NORMAL.",
                code="InvalidSnapshot.NotSupported",
            )
        return snapshot

    def delete_all(self, uin: str, region: str, ids: list[str], delete_bound_images: bool = False) -> None:
        """DeleteSnapshots: all or nothing. A snapshot an image was made with is refused unless
        ``delete_bound_images``, which deletes those images too (refused as DeleteImages would refuse them)."""
        from mockcvm.services.cvm import private_images

        snapshots = self.store.existing_all(uin, region, ids, "snapshots")
        images: list[Image] = []
        for snapshot in snapshots:
            if snapshot.state == CREATING:
                raise ApiError(
                    f"The snapshot {snapshot.snapshot_id} is CREATING; delete it once it is NORMAL.",
                    code="InvalidSnapshot.NotSupported",
                )
            if snapshot.images and not delete_bound_images:
                raise ApiError(
                    f"The snapshot {snapshot.snapshot_id} belongs to the image {snapshot.images[0].image_id}; delete "
                    "the image first, or pass DeleteBindImages=true to delete it with the snapshot.",
                    code="UnsupportedOperation.SnapshotHasBindedImage",
                )
            images += [i for i in snapshot.images if i not in images]
        for image in images:
            private_images.check_deletable(self.world.images, image)
        for image in images:
            private_images.remove(self.world.images, image, delete_snapshots=False)
        for snapshot in snapshots:
            self.delete(snapshot)

    def delete(self, snapshot: Snapshot) -> None:
        self.in_flight.forget(snapshot)
        self.world.timeline.cancel(self._deadlines.pop(snapshot.snapshot_id, None))
        self._rate(snapshot, Decimal(0))
        snapshot.released = True
        self.store.remove(snapshot)
        self.world.tag.untrack(snapshot.uin, "snapshot", snapshot.snapshot_id)

    def modify(self, uin: str, region: str, params: dict[str, Any]) -> None:
        snapshot = self.store.existing(uin, region, params["SnapshotId"])
        check_name(params, "SnapshotName")
        permanent = params.get("IsPermanent")
        deadline = self._deadline(params.get("Deadline"))
        if permanent and deadline is not None:
            raise InvalidParameterValue("IsPermanent=true and a Deadline cannot be given together.")
        if permanent is False and deadline is None:
            raise MissingParameter("IsPermanent=false needs a Deadline.")
        if "SnapshotName" in params:
            snapshot.name = params["SnapshotName"]
        if permanent:
            snapshot.deadline = None
        elif deadline is not None:
            snapshot.deadline = deadline
        self._schedule(snapshot)

    def _schedule(self, snapshot: Snapshot) -> None:
        self.world.timeline.cancel(self._deadlines.pop(snapshot.snapshot_id, None))
        if snapshot.deadline is not None:
            self._deadlines[snapshot.snapshot_id] = self.world.timeline.schedule(
                snapshot.deadline, Order.RELEASE, lambda: self.delete(snapshot), f"snapshot {snapshot.snapshot_id}"
            )

    def apply(self, uin: str, region: str, params: dict[str, Any]) -> None:
        """ApplySnapshot: roll the snapshot's own disk back to it (ROLLBACKING, then the disk's state before)."""
        if params.get("AutoStopInstance") or params.get("AutoStartInstance"):
            raise NotImplementedByMockcvm("ApplySnapshot AutoStopInstance/AutoStartInstance is not modelled; stop "
                                          "the instance with StopInstances first.")
        snapshot = self.usable(uin, region, params["SnapshotId"])
        disk = self.cbs.disks.existing(uin, region, params["DiskId"])
        if snapshot.disk_id != disk.disk_id:
            raise ApiError(
                f"The snapshot {snapshot.snapshot_id} was taken of {snapshot.disk_id}; it rolls back only that disk, "
                f"not {disk.disk_id} (create a new disk from it instead).",
                code="InvalidSnapshot.NotSupported",
            )
        self.cbs.check_usable(disk)
        host = self.world.tag.find_instance(uin, region, disk.instance_id) if disk.instance_id else None
        if host is not None and host.state != "STOPPED":
            raise ApiError(
                f"The disk {disk.disk_id} is attached to {host.instance_id}, which is {host.state}; stop the "
                "instance before rolling its disk back.",
                code="UnsupportedOperation.InstanceNotStopped",
            )
        disk.settles_to, disk.state = disk.state, ROLLBACKING
        self.cbs.disks.changed(disk)
        self.cbs.in_flight.begin(disk, f"rollback {disk.disk_id}")

    def copy_cross_regions(self, uin: str, region: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """A copy in each destination region (CREATING, then NORMAL); a region that cannot take one is reported in
        its result row, the others are copied."""
        if not params.get("SnapshotId"):
            raise MissingParameter("CopySnapshotCrossRegions needs SnapshotId.")
        source = self.usable(uin, region, params["SnapshotId"])
        results = []
        for target in dict.fromkeys(params["DestinationRegions"]):
            if target not in REGIONS or target == region:
                reason = "is the snapshot's own region" if target == region else "does not exist"
                results.append({"DestinationRegion": target, "SnapshotId": "", "Code": "InvalidParameterValue",
                                "Message": f"The region {target!r} {reason}."})
                continue
            copy = Snapshot(
                snapshot_id=self.new_id(), uin=uin, region=target, zone=REGIONS[target].zones[0].zone,
                disk_id=source.disk_id, disk_size=source.disk_size, disk_usage=source.disk_usage,
                created_time=self.world.now, name=params.get("SnapshotName") or source.name,
                encrypt=source.encrypt, project_id=source.project_id,
            )
            self.start(copy)
            results.append({"DestinationRegion": target, "SnapshotId": copy.snapshot_id, "Code": "Success",
                            "Message": ""})
        return results

    def share(self, uin: str, region: str, params: dict[str, Any]) -> None:
        permission = params["Permission"]
        if permission not in ("SHARE", "CANCEL"):
            raise InvalidParameterValue(f"Permission must be SHARE or CANCEL, got {permission!r}.")
        accounts = list(dict.fromkeys(params["AccountIds"]))
        for account in accounts:
            if not account.isdigit() or account == uin:
                raise InvalidParameterValue(f"The account id {account!r} is not another account's uin.")
        snapshots = self.store.existing_all(uin, region, params["SnapshotIds"], "snapshots")
        for snapshot in snapshots:
            if snapshot.state != NORMAL:
                raise ApiError(f"The snapshot {snapshot.snapshot_id} is {snapshot.state}; share it once NORMAL.",
                               code="InvalidSnapshot.NotSupported")
            if snapshot.encrypt:
                raise ApiError(f"The snapshot {snapshot.snapshot_id} is encrypted; encrypted snapshots cannot be "
                               "shared.", code="UnsupportedOperation.DiskEncrypt")
        for snapshot in snapshots:
            for account in accounts:
                if permission == "SHARE":
                    snapshot.shared_with.setdefault(account, self.world.now)
                else:
                    snapshot.shared_with.pop(account, None)

    def shared(self, uin: str, region: str, snapshot_id: str) -> list[dict[str, Any]]:
        snapshot = self.store.existing(uin, region, snapshot_id)
        return [{"AccountId": a, "CreatedTime": clock.spaced(t)} for a, t in snapshot.shared_with.items()]

    def overview(self, uin: str) -> dict[str, Any]:
        """DescribeSnapshotOverview: the account's snapshots in every region (sizes in GB, no free quota)."""
        mine = self.store.all(uin)
        total = float(sum(s.disk_size for s in mine))
        return {"TotalSize": total, "RealTradeSize": total, "FreeQuota": 0.0, "TotalNums": len(mine)}

    def _rate(self, snapshot: Snapshot, rate: Decimal) -> None:
        self.world.billing.set_rate(snapshot.uin, snapshot.snapshot_id, RATE_REASON, rate)

    def new_id(self) -> str:
        while True:
            snapshot_id = self.world.ids.short("snap")
            if snapshot_id not in self.store:
                return snapshot_id
