"""The fidelity audit: every implemented action, called through the real SDK on a world with one resource of each
kind, answers every member the official API description marks as always returned, with its type, recursively
(tests/shape.py says what is checked). Then, on the same world: text follows the request's language, the async
client reads the same answers, every wire code is one the SDK lists, and RunInstances numbers names as documented.
The constraints the parameter descriptions state are in ``test_fidelity_limits.py``.

The world lives in ``tests/quality/fidelity_world.py``, the table of parameters in ``fidelity_table.py``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

import pytest

from mockcvm.dispatch import implemented_actions
from mockcvm.protocol import schema
from tests import sdk
from tests.quality.fidelity_table import ROWS
from tests.quality.fidelity_world import REGION, ZONE, World, shared_world
from tests.shape import Walk, walk

#: Lists of objects that stay empty on the audit's world, and why (every other list must have an element, so that
#: its elements' members are walked too).
IPV6 = "IPv6 is not modelled"
EMPTY_BY_NATURE = {
    "billing:DescribeBudget.Data.Records[].BudgetSendInfoForm": "notification channels are not modelled",
    "billing:DescribeBudget.Data.Records[].WaveThresholdJson": "fluctuation alerts are not modelled",
    "billing:DescribeBudgetRemindRecordList.Data.Orders": "the sort orders of a page; the request names none",
    "tag:TagResources.FailedResources": "empty when every resource was tagged",
    "tag:UnTagResources.FailedResources": "empty when every resource was untagged",
    "vpc:CreateNetworkInterface.NetworkInterface.Ipv6AddressSet": IPV6,
    "vpc:DescribeNetworkInterfaces.NetworkInterfaceSet[].Ipv6AddressSet": IPV6,
    "vpc:CreateVpc.Vpc.Ipv6CidrBlockSet": IPV6,
    "vpc:DescribeVpcs.VpcSet[].Ipv6CidrBlockSet": IPV6,
    "cvm:DescribeZoneInstanceConfigInfos.InstanceTypeQuotaSet[].LocalDiskTypeList":
        "the catalogue has no instance type with local disks",
    "cbs:DescribeAutoSnapshotPolicies.AutoSnapshotPolicySet[].Tags": "auto snapshot policies take no tags here",
    "cbs:DescribeDiskAssociatedAutoSnapshotPolicy.AutoSnapshotPolicySet[].Tags":
        "auto snapshot policies take no tags here",
    "billing:DescribeDealsByCond.Deals[].ProductInfo": "a deal's product details are not modelled",
    "billing:DescribeAccountBalance.TempAmountInfoList": "temporary credit is not modelled",
    "billing:DescribeBillSummaryByPayMode.SummaryOverview[].Detail": "the per-product detail of a pay mode is not "
                                                                     "modelled",
    "cvm:DescribeImageFromFamily.Image.SnapshotSet": "public images carry no snapshots",
    "cvm:DescribeImageFromFamily.Image.Tags": "public images carry no tags",
    "vpc:CreateVpc.Vpc.AssistantCidrSet": "secondary CIDR blocks are not modelled",
    "vpc:DescribeVpcs.VpcSet[].AssistantCidrSet": "secondary CIDR blocks are not modelled",
}


world = shared_world


def test_the_table_covers_every_implemented_action_exactly() -> None:
    implemented = set(implemented_actions())
    missing = sorted(implemented - set(ROWS))
    extra = sorted(set(ROWS) - implemented)
    assert not missing, (
        f"no fidelity row for {', '.join(f'{s}:{a}' for s, a in missing)}: add one to ROWS in "
        "tests/quality/fidelity_table.py, (service, action): a builder of parameters that make the action succeed "
        "on the World (make a fresh resource, as world.instance() does, if the action changes or consumes one)")
    assert not extra, f"fidelity rows for actions that are not registered: {extra}; remove them"


def test_every_action_answers_every_always_returned_member_with_its_type(world: World) -> None:
    seen = Walk(as_sent=True)
    failures: list[str] = []
    for (service, action), build in sorted(ROWS.items()):
        try:
            params = build(world)
            answer = world.answer(service, action, params)
        except sdk.SDKError as error:
            failures.append(f"{service}:{action} was refused: [{error.code}] {error.message}")
            continue
        problems_before = len(seen.problems)
        walk(service, schema.output_object(service, action), answer, f"{service}:{action}", seen)
        failures += seen.problems[problems_before:]
    for where in seen.empty_lists():
        if where not in EMPTY_BY_NATURE:
            failures.append(f"{where} is always an empty list: give the world an element to walk, or list it in "
                            "EMPTY_BY_NATURE with the reason")
    for where in EMPTY_BY_NATURE:
        if seen.lists.get(where) is not False:
            state = "has elements" if seen.lists.get(where) else "is in no answer"
            failures.append(f"{where} is listed in EMPTY_BY_NATURE but {state}: remove it")
    assert not world.cloud.world.internal_errors, world.cloud.world.internal_errors[0]
    assert not failures, f"{len(failures)} problems in {len(ROWS)} actions:\n" + "\n".join(failures)
    assert seen.members > 10000, f"only {seen.members} members checked"


# -- the request's language (X-TC-Language: the SDK client profile's language) --------------------------------------

CJK = re.compile(r"[\u3400-\u9fff]")
#: Members whose text follows the language: Chinese for zh-CN, English for en-US.
LOCALISED = {
    ("cvm", "DescribeRegions"): ["RegionSet[].RegionName"],
    ("cvm", "DescribeZones"): ["ZoneSet[].ZoneName"],
    ("cvm", "DescribeInstanceFamilyConfigs"): ["InstanceFamilyConfigSet[].InstanceFamilyName"],
    ("cvm", "DescribeInternetChargeTypeConfigs"): ["InternetChargeTypeConfigSet[].Description"],
    ("billing", "DescribeBillSummaryByRegion"): ["SummaryOverview[].RegionName"],
}
#: Chinese text that is data, the same in every language (as the real API names things).
DATA_IN_CHINESE = {
    ("cvm", "DescribeInstances"): {"InstanceSet[].InstanceName"},  # 未命名, the default name
    ("billing", "DescribeRenewInstances"): {"InstanceList[].InstanceName"},
    ("billing", "DescribeCostSummaryByResource"): {"Data[].ResourceName"},
    ("cvm", "DescribeTaskInfo"): {"RepairTaskInfoSet[].Alias", "RepairTaskInfoSet[].TaskTypeName"},
    ("cbs", "DescribeDisks"): {"DiskSet[].Placement.ProjectName"},  # 默认项目, the default project's name
    ("cbs", "DescribeSnapshots"): {"SnapshotSet[].Placement.ProjectName"},
    ("cbs", "InquiryPriceRenewDisks"): {"DiskPrice.DetailPrices[].PriceTitle"},  # 云硬盘空间, as documented
    ("cbs", "InquiryPriceResizeDisk"): {"DiskPrice.DetailPrices[].PriceTitle"},
    ("vpc", "DescribeNetworkInterfaces"): {"NetworkInterfaceSet[].NetworkInterfaceName"},  # 主网卡
}
READS = ("Describe", "Get", "Inquiry")


def _texts(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _texts(item, f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, f"{path}[]")
    elif isinstance(value, str):
        yield path, value


def _in(world: World, language: str, service: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
    return world.answer(service, action, params, sdk.client(service, REGION, language=language))


def test_localised_text_follows_the_request_language(world: World) -> None:
    for (service, action), members in LOCALISED.items():
        params = ROWS[service, action](world)
        english, chinese = (dict(_texts(_in(world, language, service, action, params)))
                            for language in ("en-US", "zh-CN"))
        for member in members:
            # (an empty name is no text: the bills of a dedicated host have no region yet)
            en = [v for p, v in _texts(_in(world, "en-US", service, action, params)) if p == member and v]
            zh = [v for p, v in _texts(_in(world, "zh-CN", service, action, params)) if p == member and v]
            assert en and len(en) == len(zh), f"{service}:{action}.{member} is not in the answer"
            assert not any(CJK.search(v) for v in en), f"{service}:{action}.{member} in English: {en}"
            assert all(CJK.search(v) for v in zh), f"{service}:{action}.{member} in Chinese: {zh}"
        assert english.keys() == chinese.keys()


def test_english_answers_carry_chinese_only_in_data(world: World) -> None:
    """Every read, in en-US: Chinese text only where it is data (a default name) rather than the answer's words."""
    found = []
    for (service, action), build in sorted(ROWS.items()):
        if not action.startswith(READS):
            continue
        answer = _in(world, "en-US", service, action, build(world))
        allowed = DATA_IN_CHINESE.get((service, action), set())
        found += [f"{service}:{action}.{p} = {v!r}" for p, v in _texts(answer) if CJK.search(v) and p not in allowed]
    assert not found, "Chinese text in en-US answers (localise it, or list it in DATA_IN_CHINESE):\n" + "\n".join(
        sorted(set(found)))


