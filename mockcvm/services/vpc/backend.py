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
from typing import TYPE_CHECKING, Any

from mockcvm.engine.resources import Store
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter, NotImplementedByMockcvm
from mockcvm.services.tag.validation import check_tags
from mockcvm.services.vpc.models import ADDRESS, BIND, UNBIND, Address

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
IDLE_REASON = "eip_idle"

class VpcBackend:
    def __init__(self, world: World) -> None:
        self.world = world
        self.addresses: Store[Address] = Store(ADDRESS)
        #: instance id -> its ordinary public IP as a WanIP address (made when first listed).
        self._wan: dict[str, Address] = {}
        self._ip_counter = itertools.count(1)
        self._task_counter = itertools.count(100000001)

    # -- hooks (docs/internals.md) ---------------------------------------------------------------------------

    def public_ips_of(self, instance: Instance) -> list[str]:
        """Addresses of the elastic IPs bound to ``instance``."""
        return [a.address_ip for a in self._bound_to(instance)]

    def instance_released(self, instance: Instance, release_address: bool) -> None:
        """Unbind the instance's elastic IPs and keep them, idle and charged; with ``release_address``
        release the first EIP of the primary NIC instead (SPEC §7)."""
        self._wan.pop(instance.instance_id, None)  # the ordinary public IP goes with the instance
        bound = self._bound_to(instance)
        for position, address in enumerate(bound):
            if release_address and position == 0:
                self._release(address)
            else:
                self._unbind(address)

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
        return ids, self._task_id()

    def add(self, address: Address) -> None:
        """Put a ready-made EIP into the world (control APIs, benchmarks); unbound, it is charged as idle."""
        self._add(address)

    def associate(self, uin: str, region: str, params: dict[str, Any]) -> str:
        address = self.addresses.existing(uin, region, params["AddressId"])
        if params.get("NetworkInterfaceId"):
            raise NotImplementedByMockcvm(
                "mockcvm binds EIPs to instances only (InstanceId); it does not model elastic network "
                "interfaces."
            )
        instance_id = params.get("InstanceId")
        if not instance_id:
            raise MissingParameter(
                "AssociateAddress needs InstanceId (binding to a NetworkInterfaceId is not faked)."
            )
        if not INSTANCE_ID.match(instance_id):
            raise ApiError(
                f"The instance id {instance_id!r} is malformed; expected ins- and 8 letters or digits.",
                code="InvalidParameterValue.InstanceIdMalformed",
            )
        if address.status != UNBIND:
            raise ApiError(
                f"The EIP {address.address_id} is {address.status}; only an UNBIND EIP can be bound.",
                code="InvalidAddressIdStatus.NotPermit",
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
        already = self._bound_to(instance)
        if already:
            raise ApiError(
                f"The instance {instance_id} already has the EIP {already[0].address_id}; disassociate it first.",
                code="InvalidInstanceId.AlreadyBindEip",
            )
        address.status, address.instance_id, address.private_ip = (
            BIND,
            instance_id,
            instance.private_ip or None,
        )
        self.addresses.changed(address)
        instance.public_ip = None  # binding releases the ordinary public IP of the primary private IP
        self.world.cvm.instances.changed(instance, "public-ip-address")
        self._rate(address, idle=False)
        return self._task_id()

    def disassociate(self, uin: str, region: str, address_id: str, reallocate_public_ip: bool) -> str:
        address = self.addresses.existing(uin, region, address_id)
        if address.status != BIND or address.instance_id is None:
            raise ApiError(
                f"The EIP {address_id} is {address.status}; only a bound EIP can be disassociated.",
                code="UnsupportedOperation.AddressStatusNotPermit",
            )
        instance_id = address.instance_id
        self._unbind(address)
        if reallocate_public_ip:
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

    def _public_ips_changed(self, uin: str, region: str, instance_id: str) -> None:
        instance = self.world.cvm.get(uin, region, instance_id)
        if instance is not None:
            self.world.cvm.instances.changed(instance, "public-ip-address")

    def _unbind(self, address: Address) -> None:
        address.status, address.instance_id, address.private_ip = UNBIND, None, None
        self.addresses.changed(address)
        self._rate(address, idle=True)

    def _release(self, address: Address) -> None:
        self._rate(address, idle=False)
        address.released = True
        address.status, address.instance_id, address.private_ip = UNBIND, None, None
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

