"""Network interface operations: primary interfaces of instances, secondary ones, their private IPs.

Attach and detach pass through ATTACHING / DETACHING under the world's ``transitions`` option (the interface is
the subject of its own :class:`InFlight`). When an instance goes, its primary interface goes with it (its
addresses return to the subnet) and its secondary interfaces are detached and kept, AVAILABLE.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Iterator, Optional

from mockcvm.engine.resources import Filter, Store, matches
from mockcvm.engine.transitions import InFlight
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.services.tag.validation import check_tags
from mockcvm.services.vpc.interfaces import (
    ATTACHING,
    AVAILABLE,
    DETACHING,
    INTERFACE,
    UNATTACHED_IP_QUOTA,
    Interface,
    PrivateIp,
    quota_of,
)
from mockcvm.services.vpc.network import Subnet, parse_ip

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.world import World

MAX_NAME = 60
PRIMARY_NAME = "主网卡"
MAX_GROUPS = 5
#: Instance states an interface may be attached to or detached from.
ATTACHABLE_STATES = ("RUNNING", "STOPPED")


class InterfaceBackend:
    def __init__(self, world: World) -> None:
        self.world = world
        self.interfaces: Store[Interface] = Store(
            INTERFACE.with_filters({"groups.security-group-id": Filter(self.group_ids)}))
        #: instance id -> the secondary interfaces attached to it (or attaching, or detaching).
        self._attached: dict[str, list[Interface]] = {}
        #: (uin, region) -> the secondary interfaces, by id.
        self._secondary: dict[tuple[str, str], dict[str, Interface]] = {}
        self._macs = itertools.count(1)
        self.in_flight: InFlight[Interface] = InFlight(
            world.timeline, world.options.transitions, world.options.duration("transition"), self._settle
        )

    # -- hooks ------------------------------------------------------------------------------------------------

    def instance_launched(self, instance: Instance) -> Interface:
        """Make the primary interface of a new instance (its address was taken from the subnet already)."""
        interface = Interface(
            interface_id=primary_id(instance.instance_id), uin=instance.uin, region=instance.region,
            zone=instance.zone, vpc_id=instance.vpc_id, subnet_id=instance.subnet_id, name=PRIMARY_NAME,
            created_time=instance.created_time, mac_number=next(self._macs),
            addresses=[PrivateIp(instance.private_ip, primary=True)], primary=True, instance_id=instance.instance_id,
            attach_time=instance.created_time,
        )
        self.interfaces.add(interface)
        return interface

    def primary_of(self, instance: Instance) -> Optional[Interface]:
        return self.interfaces.get(instance.uin, instance.region, primary_id(instance.instance_id))

    def attached_to(self, instance: Instance) -> list[Interface]:
        """The interfaces of ``instance``: the primary one first, then the secondary ones by device index."""
        primary = self.primary_of(instance)
        secondary = sorted(self._attached.get(instance.instance_id, ()), key=lambda i: i.device_index)
        return ([primary] if primary is not None else []) + secondary

    def secondary_in(self, uin: str, region: str) -> Iterator[Interface]:
        return iter(list(self._secondary.get((uin, region), {}).values()))

    def describe(self, uin: str, region: str, params: dict[str, Any]) -> tuple[int, list[Interface]]:
        """DescribeNetworkInterfaces: the store's answer, except that ``attachment.instance-id`` is looked up
        from the instances (the kind indexes nothing; see interfaces.py)."""
        filters = params.get("Filters") or []
        by_instance = [f for f in filters if f.get("Name") == "attachment.instance-id"]
        ids = params.get("NetworkInterfaceIds")
        if not by_instance or ids:
            return self.interfaces.describe(uin, region, ids, filters, params.get("Offset"), params.get("Limit"))
        start, size = self.interfaces.paging(params.get("Offset"), params.get("Limit"))
        compiled = INTERFACE.compile(filters)
        chosen: list[Interface] = []
        for instance_id in dict.fromkeys(v for f in by_instance for v in f["Values"]):
            instance = self.world.cvm.get(uin, region, instance_id)
            if instance is not None:
                chosen += [i for i in self.attached_to(instance) if matches(i, compiled)]
        return len(chosen), chosen[start : start + size]

    def instance_released(self, instance: Instance) -> list[Interface]:
        """The primary interface goes (its addresses return to the subnet); secondary ones are detached and kept
        AVAILABLE. Returns every interface the instance had (for the EIPs on them)."""
        had = self.attached_to(instance)
        for interface in had:
            self.in_flight.forget(interface)
            if interface.primary:
                self._remove(interface)
            else:
                interface.instance_id, interface.state, interface.device_index = None, AVAILABLE, 0
                self.interfaces.changed(interface)
        self._attached.pop(instance.instance_id, None)
        return had

    # -- reads ------------------------------------------------------------------------------------------------

    def instance_of(self, interface: Interface) -> Optional[Instance]:
        if interface.instance_id is None:
            return None
        return self.world.cvm.get(interface.uin, interface.region, interface.instance_id)

    def group_ids(self, interface: Interface) -> list[str]:
        """The interface's security groups (a primary interface's are its instance's)."""
        instance = self.instance_of(interface) if interface.primary else None
        return list(instance.security_group_ids if instance is not None else interface.groups)

    def render(self, interface: Interface) -> dict[str, Any]:
        shown = INTERFACE.render(interface)
        shown["PrivateIpAddressSet"] = [self._render_ip(interface, entry) for entry in interface.addresses]
        if interface.primary:
            shown["GroupSet"] = self.group_ids(interface)
        return shown

    def _render_ip(self, interface: Interface, entry: PrivateIp) -> dict[str, Any]:
        eip = self.world.vpc.eip_on(interface, entry.address)
        public = eip.address_ip if eip is not None else None
        if public is None and entry.primary and interface.primary:
            instance = self.instance_of(interface)
            public = None if instance is None else instance.public_ip
        return {"PrivateIpAddress": entry.address, "Primary": entry.primary, "PublicIpAddress": public,
                "AddressId": None if eip is None else eip.address_id, "Description": entry.description,
                "IsWanIpBlocked": False, "State": AVAILABLE}

    def seen(self, interfaces: list[Interface]) -> None:
        for interface in interfaces:
            self.in_flight.seen(interface)

    # -- changes ----------------------------------------------------------------------------------------------

    def create(self, uin: str, region: str, params: dict[str, Any]) -> Interface:
        network = self.world.vpc.network
        vpc = network.vpcs.existing(uin, region, params["VpcId"])
        subnet = network.subnets.existing(uin, region, params["SubnetId"])
        if subnet.vpc_id != vpc.vpc_id:
            raise ApiError(f"The subnet {subnet.subnet_id} belongs to {subnet.vpc_id}, not to {vpc.vpc_id}.",
                           code="UnsupportedOperation.VpcMismatch")
        name = _name(params.get("NetworkInterfaceName"), "NetworkInterfaceName")
        description = _description(params)
        groups = self._groups(uin, region, params.get("SecurityGroupIds") or [])
        tags = check_tags((t["Key"], t.get("Value", "")) for t in params.get("Tags", []))
        specs = list(params.get("PrivateIpAddresses") or [])
        primaries = [s for s in specs if s.get("Primary")]
        if len(primaries) > 1:
            raise ApiError("Only one private IP can be the primary one.",
                           code="UnsupportedOperation.MultiplePrimaryIpAddress")
        secondary_specs = [s for s in specs if not s.get("Primary")]
        count = int(params.get("SecondaryPrivateIpAddressCount") or 0)
        self._check_new(subnet, [s.get("PrivateIpAddress") for s in specs], 1 + count + len(secondary_specs),
                        UNATTACHED_IP_QUOTA, 0)
        interface_id = self._new_id()
        chosen = {s.get("PrivateIpAddress"): s for s in specs}
        addresses: list[PrivateIp] = []
        primary_text = primaries[0].get("PrivateIpAddress") if primaries else None
        ordered = ([primary_text] if primaries else [None]) + [s.get("PrivateIpAddress") for s in secondary_specs]
        ordered += [None] * count
        for n, text in enumerate(ordered):
            number = parse_ip(text) if text else None
            taken = subnet.take(interface_id, number)
            spec = chosen.get(text, {}) if text else {}
            addresses.append(PrivateIp(taken, primary=n == 0, description=str(spec.get("Description", ""))))
        interface = Interface(
            interface_id=interface_id, uin=uin, region=region, zone=subnet.zone, vpc_id=vpc.vpc_id,
            subnet_id=subnet.subnet_id, name=name, created_time=float(int(self.world.now)),
            mac_number=next(self._macs), addresses=addresses,
            description=description, groups=tuple(groups), tags=dict(tags),
        )
        self.interfaces.add(interface)
        self._secondary.setdefault((uin, region), {})[interface_id] = interface
        self.world.tag.track("eni", interface.interface_id, interface)
        return interface

    def _check_new(self, subnet: Subnet, texts: list[Optional[str]], total: int, limit: int, held: int) -> None:
        """Check explicitly asked addresses (in the subnet, free, not repeated) and the room for ``total`` more."""
        seen: set[int] = set()
        for text in texts:
            if not text:
                continue
            number = parse_ip(text)
            if number is None or not subnet.holds(number):
                raise ApiError(f"The private IP {text!r} is not a usable address of the subnet {subnet.cidr}.",
                               code="InvalidParameterValue.Range")
            if subnet.owner_of(number) is not None or number in seen:
                raise ApiError(f"The private IP {text} is already in use in {subnet.subnet_id}.",
                               code="ResourceInUse.Address")
            seen.add(number)
        if held + total > limit:
            raise ApiError(f"An interface holds at most {limit} private IPs here; this would make {held + total}.",
                           code="LimitExceeded.EniPrivateIpLimit")
        if total > subnet.available:
            raise ApiError(f"The subnet {subnet.subnet_id} has {subnet.available} free private IPs; {total} are "
                           "needed.", code="ResourceInsufficient.Subnet")

    def _groups(self, uin: str, region: str, ids: list[str]) -> list[str]:
        groups = self.world.vpc.security_groups.check_ids(
            uin, region, ids, "InvalidSecurityGroupID.Malformed", "InvalidSecurityGroupID.NotFound")
        if len(groups) > MAX_GROUPS:
            raise ApiError(f"An interface is in at most {MAX_GROUPS} security groups, got {len(groups)}.",
                           code="LimitExceeded")
        return groups

    def existing(self, uin: str, region: str, interface_id: str) -> Interface:
        return self.interfaces.existing(uin, region, interface_id)

    def delete(self, uin: str, region: str, interface_id: str) -> None:
        interface = self.existing(uin, region, interface_id)
        if interface.primary or interface.instance_id is not None or interface.state != AVAILABLE:
            raise ApiError(
                f"The network interface {interface_id} is "
                + ("the primary interface of " + str(interface.instance_id) if interface.primary else
                   f"{interface.state}" + (f", attached to {interface.instance_id}" if interface.instance_id else ""))
                + "; only an AVAILABLE interface attached to no instance can be deleted.",
                code="UnsupportedOperation.InvalidState",
            )
        self.world.vpc.check_no_eip(interface, None)
        self._remove(interface)
        self.world.tag.untrack(uin, "eni", interface_id)

    def _remove(self, interface: Interface) -> None:
        for entry in interface.addresses:
            self.world.vpc.network.release_address(interface.uin, interface.region, interface.subnet_id,
                                                   entry.address)
        self.interfaces.remove(interface)
        self._secondary.get((interface.uin, interface.region), {}).pop(interface.interface_id, None)
        interface.released = True

    def modify(self, uin: str, region: str, params: dict[str, Any]) -> None:
        interface = self.existing(uin, region, params["NetworkInterfaceId"])
        name = _name(params["NetworkInterfaceName"], "NetworkInterfaceName") if "NetworkInterfaceName" in params \
            else None
        description = _description(params) if "NetworkInterfaceDescription" in params else None
        groups = self._groups(uin, region, params["SecurityGroupIds"]) if "SecurityGroupIds" in params else None
        if name is not None:
            interface.name = name
        if description is not None:
            interface.description = description
        if groups is not None:
            instance = self.instance_of(interface) if interface.primary else None
            if instance is not None:
                instance.security_group_ids = groups
            else:
                interface.groups = tuple(groups)
        self.interfaces.changed(interface)

    def attach(self, uin: str, region: str, interface_id: str, instance_id: str) -> None:
        interface = self.existing(uin, region, interface_id)
        instance = self._instance(uin, region, instance_id)
        if interface.instance_id is not None:
            raise ApiError(f"The network interface {interface_id} is attached to {interface.instance_id}; detach "
                           "it first.", code="UnsupportedOperation.AttachmentAlreadyExists")
        if interface.state != AVAILABLE:
            raise ApiError(f"The network interface {interface_id} is {interface.state}.",
                           code="UnsupportedOperation.InvalidState")
        if interface.zone != instance.zone:
            raise ApiError(f"The network interface {interface_id} is in {interface.zone} and the instance "
                           f"{instance_id} in {instance.zone}.", code="UnsupportedOperation.ZoneMismatch")
        if interface.vpc_id != instance.vpc_id:
            raise ApiError(f"The network interface {interface_id} is in {interface.vpc_id} and the instance "
                           f"{instance_id} in {instance.vpc_id}.", code="UnsupportedOperation.VpcMismatch")
        most, per_interface = quota_of(instance)
        current = self.attached_to(instance)
        if len(current) >= most:
            raise ApiError(f"The instance {instance_id} ({instance.instance_type}, {instance.cpu} core(s)) has "
                           f"{len(current)} network interfaces, the most its type allows ({most}).",
                           code="LimitExceeded")
        if len(interface.addresses) > per_interface:
            raise ApiError(f"The network interface {interface_id} holds {len(interface.addresses)} private IPs; "
                           f"an interface of {instance.instance_type} holds at most {per_interface}.",
                           code="LimitExceeded.EniPrivateIpLimit")
        used = {i.device_index for i in current}
        interface.device_index = next(n for n in itertools.count(1) if n not in used)
        interface.instance_id, interface.state = instance_id, ATTACHING
        self._attached.setdefault(instance_id, []).append(interface)
        interface.attach_time = float(int(self.world.now))
        self.interfaces.changed(interface)
        self.in_flight.begin(interface, f"attach {interface_id} to {instance_id}")

    def detach(self, uin: str, region: str, interface_id: str, instance_id: str) -> None:
        interface = self.existing(uin, region, interface_id)
        instance = self._instance(uin, region, instance_id)
        if interface.instance_id != instance.instance_id:
            raise ApiError(f"The network interface {interface_id} is not attached to {instance_id}.",
                           code="UnsupportedOperation.AttachmentNotFound")
        if interface.primary or interface.state != AVAILABLE:
            raise ApiError(
                f"The network interface {interface_id} is "
                + ("the primary interface" if interface.primary else interface.state)
                + "; only an attached AVAILABLE secondary interface can be detached.",
                code="UnsupportedOperation.InvalidState",
            )
        interface.state = DETACHING
        self.in_flight.begin(interface, f"detach {interface_id} from {instance_id}")

    def _settle(self, interface: Interface) -> None:
        if interface.released:
            return
        if interface.state == DETACHING and interface.instance_id is not None:
            attached = self._attached.get(interface.instance_id, [])
            if interface in attached:
                attached.remove(interface)
            interface.instance_id, interface.device_index = None, 0
        interface.state = AVAILABLE
        self.interfaces.changed(interface)
        self.world.vpc.interface_moved(interface)

    def _instance(self, uin: str, region: str, instance_id: str) -> Instance:
        from mockcvm.services.cvm.models import INSTANCE_ID

        if not INSTANCE_ID.match(instance_id):
            raise ApiError(f"The instance id {instance_id!r} is malformed; instance ids look like ins-1a2b3c4d.",
                           code="InvalidParameterValue.InstanceIdMalformed")
        instance = self.world.cvm.get(uin, region, instance_id)
        if instance is None:
            raise ApiError(f"The instance {instance_id} does not exist in {region}.",
                           code="InvalidInstanceId.NotFound")
        if instance.state not in ATTACHABLE_STATES or instance.settles_to is not None:
            raise ApiError(f"The instance {instance_id} is {instance.state}; interfaces attach to and detach "
                           "from RUNNING or STOPPED instances.", code="UnsupportedOperation.InvalidInstanceState")
        return instance

    # -- private IPs ------------------------------------------------------------------------------------------

    def assign(self, uin: str, region: str, params: dict[str, Any]) -> list[PrivateIp]:
        interface = self.existing(uin, region, params["NetworkInterfaceId"])
        specs = list(params.get("PrivateIpAddresses") or [])
        count = int(params.get("SecondaryPrivateIpAddressCount") or 0)
        if specs and count:
            raise ApiError("Give PrivateIpAddresses or SecondaryPrivateIpAddressCount, not both.",
                           code="InvalidParameter.Coexist")
        if not specs and not count:
            raise MissingParameter("AssignPrivateIpAddresses needs PrivateIpAddresses or "
                                   "SecondaryPrivateIpAddressCount.")
        if any(s.get("Primary") for s in specs):
            raise InvalidParameterValue("An assigned private IP is secondary: Primary must be false.")
        subnet = self.world.vpc.network.subnets.get(uin, region, interface.subnet_id)
        assert subnet is not None  # a subnet holding addresses cannot be deleted
        owner = self.instance_of(interface)
        limit = UNATTACHED_IP_QUOTA if owner is None else quota_of(owner)[1]
        total = len(specs) or count
        self._check_new(subnet, [s.get("PrivateIpAddress") for s in specs], total, limit, len(interface.addresses))
        texts: list[Optional[str]] = [s.get("PrivateIpAddress") for s in specs] or [None] * count
        added = []
        for n, text in enumerate(texts):
            number = parse_ip(text) if text else None
            taken = subnet.take(interface.interface_id, number)
            spec = specs[n] if specs else {}
            added.append(PrivateIp(taken, description=str(spec.get("Description", ""))))
        interface.addresses.extend(added)
        self.interfaces.changed(interface)
        return added

    def unassign(self, uin: str, region: str, params: dict[str, Any]) -> None:
        interface = self.existing(uin, region, params["NetworkInterfaceId"])
        texts = [s.get("PrivateIpAddress") for s in params["PrivateIpAddresses"]]
        doomed = []
        for text in texts:
            entry = interface.holds(str(text))
            if entry is None:
                raise ApiError(f"The private IP {text} is not on the network interface {interface.interface_id}.",
                               code="InvalidParameterValue.AddressIpNotFound")
            if entry.primary:
                raise InvalidParameterValue(f"The private IP {text} is the interface's primary one; it cannot be "
                                            "unassigned.")
            self.world.vpc.check_no_eip(interface, entry.address)
            doomed.append(entry)
        for entry in doomed:
            interface.addresses.remove(entry)
            self.world.vpc.network.release_address(uin, region, interface.subnet_id, entry.address)
        self.interfaces.changed(interface)

    # -- internals --------------------------------------------------------------------------------------------

    def _new_id(self) -> str:
        """A secondary interface's id: random, and not the id of a live instance's primary interface (``eni-``
        and the instance id's suffix). An instance launched later with that suffix is a 1 in 36**8 chance."""
        while True:
            new = self.world.ids.short("eni")
            if new not in self.interfaces and "ins-" + new[4:] not in self.world.cvm.instances:
                return new


def primary_id(instance_id: str) -> str:
    """The id of an instance's primary interface."""
    return "eni-" + instance_id[4:]


def _description(params: dict[str, Any]) -> str:
    text = str(params.get("NetworkInterfaceDescription", ""))
    if len(text) > MAX_NAME:
        raise ApiError(f"NetworkInterfaceDescription must be at most {MAX_NAME} characters, got {len(text)}.",
                       code="InvalidParameterValue.Range")
    return text


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_NAME:
        raise ApiError(f"{what} must be 1 to {MAX_NAME} characters, got {value!r}.",
                       code="InvalidParameterValue.Range")
    return value
