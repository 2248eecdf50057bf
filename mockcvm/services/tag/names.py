"""Six-part resource names (资源六段式): ``qcs::<service>:<region>:<account>:<prefix>/<id>``.

The account part is ``uin/<uin>`` or empty (``qcs::cvm:ap-guangzhou::instance/ins-12345678``). mockcvm keeps
tags of ``instance/ins-…``, ``eip/eip-…`` and ``volume/disk-…`` under the ``cvm`` service and of
``vpc/vpc-…``, ``subnet/subnet-…``, ``securitygroup/sg-…`` and ``eni/eni-…`` under the ``vpc`` service.
"""

from __future__ import annotations

from typing import NamedTuple

from mockcvm.errors import ApiError
from mockcvm.regions import REGIONS

#: resource prefix -> the id prefix its ids carry
PREFIXES = {"instance": "ins-", "eip": "eip-", "volume": "disk-", "vpc": "vpc-", "subnet": "subnet-",
            "securitygroup": "sg-", "eni": "eni-"}
#: resource prefix -> the service its six-part name carries (cvm unless listed)
SERVICES = {"vpc": "vpc", "subnet": "vpc", "securitygroup": "vpc", "eni": "vpc"}


class ResourceName(NamedTuple):
    region: str
    uin: str  # "" when the name leaves the account part empty
    prefix: str  # instance / eip / volume
    resource_id: str

    @property
    def key(self) -> str:
        return f"{self.prefix}/{self.resource_id}"


def format_name(region: str, uin: str, prefix: str, resource_id: str) -> str:
    return f"qcs::{SERVICES.get(prefix, 'cvm')}:{region}:uin/{uin}:{prefix}/{resource_id}"


def parse_name(text: str, caller_uin: str) -> ResourceName:
    """Read a six-part name; refuse (whole request) anything that is not a CVM-family name of the caller."""
    parts = text.split(":")
    if len(parts) != 6 or parts[0] != "qcs" or parts[1] != "" or "/" not in parts[5]:
        raise ApiError(
            f"The resource {text!r} is not a six-part resource name; expected "
            "qcs::cvm:<region>:uin/<uin>:instance/<instance-id>.",
            code="InvalidParameterValue.ResourceDescriptionError",
        )
    _, _, service, region, account, tail = parts
    if service not in ("cvm", "vpc"):
        raise ApiError(
            f"The service {service!r} in {text!r} is not one mockcvm keeps tags for; it keeps cvm "
            "instance, eip and volume tags and vpc vpc, subnet, securitygroup and eni tags.",
            code="InvalidParameterValue.ServiceTypeInvalid",
        )
    if region not in REGIONS:
        raise ApiError(
            f"The region {region!r} in {text!r} does not exist.", code="InvalidParameterValue.RegionInvalid"
        )
    uin = ""
    if account:
        if not account.startswith("uin/") or account[4:] != caller_uin:
            raise ApiError(
                f"The account part {account!r} of {text!r} is not the caller's (uin/{caller_uin}).",
                code="InvalidParameterValue.UinInvalid",
            )
        uin = account[4:]
    prefix, _, resource_id = tail.partition("/")
    if prefix not in PREFIXES or SERVICES.get(prefix, "cvm") != service:
        known = ", ".join(p for p in PREFIXES if SERVICES.get(p, "cvm") == service)
        raise ApiError(
            f"The resource prefix {prefix!r} in {text!r} is not one of the {service} prefixes ({known}).",
            code="InvalidParameterValue.ResourcePrefixInvalid",
        )
    if not resource_id.startswith(PREFIXES[prefix]):
        raise ApiError(
            f"The resource id {resource_id!r} in {text!r} does not look like a {prefix} id "
            f"({PREFIXES[prefix]}xxxxxxxx).",
            code="InvalidParameterValue.ResourceIdInvalid",
        )
    return ResourceName(region, uin, prefix, resource_id)
