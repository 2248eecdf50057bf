"""The elastic IP (EIP) as the fake keeps it, and how it reads in the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from mockcvm import clock
from mockcvm.compat import SLOTS
from mockcvm.engine.resources import Codes, Filter, Kind

# AddressStatus values the fake uses (the API also has CREATING and OFFLINING).
BIND = "BIND"
UNBIND = "UNBIND"
BINDING = "BINDING"  # AssociateAddress in flight (the transitions option)
UNBINDING = "UNBINDING"  # DisassociateAddress in flight
BIND_ENI = "BIND_ENI"  # bound to a private IP of a network interface attached to no instance


@dataclass(eq=False, **SLOTS)
class Address:
    address_id: str
    address_ip: str
    uin: str
    region: str
    created_time: float
    name: str = ""
    address_type: str = "EIP"
    status: str = UNBIND
    instance_id: Optional[str] = None
    private_ip: Optional[str] = None
    #: The network interface whose ``private_ip`` it is bound to.
    interface_id: Optional[str] = None
    internet_charge_type: str = "TRAFFIC_POSTPAID_BY_HOUR"
    bandwidth: int = 1
    isp: str = "BGP"
    tags: dict[str, str] = field(default_factory=dict)
    released: bool = False
    #: ``created_time`` as the API shows it, formatted once (Describe calls read it for every row).
    created_text: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.created_text = clock.iso(self.created_time)


def _bound(a: Address) -> bool:
    return a.instance_id is not None


def _on_interface(a: Address) -> bool:
    return a.status != UNBIND


#: The EIP as a resource kind: the ``Address`` object of DescribeAddresses, its filters and its codes.
ADDRESS: Kind[Address] = Kind(
    service="vpc",
    output="Address",
    noun="EIP",
    id_attr="address_id",
    id_prefix="eip",
    codes=Codes(malformed="InvalidParameterValue.AddressIdMalformed", not_found="InvalidAddressId.NotFound"),
    render={
        "AddressId": lambda a: a.address_id,
        "AddressName": lambda a: a.name,
        "AddressStatus": lambda a: a.status,
        "AddressIp": lambda a: a.address_ip,
        "InstanceId": lambda a: a.instance_id,
        "CreatedTime": lambda a: a.created_text,
        "NetworkInterfaceId": lambda a: a.interface_id,
        "PrivateAddressIp": lambda a: a.private_ip if _on_interface(a) else None,
        "AddressType": lambda a: a.address_type,
        "InternetServiceProvider": lambda a: a.isp,
        "Bandwidth": lambda a: a.bandwidth,
        "InternetChargeType": lambda a: a.internet_charge_type,
        "TagSet": lambda a: [{"Key": k, "Value": v} for k, v in a.tags.items()],
        "DeadlineDate": lambda a: None,
        "InstanceType": lambda a: "CVM" if _bound(a) else None,
        "Egress": lambda a: "center_egress1",
    },
    filters={
        "address-id": Filter(lambda a: a.address_id),
        "address-name": Filter(lambda a: a.name),
        "address-ip": Filter(lambda a: a.address_ip, indexed=True),
        "address-status": Filter(lambda a: a.status, indexed=True),
        "instance-id": Filter(lambda a: a.instance_id, indexed=True),
        "private-ip-address": Filter(lambda a: a.private_ip, indexed=True),
        "network-interface-id": Filter(lambda a: a.interface_id, indexed=True),
        "is-arrears": Filter(lambda a: "FALSE"),
        "instance-type": Filter(lambda a: "CVM" if _bound(a) else None),
        "address-type": Filter(lambda a: a.address_type, indexed=True),
        "address-isp": Filter(lambda a: a.isp),
        "dedicated-cluster-id": Filter(lambda a: None),
    },
    tags=lambda a: a.tags,
)
