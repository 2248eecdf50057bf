"""The cloud disk (CBS) as the fake keeps it, and how it reads in the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from mockcvm import clock
from mockcvm.compat import SLOTS
from mockcvm.engine.resources import Codes, Filter, Kind
from mockcvm.errors import InvalidParameterValue

# DiskState values the fake uses (the API also has DUMPING).
ATTACHED = "ATTACHED"
UNATTACHED = "UNATTACHED"
ATTACHING = "ATTACHING"
DETACHING = "DETACHING"
EXPANDING = "EXPANDING"
ROLLBACKING = "ROLLBACKING"
#: In the disk recycle bin: an expired prepaid disk, or a prepaid disk returned with TerminateDisks.
TORECYCLE = "TORECYCLE"
AUTO_RENEW = "NOTIFY_AND_AUTO_RENEW"
MANUAL_RENEW = "NOTIFY_AND_MANUAL_RENEW"
RENEW_FLAGS = (AUTO_RENEW, MANUAL_RENEW, "DISABLE_NOTIFY_AND_MANUAL_RENEW")
SYSTEM_DISK = "SYSTEM_DISK"
DATA_DISK = "DATA_DISK"
PREPAID = "PREPAID"
POSTPAID = "POSTPAID_BY_HOUR"

CLOUD_DISK_TYPES = ("CLOUD_BASIC", "CLOUD_PREMIUM", "CLOUD_SSD", "CLOUD_HSSD", "CLOUD_TSSD", "CLOUD_BSSD")
#: Local disks live and die with their host; CBS does not list them (their ids start with ``ldisk-``).
LOCAL_DISK_TYPES = ("LOCAL_BASIC", "LOCAL_SSD", "LOCAL_NVME", "LOCAL_PRO")


@dataclass(eq=False, **SLOTS)
class Disk:
    disk_id: str
    uin: str
    region: str
    zone: str
    disk_type: str
    disk_size: int
    usage: str
    charge_type: str
    created_time: float
    portable: bool = True
    delete_with_instance: bool = False
    name: str = ""
    state: str = UNATTACHED
    instance_id: Optional[str] = None
    last_instance_id: str = ""
    project_id: int = 0
    deadline: Optional[float] = None  # PREPAID only
    renew_flag: str = ""
    encrypt: bool = False
    shareable: bool = False
    tags: dict[str, str] = field(default_factory=dict)
    released: bool = False
    #: The state the disk settles into while an operation is in flight (ATTACHING -> ATTACHED, ...).
    settles_to: Optional[str] = None
    #: When a disk in the recycle bin is released for good.
    bin_deadline: Optional[float] = None
    snapshot_id: str = ""
    #: ``created_time`` as the API shows it, formatted once (Describe calls read it for every row).
    created_text: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.created_text = clock.spaced(self.created_time)

    @property
    def attached(self) -> bool:
        return self.instance_id is not None

    @property
    def in_bin(self) -> bool:
        return self.state == TORECYCLE

    def to_instance_data_disk(self) -> dict[str, Any]:
        """How the disk reads in an instance's ``DataDisks`` (DescribeInstances) once attached to it."""
        return {
            "DiskType": self.disk_type,
            "DiskId": self.disk_id,
            "DiskSize": self.disk_size,
            "DeleteWithInstance": self.delete_with_instance,
            "Encrypt": self.encrypt,
        }


