"""Vpc state and operations (elastic IPs). Knows nothing of HTTP; raises ApiError.

EIPs are kept per (account, region) in an :class:`OrderedIndex` (DescribeAddresses pages without touching the
rest) and indexed by the instance they are bound to (release and ``public_ips_of`` never scan). An EIP that is
not bound to an instance is idle and charged ``price("eip_idle_hour")`` per hour; binding stops
the charge.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

from mockcvm.engine.ordered_index import OrderedIndex
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter, NotImplementedByMockcvm
from mockcvm.services.tag.filters import FilterTable, matches
from mockcvm.services.tag.validation import check_tags
from mockcvm.services.vpc.models import BIND, UNBIND, Address

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.world import World

ADDRESS_ID = re.compile(r"eip-[a-z0-9]{8}\Z")
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
DEFAULT_LIMIT, MAX_LIMIT = 20, 100
IDLE_REASON = "eip_idle"

FILTERS = FilterTable(
    {
        "address-id": lambda a: a.address_id,
        "address-name": lambda a: a.name,
        "address-ip": lambda a: a.address_ip,
        "address-status": lambda a: a.status,
        "instance-id": lambda a: a.instance_id,
        "private-ip-address": lambda a: a.private_ip,
        "network-interface-id": lambda a: None,
        "is-arrears": lambda a: "FALSE",
        "instance-type": lambda a: "CVM" if a.status == BIND else None,
        "address-type": lambda a: a.address_type,
        "address-isp": lambda a: a.isp,
        "dedicated-cluster-id": lambda a: None,
    },
    unknown_code="InvalidParameter.FilterInvalidKey",
    tags=lambda a: a.tags,
)


class VpcBackend:
    def __init__(self, world: World) -> None:
        self.world = world
        self._addresses: dict[tuple[str, str], OrderedIndex[str, Address]] = {}
        self._by_id: dict[str, Address] = {}
        self._by_instance: dict[str, list[Address]] = {}
        #: instance id -> its ordinary public IP as a WanIP address (made when first listed).
        self._wan: dict[str, Address] = {}
        self._ip_counter = itertools.count(1)
        self._task_counter = itertools.count(100000001)

    # -- hooks (docs/internals.md) ---------------------------------------------------------------------------

    def public_ips_of(self, instance: Instance) -> list[str]:
        """Addresses of the elastic IPs bound to ``instance``."""
        return [a.address_ip for a in self._by_instance.get(instance.instance_id, ())]

    def instance_released(self, instance: Instance, release_address: bool) -> None:
        """Unbind the instance's elastic IPs and keep them, idle and charged; with ``release_address``
        release the first EIP of the primary NIC instead."""
        self._wan.pop(instance.instance_id, None)  # the ordinary public IP goes with the instance
        bound = self._by_instance.pop(instance.instance_id, [])
        for position, address in enumerate(bound):
            if release_address and position == 0:
                self._release(address)
            else:
                self._unbind(address)

    # -- reads -----------------------------------------------------------------------------------------------

    def get(self, uin: str, region: str, address_id: str) -> Optional[Address]:
        address = self._by_id.get(address_id)
        if address is None or address.uin != uin or address.region != region:
            return None
        return address

    def describe(
        self,
        uin: str,
        region: str,
        address_ids: Optional[list[str]],
        filters: Optional[list[dict[str, Any]]],
        offset: Optional[int],
        limit: Optional[int],
    ) -> tuple[int, list[Address]]:
        """``(TotalCount, page)`` of the account's EIPs in ``region``."""
        if address_ids and filters:
            raise ApiError(
                "AddressIds and Filters cannot be given together.", code="InvalidParameter.Coexist"
            )
        start = offset or 0
        size = DEFAULT_LIMIT if limit is None else limit
        if start < 0:
            raise ApiError(f"Offset must not be negative, got {start}.", code="InvalidParameterValue.Range")
        if not 0 <= size <= MAX_LIMIT:
            raise ApiError(
                f"Limit must be between 0 and {MAX_LIMIT}, got {size}.", code="InvalidParameterValue.Range"
            )
        index = self._addresses.get((uin, region))
        if address_ids:
            if len(address_ids) > MAX_LIMIT:
                raise ApiError(
                    f"{len(address_ids)} AddressIds were given; at most {MAX_LIMIT} are allowed.",
                    code="InvalidParameterValue.LimitExceeded",
                )
            for address_id in address_ids:
                _check_id(address_id)
            found = [a for a in map(self._by_id.get, dict.fromkeys(address_ids)) if a is not None]
            selected = [a for a in found if a.uin == uin and a.region == region]
            return len(selected), selected[start : start + size]
        compiled = FILTERS.compile(filters or [], 10, 100, "InvalidParameterValue.LimitExceeded")
        if not compiled:
            if index is None:
                return 0, []
            return len(index), index.page(start, size)
        pool = self._candidates(uin, region, compiled, index)
        if any(name == "address-type" and WAN_IP in wanted for _r, wanted, name in compiled):
            pool += self._wan_ips(uin, region)
        selected = [a for a in pool if matches(a, compiled)]
        return len(selected), selected[start : start + size]

    def _candidates(
        self, uin: str, region: str, compiled: list[Any], index: Optional[OrderedIndex[str, Address]]
    ) -> list[Address]:
        for _reader, wanted, name in compiled:
            if name == "instance-id":  # use the instance index instead of a scan
                bound = [a for i in wanted for a in self._by_instance.get(i, ())]
                return [a for a in bound if a.uin == uin and a.region == region]
        return list(index) if index is not None else []

    def _wan_ips(self, uin: str, region: str) -> list[Address]:
        """The ordinary public IPs of the region's instances, as DescribeAddresses lists them (``WanIP``, only
        when the ``address-type`` filter asks for it). Scans the instances of (uin, region)."""
        shown = []
        for instance in self.world.cvm.instances_in(uin, region).values():
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
        address = self._existing(uin, region, params["AddressId"])
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
        if self._by_instance.get(instance_id):
            raise ApiError(
                f"The instance {instance_id} already has the EIP "
                f"{self._by_instance[instance_id][0].address_id}; "
                "disassociate it first.",
                code="InvalidInstanceId.AlreadyBindEip",
            )
        address.status, address.instance_id, address.private_ip = (
            BIND,
            instance_id,
            instance.private_ip or None,
        )
        self._by_instance[instance_id] = [address]
        instance.public_ip = None  # binding releases the ordinary public IP of the primary private IP
        self._rate(address, idle=False)
        return self._task_id()

    def disassociate(self, uin: str, region: str, address_id: str, reallocate_public_ip: bool) -> str:
        address = self._existing(uin, region, address_id)
        if address.status != BIND or address.instance_id is None:
            raise ApiError(
                f"The EIP {address_id} is {address.status}; only a bound EIP can be disassociated.",
                code="UnsupportedOperation.AddressStatusNotPermit",
            )
        instance_id = address.instance_id
        bound = self._by_instance.get(instance_id, [])
        if address in bound:
            bound.remove(address)
        if not bound:
            self._by_instance.pop(instance_id, None)
        self._unbind(address)
        if reallocate_public_ip:
            instance = self.world.tag.find_instance(uin, region, instance_id)
            if instance is not None:
                instance.public_ip = self.world.cvm.new_public_ip()
        return self._task_id()

    def release(self, uin: str, region: str, address_ids: list[str]) -> str:
        addresses = [self._existing(uin, region, a) for a in dict.fromkeys(address_ids)]
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

    def _existing(self, uin: str, region: str, address_id: str) -> Address:
        _check_id(address_id)
        address = self.get(uin, region, address_id)
        if address is None:
            raise ApiError(
                f"The EIP {address_id} does not exist in {region}.", code="InvalidAddressId.NotFound"
            )
        return address

    def _add(self, address: Address) -> None:
        key = (address.uin, address.region)
        index = self._addresses.get(key)
        if index is None:
            index = self._addresses[key] = OrderedIndex()
        index.add(address.address_id, address)
        self._by_id[address.address_id] = address
        if address.instance_id:
            self._by_instance.setdefault(address.instance_id, []).append(address)
        self.world.tag.track("eip", address.address_id, address)
        self._rate(address, idle=address.status != BIND)

    def _unbind(self, address: Address) -> None:
        address.status, address.instance_id, address.private_ip = UNBIND, None, None
        self._rate(address, idle=True)

    def _release(self, address: Address) -> None:
        self._rate(address, idle=False)
        address.released = True
        address.status, address.instance_id, address.private_ip = UNBIND, None, None
        self._by_id.pop(address.address_id, None)
        index = self._addresses.get((address.uin, address.region))
        if index is not None:
            index.remove(address.address_id)
        self.world.tag.untrack(address.uin, "eip", address.address_id)

    def _rate(self, address: Address, idle: bool) -> None:
        rate = self.world.billing.price("eip_idle_hour") if idle else Decimal(0)
        self.world.billing.set_rate(address.uin, address.address_id, IDLE_REASON, rate)

    def _new_id(self) -> str:
        while True:
            address_id = self.world.ids.short("eip")
            if address_id not in self._by_id:
                return address_id

    def _new_ip(self) -> str:
        n = next(self._ip_counter)
        return f"119.{28 + (n >> 16) % 200}.{(n >> 8) & 255}.{n & 255}"

    def _task_id(self) -> str:
        return str(next(self._task_counter))


def _check_id(address_id: str) -> None:
    if not ADDRESS_ID.match(address_id):
        raise ApiError(
            f"The EIP id {address_id!r} is malformed; expected eip- and 8 letters or digits (eip-11112222).",
            code="InvalidParameterValue.AddressIdMalformed",
        )
