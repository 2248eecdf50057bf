"""Elastic network interfaces (ENIs) as the fake keeps them, and how they read in the API.

The kind declares no indexed filter: a primary interface is found from its instance (its id is the instance's
with ``eni-`` for ``ins-``) and the backend keeps the secondary interfaces by instance, so an interface costs
only its place in the store (a hundred thousand instances carry a hundred thousand primary interfaces).

Every instance has a primary interface (``Primary`` true, device 0) holding its primary private IP; it is made
with the instance and goes with it, and its security groups are the instance's. Secondary interfaces are made
with CreateNetworkInterface, attach to one instance at a time and outlive it. Each interface holds one primary
private IP and any number of secondary ones (up to the quota of the instance type it is attached to).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from mockcvm import clock
from mockcvm.compat import SLOTS
from mockcvm.engine.resources import Codes, Filter, Kind

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance

# NetworkInterface.State values.
PENDING = "PENDING"
AVAILABLE = "AVAILABLE"
ATTACHING = "ATTACHING"
DETACHING = "DETACHING"

#: (most CPU cores, interfaces an instance may have including the primary one, private IPs per interface).
QUOTAS = ((1, 2, 6), (2, 2, 10), (4, 4, 10), (8, 6, 20), (1 << 30, 8, 30))
#: The private IPs an interface attached to no instance may hold (the largest per-interface quota).
UNATTACHED_IP_QUOTA = 30


def quota_of(instance: Instance) -> tuple[int, int]:
    """``(interfaces, private IPs per interface)`` an instance of this size may have."""
    for cores, interfaces, addresses in QUOTAS:
        if instance.cpu <= cores:
            return interfaces, addresses
    raise AssertionError("unreachable: the last row has no limit")  # pragma: no cover


@dataclass(**SLOTS)
class PrivateIp:
    address: str
    primary: bool = False
    description: str = ""


@dataclass(eq=False, **SLOTS)
class Interface:
    interface_id: str
    uin: str
    region: str
    zone: str
    vpc_id: str
    subnet_id: str
    name: str
    created_time: float
    #: The MAC address as a number (shown as ``20:90:6F:xx:xx:xx``).
    mac_number: int
    addresses: list[PrivateIp]
    description: str = ""
    primary: bool = False
    #: The groups of a secondary interface (a primary one reads its instance's).
    groups: tuple[str, ...] = ()
    #: The instance it is attached to (or attaching to, or detaching from).
    instance_id: Optional[str] = None
    device_index: int = 0
    attach_time: float = 0.0
    state: str = AVAILABLE
    tags: dict[str, str] = field(default_factory=dict)
    released: bool = False

    @property
    def mac(self) -> str:
        n = self.mac_number
        return f"20:90:6F:{n >> 16 & 255:02X}:{n >> 8 & 255:02X}:{n & 255:02X}"

    def holds(self, address: str) -> Optional[PrivateIp]:
        for entry in self.addresses:
            if entry.address == address:
                return entry
        return None


def _attachment(i: Interface) -> Optional[dict[str, Any]]:
    if i.instance_id is None or i.state == ATTACHING:
        return None
    return {"InstanceId": i.instance_id, "DeviceIndex": i.device_index, "InstanceAccountId": i.uin,
            "AttachTime": clock.spaced(i.attach_time)}


#: The interface kind; ``PrivateIpAddressSet`` (which needs the EIPs), a primary interface's ``GroupSet`` and the
#: ``groups.security-group-id`` filter (which need its instance) are added by the backend.
INTERFACE: Kind[Interface] = Kind(
    service="vpc",
    output="NetworkInterface",
    noun="network interface",
    id_attr="interface_id",
    id_prefix="eni",
    codes=Codes(malformed="InvalidParameterValue.NetworkInterfaceIdMalformed", not_found="ResourceNotFound"),
    render={
        "NetworkInterfaceId": lambda i: i.interface_id,
        "NetworkInterfaceName": lambda i: i.name,
        "NetworkInterfaceDescription": lambda i: i.description,
        "SubnetId": lambda i: i.subnet_id,
        "VpcId": lambda i: i.vpc_id,
        "GroupSet": lambda i: list(i.groups),  # a primary interface's are its instance's (the backend)
        "Primary": lambda i: i.primary,
        "MacAddress": lambda i: i.mac,
        "State": lambda i: i.state,
        "NetworkInterfaceState": lambda i: i.state,
        "Attachment": _attachment,
        "Zone": lambda i: i.zone,
        "CreatedTime": lambda i: clock.iso(i.created_time),
        "Ipv6AddressSet": lambda i: [],
        "TagSet": lambda i: [{"Key": k, "Value": v} for k, v in i.tags.items()],
        "EniType": lambda i: 0,
        "Business": lambda i: "cvm",
        "AttachType": lambda i: 0,
    },
    filters={
        "vpc-id": Filter(lambda i: i.vpc_id),
        "subnet-id": Filter(lambda i: i.subnet_id),
        "network-interface-id": Filter(lambda i: i.interface_id),
        "attachment.instance-id": Filter(lambda i: i.instance_id),
                "network-interface-name": Filter(lambda i: i.name),
        "network-interface-description": Filter(lambda i: i.description),
        "address-ip": Filter(lambda i: [a.address for a in i.addresses]),
        "mac-address": Filter(lambda i: i.mac),
        "is-primary": Filter(lambda i: "true" if i.primary else "false"),
        "eni-type": Filter(lambda i: "0"),
        "eni-qos": Filter(lambda i: None),
    },
    tags=lambda i: i.tags,
    max_limit=100,
)