@pytest.mark.parametrize("service, action", [
    ("cvm", "DescribeInstancesAttributes"), ("vpc", "DeleteVpc"), ("cbs", "AttachDisks"), ("tag", "CreateTag"),
    ("billing", "DescribeBillSummaryByTag"), ("monitor", "DescribeBaseMetrics"),
])
def test_refusals_of_the_request_check_speak_the_request_language(world: World, service: str, action: str) -> None:
    messages = {}
    for language in ("en-US", "zh-CN"):
        with pytest.raises(sdk.SDKError) as caught:
            _in(world, language, service, action, {})
        assert caught.value.code == "MissingParameter"
        messages[language] = caught.value.message
    assert not CJK.search(messages["en-US"]) and CJK.search(messages["zh-CN"]), messages


def test_disks_and_snapshots_name_their_project(world: World) -> None:
    project = world.call("tag", "DescribeProjects", AllList=1, Offset=0, Limit=100, ProjectId=world.project_id)
    name = project["Projects"][0]["ProjectName"]
    disk_id = world.disk(Placement={"Zone": ZONE, "ProjectId": world.project_id})
    snapshot_id = world.call("cbs", "CreateSnapshot", DiskId=disk_id)["SnapshotId"]
    (disk,) = world.call("cbs", "DescribeDisks", DiskIds=[disk_id])["DiskSet"]
    (snapshot,) = world.call("cbs", "DescribeSnapshots", SnapshotIds=[snapshot_id])["SnapshotSet"]
    assert disk["Placement"]["ProjectName"] == snapshot["Placement"]["ProjectName"] == name


