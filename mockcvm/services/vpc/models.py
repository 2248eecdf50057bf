"""The elastic IP (EIP) as the fake keeps it, and how it reads in the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from mockcvm import clock
from mockcvm.compat import SLOTS

# AddressStatus values the fake uses (the API also has CREATING, BINDING, UNBINDING, OFFLINING, BIND_ENI).
BIND = "BIND"
UNBIND = "UNBIND"


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
    internet_charge_type: str = "TRAFFIC_POSTPAID_BY_HOUR"
    bandwidth: int = 1
    isp: str = "BGP"
    tags: dict[str, str] = field(default_factory=dict)
    released: bool = False
    #: ``created_time`` as the API shows it, formatted once (Describe calls read it for every row).
    created_text: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.created_text = clock.iso(self.created_time)

    def to_api(self) -> dict[str, Any]:
        """The ``Address`` object of DescribeAddresses (every member the schema says is always returned)."""
        bound = self.status == BIND
        return {
            "AddressId": self.address_id,
            "AddressName": self.name,
            "AddressStatus": self.status,
            "AddressIp": self.address_ip,
            "InstanceId": self.instance_id,
            "CreatedTime": self.created_text,
            "NetworkInterfaceId": None,
            "PrivateAddressIp": self.private_ip if bound else None,
            "IsArrears": False,
            "IsBlocked": False,
            "IsEipDirectConnection": False,
            "AddressType": self.address_type,
            "CascadeRelease": False,
            "EipAlgType": {"Ftp": False, "Sip": False},
            "InternetServiceProvider": self.isp,
            "LocalBgp": False,
            "Bandwidth": self.bandwidth,
            "InternetChargeType": self.internet_charge_type,
            "TagSet": [{"Key": k, "Value": v} for k, v in self.tags.items()],
            "DeadlineDate": None,
            "InstanceType": "CVM" if bound else None,
            "Egress": "center_egress1",
        }
