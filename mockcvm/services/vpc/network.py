"""VPCs and subnets as the fake keeps them, and how they read in the API (docs/semantics.md, "Networking").

Addresses are kept as integers: a VPC or subnet is ``base`` and ``prefix`` (``172.16.0.0/12`` is
``base=0xAC100000, prefix=12``). A subnet hands out private IPs from a cursor that moves forward through its
block (first-free-after-the-last, wrapping), so a launch into a subnet that already holds 100 000 addresses costs
the same as into an empty one; the first, second (gateway) and last addresses are reserved.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Optional

from mockcvm import clock
from mockcvm.compat import SLOTS
from mockcvm.engine.resources import Codes, Filter, Kind
from mockcvm.errors import ApiError

#: The private blocks a VPC may use, with the widest and narrowest masks Tencent allows for each.
PRIVATE_BLOCKS = ((0x0A000000, 8, 12), (0xAC100000, 12, 12), (0xC0A80000, 16, 16))
NARROWEST_VPC = 28
NARROWEST_SUBNET = 29
#: Offsets in a subnet that are never handed out: the network, the gateway and the last address.
RESERVED = 3
#: The DNS servers a VPC uses unless told otherwise (Tencent's internal resolvers).
DNS_SERVERS = ("183.60.83.19", "183.60.82.98")


def ip_text(number: int) -> str:
    return f"{number >> 24 & 255}.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


def parse_ip(text: object) -> Optional[int]:
    """The address ``text`` as an integer, or None when it is not a dotted IPv4 address."""
    if not isinstance(text, str):
        return None
    try:
        return int(ipaddress.IPv4Address(text))
    except ValueError:
        return None


def parse_cidr(text: object, what: str) -> tuple[int, int]:
    """``(base, prefix)`` of a CIDR block; a malformed block or one with host bits set is refused."""
    try:
        network = ipaddress.IPv4Network(str(text), strict=True)
        if not isinstance(text, str) or "/" not in text:
            raise ValueError(text)
    except ValueError:
        raise ApiError(
            f"The {what} {text!r} is not a CIDR block such as 10.0.0.0/16 (network address, then the mask).",
            code="InvalidParameterValue.Malformed",
        ) from None
    return int(network.network_address), network.prefixlen


def cidr_text(base: int, prefix: int) -> str:
    return f"{ip_text(base)}/{prefix}"


def contains(base: int, prefix: int, inner_base: int, inner_prefix: int) -> bool:
    return inner_prefix >= prefix and (inner_base >> (32 - prefix)) == (base >> (32 - prefix))


def overlaps(a_base: int, a_prefix: int, b_base: int, b_prefix: int) -> bool:
    return contains(a_base, a_prefix, b_base, b_prefix) or contains(b_base, b_prefix, a_base, a_prefix)


def check_vpc_cidr(base: int, prefix: int, text: str) -> None:
    for block, block_prefix, widest in PRIVATE_BLOCKS:
        if contains(block, block_prefix, base, prefix):
            if widest <= prefix <= NARROWEST_VPC:
                return
            raise ApiError(
                f"The VPC CIDR block {text} has mask /{prefix}; within {cidr_text(block, block_prefix)} the mask "
                f"must be /{widest} to /{NARROWEST_VPC}.",
                code="InvalidParameterValue.Range",
            )
    raise ApiError(
        f"The VPC CIDR block {text} is not private; use a block within 10.0.0.0/8, 172.16.0.0/12 or "
        "192.168.0.0/16.",
        code="InvalidParameterValue.Range",
    )


def _tag_set(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


@dataclass(eq=False, **SLOTS)
class Vpc:
    vpc_id: str
    uin: str
    region: str
    name: str
    base: int
    prefix: int
    created_time: float
    is_default: bool = False
    enable_multicast: bool = False
    dns_servers: list[str] = field(default_factory=lambda: list(DNS_SERVERS))
    domain_name: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    released: bool = False
    created_text: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.created_text = clock.iso(self.created_time)

    @property
    def cidr(self) -> str:
        return cidr_text(self.base, self.prefix)


@dataclass(eq=False, **SLOTS)
class Subnet:
    subnet_id: str
    vpc_id: str
    uin: str
    region: str
    zone: str
    name: str
    base: int
    prefix: int
    created_time: float
    is_default: bool = False
    enable_broadcast: bool = False
    tags: dict[str, str] = field(default_factory=dict)
    #: offset in the block -> the id of what holds the address (a network interface).
    used: dict[int, str] = field(default_factory=dict)
    #: where the next free address is looked for.
    cursor: int = 2
    released: bool = False
    created_text: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.created_text = clock.iso(self.created_time)

    @property
    def cidr(self) -> str:
        return cidr_text(self.base, self.prefix)

    @property
    def size(self) -> int:
        return 1 << (32 - self.prefix)

    @property
    def total(self) -> int:
        return self.size - RESERVED

    @property
    def available(self) -> int:
        return self.total - len(self.used)

    def holds(self, address: int) -> bool:
        """``address`` lies in the subnet and is not one of its reserved addresses."""
        offset = address - self.base
        return 2 <= offset < self.size - 1

    def owner_of(self, address: int) -> Optional[str]:
        return self.used.get(address - self.base)

    def take(self, owner: str, address: Optional[int] = None) -> str:
        """Hand out ``address`` (checked by the caller: held and free) or the next free one (the caller has
        checked that one is available)."""
        if address is not None:
            self.used[address - self.base] = owner
            return ip_text(address)
        last = self.size - 1
        offset = self.cursor
        while offset in self.used or not 2 <= offset < last:
            offset = offset + 1 if offset + 1 < last else 2
        self.used[offset] = owner
        self.cursor = offset + 1 if offset + 1 < last else 2
        return ip_text(self.base + offset)

    def give_back(self, address: int) -> None:
        self.used.pop(address - self.base, None)


def _true_false(value: bool) -> str:
    return "true" if value else "false"


VPC: Kind[Vpc] = Kind(
    service="vpc",
    output="Vpc",
    noun="VPC",
    id_attr="vpc_id",
    id_prefix="vpc",
    codes=Codes(malformed="InvalidVpcId.Malformed", not_found="ResourceNotFound"),
    render={
        "VpcId": lambda v: v.vpc_id,
        "VpcName": lambda v: v.name,
        "CidrBlock": lambda v: v.cidr,
        "IsDefault": lambda v: v.is_default,
        "EnableMulticast": lambda v: v.enable_multicast,
        "CreatedTime": lambda v: v.created_text,
        "EnableDhcp": lambda v: True,
        "DhcpOptionsId": lambda v: "",
        "DnsServerSet": lambda v: list(v.dns_servers),
        "DomainName": lambda v: v.domain_name,
        "TagSet": lambda v: _tag_set(v.tags),
        "AssistantCidrSet": lambda v: [],
    },
    filters={
        "vpc-id": Filter(lambda v: v.vpc_id),
        "vpc-name": Filter(lambda v: v.name, indexed=True),
        "is-default": Filter(lambda v: _true_false(v.is_default)),
        "cidr-block": Filter(lambda v: v.cidr),
        "ipv6-cidr-block": Filter(lambda v: None),
        "vpc-extra-cidr-block": Filter(lambda v: None),
        "cdc-id": Filter(lambda v: None),
    },
    tags=lambda v: v.tags,
)

SUBNET: Kind[Subnet] = Kind(
    service="vpc",
    output="Subnet",
    noun="subnet",
    id_attr="subnet_id",
    id_prefix="subnet",
    codes=Codes(malformed="InvalidParameterValue.Malformed", not_found="ResourceNotFound"),
    render={
        "VpcId": lambda s: s.vpc_id,
        "SubnetId": lambda s: s.subnet_id,
        "SubnetName": lambda s: s.name,
        "CidrBlock": lambda s: s.cidr,
        "IsDefault": lambda s: s.is_default,
        "EnableBroadcast": lambda s: s.enable_broadcast,
        "Zone": lambda s: s.zone,
        "RouteTableId": lambda s: "rtb-" + s.vpc_id[4:],
        "CreatedTime": lambda s: s.created_text,
        "AvailableIpAddressCount": lambda s: s.available,
        "TotalIpAddressCount": lambda s: s.total,
        "Ipv6CidrBlock": lambda s: "",
        "NetworkAclId": lambda s: "",
        "IsRemoteVpcSnat": lambda s: False,
        "TagSet": lambda s: _tag_set(s.tags),
        "CdcId": lambda s: "",
        "IsCdcSubnet": lambda s: 0,
    },
    filters={
        "subnet-id": Filter(lambda s: s.subnet_id),
        "subnet-name": Filter(lambda s: s.name, indexed=True),
        "vpc-id": Filter(lambda s: s.vpc_id, indexed=True),
        "cidr-block": Filter(lambda s: s.cidr),
        "is-default": Filter(lambda s: _true_false(s.is_default)),
        "zone": Filter(lambda s: s.zone),
        "is-remote-vpc-snat": Filter(lambda s: "false"),
        "route-table-id": Filter(lambda s: "rtb-" + s.vpc_id[4:]),
        "network-acl-id": Filter(lambda s: None),
        "ipv6-cidr-block": Filter(lambda s: None),
        "cdc-id": Filter(lambda s: None),
        "is-cdc-subnet": Filter(lambda s: "0"),
    },
    tags=lambda s: s.tags,
)
