"""Security groups and their rules as the fake keeps them, and how they read in the API.

A group holds two ordered rule lists (``Ingress`` and ``Egress``); a rule's ``PolicyIndex`` is its position
(0-based), and the group's ``Version`` goes up by one with every change of its rules. Rules are checked when
they are written (protocol, ports, exactly one source, action) and never evaluated: mockcvm carries no traffic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from mockcvm import clock
from mockcvm.compat import SLOTS
from mockcvm.engine.resources import Codes, Filter, Kind
from mockcvm.errors import ApiError, MissingParameter, NotImplementedByMockcvm
from mockcvm.services.vpc.network import parse_cidr, parse_ip

PROTOCOLS = {"TCP": "TCP", "UDP": "UDP", "ICMP": "ICMP", "ICMPV6": "ICMPv6", "GRE": "GRE", "ALL": "ALL"}
ACTIONS = ("ACCEPT", "DROP")
DIRECTIONS = ("Ingress", "Egress")
MAX_RULES = 100  # per direction
SG_ID = "sg"


@dataclass(frozen=True)
class Rule:
    protocol: str
    port: str
    action: str
    cidr: str = ""
    ipv6_cidr: str = ""
    group_id: str = ""
    description: str = ""

    def same_as(self, other: Rule) -> bool:
        """The same rule, whatever its description says."""
        return (self.protocol, self.port, self.action, self.cidr, self.ipv6_cidr, self.group_id) == (
            other.protocol, other.port, other.action, other.cidr, other.ipv6_cidr, other.group_id)


@dataclass(eq=False, **SLOTS)
class SecurityGroup:
    group_id: str
    uin: str
    region: str
    name: str
    description: str
    project_id: str
    created_time: float
    is_default: bool = False
    tags: dict[str, str] = field(default_factory=dict)
    ingress: list[Rule] = field(default_factory=list)
    egress: list[Rule] = field(default_factory=list)
    version: int = 0
    updated_time: float = 0.0
    released: bool = False
    created_text: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.created_text = clock.spaced(self.created_time)
        self.updated_time = self.updated_time or self.created_time

    def rules(self, direction: str) -> list[Rule]:
        return self.ingress if direction == "Ingress" else self.egress


SECURITY_GROUP: Kind[SecurityGroup] = Kind(
    service="vpc",
    output="SecurityGroup",
    noun="security group",
    id_attr="group_id",
    id_prefix="sg",
    codes=Codes(malformed="InvalidSecurityGroupID.Malformed", not_found="InvalidSecurityGroupID.NotFound"),
    render={
        "SecurityGroupId": lambda g: g.group_id,
        "SecurityGroupName": lambda g: g.name,
        "SecurityGroupDesc": lambda g: g.description,
        "ProjectId": lambda g: g.project_id,
        "IsDefault": lambda g: g.is_default,
        "CreatedTime": lambda g: g.created_text,
        "UpdateTime": lambda g: clock.spaced(g.updated_time),
        "TagSet": lambda g: [{"Key": k, "Value": v} for k, v in g.tags.items()],
    },
    filters={
        "security-group-id": Filter(lambda g: g.group_id),
        "security-group-name": Filter(lambda g: g.name, indexed=True),
        "project-id": Filter(lambda g: g.project_id),
        "is-default": Filter(lambda g: "true" if g.is_default else "false"),
    },
    tags=lambda g: g.tags,
)


def render_rule(rule: Rule, index: int, group: SecurityGroup) -> dict[str, Any]:
    return {
        "PolicyIndex": index,
        "Protocol": rule.protocol,
        "Port": rule.port,
        "CidrBlock": rule.cidr,
        "Ipv6CidrBlock": rule.ipv6_cidr,
        "SecurityGroupId": rule.group_id,
        "Action": rule.action,
        "PolicyDescription": rule.description,
        "ModifyTime": clock.spaced(group.updated_time),
    }


def render_policies(group: SecurityGroup, keep: Optional[Any] = None) -> dict[str, Any]:
    """The group's ``SecurityGroupPolicySet``; ``keep(direction, rule)`` selects rules (all when None)."""
    answer: dict[str, Any] = {"Version": str(group.version)}
    for direction in DIRECTIONS:
        answer[direction] = [render_rule(r, i, group) for i, r in enumerate(group.rules(direction))
                             if keep is None or keep(direction, r)]
    return answer


