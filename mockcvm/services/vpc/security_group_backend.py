"""Security group operations: groups, their rules, the default group, and which instances use them.

Every account has, in each region, a default security group (``default``, ``IsDefault``), made the first time
it is listed or an instance is launched without ``SecurityGroupIds``. A group used by an instance or a network
interface, or named in another group's rule, cannot be deleted (found by scanning the region's instances and
groups: deleting is rare, launching is not).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from mockcvm.engine.resources import Store
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.services.tag.validation import check_tags
from mockcvm.services.vpc.security_groups import (
    DIRECTIONS,
    MAX_RULES,
    SECURITY_GROUP,
    Rule,
    SecurityGroup,
    default_rules,
    parse_rule,
)

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.world import World

MAX_GROUPS = 50
MAX_NAME = 60
MAX_DESCRIPTION = 100
MAX_PER_INSTANCE = 5
DEFAULT_NAME = "default"


class SecurityGroupBackend:
    def __init__(self, world: World) -> None:
        self.world = world
        self.groups: Store[SecurityGroup] = Store(SECURITY_GROUP)
        #: (uin, region) whose default group has been made (it may since have been deleted).
        self._defaults: dict[tuple[str, str], str] = {}

    # -- the default group ------------------------------------------------------------------------------------

    def has_default(self, uin: str, region: str) -> bool:
        return (uin, region) in self._defaults

    def ensure_default(self, uin: str, region: str) -> Optional[SecurityGroup]:
        """The default group of (uin, region), made if it was never made; None if it was deleted."""
        key = (uin, region)
        if key not in self._defaults:
            ingress, egress = default_rules()
            group = SecurityGroup(
                group_id=self._new_id(), uin=uin, region=region, name=DEFAULT_NAME,
                description="System created security group", project_id="0",
                created_time=float(int(self.world.now)), is_default=True, ingress=ingress, egress=egress,
            )
            self._add(group)
            self._defaults[key] = group.group_id
        return self.groups.get(uin, region, self._defaults[key])

    # -- groups -----------------------------------------------------------------------------------------------

    def create(self, uin: str, region: str, params: dict[str, Any], with_policies: bool = False) -> SecurityGroup:
        name = _text(params.get("GroupName"), "GroupName", 1, MAX_NAME)
        description = _text(params.get("GroupDescription"), "GroupDescription", 0, MAX_DESCRIPTION)
        project = str(params.get("ProjectId") or "0")
        if not project.isdigit():
            raise InvalidParameterValue(f"ProjectId must be a number, got {project!r}.")
        tags = check_tags((t["Key"], t.get("Value", "")) for t in params.get("Tags", []))
        ingress: list[Rule] = []
        egress: list[Rule] = []
        if with_policies and params.get("SecurityGroupPolicySet"):
            policy_set = params["SecurityGroupPolicySet"]
            ingress = self._parse_all(uin, region, policy_set.get("Ingress") or [])
            egress = self._parse_all(uin, region, policy_set.get("Egress") or [])
            for rules in (ingress, egress):
                _check_room(rules, [])
        count = self.groups.count(uin, region) + (0 if self.has_default(uin, region) else 1)
        if count >= MAX_GROUPS:
            raise ApiError(f"The account already has {MAX_GROUPS} security groups in {region}; delete one first.",
                           code="LimitExceeded")
        self.ensure_default(uin, region)
        group = SecurityGroup(
            group_id=self._new_id(), uin=uin, region=region, name=name, description=description,
            project_id=project, created_time=float(int(self.world.now)), tags=dict(tags),
            ingress=ingress, egress=egress,
        )
        self._add(group)
        return group

    def add(self, group: SecurityGroup) -> None:
        """Put a ready-made group into the world (benchmarks), bypassing the quota."""
        self._add(group)

    def _add(self, group: SecurityGroup) -> None:
        self.groups.add(group)
        self.world.tag.track("sg", group.group_id, group)

    def delete(self, uin: str, region: str, group_id: str) -> None:
        group = self.groups.existing(uin, region, group_id)
        user = self._user_of(group)
        if user is not None:
            raise ApiError(f"The security group {group_id} is used by {user}; disassociate it first.",
                           code="ResourceInUse")
        self.groups.remove(group)
        group.released = True
        self.world.tag.untrack(uin, "sg", group_id)

    def _user_of(self, group: SecurityGroup) -> Optional[str]:
        for instance in self.world.cvm.instances_in(group.uin, group.region):
            if group.group_id in instance.security_group_ids:
                return f"the instance {instance.instance_id}"
        for interface in self.world.vpc.interfaces.secondary_in(group.uin, group.region):
            if group.group_id in interface.groups:
                return f"the network interface {interface.interface_id}"
        for other in self.groups.in_region(group.uin, group.region):
            if other is not group and any(r.group_id == group.group_id for r in (*other.ingress, *other.egress)):
                return f"a rule of the security group {other.group_id}"
        return None

    def modify(self, uin: str, region: str, params: dict[str, Any]) -> None:
        group = self.groups.existing(uin, region, params["SecurityGroupId"])
        name = _text(params["GroupName"], "GroupName", 1, MAX_NAME) if "GroupName" in params else None
        description = (_text(params["GroupDescription"], "GroupDescription", 0, MAX_DESCRIPTION)
                       if "GroupDescription" in params else None)
        if name is not None:
            group.name = name
        if description is not None:
            group.description = description
        group.updated_time = float(int(self.world.now))
        self.groups.changed(group)

    def check_ids(self, uin: str, region: str, ids: list[str], malformed: str, not_found: str) -> list[str]:
        """``ids`` checked for a cvm call (the cvm codes differ from vpc's), duplicates dropped."""
        unique = list(dict.fromkeys(ids))
        for group_id in unique:
            if not SECURITY_GROUP.id_regex.match(group_id):
                raise ApiError(f"The security group id {group_id!r} is malformed; ids look like sg-1a2b3c4d.",
                               code=malformed)
            if self.groups.get(uin, region, group_id) is None:
                raise ApiError(f"The security group {group_id} does not exist in {region}.", code=not_found)
        return unique

    # -- rules ------------------------------------------------------------------------------------------------

    def _parse_all(self, uin: str, region: str, specs: list[dict[str, Any]]) -> list[Rule]:
        return [parse_rule(spec, lambda i: self.groups.get(uin, region, i) is not None) for spec in specs]

    def _direction(self, policy_set: dict[str, Any]) -> str:
        given = [d for d in DIRECTIONS if policy_set.get(d)]
        if not given:
            raise MissingParameter("SecurityGroupPolicySet needs Ingress or Egress rules.")
        if len(given) > 1:
            raise ApiError("A request changes the rules of one direction: give Ingress or Egress, not both.",
                           code="InvalidParameter.Coexist")
        return given[0]

    def _check_version(self, group: SecurityGroup, policy_set: dict[str, Any]) -> None:
        version = policy_set.get("Version")
        if version not in (None, "") and str(version) != str(group.version):
            raise InvalidParameterValue(
                f"SecurityGroupPolicySet.Version {version} is not the group's current version {group.version}; "
                "read the rules again (DescribeSecurityGroupPolicies) and retry."
            )

    def _changed(self, group: SecurityGroup) -> None:
        group.version += 1
        group.updated_time = float(int(self.world.now))

    def policies(self, uin: str, region: str, group_id: str) -> SecurityGroup:
        return self.groups.existing(uin, region, group_id)

    def create_policies(self, uin: str, region: str, group_id: str, policy_set: dict[str, Any]) -> None:
        group = self.groups.existing(uin, region, group_id)
        self._check_version(group, policy_set)
        direction = self._direction(policy_set)
        specs = policy_set[direction]
        new = self._parse_all(uin, region, specs)
        rules = group.rules(direction)
        _check_room(new, rules)
        index = specs[0].get("PolicyIndex")
        position = len(rules) if index is None or index < 0 else index
        if position > len(rules):
            raise ApiError(f"PolicyIndex {index} is past the end of the {len(rules)} {direction} rules.",
                           code="InvalidParameterValue.Range")
        rules[position:position] = new
        self._changed(group)

    def delete_policies(self, uin: str, region: str, group_id: str, policy_set: dict[str, Any]) -> None:
        group = self.groups.existing(uin, region, group_id)
        self._check_version(group, policy_set)
        direction = self._direction(policy_set)
        rules = group.rules(direction)
        doomed: set[int] = set()
        for spec in policy_set[direction]:
            doomed.add(self._locate(uin, region, rules, spec, direction))
        rules[:] = [r for i, r in enumerate(rules) if i not in doomed]
        self._changed(group)

    def _locate(self, uin: str, region: str, rules: list[Rule], spec: dict[str, Any], direction: str) -> int:
        index = spec.get("PolicyIndex")
        if index is not None:
            if not 0 <= index < len(rules):
                raise ApiError(f"PolicyIndex {index} is not one of the {len(rules)} {direction} rules (0-based).",
                               code="InvalidParameterValue.Range")
            return int(index)
        wanted = self._parse_all(uin, region, [spec])[0]
        for position, rule in enumerate(rules):
            if rule.same_as(wanted):
                return position
        raise ApiError(f"No {direction} rule matches {spec}.", code="ResourceNotFound")

    def replace_policies(self, uin: str, region: str, params: dict[str, Any]) -> None:
        group = self.groups.existing(uin, region, params["SecurityGroupId"])
        policy_set = params["SecurityGroupPolicySet"]
        self._check_version(group, policy_set)
        direction = self._direction(policy_set)
        specs = policy_set[direction]
        new = self._parse_all(uin, region, specs)
        rules = group.rules(direction)
        original = (params.get("OriginalSecurityGroupPolicySet") or {}).get(direction)
        if original:
            if len(original) != len(specs):
                raise InvalidParameterValue(
                    f"OriginalSecurityGroupPolicySet has {len(original)} {direction} rule(s) and "
                    f"SecurityGroupPolicySet {len(specs)}; give one new rule per original rule."
                )
            positions = [self._locate(uin, region, rules, spec, direction) for spec in original]
        else:
            if any(spec.get("PolicyIndex") is None for spec in specs):
                raise MissingParameter("Each rule needs its PolicyIndex, or give OriginalSecurityGroupPolicySet.")
            positions = [self._locate(uin, region, rules, {"PolicyIndex": s["PolicyIndex"]}, direction)
                         for s in specs]
        if len(set(positions)) != len(positions):
            raise InvalidParameterValue("Two new rules would replace the same rule.")
        result = list(rules)
        for position, rule in zip(positions, new):
            result[position] = rule
        _check_room([], result)
        rules[:] = result
        self._changed(group)

    def modify_policies(self, uin: str, region: str, group_id: str, policy_set: dict[str, Any]) -> None:
        """Replace every rule: the directions given get their new rules, the others are emptied."""
        group = self.groups.existing(uin, region, group_id)
        self._check_version(group, policy_set)
        ingress = self._parse_all(uin, region, policy_set.get("Ingress") or [])
        egress = self._parse_all(uin, region, policy_set.get("Egress") or [])
        _check_room(ingress, [])
        _check_room(egress, [])
        group.ingress[:] = ingress
        group.egress[:] = egress
        self._changed(group)

    # -- instances (cvm AssociateSecurityGroups / DisassociateSecurityGroups) ---------------------------------

    def associate(self, uin: str, region: str, instances: list[Instance], group_ids: list[str]) -> None:
        ids = self.check_ids(uin, region, group_ids, "InvalidSgId.Malformed", "InvalidSecurityGroupId.NotFound")
        updated = []
        for instance in instances:
            groups = list(instance.security_group_ids) + [g for g in ids if g not in instance.security_group_ids]
            if len(groups) > MAX_PER_INSTANCE:
                raise ApiError(
                    f"The instance {instance.instance_id} would have {len(groups)} security groups; at most "
                    f"{MAX_PER_INSTANCE} are allowed.",
                    code="LimitExceeded.AssociateUSGLimitExceeded",
                )
            updated.append((instance, groups))
        self._apply(updated)

    def disassociate(self, uin: str, region: str, instances: list[Instance], group_ids: list[str]) -> None:
        ids = self.check_ids(uin, region, group_ids, "InvalidSgId.Malformed", "InvalidSecurityGroupId.NotFound")
        updated = []
        for instance in instances:
            missing = [g for g in ids if g not in instance.security_group_ids]
            if missing:
                raise ApiError(
                    f"The instance {instance.instance_id} is not in the security group(s) {', '.join(missing)}.",
                    code="FailedOperation.SecurityGroupActionFailed",
                )
            updated.append((instance, [g for g in instance.security_group_ids if g not in ids]))
        self._apply(updated)

    def _apply(self, updated: list[tuple[Instance, list[str]]]) -> None:
        for instance, groups in updated:
            instance.security_group_ids = groups
            self.world.cvm.instances.changed(instance)

    # -- internals --------------------------------------------------------------------------------------------

    def _new_id(self) -> str:
        while True:
            new = self.world.ids.short("sg")
            if new not in self.groups:
                return new


def _check_room(new: list[Rule], rules: list[Rule]) -> None:
    if len(new) + len(rules) > MAX_RULES:
        raise ApiError(f"A direction holds at most {MAX_RULES} rules; this would make {len(new) + len(rules)}.",
                       code="LimitExceeded.SecurityGroupPolicySet")
    seen: list[Rule] = list(rules)
    for rule in new:
        if any(rule.same_as(other) for other in seen):
            raise ApiError(f"The rule {rule.protocol} {rule.port} {rule.cidr or rule.group_id} {rule.action} is "
                           "already in the group.", code="UnsupportedOperation.DuplicatePolicy")
        seen.append(rule)


def _text(value: Any, what: str, shortest: int, longest: int) -> str:
    if not isinstance(value, str) or not shortest <= len(value) <= longest:
        raise ApiError(f"{what} must be {shortest} to {longest} characters, got {value!r}.",
                       code="InvalidParameterValue.Range")
    return value