def _days_left(disk: Disk) -> int:
    """Whole days from now to a prepaid disk's deadline (-1 for postpaid disks)."""
    if disk.deadline is None:
        return -1
    return int((disk.deadline - clock.now()) // 86400)


#: The cloud disk as a resource kind: the ``Disk`` object of DescribeDisks, its filters and its codes (the
#: filters that read the disk's instance are added by the backend, which knows the world).
DISK: Kind[Disk] = Kind(
    service="cbs",
    output="Disk",
    noun="disk",
    id_attr="disk_id",
    id_prefix="disk",
    codes=Codes(
        malformed="InvalidParameterValue",
        not_found="InvalidDiskId.NotFound",
        coexist="InvalidParameterValue",
        unknown_filter="InvalidFilter",
        paging="InvalidParameterValue",
    ),
    render={
        "DeleteWithInstance": lambda d: d.delete_with_instance,
        "RenewFlag": lambda d: d.renew_flag,
        "DiskType": lambda d: d.disk_type,
        "DiskState": lambda d: d.state,
        "InstanceIdList": lambda d: [d.instance_id] if d.instance_id else [],
        "Encrypt": lambda d: d.encrypt,
        "DiskName": lambda d: d.name,
        "Tags": lambda d: [{"Key": k, "Value": v} for k, v in d.tags.items()],
        "InstanceId": lambda d: d.instance_id or "",
        "AttachMode": lambda d: "PF" if d.attached else "",
        "DiskId": lambda d: d.disk_id,
        "Placement": lambda d: {
            "Zone": d.zone,
            "CageId": "",
            "ProjectId": d.project_id,
            "ProjectName": "默认项目",
            "CdcName": "",
            "CdcId": "",
            "DedicatedClusterId": "",
        },
        "IsReturnable": lambda d: d.charge_type == PREPAID and not d.in_bin,
        "Rollbacking": lambda d: d.state == ROLLBACKING,
        "RollbackPercent": lambda d: 0 if d.state == ROLLBACKING else 100,
        "DeadlineTime": lambda d: clock.spaced(d.deadline) if d.charge_type == PREPAID and d.deadline is not None
        else "",
        "Attached": lambda d: d.attached,
        "DiskSize": lambda d: d.disk_size,
        "DiskUsage": lambda d: d.usage,
        "DiskChargeType": lambda d: d.charge_type,
        "Portable": lambda d: d.portable,
        "SnapshotAbility": lambda d: True,
        "DifferDaysOfDeadline": lambda d: _days_left(d),
        "Shareable": lambda d: d.shareable,
        "CreateTime": lambda d: d.created_text,
        "InstanceType": lambda d: "CVM",
        "LastAttachInsId": lambda d: d.last_instance_id,
    },
    filters={
        "disk-usage": Filter(lambda d: d.usage, indexed=True),
        "disk-charge-type": Filter(lambda d: d.charge_type, indexed=True),
        "portable": Filter(lambda d: "TRUE" if d.portable else "FALSE"),
        "project-id": Filter(lambda d: str(d.project_id)),
        "disk-id": Filter(lambda d: d.disk_id),
        "disk-name": Filter(lambda d: d.name),
        "disk-type": Filter(lambda d: d.disk_type, indexed=True),
        "disk-state": Filter(lambda d: d.state, indexed=True),
        "instance-id": Filter(lambda d: d.instance_id, indexed=True),
        "zone": Filter(lambda d: d.zone, indexed=True),
        "dedicated-cluster-id": Filter(lambda d: None),
        "cluster-group-id": Filter(lambda d: None),
    },
    tags=lambda d: d.tags,
)


def check_batch(disk_ids: list[str], limit: int, action: str) -> None:
    """``InvalidParameterValue.LimitExceeded`` when ``DiskIds`` names more disks than ``action`` takes."""
    if len(disk_ids) > limit:
        raise InvalidParameterValue(f"`DiskIds` has {len(disk_ids)} disks; {action} takes at most {limit} per call.",
                                    code="InvalidParameterValue.LimitExceeded")


def check_name(params: dict[str, Any], member: str, in_bytes: bool = False, limit: int = 60) -> None:
    """``InvalidParameterValue`` when the name ``params[member]`` is longer than its description allows (60
    characters, or 60 bytes of UTF-8 where the description counts bytes)."""
    name = params.get(member)
    if name is None:
        return
    size = len(name.encode("utf-8")) if in_bytes else len(name)
    if size > limit:
        unit = "bytes" if in_bytes else "characters"
        raise InvalidParameterValue(f"`{member}` is {size} {unit}; at most {limit} are allowed.")
