"""The Tag service through the real SDK, consistent with the tags CVM, CBS and VPC show."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.release.helpers import ZONE, api, assert_shape, instance, refused, run_instances

REGION = "ap-guangzhou"


@pytest.fixture
def tag(cloud: Cloud) -> Any:
    return sdk.client("tag")


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def name(cloud: Cloud, resource_id: str, prefix: str = "instance", empty_account: bool = False) -> str:
    account = "" if empty_account else f"uin/{cloud.default_account}"
    return f"qcs::cvm:{REGION}:{account}:{prefix}/{resource_id}"


def tags_of(tag: Any, resource: str) -> dict[str, str]:
    found = api(tag, "GetResources", ResourceList=[resource])["ResourceTagMappingList"]
    return {t["TagKey"]: t["TagValue"] for t in found[0]["Tags"]} if found else {}


def spec(**tags: str) -> list[dict[str, Any]]:
    return [{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]


def test_tag_specification_tags_show_in_get_resources(cloud: Cloud, tag: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm, TagSpecification=spec(team="a", env="prod"))
    answer = api(tag, "GetResources")
    assert answer["PaginationToken"] == ""
    [mapping] = answer["ResourceTagMappingList"]
    assert_shape("tag", "ResourceTagMapping", mapping)
    assert mapping["Resource"] == name(cloud, ins)
    assert {t["TagKey"]: t["TagValue"] for t in mapping["Tags"]} == {"team": "a", "env": "prod"}


def test_untagged_resources_are_not_listed(tag: Any, cvm: Any) -> None:
    run_instances(cvm)
    assert api(tag, "GetResources")["ResourceTagMappingList"] == []


def test_tags_set_here_show_in_describe_instances_and_back(cloud: Cloud, tag: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm, TagSpecification=spec(team="a"))
    answer = api(tag, "TagResources", ResourceList=[name(cloud, ins, empty_account=True)],
                 Tags=[{"TagKey": "owner", "TagValue": "bob"}, {"TagKey": "team", "TagValue": "b"}])
    assert answer["FailedResources"] == []
    assert {t["Key"]: t["Value"] for t in instance(cvm, ins)["Tags"]} == {"team": "b", "owner": "bob"}
    api(tag, "UnTagResources", ResourceList=[name(cloud, ins)], TagKeys=["team"])
    assert instance(cvm, ins)["Tags"] == [{"Key": "owner", "Value": "bob"}]
    api(tag, "ModifyResourceTags", Resource=name(cloud, ins), ReplaceTags=[{"TagKey": "env", "TagValue": "x"}],
        DeleteTags=[{"TagKey": "owner"}])
    assert instance(cvm, ins)["Tags"] == [{"Key": "env", "Value": "x"}]
    assert tags_of(tag, name(cloud, ins)) == {"env": "x"}


def test_disks_and_eips_are_tagged_too(cloud: Cloud, tag: Any) -> None:
    [eip] = api(sdk.client("vpc"), "AllocateAddresses")["AddressSet"]
    [disk] = api(sdk.client("cbs"), "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR",
                 DiskType="CLOUD_PREMIUM", DiskSize=10, Tags=[{"Key": "k", "Value": "v"}])["DiskIdSet"]
    api(tag, "TagResources", ResourceList=[name(cloud, eip, "eip")], Tags=[{"TagKey": "k", "TagValue": "w"}])
    listed = api(tag, "GetResources", TagFilters=[{"TagKey": "k"}])["ResourceTagMappingList"]
    # listed in the order they got their first tag
    assert [m["Resource"] for m in listed] == [name(cloud, disk, "volume"), name(cloud, eip, "eip")]
    found = api(sdk.client("vpc"), "DescribeAddresses", AddressIds=[eip])["AddressSet"][0]
    assert found["TagSet"] == [{"Key": "k", "Value": "w"}]


def test_tag_filters_and_values(cloud: Cloud, tag: Any, cvm: Any) -> None:
    a = run_instances(cvm, TagSpecification=spec(env="prod", team="a"))[0]
    b = run_instances(cvm, TagSpecification=spec(env="dev", team="a"))[0]
    run_instances(cvm, TagSpecification=spec(other="1"))

    def listed(*filters: dict[str, Any]) -> list[str]:
        answer = api(tag, "GetResources", TagFilters=list(filters))
        return [m["Resource"] for m in answer["ResourceTagMappingList"]]

    assert listed({"TagKey": "team"}) == [name(cloud, a), name(cloud, b)]
    assert listed({"TagKey": "env", "TagValue": ["prod"]}) == [name(cloud, a)]
    assert listed({"TagKey": "team", "TagValue": ["a"]}, {"TagKey": "env", "TagValue": ["dev", "qa"]}) == [
        name(cloud, b)
    ]


def test_pagination_token_walks_every_resource_once(cloud: Cloud, tag: Any) -> None:
    ids = cloud.seed_instances(7, tags={"fleet": "x"})
    seen: list[str] = []
    token = None
    while True:
        params: dict[str, Any] = {"MaxResults": 3}
        if token:
            params["PaginationToken"] = token
        answer = api(tag, "GetResources", **params)
        seen += [m["Resource"] for m in answer["ResourceTagMappingList"]]
        token = answer["PaginationToken"]
        if not token:
            break
    assert seen == [name(cloud, i) for i in ids]


def test_a_page_token_survives_resources_coming_and_going(cloud: Cloud, tag: Any, cvm: Any) -> None:
    ids = cloud.seed_instances(4, tags={"fleet": "x"})
    first = api(tag, "GetResources", MaxResults=2)
    api(cvm, "TerminateInstances", InstanceIds=[ids[0], ids[2]])
    api(cvm, "DescribeInstances", InstanceIds=ids)
    rest = api(tag, "GetResources", MaxResults=2, PaginationToken=first["PaginationToken"])
    assert [m["Resource"] for m in rest["ResourceTagMappingList"]] == [name(cloud, ids[3])]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"PaginationToken": "not-a-token"}, "InvalidParameter.PaginationTokenInvalid"),
        ({"MaxResults": 201}, "InvalidParameterValue"),
        ({"ResourceList": ["arn:aws:ec2:::instance/i-1"]}, "InvalidParameterValue.ResourceDescriptionError"),
        ({"TagFilters": [{"TagKey": f"k{i}"} for i in range(7)]}, "InvalidParameterValue.TagFiltersLengthExceeded"),
    ],
)
def test_get_resources_refuses_bad_input(
    cloud: Cloud, tag: Any, cvm: Any, params: dict[str, Any], code: str
) -> None:
    run_instances(cvm, TagSpecification=spec(team="a"))
    refused(cloud, tag, "GetResources", code, **params)


def test_changes_refuse_bad_input_and_change_nothing(cloud: Cloud, tag: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm, TagSpecification=spec(team="a"))
    resource = name(cloud, ins)
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("TagResources", "InvalidParameter.ReservedTagKey",
         {"ResourceList": [resource], "Tags": [{"TagKey": "qcloud:x", "TagValue": "1"}]}),
        ("TagResources", "InvalidParameterValue.TagKeyDuplicate",
         {"ResourceList": [resource], "Tags": [{"TagKey": "a", "TagValue": "1"}, {"TagKey": "a", "TagValue": "2"}]}),
        ("TagResources", "InvalidParameterValue.UinInvalid",
         {"ResourceList": [f"qcs::cvm:{REGION}:uin/999:instance/{ins}"], "Tags": [{"TagKey": "a", "TagValue": "1"}]}),
        ("TagResources", "InvalidParameterValue.ResourcePrefixInvalid",
         {"ResourceList": [f"qcs::cvm:{REGION}::bucket/bkt-12345678"], "Tags": [{"TagKey": "a", "TagValue": "1"}]}),
        ("ModifyResourceTags", "InvalidParameterValue.DeleteTagsParamError",
         {"Resource": resource, "ReplaceTags": [{"TagKey": "a", "TagValue": "1"}], "DeleteTags": [{"TagKey": "a"}]}),
        ("ModifyResourceTags", "InvalidParameterValue.ResourceIdInvalid",
         {"Resource": name(cloud, "ins-00000000"), "ReplaceTags": [{"TagKey": "a", "TagValue": "1"}]}),
        ("ModifyResourceTags", "InvalidParameter.ReservedTagKey",
         {"Resource": resource, "DeleteTags": [{"TagKey": "tencent:x"}]}),
        ("UnTagResources", "LimitExceeded.ResourceNumPerRequest",
         {"ResourceList": [resource] * 11, "TagKeys": ["team"]}),
    ]
    for action, code, params in cases:
        refused(cloud, tag, action, code, **params)


def test_unknown_resources_are_reported_not_refused(cloud: Cloud, tag: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    ghost = name(cloud, "ins-00000000")
    answer = api(tag, "TagResources", ResourceList=[name(cloud, ins), ghost], Tags=[{"TagKey": "a", "TagValue": "1"}])
    assert [f["Resource"] for f in answer["FailedResources"]] == [ghost]
    assert_shape("tag", "FailedResource", answer["FailedResources"][0])
    assert tags_of(tag, name(cloud, ins)) == {"a": "1"}


def test_the_async_client_reads_tags(cloud: Cloud, cvm: Any) -> None:
    [ins] = run_instances(cvm, TagSpecification=spec(team="a"))

    async def scenario() -> Any:
        client = sdk.client("tag", asynchronous=True)
        return await client.GetResources(sdk.request("tag", "GetResources", TagFilters=[{"TagKey": "team"}]))

    answer = asyncio.run(scenario())
    assert [m.Resource for m in answer.ResourceTagMappingList] == [name(cloud, ins)]


@pytest.mark.cloud_options(verify_signatures=True)
def test_accounts_see_only_their_own_resources(cloud: Cloud) -> None:
    cloud.register_credentials("AKIDalice0000000000000000000000000", "alice-key", account="200000000001")
    cloud.register_credentials("AKIDbob000000000000000000000000000", "bob-key", account="200000000002")

    def client(service: str, who: str) -> Any:
        return sdk.client(service, secret_id=f"AKID{who}".ljust(34, "0"), secret_key=f"{who}-key")

    [ins] = run_instances(client("cvm", "alice"), TagSpecification=spec(team="a"))
    [eip] = api(client("vpc", "alice"), "AllocateAddresses")["AddressSet"]
    assert api(client("tag", "bob"), "GetResources")["ResourceTagMappingList"] == []
    assert api(client("vpc", "bob"), "DescribeAddresses")["TotalCount"] == 0
    assert len(api(client("tag", "alice"), "GetResources")["ResourceTagMappingList"]) == 1
    refused(cloud, client("vpc", "bob"), "AssociateAddress", "InvalidAddressId.NotFound", AddressId=eip,
            InstanceId=ins)
    refused(cloud, client("tag", "bob"), "TagResources", "InvalidParameterValue.UinInvalid",
            ResourceList=[f"qcs::cvm:{REGION}:uin/200000000001:instance/{ins}"],
            Tags=[{"TagKey": "x", "TagValue": "y"}])


def test_a_resource_whose_last_tag_goes_leaves_get_resources(cloud: Cloud, tag: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm, TagSpecification=spec(team="a"))
    api(tag, "UnTagResources", ResourceList=[name(cloud, ins)], TagKeys=["team"])
    assert api(tag, "GetResources")["ResourceTagMappingList"] == []
    api(tag, "TagResources", ResourceList=[name(cloud, ins)], Tags=[{"TagKey": "team", "TagValue": "b"}])
    assert tags_of(tag, name(cloud, ins)) == {"team": "b"}
