"""The CVM instance as the fake keeps it. Field names follow the API in snake_case.

This is the contract between the services: the CVM backend owns instances; billing, timers, CBS, VPC and Tag
read these fields and are told about changes through the hooks named in docs/internals.md.
"""

from __future__ import annotations

import hashlib
import re
import uuid as uuid_module
from dataclasses import dataclass, field
from typing import Any, Optional

from mockcvm.compat import SLOTS

PREPAID = "PREPAID"
POSTPAID = "POSTPAID_BY_HOUR"
SPOTPAID = "SPOTPAID"
CHARGE_TYPES = (PREPAID, POSTPAID, SPOTPAID)

# InstanceState values. There is no TERMINATED: a released instance is gone.
PENDING = "PENDING"
LAUNCH_FAILED = "LAUNCH_FAILED"
RUNNING = "RUNNING"
STOPPED = "STOPPED"
STARTING = "STARTING"
STOPPING = "STOPPING"
REBOOTING = "REBOOTING"
SHUTDOWN = "SHUTDOWN"  # in the recycle bin (停止待销毁)
TERMINATING = "TERMINATING"
ENTER_RESCUE_MODE = "ENTER_RESCUE_MODE"
RESCUE_MODE = "RESCUE_MODE"
EXIT_RESCUE_MODE = "EXIT_RESCUE_MODE"
STATES = (PENDING, LAUNCH_FAILED, RUNNING, STOPPED, STARTING, STOPPING, REBOOTING, SHUTDOWN, TERMINATING,
          ENTER_RESCUE_MODE, RESCUE_MODE, EXIT_RESCUE_MODE)

#: ``Instance.settles_to`` while TERMINATING: the instance is released (gone from every read) when it settles.
RELEASED = "RELEASED"

# RestrictState / IsolatedSource / StopChargingMode / LatestOperationState values.
NORMAL = "NORMAL"
EXPIRED = "EXPIRED"
NOTISOLATED = "NOTISOLATED"
MANMADE = "MANMADE"
EXPIRE = "EXPIRE"
ARREAR = "ARREAR"
KEEP_CHARGING = "KEEP_CHARGING"
STOP_CHARGING = "STOP_CHARGING"
NOT_APPLICABLE = "NOT_APPLICABLE"
OPERATING = "OPERATING"
SUCCESS = "SUCCESS"
FAILED = "FAILED"

AUTO_RENEW = "NOTIFY_AND_AUTO_RENEW"
MANUAL_RENEW = "NOTIFY_AND_MANUAL_RENEW"
RENEW_FLAGS = (AUTO_RENEW, MANUAL_RENEW, "DISABLE_NOTIFY_AND_MANUAL_RENEW")
#: The months a prepaid Period may be.
PERIODS = frozenset(list(range(1, 13)) + [24, 36, 48, 60])

INSTANCE_ID = re.compile(r"ins-[a-z0-9]{8}\Z")