def parse_rule(spec: dict[str, Any], groups_exist: Any) -> Rule:
    """A rule from its API form, checked; ``groups_exist(id)`` says whether a referenced group exists."""
    if spec.get("ServiceTemplate") or spec.get("AddressTemplate"):
        raise NotImplementedByMockcvm(
            "mockcvm does not model parameter templates; give Protocol/Port and a CidrBlock, Ipv6CidrBlock or "
            "SecurityGroupId instead of ServiceTemplate/AddressTemplate."
        )
    protocol = PROTOCOLS.get(str(spec.get("Protocol", "ALL")).upper())
    if protocol is None:
        raise ApiError(f"Protocol {spec.get('Protocol')!r} is not one of TCP, UDP, ICMP, ICMPv6, GRE, ALL.",
                       code="InvalidParameterValue.Malformed")
    port = _port(protocol, spec.get("Port"))
    action = str(spec.get("Action", "")).upper()
    if action not in ACTIONS:
        raise ApiError(f"Action {spec.get('Action')!r} must be ACCEPT or DROP.", code="InvalidParameterValue.Malformed")
    sources = [k for k in ("CidrBlock", "Ipv6CidrBlock", "SecurityGroupId") if spec.get(k)]
    if not sources:
        raise MissingParameter("A rule needs one source or destination: CidrBlock, Ipv6CidrBlock or SecurityGroupId.")
    if len(sources) > 1:
        raise ApiError(f"A rule takes one of CidrBlock, Ipv6CidrBlock and SecurityGroupId, got {', '.join(sources)}.",
                       code="InvalidParameter.Coexist")
    cidr = spec.get("CidrBlock") or ""
    if cidr:
        cidr = _cidr(cidr)
    ipv6 = spec.get("Ipv6CidrBlock") or ""
    if ipv6 and (":" not in ipv6):
        raise ApiError(f"Ipv6CidrBlock {ipv6!r} is not an IPv6 block.", code="InvalidParameterValue.Malformed")
    group_id = spec.get("SecurityGroupId") or ""
    if group_id:
        SECURITY_GROUP.check_id(group_id)
        if not groups_exist(group_id):
            raise ApiError(f"The security group {group_id} a rule refers to does not exist.",
                           code="InvalidSecurityGroupID.NotFound")
    return Rule(protocol, port, action, cidr, ipv6, group_id, str(spec.get("PolicyDescription", "")))


def _cidr(text: str) -> str:
    if parse_ip(text) is not None:
        return text
    base, prefix = parse_cidr(text, "CidrBlock")
    del base, prefix
    return text


def _port(protocol: str, value: Any) -> str:
    if value is None or str(value).upper() == "ALL":
        return "ALL"
    if protocol not in ("TCP", "UDP"):
        raise ApiError(f"Port {value!r} cannot be given for {protocol}; only TCP and UDP rules have ports.",
                       code="InvalidParameterValue.Malformed")
    text = str(value)
    for part in text.split(","):
        low, _, high = part.partition("-")
        numbers = [low, high] if high else [low]
        if not all(n.isdigit() and 1 <= int(n) <= 65535 for n in numbers) or (high and int(low) > int(high)):
            raise ApiError(
                f"Port {text!r} is not ALL, a port (80), a list (80,443) or a range (3000-3999) within 1-65535.",
                code="InvalidParameterValue.Malformed",
            )
    return text


def default_rules() -> tuple[list[Rule], list[Rule]]:
    """The rules of a default security group: SSH, RDP, HTTP(S) and ping from anywhere, everything from the
    private ranges, everything out."""
    ingress = [
        Rule("TCP", "22", "ACCEPT", "0.0.0.0/0", description="SSH"),
        Rule("TCP", "3389", "ACCEPT", "0.0.0.0/0", description="RDP"),
        Rule("TCP", "80,443", "ACCEPT", "0.0.0.0/0", description="HTTP, HTTPS"),
        Rule("ICMP", "ALL", "ACCEPT", "0.0.0.0/0", description="ping"),
        Rule("ALL", "ALL", "ACCEPT", "10.0.0.0/8"),
        Rule("ALL", "ALL", "ACCEPT", "172.16.0.0/12"),
        Rule("ALL", "ALL", "ACCEPT", "192.168.0.0/16"),
    ]
    return ingress, [Rule("ALL", "ALL", "ACCEPT", "0.0.0.0/0")]
