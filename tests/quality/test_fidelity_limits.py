"""The constraints the official parameter descriptions state, read from the descriptions themselves: ``Limit``
ranges ("最大值为100"), name lengths ("不得超过60个字符"), batch sizes ("每次请求批量实例的上限为100"), and the
one-attribute-per-call rules of the Modify*Attribute actions. Each is enforced with the family's documented code and
changes nothing; the value at the limit is accepted.

A new action whose description states such a constraint gets a case here by itself (the cases are collected from
tccli's api.json). A constraint mockcvm does not enforce on purpose goes into ``NOT_ENFORCED`` with the reason.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Iterator, NamedTuple

import pytest

from mockcvm.dispatch import implemented_actions
from mockcvm.protocol import schema
from tests import sdk
from tests.quality.fidelity_table import ROWS
from tests.quality.fidelity_world import World, shared_world
from tests.quality.world_state import first_difference, snapshot
from tests.shape import official

world = shared_world

_LIMIT = re.compile(r"最大值为\s*(\d+)|最大不超过\s*(\d+)|范围限制为\[1-(\d+)\]|取值范围：\s*1~(\d+)")
_LENGTH = re.compile(r"(?:最多支持|最长为|长度不超过|最大长度不能超|不得超过|长度限制\[1-|长度\[1-|长度1-|长度为2~)"
                     r"\s*(\d+)")
_BATCH = re.compile(r"(?:上限为|上限是|最多可挂载|最多绑定|最多可卸载|最多不超过)\s*(\d+)")
#: The codes each family answers with: an ``InvalidParameter...`` code or one of these, and always one the
#: service's errorcodes.py lists.
CODES = {
    "limit": set(),
    "length": {"InvalidInstanceName.TooLong", "InvalidKeyPairNameTooLong"},
    "batch": {"InvalidFilterValue.LimitExceeded", "LimitExceeded.NumberOfFilters"},
}
COMMON_CODES = {"InvalidParameter", "InvalidParameterValue", "MissingParameter", "UnknownParameter"}
#: Stated constraints mockcvm leaves alone, and why.
NOT_ENFORCED: dict[tuple[str, str, str], str] = {}
#: A filter name each action knows, to fill a list of filters past its limit.
FILTER = {"DescribeInstances": "zone", "DescribeImages": "image-id", "DescribeHosts": "zone",
          "DescribeHpcClusters": "zone", "DescribeDisasterRecoverGroups": "tag-key",
          "DescribeInstanceTypeConfigs": "zone", "DescribeZoneInstanceConfigInfos": "zone",
          "DescribeLaunchTemplates": "LaunchTemplateName", "DescribeInstancesModification": "status",
          "DescribeAddresses": "address-id"}
#: The id prefix of an id list, when the table's row does not give one.
PREFIX = {"InstanceIds": "ins", "InstanceIdList": "ins", "KeyIds": "skey", "DiskIds": "disk", "HostIds": "host",
          "DisasterRecoverGroupIds": "ps", "HpcClusterIds": "hpc", "NetworkInterfaceIds": "eni",
          "SecurityGroupIds": "sg", "SubnetIds": "subnet", "VpcIds": "vpc"}


class Case(NamedTuple):
    family: str
    service: str
    action: str
    member: str
    limit: int
    kind: str

    def __str__(self) -> str:
        return f"{self.service}:{self.action}.{self.member}<={self.limit}"


def _cases() -> Iterator[Case]:
    for service, action in implemented_actions():
        api = official(service)
        for member in api["objects"][api["actions"][action]["input"]]["members"]:
            text = re.sub(r"<[^>]+>", " ", member.get("document", ""))
            name = member["name"]
            if name in ("Limit", "MaxResults"):
                found, family = _LIMIT.search(text), "limit"
            elif member["type"] == "string" and name not in ("ClientToken", "UserData"):
                found, family = _LENGTH.search(text), "length"
            elif member["type"] == "list":
                found, family = _BATCH.search(text), "batch"
            else:
                continue
            if found and (service, action, name) not in NOT_ENFORCED:
                yield Case(family, service, action, name, int(next(g for g in found.groups() if g)), member["type"])


CASES = sorted(_cases())


@cache
def _codes(service: str) -> frozenset[str]:
    module = __import__(f"tencentcloud.{service}.{sdk.VERSIONS[service]}.errorcodes", fromlist=["_"])
    return frozenset(v for k, v in vars(module).items() if k.isupper() and isinstance(v, str)) | COMMON_CODES


def _params(world: World, case: Case, over: bool) -> dict[str, Any]:
    params = ROWS[case.service, case.action](world)
    size = case.limit + 1 if over else case.limit
    if case.family == "limit":
        params[case.member] = str(size) if case.kind == "string" else size
    elif case.family == "length":
        params[case.member] = world.name().ljust(size, "n")
    elif case.member == "Filters":
        required = schema.members(case.service, f"{case.action}Request")
        for ids in [m for m in params if m.endswith("Ids") and not required[m][2]]:  # ids or filters, not both
            del params[ids]
        params[case.member] = [{"Name": FILTER[case.action], "Values": [f"v{n}"]} for n in range(size)]
    else:
        given = params.get(case.member) or [f"{PREFIX[case.member]}-x"]
        prefix = str(given[0]).split("-")[0]
        params[case.member] = [f"{prefix}-{n:08d}" for n in range(size)]
    return params


def test_the_descriptions_give_cases_in_every_family() -> None:
    families = {c.family for c in CASES}
    assert families == set(CODES) and len(CASES) > 100, f"{len(CASES)} cases in {families}"


def _refusal(world: World, case: Case, params: dict[str, Any]) -> str:
    """The problem with the answer to a value past the limit, or "" when it is the documented refusal."""
    try:
        world.answer(case.service, case.action, params)
    except sdk.SDKError as error:
        code = error.code
        if (code.startswith("InvalidParameter") or code in CODES[case.family]) and code in _codes(case.service):
            return ""
        return f"{case}: [{code}] {error.message}"
    return f"{case}: accepted"


@pytest.mark.parametrize("family", sorted(CODES))
def test_a_value_past_a_documented_limit_is_refused_with_the_family_code_and_changes_nothing(
        world: World, family: str) -> None:
    """Every case of the family at once (one snapshot of the world before, one after): the failure lists them."""
    cases = [c for c in CASES if c.family == family]
    planned = [(case, _params(world, case, over=True)) for case in cases]  # resources the rows make, made first
    world.cloud.catch_up()
    before = snapshot(world.cloud.world)
    problems = [p for p in (_refusal(world, case, params) for case, params in planned) if p]
    after = snapshot(world.cloud.world)
    assert not problems, f"{len(problems)} of {len(cases)} {family} cases:\n" + "\n".join(problems)
    assert before == after, first_difference(before, after)


@pytest.mark.parametrize("family", sorted(set(CODES) - {"batch"}))  # a full batch of unknown ids is refused anyway
def test_the_value_at_a_documented_limit_is_accepted(world: World, family: str) -> None:
    refused = []
    for case in (c for c in CASES if c.family == family):
        try:
            world.answer(case.service, case.action, _params(world, case, over=False))
        except sdk.SDKError as error:
            refused.append(f"{case}: [{error.code}] {error.message}")
    assert not refused, "\n".join(refused)


# -- the rules of the Modify*Attribute actions and their kin: what one call may change -------------------------------

#: (service, action, change to the table's row, code): the row's parameters with members set (or removed, None).
ONE_CALL_RULES = [
    # "参数HostName和RenewFlag必须设置其中一个，但不能同时设置"
    ("cvm", "ModifyHostsAttribute", {"RenewFlag": "NOTIFY_AND_AUTO_RENEW"}, "InvalidParameterConflict"),
    ("cvm", "ModifyHostsAttribute", {"HostName": None}, "MissingParameter.AtLeastOne"),
    # "每次请求必须指定实例的一种属性用于修改"
    ("cvm", "ModifyInstancesAttribute", {"InstanceName": None}, "MissingParameter.AtLeastOne"),
    ("cvm", "ModifyInstancesAttribute", {"CamRoleName": "role"}, "UnsupportedOperation"),  # not modelled
    # "您必须指定参数DataDisks与SystemDisk的其中一个，但不能同时指定"
    ("cvm", "ResizeInstanceDisks", {"DataDisks": [{"DiskId": "disk-00000000", "DiskSize": 200}]},
     "InvalidParameterConflict"),
    ("cvm", "InquiryPriceResizeInstanceDisks", {"DataDisks": [{"DiskId": "disk-00000000", "DiskSize": 200}]},
     "InvalidParameterConflict"),
    ("cvm", "ResizeInstanceDisks", {"SystemDisk": None}, "MissingParameter"),
    # "DiskChargePrepaid / DiskChargePostpaid": one of them
    ("cbs", "ModifyDisksChargeType", {"DiskChargePostpaid": True}, "InvalidParameterValue"),
    ("cbs", "ModifyDisksChargeType", {"DiskChargePrepaid": None}, "InvalidParameterValue"),
    # "当前不支持批量变更类型"
    ("cbs", "ModifyDiskAttributes", {"DiskIds": "two", "DiskName": "x"}, "InvalidParameterValue"),
]


@pytest.mark.parametrize("service, action, change, code", ONE_CALL_RULES,
                         ids=[f"{s}:{a}:{','.join(c)}" for s, a, c, _ in ONE_CALL_RULES])
def test_what_one_call_may_change_is_enforced_and_a_refusal_changes_nothing(
        world: World, service: str, action: str, change: dict[str, Any], code: str) -> None:
    params = ROWS[service, action](world)
    for member, value in change.items():
        if value is None:
            params.pop(member, None)
        elif value == "two":
            params[member] = [world.disk(), world.disk()]
        else:
            params[member] = value
    world.cloud.catch_up()
    before = snapshot(world.cloud.world)
    with pytest.raises(sdk.SDKError) as caught:
        world.answer(service, action, params)
    assert caught.value.code == code, caught.value.message
    after = snapshot(world.cloud.world)
    assert before == after, first_difference(before, after)