@pytest.mark.parametrize("name, count, names", [
    ("web_{R:3}", 2, ["web_3", "web_4"]),
    ("app_{R:99,F:2}", 2, ["app_99", "app_100"]),
    ("db_{R:7,F:3}", 1, ["db_007"]),
    ("plain", 2, ["plain1", "plain2"]),
])
def test_run_instances_numbers_names_as_documented(world: World, name: str, count: int, names: list[str]) -> None:
    """InstanceName: "{R:x}" numbers from x, "{R:x,F:y}" pads to y digits; without a pattern, 1..n are appended."""
    ids = world.call("cvm", "RunInstances", Placement={"Zone": ZONE}, ImageId="img-eb30mz89", InstanceCount=count,
                     InstanceName=name)["InstanceIdSet"]
    shown = world.call("cvm", "DescribeInstances", InstanceIds=ids)["InstanceSet"]
    assert [i["InstanceName"] for i in shown] == names


def test_run_instances_numbers_host_names_as_documented(world: World) -> None:
    """HostName: "{R:x}", "{R:x,F:y}" and "{IP}" (the private IP), several at once; without one, 1..n appended."""
    def hosts(name: str, count: int) -> list[tuple[str, str]]:
        ids = world.call("cvm", "RunInstances", Placement={"Zone": ZONE}, ImageId="img-eb30mz89",
                         InstanceCount=count, HostName=name)["InstanceIdSet"]
        shown = world.call("cvm", "DescribeInstances", InstanceIds=ids)["InstanceSet"]
        return [(i["HostName"], i["PrivateIpAddresses"][0]) for i in shown]

    assert [h for h, _ in hosts("node-{R:1,F:2}", 2)] == ["node-01", "node-02"]
    assert all(h == f"web-{ip}-{n}" for n, (h, ip) in enumerate(hosts("web-{IP}-{R:1}", 2), 1))
    assert [h for h, _ in hosts("server", 2)] == ["server1", "server2"]
    assert [h for h, _ in hosts("db-{}", 1)] == ["db-{}"]


