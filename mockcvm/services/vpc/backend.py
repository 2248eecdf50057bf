"""Vpc state and operations (elastic IPs). Knows nothing of HTTP; raises ApiError.

EIPs are kept in a :class:`Store` of the ``ADDRESS`` kind (paging, filters, id checks and rendering come from
the declaration in ``models.py``); its ``instance-id`` index finds the EIPs of an instance (release and
``public_ips_of`` never scan). An EIP that is
not bound to an instance is idle and charged ``price("eip_idle_hour")`` per hour; binding stops the charge.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

from mockcvm import clock
from mockcvm.engine.resources import Store
from mockcvm.engine.transitions import InFlight
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.services.tag.validation import check_tags
from mockcvm.services.vpc.interface_backend import InterfaceBackend
from mockcvm.services.vpc.interfaces import INTERFACE, Interface
from mockcvm.services.vpc.models import ADDRESS, BIND, BIND_ENI, BINDING, UNBIND, UNBINDING, Address
from mockcvm.services.vpc.network_backend import NetworkBackend
from mockcvm.services.vpc.security_group_backend import SecurityGroupBackend

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.world import World

INSTANCE_ID = re.compile(r"ins-[a-z0-9]{8}\Z")
ADDRESS_TYPES = ("EIP", "AnycastEIP", "HighQualityEIP", "AntiDDoSEIP", "ResidentialEIP")
CHARGE_TYPES = (
    "TRAFFIC_POSTPAID_BY_HOUR",
    "BANDWIDTH_POSTPAID_BY_HOUR",
    "BANDWIDTH_PACKAGE",
    "BANDWIDTH_PREPAID_BY_MONTH",
)
#: Instance states an EIP can be bound in (not while launching, in the recycle bin or being destroyed).
BINDABLE_STATES = ("RUNNING", "STOPPED", "STARTING", "STOPPING", "REBOOTING")
WAN_IP = "WanIP"  # an ordinary public IP (InternetAccessible.PublicIpAssigned), listed on request only
MAX_ADDRESS_COUNT = 100
MAX_ADDRESS_NAME = 128
#: EIPs an account may hold per region (twice as many may be allocated a day).
ADDRESS_QUOTA = 20
IDLE_REASON = "eip_idle"

class VpcBackend:
    def __init__(self, world: World) -> None:
        self.world = world
        self.addresses: Store[Address] = Store(ADDRESS)
        #: VPCs, subnets, the default network and private IPs.
        self.network = NetworkBackend(world)
        #: security groups and their rules.
        self.security_groups = SecurityGroupBackend(world)
        #: network interfaces: the primary one of every instance and the secondary ones.
        self.interfaces = InterfaceBackend(world)
        #: EIPs BINDING or UNBINDING, settled by the transitions option.
        self.in_flight: InFlight[Address] = InFlight(
            world.timeline, world.options.transitions, world.options.duration("transition"), self._settle_address
        )
        #: instance id -> its ordinary public IP as a WanIP address (made when first listed).
        self._wan: dict[str, Address] = {}
        self._ip_counter = itertools.count(1)
        #: EIPs an account may hold per region; None: no quota (benchmarks holding many EIPs set it).
        self.address_quota: Optional[int] = ADDRESS_QUOTA
        #: (uin, region, UTC day) -> EIPs allocated that day.
        self._allocated_on: dict[tuple[str, str, str], int] = {}
        self._task_counter = itertools.count(100000001)

    # -- hooks (docs/internals.md) ---------------------------------------------------------------------------

    def public_ips_of(self, instance: Instance) -> list[str]:
        """Addresses of the elastic IPs bound to ``instance``."""
        return [a.address_ip for a in self._bound_to(instance)]

    def settle(self, ids: Optional[set[str]] = None) -> list[str]:
        """Settle the network interfaces attaching or detaching (those of ``ids``, or all); their ids."""
        in_flight = self.interfaces.in_flight
        chosen = [i for i in in_flight.subjects() if ids is None or i.interface_id in ids]
        settled = [i.interface_id for i in chosen if in_flight.settle(i)]
        binding = [a for a in self.in_flight.subjects() if ids is None or a.address_id in ids]
        return settled + [a.address_id for a in binding if self.in_flight.settle(a)]

    def instance_launched(self, instance: Instance) -> None:
        """A new instance: make its primary network interface."""
        self.interfaces.instance_launched(instance)

    def instance_released(self, instance: Instance, release_address: bool) -> None:
        """Every EIP bound to any private IP of the instance (on its primary or secondary interfaces) is kept,
        unbound and charged idle; with ``release_address`` the EIP of the primary interface's primary IP is
        released instead. The primary interface goes; secondary ones are detached and kept (AVAILABLE)."""
        self._wan.pop(instance.instance_id, None)  # the ordinary public IP goes with the instance
        primary = self.interfaces.primary_of(instance)
        first = None if primary is None else self.eip_on(primary, instance.private_ip)
        bound = list(self._bound_to(instance))
        for interface in self.interfaces.attached_to(instance):  # also those still ATTACHING
            for address in self.addresses.by(instance.uin, instance.region, "network-interface-id",
                                             interface.interface_id):
                if address not in bound:
                    bound.append(address)
        for address in bound:
            if release_address and address is first:
                self._release(address)
            else:
                self._unbind(address)
        self.interfaces.instance_released(instance)

    def ordinary_ip_moved(self, instance_id: str, private_ip: str) -> None:
        """The instance's primary private IP changed (ModifyInstancesVpcAttribute): its WanIP row follows."""
        wan = self._wan.get(instance_id)
        if wan is not None:
            wan.private_ip = private_ip

    # -- reads -----------------------------------------------------------------------------------------------
    # -- reads -----------------------------------------------------------------------------------------------

    def _bound_to(self, instance: Instance) -> list[Address]:
        return self.addresses.by(instance.uin, instance.region, "instance-id", instance.instance_id)

    def describe(self, uin: str, region: str, params: dict[str, Any]) -> tuple[int, list[Address]]:
        """``(TotalCount, page)`` of the account's EIPs in ``region``; the ordinary public IPs of instances are
        listed too when the ``address-type`` filter asks for ``WanIP``."""
        filters = params.get("Filters")
        wan = any(f.get("Name") == "address-type" and WAN_IP in f.get("Values", ()) for f in filters or ())
        return self.addresses.describe(
            uin, region, params.get("AddressIds"), filters, params.get("Offset"), params.get("Limit"),
            extra=self._wan_ips(uin, region) if wan else (),
        )

    def _wan_ips(self, uin: str, region: str) -> list[Address]:
        """The ordinary public IPs of the region's instances, as DescribeAddresses lists them (``WanIP``, only
        when the ``address-type`` filter asks for it). Scans the instances of (uin, region)."""
        shown = []
        for instance in self.world.cvm.instances_in(uin, region):
            if not instance.public_ip or instance.released:
                continue
            wan = self._wan.get(instance.instance_id)
            if wan is None or wan.address_ip != instance.public_ip:
                wan = self._wan[instance.instance_id] = Address(
                    address_id=self._new_id(),
                    address_ip=instance.public_ip,
                    uin=uin,
                    region=region,
                    created_time=instance.created_time,
                    address_type=WAN_IP,
                    status=BIND,
                    instance_id=instance.instance_id,
                    private_ip=instance.private_ip or None,
                    internet_charge_type=instance.internet_charge_type or "TRAFFIC_POSTPAID_BY_HOUR",
                    bandwidth=instance.internet_max_bandwidth_out,
                )
            shown.append(wan)
        return shown

    # -- changes ---------------------------------------------------------------------------------------------

    def allocate(self, uin: str, region: str, params: dict[str, Any]) -> tuple[list[str], str]:
        count = params.get("AddressCount", 1)
        if not 1 <= count <= MAX_ADDRESS_COUNT:
            raise ApiError(
                f"AddressCount must be between 1 and {MAX_ADDRESS_COUNT}, got {count}.",
                code="InvalidParameterValue.Range",
            )
        address_type = params.get("AddressType", "EIP")
        if address_type not in ADDRESS_TYPES:
            raise InvalidParameterValue(
                f"AddressType must be one of {', '.join(ADDRESS_TYPES)}, got {address_type!r}."
            )
        charge_type = params.get("InternetChargeType", "TRAFFIC_POSTPAID_BY_HOUR")
        if charge_type not in CHARGE_TYPES:
            raise InvalidParameterValue(
                f"InternetChargeType must be one of {', '.join(CHARGE_TYPES)}, got {charge_type!r}."
            )
        bandwidth = params.get("InternetMaxBandwidthOut", 1)
        if not 1 <= bandwidth <= 2000:
            raise ApiError(
                f"InternetMaxBandwidthOut must be between 1 and 2000 Mbps, got {bandwidth}.",
                code="InvalidParameterValue.Range",
            )
        tags = check_tags((t["Key"], t.get("Value", "")) for t in params.get("Tags", []))
        self._check_quota(uin, region, count)
        ids = []
        for _ in range(count):
            address = Address(
                address_id=self._new_id(),
                address_ip=self._new_ip(),
                uin=uin,
                region=region,
                created_time=self.world.now,
                name=params.get("AddressName", ""),
                address_type=address_type,
                internet_charge_type=charge_type,
                bandwidth=bandwidth,
                isp=params.get("InternetServiceProvider", "BGP"),
                tags=dict(tags),
            )
            self._add(address)
            ids.append(address.address_id)
        day = clock.to_datetime(self.world.now).date().isoformat()
        self._allocated_on[(uin, region, day)] = self._allocated_on.get((uin, region, day), 0) + count
        return ids, self._task_id()

    # -- quota -----------------------------------------------------------------------------------------------

    def quota(self, uin: str, region: str) -> list[dict[str, Any]]:
        """DescribeAddressQuota's ``QuotaSet``: EIPs held in the region, and allocations today (UTC)."""
        day = clock.to_datetime(self.world.now).date().isoformat()
        limit = self.address_quota
        return [
            {"QuotaId": "TOTAL_EIP_QUOTA", "QuotaCurrent": self.addresses.count(uin, region),
             "QuotaLimit": -1 if limit is None else limit},
            {"QuotaId": "DAILY_EIP_APPLY", "QuotaCurrent": self._allocated_on.get((uin, region, day), 0),
             "QuotaLimit": -1 if limit is None else 2 * limit},
        ]

    def _check_quota(self, uin: str, region: str, count: int) -> None:
        limit = self.address_quota
        if limit is None:
            return
        held = self.addresses.count(uin, region)
        if held + count > limit:
            raise ApiError(
                f"The account holds {held} EIPs in {region}; {count} more would pass the quota of {limit}. "
                "Release some first.",
                code="AddressQuotaLimitExceeded",
            )
        day = clock.to_datetime(self.world.now).date().isoformat()
        today = self._allocated_on.get((uin, region, day), 0)
        if today + count > 2 * limit:
            raise ApiError(
                f"The account allocated {today} EIPs in {region} today; at most {2 * limit} a day.",
                code="AddressQuotaLimitExceeded.DailyAllocate",
            )

    # -- attributes ------------------------------------------------------------------------------------------

    def modify_attribute(self, uin: str, region: str, params: dict[str, Any]) -> None:
        address = self.addresses.existing(uin, region, params["AddressId"])
        name = params.get("AddressName")
        if name is not None and len(name) > MAX_ADDRESS_NAME:
            raise ApiError(f"AddressName must be at most {MAX_ADDRESS_NAME} characters.",
                           code="InvalidParameterValue.Range")
        if str(params.get("EipDirectConnection", "FALSE")).upper() == "TRUE" or params.get("EipVisibleOnEni"):
            raise ApiError("mockcvm does not model EIP direct connection or EIPs shown on the interface; only "
                           "AddressName can be changed.", code="UnsupportedOperation.ModifyAddressAttribute")
        if name is not None:
            address.name = name
            self.addresses.changed(address)

    def modify_bandwidth(self, uin: str, region: str, address_ids: list[str], bandwidth: int) -> str:
        addresses = self.addresses.existing_all(uin, region, address_ids, "AddressIds")
        if not 1 <= bandwidth <= 2000:
            raise ApiError(f"InternetMaxBandwidthOut must be between 1 and 2000 Mbps, got {bandwidth}.",
                           code="InvalidParameterValue.BandwidthOutOfRange")
        for address in addresses:
            address.bandwidth = bandwidth
        return self._task_id()

    def add(self, address: Address) -> None:
        """Put a ready-made EIP into the world (control APIs, benchmarks); unbound, it is charged as idle."""
        self._add(address)

    def associate(self, uin: str, region: str, params: dict[str, Any]) -> str:
        """Bind an EIP to an instance (its primary interface's primary IP) or to any private IP of an interface
        (``NetworkInterfaceId`` + ``PrivateIpAddress``). One EIP per private IP."""
        address = self.addresses.existing(uin, region, params["AddressId"])
        instance_id, interface_id = params.get("InstanceId"), params.get("NetworkInterfaceId")
        if instance_id and interface_id:
            raise ApiError("Give InstanceId or NetworkInterfaceId with PrivateIpAddress, not both.",
                           code="InvalidParameterConflict")
        if not instance_id and not interface_id:
            raise MissingParameter("AssociateAddress needs InstanceId, or NetworkInterfaceId and PrivateIpAddress.")
        if instance_id:
            instance = self._bindable_instance(uin, region, instance_id)
            interface = self.interfaces.primary_of(instance)
            if interface is None:  # pragma: no cover - every instance has one
                raise ApiError(f"The instance {instance_id} has no primary interface.",
                               code="FailedOperation.MasterEniNotFound")
            private_ip = instance.private_ip
        else:
            if not params.get("PrivateIpAddress"):
                raise MissingParameter("AssociateAddress with NetworkInterfaceId needs PrivateIpAddress.")
            private_ip = str(params["PrivateIpAddress"])
            interface = self._interface_for_eip(uin, region, str(interface_id), private_ip)
            if interface.instance_id is not None:
                self._bindable_instance(uin, region, interface.instance_id)
        if address.status != UNBIND:
            raise ApiError(
                f"The EIP {address.address_id} is {address.status}; only an UNBIND EIP can be bound.",
                code="InvalidAddressIdStatus.NotPermit",
            )
        already = self.eip_on(interface, private_ip)
        if already is not None:
            if instance_id:
                raise ApiError(
                    f"The instance {instance_id} already has the EIP {already.address_id} on its primary IP; "
                    "disassociate it first.",
                    code="InvalidInstanceId.AlreadyBindEip",
                )
            raise ApiError(
                f"The private IP {private_ip} of {interface.interface_id} already has the EIP "
                f"{already.address_id}; disassociate it first.",
                code="InvalidPrivateIpAddress.AlreadyBindEip",
            )
        address.interface_id, address.private_ip = interface.interface_id, private_ip
        self._follow(address, interface)
        address.status = BINDING
        self.addresses.changed(address)
        self.in_flight.begin(address, f"bind {address.address_id}")
        owner = self.interfaces.instance_of(interface)
        if owner is not None and interface.primary and private_ip == owner.private_ip:
            owner.public_ip = None  # binding releases the ordinary public IP of the primary private IP
            self.world.cvm.instances.changed(owner, "public-ip-address")
        return self._task_id()

    def _bindable_instance(self, uin: str, region: str, instance_id: str) -> Instance:
        if not INSTANCE_ID.match(instance_id):
            raise ApiError(
                f"The instance id {instance_id!r} is malformed; expected ins- and 8 letters or digits.",
                code="InvalidParameterValue.InstanceIdMalformed",
            )
        instance = self.world.tag.find_instance(uin, region, instance_id)
        if instance is None or instance.released:
            raise ApiError(
                f"The instance {instance_id} does not exist in {region} (or was released).",
                code="InvalidInstanceId.NotFound",
            )
        if instance.state not in BINDABLE_STATES:
            raise ApiError(
                f"The instance {instance_id} is {instance.state}; an EIP can be bound to a RUNNING or "
                "STOPPED instance.",
                code="InvalidParameterValue.InvalidInstanceState",
            )
        return instance

    def _interface_for_eip(self, uin: str, region: str, interface_id: str, private_ip: str) -> Interface:
        INTERFACE.check_id(interface_id)
        interface = self.interfaces.interfaces.get(uin, region, interface_id)
        if interface is None or interface.holds(private_ip) is None:
            raise ApiError(
                f"The network interface {interface_id} does not exist in {region} or does not hold the private "
                f"IP {private_ip}.",
                code="InvalidNetworkInterfaceId.NotFound",
            )
        return interface

    def eip_on(self, interface: Interface, private_ip: str) -> Optional[Address]:
        """The EIP bound to ``private_ip`` of ``interface``, if any."""
        for address in self.addresses.by(interface.uin, interface.region, "network-interface-id",
                                         interface.interface_id):
            if address.private_ip == private_ip:
                return address
        return None

    def check_no_eip(self, interface: Interface, private_ip: Optional[str]) -> None:
        """Refuse (UnsupportedOperation.BindEIP) if an EIP is bound to ``private_ip`` (or any IP) of ``interface``."""
        for address in self.addresses.by(interface.uin, interface.region, "network-interface-id",
                                         interface.interface_id):
            if private_ip is None or address.private_ip == private_ip:
                raise ApiError(
                    f"The EIP {address.address_id} is bound to {address.private_ip} of {interface.interface_id}; "
                    "disassociate it first.",
                    code="UnsupportedOperation.BindEIP",
                )

    def interface_moved(self, interface: Interface) -> None:
        """An interface was attached or detached: its EIPs follow (BIND with the instance, BIND_ENI without)."""
        for address in self.addresses.by(interface.uin, interface.region, "network-interface-id",
                                         interface.interface_id):
            self._follow(address, interface)

    def _follow(self, address: Address, interface: Interface) -> None:
        owner = interface.instance_id  # attaching or detaching, it is still the instance's
        before, address.instance_id = address.instance_id, owner
        if address not in self.in_flight:  # BINDING / UNBINDING settle into the state that holds then
            address.status = BIND if owner is not None else BIND_ENI
        self.addresses.changed(address)
        self._rate(address, idle=owner is None)
        if before != owner:
            for instance_id in {before, owner} - {None}:
                self._public_ips_changed(address.uin, address.region, instance_id)

    def disassociate(self, uin: str, region: str, address_id: str, reallocate_public_ip: bool) -> str:
        address = self.addresses.existing(uin, region, address_id)
        if address.status not in (BIND, BIND_ENI):
            raise ApiError(
                f"The EIP {address_id} is {address.status}; only a bound EIP can be disassociated.",
                code="UnsupportedOperation.AddressStatusNotPermit",
            )
        instance_id = address.instance_id
        address.status = UNBINDING
        self.addresses.changed(address)
        self.in_flight.begin(address, f"unbind {address.address_id}")
        if reallocate_public_ip and instance_id is not None:
            instance = self.world.tag.find_instance(uin, region, instance_id)
            if instance is not None:
                instance.public_ip = self.world.cvm.new_public_ip()
        self._public_ips_changed(uin, region, instance_id)
        return self._task_id()

    def release(self, uin: str, region: str, address_ids: list[str]) -> str:
        addresses = self.addresses.existing_all(uin, region, address_ids, "AddressIds")
        for address in addresses:
            if address.status != UNBIND:
                raise ApiError(
                    f"The EIP {address.address_id} is {address.status} (bound to {address.instance_id}); "
                    "only an "
                    "UNBIND EIP can be released. Disassociate it first.",
                    code="InvalidAddressState",
                )
        for address in addresses:
            self._release(address)
        return self._task_id()

    # -- internals -------------------------------------------------------------------------------------------

    def _add(self, address: Address) -> None:
        self.addresses.add(address)
        self.world.tag.track("eip", address.address_id, address)
        self._rate(address, idle=address.status != BIND)

    def _settle_address(self, address: Address) -> None:
        if address.released:
            return
        if address.status == UNBINDING:
            self._unbind(address)
            return
        address.status = BIND if address.instance_id is not None else BIND_ENI
        self.addresses.changed(address)

    def seen(self, addresses: list[Address]) -> None:
        """A read has shown ``addresses``: under the default policy their BINDING/UNBINDING settles now."""
        for address in addresses:
            self.in_flight.seen(address)

    def _public_ips_changed(self, uin: str, region: str, instance_id: Optional[str]) -> None:
        instance = self.world.cvm.get(uin, region, instance_id) if instance_id is not None else None
        if instance is not None:
            self.world.cvm.instances.changed(instance, "public-ip-address")

    def _unbind(self, address: Address) -> None:
        self.in_flight.forget(address)
        before = address.instance_id
        address.status, address.instance_id, address.private_ip, address.interface_id = UNBIND, None, None, None
        self.addresses.changed(address)
        if before is not None:
            self._public_ips_changed(address.uin, address.region, before)
        self._rate(address, idle=True)

    def _release(self, address: Address) -> None:
        self.in_flight.forget(address)
        self._rate(address, idle=False)
        address.released = True
        address.status, address.instance_id, address.private_ip, address.interface_id = UNBIND, None, None, None
        self.addresses.remove(address)
        self.world.tag.untrack(address.uin, "eip", address.address_id)

    def _rate(self, address: Address, idle: bool) -> None:
        rate = self.world.billing.price("eip_idle_hour") if idle else Decimal(0)
        self.world.billing.set_rate(address.uin, address.address_id, IDLE_REASON, rate)

    def _new_id(self) -> str:
        while True:
            address_id = self.world.ids.short("eip")
            if address_id not in self.addresses:
                return address_id

    def _new_ip(self) -> str:
        n = next(self._ip_counter)
        return f"119.{28 + (n >> 16) % 200}.{(n >> 8) & 255}.{n & 255}"

    def _task_id(self) -> str:
        return str(next(self._task_counter))

