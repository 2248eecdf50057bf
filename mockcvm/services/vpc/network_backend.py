"""VPC and subnet operations, the default network of each account and region, and private IPs.

Every account has, in each region, a default VPC (``172.16.0.0/12``, ``IsDefault``) with one default subnet per
zone (a ``/15`` each, its place fixed by the zone's order), each made the first time anything needs it or lists
it. They are made once: deleted, they stay deleted (RunInstances then refuses to launch into the default network).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from mockcvm.engine.resources import Store
from mockcvm.errors import ApiError, MissingParameter
from mockcvm.regions import REGIONS, ZONE_REGION
from mockcvm.services.tag.validation import check_tags
from mockcvm.services.vpc.network import (
    DNS_SERVERS,
    NARROWEST_SUBNET,
    SUBNET,
    VPC,
    Subnet,
    Vpc,
    check_vpc_cidr,
    contains,
    overlaps,
    parse_cidr,
    parse_ip,
)

if TYPE_CHECKING:
    from mockcvm.world import World

DEFAULT_VPC_CIDR = (0xAC100000, 12)  # 172.16.0.0/12
DEFAULT_SUBNET_PREFIX = 15
DEFAULT_VPC_NAME = "Default-VPC"
DEFAULT_SUBNET_NAME = "Default-Subnet"
MAX_VPCS = 20
MAX_SUBNETS = 100
MAX_NAME = 60
MAX_GROUPS_PER_INSTANCE = 5
DEFAULT = "DEFAULT"


@dataclass
class Placement:
    """Where RunInstances puts its instances: the subnet (None: the default subnet of ``zone``, made when the
    first instance is placed) and the private IPs asked for (one per instance, or none)."""

    uin: str
    region: str
    zone: str
    subnet: Optional[Subnet]
    addresses: list[int]
    #: the security groups asked for; None: the default group (made when the first instance is placed).
    groups: Optional[list[str]] = None


class NetworkBackend:
    def __init__(self, world: World) -> None:
        self.world = world
        self.vpcs: Store[Vpc] = Store(VPC)
        self.subnets: Store[Subnet] = Store(SUBNET)
        #: (uin, region) whose default network has been made (it may since have been deleted).
        self._defaults_made: set[tuple[str, str]] = set()
        #: (uin, region) -> the default VPC's id.
        self._default_vpcs: dict[tuple[str, str], str] = {}
        #: (uin, region, zone) -> the default subnet's id (made; it may since have been deleted).
        self._default_subnets: dict[tuple[str, str, str], str] = {}

    # -- the default network ----------------------------------------------------------------------------------

    def has_defaults(self, uin: str, region: str) -> bool:
        return (uin, region) in self._defaults_made

    def ensure_defaults(self, uin: str, region: str) -> None:
        """Make the default VPC of (uin, region) if it was never made (its subnets come when first needed)."""
        key = (uin, region)
        if key in self._defaults_made:
            return
        self._defaults_made.add(key)
        vpc = Vpc(vpc_id=self._new_id("vpc", self.vpcs), uin=uin, region=region, name=DEFAULT_VPC_NAME,
                  base=DEFAULT_VPC_CIDR[0], prefix=DEFAULT_VPC_CIDR[1], created_time=float(int(self.world.now)),
                  is_default=True)
        self._add_vpc(vpc)
        self._default_vpcs[key] = vpc.vpc_id

    def ensure_default_subnets(self, uin: str, region: str) -> None:
        """Make the default VPC and every default subnet never made (a listing shows the whole default network)."""
        self.ensure_defaults(uin, region)
        for zone in REGIONS[region].zones:
            self.default_subnet(uin, region, zone.zone)

    def has_default_subnets(self, uin: str, region: str) -> bool:
        return self.has_defaults(uin, region) and all(
            (uin, region, z.zone) in self._default_subnets for z in REGIONS[region].zones)

    def default_subnet(self, uin: str, region: str, zone: str) -> Optional[Subnet]:
        """The default subnet of ``zone``, made if it was never made; None if it (or the default VPC) was deleted."""
        self.ensure_defaults(uin, region)
        key = (uin, region, zone)
        if key not in self._default_subnets:
            vpc = self.vpcs.get(uin, region, self._default_vpcs[(uin, region)])
            if vpc is None:
                return None
            self._default_subnets[key] = self._make_default_subnet(vpc, zone).subnet_id
        return self.subnets.get(uin, region, self._default_subnets[key])

    def peek_default_subnet(self, uin: str, region: str, zone: str) -> tuple[Optional[Subnet], bool]:
        """``(the default subnet of zone if it exists, whether it exists or would be made)``; changes nothing."""
        key = (uin, region, zone)
        if key in self._default_subnets:
            subnet = self.subnets.get(uin, region, self._default_subnets[key])
            return subnet, subnet is not None
        if (uin, region) not in self._defaults_made:
            return None, True
        return None, self.vpcs.get(uin, region, self._default_vpcs[(uin, region)]) is not None

    def _make_default_subnet(self, vpc: Vpc, zone: str) -> Subnet:
        index = [z.zone for z in REGIONS[vpc.region].zones].index(zone)
        subnet = Subnet(
            subnet_id=self._new_id("subnet", self.subnets), vpc_id=vpc.vpc_id, uin=vpc.uin, region=vpc.region,
            zone=zone, name=DEFAULT_SUBNET_NAME, base=vpc.base + index * (1 << (32 - DEFAULT_SUBNET_PREFIX)),
            prefix=DEFAULT_SUBNET_PREFIX, created_time=float(int(self.world.now)), is_default=True,
        )
        self._add_subnet(subnet)
        return subnet

    # -- VPCs -------------------------------------------------------------------------------------------------

    def create_vpc(self, uin: str, region: str, params: dict[str, Any]) -> Vpc:
        name = _name(params.get("VpcName"), "VpcName")
        text = params.get("CidrBlock")
        if not text:
            raise MissingParameter("CreateVpc needs CidrBlock (for example 10.0.0.0/16).")
        base, prefix = parse_cidr(text, "CidrBlock")
        check_vpc_cidr(base, prefix, text)
        tags = check_tags((t["Key"], t.get("Value", "")) for t in params.get("Tags", []))
        if self.vpcs.count(uin, region) + (0 if self.has_defaults(uin, region) else 1) >= MAX_VPCS:
            raise ApiError(
                f"The account already has {MAX_VPCS} VPCs in {region}, the most a region holds; delete one first.",
                code="VpcLimitExceeded",
            )
        self.ensure_defaults(uin, region)
        vpc = Vpc(
            vpc_id=self._new_id("vpc", self.vpcs), uin=uin, region=region, name=name, base=base, prefix=prefix,
            created_time=float(int(self.world.now)), enable_multicast=_flag(params.get("EnableMulticast")),
            dns_servers=list(params.get("DnsServers") or DNS_SERVERS),
            domain_name=params.get("DomainName", ""), tags=dict(tags),
        )
        self._add_vpc(vpc)
        return vpc

    def add_vpc(self, vpc: Vpc) -> None:
        """Put a ready-made VPC into the world (benchmarks), bypassing the quota."""
        self._add_vpc(vpc)

    def _add_vpc(self, vpc: Vpc) -> None:
        self.vpcs.add(vpc)
        self.world.tag.track("vpc", vpc.vpc_id, vpc)

    def subnets_of(self, vpc: Vpc) -> list[Subnet]:
        return self.subnets.by(vpc.uin, vpc.region, "vpc-id", vpc.vpc_id)

    def delete_vpc(self, uin: str, region: str, vpc_id: str) -> None:
        vpc = self.vpcs.existing(uin, region, vpc_id)
        subnets = self.subnets_of(vpc)
        for subnet in subnets:
            _check_empty(subnet, f"The VPC {vpc_id}")
        for subnet in subnets:
            self._remove_subnet(subnet)
        self.vpcs.remove(vpc)
        vpc.released = True
        self.world.tag.untrack(uin, "vpc", vpc_id)

    def modify_vpc(self, uin: str, region: str, params: dict[str, Any]) -> None:
        vpc = self.vpcs.existing(uin, region, params["VpcId"])
        name = _name(params["VpcName"], "VpcName") if "VpcName" in params else None
        servers = params.get("DnsServers")
        if servers is not None:
            if not 1 <= len(servers) <= 4 or any(parse_ip(s) is None for s in servers):
                raise ApiError(f"DnsServers must be 1 to 4 IPv4 addresses, got {servers!r}.",
                               code="InvalidParameterValue.Malformed")
        if name is not None:
            vpc.name = name
        if servers is not None:
            vpc.dns_servers = list(servers)
        if "DomainName" in params:
            vpc.domain_name = params["DomainName"]
        if "EnableMulticast" in params:
            vpc.enable_multicast = _flag(params["EnableMulticast"])
        self.vpcs.changed(vpc)

    # -- subnets ----------------------------------------------------------------------------------------------

    def create_subnets(self, uin: str, region: str, vpc_id: str, specs: list[dict[str, Any]],
                       tags_param: list[dict[str, str]]) -> list[Subnet]:
        """Create every subnet of ``specs`` in the VPC, or none of them."""
        vpc = self.vpcs.existing(uin, region, vpc_id)
        tags = check_tags((t["Key"], t.get("Value", "")) for t in tags_param)
        existing = self.subnets_of(vpc)
        if len(existing) + len(specs) > MAX_SUBNETS:
            raise ApiError(f"A VPC holds at most {MAX_SUBNETS} subnets; {vpc_id} has {len(existing)}.",
                           code="LimitExceeded")
        planned: list[tuple[str, str, int, int]] = []
        for spec in specs:
            name = _name(spec.get("SubnetName"), "SubnetName")
            zone = spec.get("Zone")
            if ZONE_REGION.get(zone or "") != region:
                raise ApiError(f"The zone {zone!r} is not a zone of {region}.",
                               code="InvalidParameterValue.UnavailableZone")
            text = spec.get("CidrBlock")
            if not text:
                raise MissingParameter("A subnet needs CidrBlock (a block within its VPC's).")
            base, prefix = parse_cidr(text, "CidrBlock")
            if not contains(vpc.base, vpc.prefix, base, prefix) or prefix > NARROWEST_SUBNET:
                raise ApiError(
                    f"The subnet CIDR block {text} must lie within the VPC's {vpc.cidr} with a mask of at most "
                    f"/{NARROWEST_SUBNET}.",
                    code="InvalidParameterValue.SubnetRange",
                )
            for other in [*existing, *(Subnet("", "", "", "", "", "", b, p, 0.0) for _, _, b, p in planned)]:
                if overlaps(other.base, other.prefix, base, prefix):
                    raise ApiError(
                        f"The subnet CIDR block {text} overlaps {other.cidr}"
                        + (f" (subnet {other.subnet_id})" if other.subnet_id else " (another subnet of the request)")
                        + " in the same VPC.",
                        code="InvalidParameterValue.SubnetOverlap",
                    )
            planned.append((name, str(zone), base, prefix))
        now = float(int(self.world.now))
        made = []
        for name, zone, base, prefix in planned:
            subnet = Subnet(subnet_id=self._new_id("subnet", self.subnets), vpc_id=vpc.vpc_id, uin=uin,
                            region=region, zone=zone, name=name, base=base, prefix=prefix, created_time=now,
                            tags=dict(tags))
            self._add_subnet(subnet)
            made.append(subnet)
        return made

    def add_subnet(self, subnet: Subnet) -> None:
        """Put a ready-made subnet into the world (benchmarks)."""
        self._add_subnet(subnet)

    def _add_subnet(self, subnet: Subnet) -> None:
        self.subnets.add(subnet)
        self.world.tag.track("subnet", subnet.subnet_id, subnet)

    def delete_subnet(self, uin: str, region: str, subnet_id: str) -> None:
        subnet = self.subnets.existing(uin, region, subnet_id)
        _check_empty(subnet, f"The subnet {subnet_id}")
        self._remove_subnet(subnet)

    def _remove_subnet(self, subnet: Subnet) -> None:
        self.subnets.remove(subnet)
        subnet.released = True
        self.world.tag.untrack(subnet.uin, "subnet", subnet.subnet_id)

    def modify_subnet(self, uin: str, region: str, params: dict[str, Any]) -> None:
        subnet = self.subnets.existing(uin, region, params["SubnetId"])
        name = _name(params["SubnetName"], "SubnetName") if "SubnetName" in params else None
        if name is not None:
            subnet.name = name
        if "EnableBroadcast" in params:
            subnet.enable_broadcast = _flag(params["EnableBroadcast"])
        self.subnets.changed(subnet)

    # -- RunInstances -----------------------------------------------------------------------------------------

    def named_subnet(self, uin: str, region: str, vpc_id: str, subnet_id: str, vpc_hint: str = "") -> Subnet:
        """The subnet a request names by ``VpcId`` and ``SubnetId`` (RunInstances, ModifyInstancesVpcAttribute):
        both well-formed, existing in the region, the subnet in that VPC; refused with CVM's codes otherwise."""
        if not VPC.id_regex.match(vpc_id):
            raise ApiError(f"The VPC id {vpc_id!r} is malformed; VPC ids look like vpc-1a2b3c4d{vpc_hint}.",
                           code="InvalidParameterValue.VpcIdMalformed")
        if not SUBNET.id_regex.match(subnet_id):
            raise ApiError(f"The subnet id {subnet_id!r} is malformed; subnet ids look like subnet-1a2b3c4d.",
                           code="InvalidParameterValue.SubnetIdMalformed")
        if self.vpcs.get(uin, region, vpc_id) is None:
            raise ApiError(f"The VPC {vpc_id} does not exist in {region}.",
                           code="InvalidParameterValue.VpcIdNotExist")
        subnet = self.subnets.get(uin, region, subnet_id)
        if subnet is None:
            raise ApiError(f"The subnet {subnet_id} does not exist in {region}.",
                           code="InvalidParameterValue.SubnetNotExist")
        if subnet.vpc_id != vpc_id:
            raise ApiError(f"The subnet {subnet_id} belongs to {subnet.vpc_id}, not to {vpc_id}.",
                           code="InvalidParameterValue.VpcIdSubnetIdNotMatch")
        return subnet

    def plan_placement(self, uin: str, region: str, zone: str, params: dict[str, Any], count: int) -> Placement:
        """Check ``VirtualPrivateCloud`` of a RunInstances request (cvm codes) without changing anything."""
        spec = params.get("VirtualPrivateCloud") or {}
        vpc_id, subnet_id = spec.get("VpcId", DEFAULT), spec.get("SubnetId", DEFAULT)
        wanted = list(spec.get("PrivateIpAddresses") or [])
        if (vpc_id == DEFAULT) != (subnet_id == DEFAULT):
            raise ApiError(
                "VirtualPrivateCloud needs VpcId and SubnetId both DEFAULT (the default network) or both ids.",
                code="InvalidParameterValue.VpcIdSubnetIdNotMatch",
            )
        subnet: Optional[Subnet] = None
        if vpc_id == DEFAULT:
            subnet, possible = self.peek_default_subnet(uin, region, zone)
            if not possible:
                raise ApiError(
                        f"The default subnet of {zone} was deleted; name a VpcId and SubnetId.",
                        code="InvalidParameterValue.SubnetNotExist",
                    )
        else:
            subnet = self.named_subnet(uin, region, vpc_id, subnet_id)
            if subnet.zone != zone:
                raise ApiError(f"The subnet {subnet_id} is in {subnet.zone}; the instances are placed in {zone}.",
                               code="InvalidParameterValue.SubnetIdZoneIdNotMatch")
        addresses = self._check_addresses(subnet, wanted, count, uin, region, zone)
        available = subnet.available if subnet is not None else _default_capacity()
        if available < count:
            name = subnet.subnet_id if subnet is not None else "the default subnet"
            raise ApiError(f"{name} has {available} free private IPs; {count} instance(s) need one each.",
                           code="FailedOperation.NoAvailableIpAddressCountInSubnet")
        groups = None
        if params.get("SecurityGroupIds"):
            groups = self.world.vpc.security_groups.check_ids(
                uin, region, params["SecurityGroupIds"], "InvalidSgId.Malformed", "InvalidSecurityGroupId.NotFound"
            )
            if len(groups) > MAX_GROUPS_PER_INSTANCE:
                raise ApiError(f"{len(groups)} security groups were given; an instance is in at most "
                               f"{MAX_GROUPS_PER_INSTANCE}.", code="LimitExceeded.AssociateUSGLimitExceeded")
        return Placement(uin, region, zone, subnet, addresses, groups)

    def _check_addresses(self, subnet: Optional[Subnet], wanted: list[str], count: int, uin: str, region: str,
                         zone: str) -> list[int]:
        if not wanted:
            return []
        if len(wanted) != count:
            raise ApiError(
                f"VirtualPrivateCloud.PrivateIpAddresses has {len(wanted)} address(es) for {count} instance(s); "
                "give one per instance.",
                code="InvalidParameterValue",
            )
        target = subnet
        if target is None:  # the default subnet, not made yet: its block is known
            step = 1 << (32 - DEFAULT_SUBNET_PREFIX)
            index = [z.zone for z in REGIONS[region].zones].index(zone)
            target = Subnet("", "", uin, region, zone, "", DEFAULT_VPC_CIDR[0] + index * step,
                            DEFAULT_SUBNET_PREFIX, 0.0)
        numbers: list[int] = []
        for text in wanted:
            number = parse_ip(text)
            if number is None or not target.holds(number):
                raise ApiError(f"The private IP {text!r} is not a usable address of the subnet {target.cidr}.",
                               code="VpcAddrNotInSubNet")
            if target.owner_of(number) is not None or number in numbers:
                raise ApiError(f"The private IP {text} is already in use in {target.cidr}.", code="VpcIpIsUsed")
            numbers.append(number)
        return numbers

    def place(self, placement: Placement, owner: str, n: int) -> tuple[Subnet, str, list[str]]:
        """The subnet, private IP and security groups of the ``n``-th instance of a planned launch (the default
        subnet and group are made when first needed; a deleted default group leaves the instance in none)."""
        subnet = placement.subnet
        if subnet is None:
            subnet = placement.subnet = self.default_subnet(placement.uin, placement.region, placement.zone)
            assert subnet is not None
        if placement.groups is None:
            group = self.world.vpc.security_groups.ensure_default(placement.uin, placement.region)
            placement.groups = [] if group is None else [group.group_id]
        address = placement.addresses[n] if placement.addresses else None
        return subnet, subnet.take(owner, address), list(placement.groups)

    def release_address(self, uin: str, region: str, subnet_id: str, address: str) -> None:
        """Give ``address`` back to its subnet (an interface that held it is gone)."""
        subnet = self.subnets.get(uin, region, subnet_id)
        number = parse_ip(address)
        if subnet is not None and number is not None:
            subnet.give_back(number)

    # -- internals --------------------------------------------------------------------------------------------

    def _new_id(self, prefix: str, store: Store[Any]) -> str:
        while True:
            new = self.world.ids.short(prefix)
            if new not in store:
                return new


def _default_capacity() -> int:
    return (1 << (32 - DEFAULT_SUBNET_PREFIX)) - 3


def _check_empty(subnet: Subnet, what: str) -> None:
    if subnet.used:
        holder = next(iter(subnet.used.values()))
        raise ApiError(
            f"{what} still holds {len(subnet.used)} private IP(s) (for example {holder}'s, in {subnet.subnet_id}); "
            "terminate the instances and delete the network interfaces first.",
            code="ResourceInUse",
        )


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_NAME:
        raise ApiError(f"{what} must be 1 to {MAX_NAME} characters, got {value!r}.",
                       code="InvalidParameterValue.Range")
    return value


def _flag(value: Any) -> bool:
    return str(value).lower() == "true"
