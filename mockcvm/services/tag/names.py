"""Six-part resource names (资源六段式): ``qcs::<service>:<region>:<account>:<prefix>/<id>``.

The account part is ``uin/<uin>`` or empty (``qcs::cvm:ap-guangzhou::instance/ins-12345678``). Every taggable
kind of the faked services has one canonical name (the one GetResources lists without a ResourceList), and the
other spellings that real tools write are accepted for it: Cloud Custodian names EIPs
``qcs::vpc:<region>:<account>:eip/eip-…``, disks ``qcs::cbs:<region>:<account>:instance/disk-…`` and snapshots
``qcs::cbs:<region>:<account>:volume/snap-…``. A name is answered as it was given.

The kind of a name is read from its (service, prefix) pair and its id's prefix together; a pair that no kind
accepts is refused with the code of the part that is wrong.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

from mockcvm.errors import ApiError
from mockcvm.regions import REGIONS


class NameKind(NamedTuple):
    """One taggable kind: its canonical (service, prefix), its id prefix and the other (service, prefix) pairs
    accepted for it."""

    service: str
    prefix: str
    id_prefix: str
    aliases: tuple[tuple[str, str], ...] = ()


#: kind (the canonical prefix) -> its naming. ``track(kind, ...)`` in the backend uses these keys.
KINDS: dict[str, NameKind] = {
    "instance": NameKind("cvm", "instance", "ins-"),
    "eip": NameKind("cvm", "eip", "eip-", (("vpc", "eip"),)),
    "volume": NameKind("cvm", "volume", "disk-", (("cbs", "volume"), ("cbs", "instance"), ("cbs", "disk"))),
    "snapshot": NameKind("cvm", "snapshot", "snap-", (("cbs", "snapshot"), ("cbs", "volume"))),
    "image": NameKind("cvm", "image", "img-", (("cvm", "instance"),)),
    "vpc": NameKind("vpc", "vpc", "vpc-"),
    "subnet": NameKind("vpc", "subnet", "subnet-"),
    "sg": NameKind("cvm", "sg", "sg-", (("vpc", "sg"), ("vpc", "securitygroup"))),
    "eni": NameKind("vpc", "eni", "eni-"),
    "keypair": NameKind("cvm", "keypair", "skey-"),
}

#: (service, prefix, id prefix) -> kind, every accepted spelling.
_SPELLINGS: dict[tuple[str, str, str], str] = {}
for _kind, _naming in KINDS.items():
    for _service, _prefix in ((_naming.service, _naming.prefix), *_naming.aliases):
        _SPELLINGS[(_service, _prefix, _naming.id_prefix)] = _kind
SERVICES = frozenset(service for service, _prefix, _id in _SPELLINGS)
PREFIXES = frozenset(prefix for _service, prefix, _id in _SPELLINGS)


class ResourceName(NamedTuple):
    region: str
    uin: str  # "" when the name leaves the account part empty
    prefix: str  # the kind: instance / eip / volume / snapshot / ...
    resource_id: str

    @property
    def key(self) -> str:
        return f"{self.prefix}/{self.resource_id}"


def spellings(kind: str) -> tuple[tuple[str, str], ...]:
    """Every (service, prefix) accepted for ``kind``, the canonical one first."""
    naming = KINDS[kind]
    return ((naming.service, naming.prefix), *naming.aliases)


def kinds_named(service: Optional[str], prefix: Optional[str], resource_id: Optional[str] = None) -> list[str]:
    """The kinds a ServiceType, a ResourcePrefix and a resource id select (None selects any), in any accepted
    spelling. An unknown service or prefix selects none: the reads answer nothing for them."""
    id_prefix = None if resource_id is None else resource_id.partition("-")[0] + "-"
    return [kind for kind, naming in KINDS.items()
            if id_prefix in (None, naming.id_prefix)
            and any(service in (None, s) and prefix in (None, p) for s, p in spellings(kind))]


def spelling_for(kind: str, service: Optional[str], prefix: Optional[str]) -> tuple[str, str]:
    """The (service, prefix) to answer ``kind`` under: the caller's spelling when it gave one, else canonical."""
    for s, p in spellings(kind):
        if service in (None, s) and prefix in (None, p):
            return s, p
    return spellings(kind)[0]


def compose(service: str, region: str, prefix: str, resource_id: str) -> str:
    """The six-part name that ServiceType, ResourceRegion, ResourcePrefix and an id spell (no account part)."""
    return f"qcs::{service}:{region}::{prefix}/{resource_id}"


def format_name(region: str, uin: str, kind: str, resource_id: str) -> str:
    """The canonical six-part name of a resource of ``kind``."""
    naming = KINDS[kind]
    return f"qcs::{naming.service}:{region}:uin/{uin}:{naming.prefix}/{resource_id}"


def parse_name(text: str, caller_uin: str) -> ResourceName:
    """Read a six-part name; refuse (whole request) anything that is not a name of a taggable kind of the
    caller."""
    parts = text.split(":")
    if len(parts) != 6 or parts[0] != "qcs" or parts[1] != "" or "/" not in parts[5]:
        raise ApiError(
            f"The resource {text!r} is not a six-part resource name; expected "
            "qcs::<service>:<region>:uin/<uin>:<prefix>/<id>, such as "
            "qcs::cvm:ap-guangzhou:uin/100000000001:instance/ins-1a2b3c4d.",
            code="InvalidParameterValue.ResourceDescriptionError",
        )
    _, _, service, region, account, tail = parts
    if service not in SERVICES:
        raise ApiError(
            f"The service {service!r} in {text!r} is not one mockcvm keeps tags for; it keeps tags of "
            f"{', '.join(sorted(SERVICES))} resources.",
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
    if prefix not in PREFIXES:
        raise ApiError(
            f"The resource prefix {prefix!r} in {text!r} is not one of {', '.join(sorted(PREFIXES))}.",
            code="InvalidParameterValue.ResourcePrefixInvalid",
        )
    id_prefix = resource_id.partition("-")[0] + "-"
    kind = _SPELLINGS.get((service, prefix, id_prefix))
    if kind is None:
        expected = sorted(
            f"{s}:…:{p}/{i}xxxxxxxx" for (s, p, i) in _SPELLINGS if s == service and p == prefix
        )
        raise ApiError(
            f"The resource id {resource_id!r} in {text!r} is not an id that {service} names with the prefix "
            f"{prefix!r}; expected {' or '.join(expected) or 'another service or prefix'}.",
            code="InvalidParameterValue.ResourceIdInvalid",
        )
    return ResourceName(region, uin, kind, resource_id)