#: Reads whose answer differs from one call to the next by design.
FRESH_EACH_CALL = {("cvm", "DescribeInstanceVncUrl"): "a one-time address"}


def test_the_async_client_reads_the_same_answers(world: World) -> None:
    """Reads of every service, through the SDK's async client (httpx), answer what the sync client (requests) is
    answered."""
    import asyncio

    per_service: dict[str, int] = {}
    reads = []
    for (service, action), build in sorted(ROWS.items()):  # a few reads of each service: the transport is shared
        if action.startswith(READS) and (service, action) not in FRESH_EACH_CALL and per_service.get(service, 0) < 4:
            per_service[service] = per_service.get(service, 0) + 1
            reads.append((service, action, build(world)))

    async def through_async() -> list[dict[str, Any]]:
        clients = {s: sdk.client(s, REGION, asynchronous=True) for s in sdk.VERSIONS}
        answers = []
        for service, action, params in reads:
            response = await getattr(clients[service], action)(sdk.request(service, action, **params))
            answers.append(json.loads(response.to_json_string()))
        return answers

    synchronous = [world.call(s, a, **p) for s, a, p in reads]
    differ = [f"{s}:{a}" for (s, a, _), one, other in zip(reads, synchronous, asyncio.run(through_async()))
              if {**one, "RequestId": ""} != {**other, "RequestId": ""}]
    assert not differ, f"the async client read other answers for {differ}"


#: Codes every service answers (the common error codes of Tencent Cloud API 3.0), besides each service's own.
COMMON_CODES = {"AuthFailure", "DryRunOperation", "FailedOperation", "InternalError", "InvalidAction",
                "InvalidParameter", "InvalidParameterValue", "LimitExceeded", "MissingParameter", "NoSuchVersion",
                "RequestLimitExceeded", "ResourceInUse", "ResourceInsufficient", "ResourceNotFound",
                "ResourceUnavailable", "UnauthorizedOperation", "UnknownParameter", "UnsupportedOperation",
                "UnsupportedRegion", "InvalidParameterConflict", "RequestSizeLimitExceeded", "UnsupportedProtocol",
                "AuthFailure.InvalidAuthorization", "AuthFailure.SecretIdNotFound", "AuthFailure.SignatureExpire",
                "AuthFailure.SignatureFailure", "AuthFailure.InvalidSecretId", "AuthFailure.TokenFailure"}
_CODE = re.compile(r"\b(?:code|malformed|not_found|ids_limit|coexist|unknown_filter|filters_limit|values_limit|"
                   r"paging)\s*=\s*\"([A-Z][A-Za-z]*(?:\.[A-Za-z]+)*)\"")


def test_every_wire_code_mockcvm_writes_is_one_the_sdk_lists() -> None:
    """A code the SDK's errorcodes.py of no faked service knows is a code no caller can expect."""
    import importlib
    from pathlib import Path

    import mockcvm

    known = set(COMMON_CODES)
    for service, version in sdk.VERSIONS.items():
        module = importlib.import_module(f"tencentcloud.{service}.{version}.errorcodes")
        known |= {v for k, v in vars(module).items() if k.isupper() and isinstance(v, str)}
    root = Path(mockcvm.__file__).parent
    written = {(str(f.relative_to(root)), code) for f in root.rglob("*.py") for code in _CODE.findall(f.read_text())}
    assert len(written) > 200
    unknown = sorted(f"{code} ({where})" for where, code in written if code not in known)
    assert not unknown, "codes no SDK errorcodes.py lists: " + ", ".join(unknown)
