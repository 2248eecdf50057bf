"""The cloud disk (CBS) as the fake keeps it, and how it reads in the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from mockcvm import clock
from mockcvm.compat import SLOTS

# DiskState values the fake uses (the API also has ATTACHING, DETACHING, EXPANDING, ROLLBACKING, DUMPING).
ATTACHED = "ATTACHED"
UNATTACHED = "UNATTACHED"
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
    #: ``created_time`` as the API shows it, formatted once (Describe calls read it for every row).
    created_text: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.created_text = clock.spaced(self.created_time)

    @property
    def attached(self) -> bool:
        return self.instance_id is not None

    def to_api(self) -> dict[str, Any]:
        """The ``Disk`` object of DescribeDisks (every member the schema says is always returned)."""
        prepaid = self.charge_type == PREPAID and self.deadline is not None
        return {
            "DeleteWithInstance": self.delete_with_instance,
            "RenewFlag": self.renew_flag,
            "DiskType": self.disk_type,
            "DiskState": self.state,
            "SnapshotCount": 0,
            "AutoRenewFlagError": False,
            "Rollbacking": False,
            "InstanceIdList": [self.instance_id] if self.instance_id else [],
            "Encrypt": self.encrypt,
            "DiskName": self.name,
            "BackupDisk": False,
            "Tags": [{"Key": k, "Value": v} for k, v in self.tags.items()],
            "InstanceId": self.instance_id or "",
            "AttachMode": "PF" if self.attached else "",
            "AutoSnapshotPolicyIds": [],
            "ThroughputPerformance": 0,
            "Migrating": False,
            "DiskId": self.disk_id,
            "SnapshotSize": 0,
            "Placement": {
                "Zone": self.zone,
                "CageId": "",
                "ProjectId": self.project_id,
                "ProjectName": "默认项目",
                "CdcName": "",
                "CdcId": "",
                "DedicatedClusterId": "",
            },
            "IsReturnable": self.charge_type == PREPAID,
            "DeadlineTime": clock.spaced(self.deadline) if prepaid and self.deadline is not None else None,
            "Attached": self.attached,
            "DiskSize": self.disk_size,
            "MigratePercent": 0,
            "DiskUsage": self.usage,
            "DiskChargeType": self.charge_type,
            "Portable": self.portable,
            "SnapshotAbility": True,
            "DeadlineError": False,
            "RollbackPercent": 0,
            "DifferDaysOfDeadline": -1,
            "ReturnFailCode": 0,
            "Shareable": self.shareable,
            "CreateTime": self.created_text,
            "DeleteSnapshot": 0,
            "DiskBackupQuota": 0,
            "DiskBackupCount": 0,
            "InstanceType": "CVM",
            "LastAttachInsId": self.last_instance_id,
            "ErrorPrompt": "",
            "BurstPerformance": False,
        }

    def to_instance_data_disk(self) -> dict[str, Any]:
        """How the disk reads in an instance's ``DataDisks`` (DescribeInstances) once attached to it."""
        return {
            "DiskType": self.disk_type,
            "DiskId": self.disk_id,
            "DiskSize": self.disk_size,
            "DeleteWithInstance": self.delete_with_instance,
            "Encrypt": self.encrypt,
        }