@dataclass(eq=False, **SLOTS)  # ~450 bytes an instance instead of ~1.5 KiB with a __dict__
class Instance:
    instance_id: str
    uin: str
    region: str
    zone: str
    instance_type: str
    image_id: str
    charge_type: str
    name: str
    created_time: float
    cpu: int = 1
    memory: int = 1
    state: str = PENDING
    #: While an operation is in flight: the state it settles into (``RELEASED`` for a TERMINATING instance);
    #: None once settled. The shown ``state`` may already equal it (a prepaid terminate shows SHUTDOWN at once).
    settles_to: Optional[str] = None
    restrict_state: str = "NORMAL"  # NORMAL / EXPIRED / PROTECTIVELY_ISOLATED
    isolated_source: str = "NOTISOLATED"  # ARREAR / EXPIRE / MANMADE / NOTISOLATED
    stop_charging_mode: str = "NOT_APPLICABLE"  # KEEP_CHARGING / STOP_CHARGING / NOT_APPLICABLE
    disable_api_termination: bool = False
    expired_time: Optional[float] = None  # PREPAID only
    renew_flag: Optional[str] = None  # PREPAID only: NOTIFY_AND_MANUAL_RENEW / NOTIFY_AND_AUTO_RENEW / ...
    tags: dict[str, str] = field(default_factory=dict)
    system_disk: dict[str, Any] = field(default_factory=dict)  # API shape: DiskType, DiskId, DiskSize
    data_disks: list[dict[str, Any]] = field(default_factory=list)  # API shape, with DiskId, DeleteWithInstance
    private_ip: str = ""
    public_ip: Optional[str] = None  # the ordinary public IP (InternetAccessible.PublicIpAssigned)
    internet_max_bandwidth_out: int = 0
    internet_charge_type: Optional[str] = None
    vpc_id: str = ""
    subnet_id: str = ""
    security_group_ids: list[str] = field(default_factory=list)
    project_id: int = 0
    uuid: str = ""  # empty: derived from the instance id when read (seeded instances save the memory)
    host_name: str = ""  # empty: derived from the private IP when read
    os_name: str = "TencentOS Server 3.1 (TK4)"
    #: The key pairs bound to the instance (LoginSettings.KeyIds); a tuple: most instances have none.
    key_ids: tuple[str, ...] = ()
    user_data: str = ""  # base64, as RunInstances or ResetInstance got it
    placement_group_ids: tuple[str, ...] = ()  # DisasterRecoverGroupIds (at most one)
    degrades: int = 0  # prepaid type changes to a smaller type (DescribeInstancesOperationLimit)
    latest_operation: Optional[str] = None
    latest_operation_state: Optional[str] = None  # OPERATING / SUCCESS / FAILED
    latest_operation_request_id: Optional[str] = None
    #: While SHUTDOWN in the recycle bin: when it will be released.
    recycle_bin_deadline: Optional[float] = None
    released: bool = False
    #: What the TerminateInstances that destroys (or bins) the instance asked for, applied at release.
    release_address: bool = False
    release_prepaid_data_disks: bool = False
    #: Why the instance was (or is being) released: "TerminateInstances", "recycle bin", "expiry", "timer", ...
    release_reason: Optional[str] = None

    @property
    def in_recycle_bin(self) -> bool:
        return self.state == SHUTDOWN

    @property
    def charge_class(self) -> str:
        """PREPAID, or POSTPAID for both POSTPAID_BY_HOUR and SPOTPAID (they share every lifecycle rule)."""
        return PREPAID if self.charge_type == PREPAID else POSTPAID


def uuid_of(instance: Instance) -> str:
    """The instance's Uuid: derived from its id the first time it is read (seeded instances start without one)."""
    if not instance.uuid:
        instance.uuid = _uuid_for(instance.instance_id)
    return instance.uuid


def _uuid_for(instance_id: str) -> str:
    """A random-looking version 4 UUID the instance id can be read back from (:func:`instance_id_of_uuid`): 8
    bytes of a keyed hash of the id, and the id's 8 characters masked by a hash of those 8 bytes."""
    tail = instance_id[4:].encode("ascii")
    check = bytearray(hashlib.blake2b(tail, digest_size=8, person=b"mockcvm-uuid").digest())
    check[2] = (check[2] & 0x0F) | 0x40  # UUID byte 6: version 4
    check[4] = (check[4] & 0x3F) | 0x80  # UUID byte 8: the RFC 4122 variant
    mask = hashlib.blake2b(bytes(check), digest_size=8, person=b"mockcvm-mask").digest()
    hidden = bytes(a ^ b for a, b in zip(tail.ljust(8, b"\0"), mask))
    return str(uuid_module.UUID(bytes=hidden[:4] + bytes(check) + hidden[4:]))


def instance_id_of_uuid(text: str) -> Optional[str]:
    """The id of the instance whose Uuid is ``text`` (if any instance could have it), without an index."""
    if len(text) != 36:
        return None
    try:
        raw = uuid_module.UUID(text).bytes
    except ValueError:
        return None
    mask = hashlib.blake2b(raw[4:12], digest_size=8, person=b"mockcvm-mask").digest()
    tail = bytes(a ^ b for a, b in zip(raw[:4] + raw[12:], mask))
    if not tail.isascii():
        return None
    instance_id = "ins-" + tail.decode("ascii")
    return instance_id if INSTANCE_ID.match(instance_id) and _uuid_for(instance_id) == text else None


def host_name_of(instance: Instance) -> str:
    if instance.host_name:
        return instance.host_name
    parts = instance.private_ip.split(".")
    return f"VM-{parts[2]}-{parts[3]}-tencentos" if len(parts) == 4 else instance.instance_id
