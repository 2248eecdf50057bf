"""Reads of the account's tags and of resources by their tags, through the real SDK: DescribeTagKeys,
DescribeTagValues(Seq), DescribeTagsSeq, DescribeResourceTags, DescribeResourceTagsByResourceIds(Seq),
DescribeResourceTagsByTagKeys, DescribeResourcesByTags and DescribeResourcesByTagsUnion."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockcvm import Cloud, mock_cvm
from tests import sdk
from tests.quality.conftest import quality_settings
from tests.release.helpers import ZONE, api, assert_shape, refused

REGION = "ap-guangzhou"


@pytest.fixture
def tag(cloud: Cloud) -> Any:
    return sdk.client("tag")


def new_disk(**tags: str) -> str:
    [disk] = api(sdk.client("cbs"), "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR",
                 DiskType="CLOUD_PREMIUM", DiskSize=10,
                 Tags=[{"Key": k, "Value": v} for k, v in tags.items()])["DiskIdSet"]
    return str(disk)


def new_eip(**tags: str) -> str:
    [eip] = api(sdk.client("vpc"), "AllocateAddresses",
                Tags=[{"Key": k, "Value": v} for k, v in tags.items()])["AddressSet"]
    return str(eip)


def pairs(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(t["TagKey"], t["TagValue"]) for t in items]


# -- the account's tags ------------------------------------------------------------------------------------------


def test_tag_keys_and_values_page_by_offset_and_limit(cloud: Cloud, tag: Any) -> None:
    new_disk(env="prod", team="a")
    api(tag, "CreateTags", Tags=[{"TagKey": "env", "TagValue": "dev"}, {"TagKey": "zone", "TagValue": "3"}])
    keys = api(tag, "DescribeTagKeys")
    assert (keys["TotalCount"], keys["Offset"], keys["Limit"], keys["Tags"]) == (3, 0, 15, ["env", "team", "zone"])
    assert api(tag, "DescribeTagKeys", Offset=2, Limit=2)["Tags"] == ["zone"]
    assert api(tag, "DescribeTagKeys", Category="System")["Tags"] == []
    for action in ("DescribeTagValues", "DescribeTagValuesSeq"):
        values = api(tag, action, TagKeys=["env", "team"])
        assert values["TotalCount"] == 3
        assert pairs(values["Tags"]) == [("env", "dev"), ("env", "prod"), ("team", "a")]
        assert pairs(api(tag, action, TagKeys=["env"], Offset=1, Limit=1)["Tags"]) == [("env", "prod")]
        assert_shape("tag", "Tag", values["Tags"][0])


def test_describe_tags_seq_answers_as_describe_tags(cloud: Cloud, tag: Any) -> None:
    new_disk(env="prod")
    api(tag, "CreateTags", Tags=[{"TagKey": "env", "TagValue": "dev"}, {"TagKey": "team", "TagValue": "a"}])
    for action in ("DescribeTags", "DescribeTagsSeq"):
        rows = api(tag, action, TagKeys=["env"])["Tags"]
        assert [(r["TagKey"], r["TagValue"], r["CanDelete"]) for r in rows] == [("env", "dev", 1), ("env", "prod", 0)]
        # TagKeys wins over TagKey when both are given
        assert api(tag, action, TagKey="team", TagKeys=["env"])["TotalCount"] == 2
        assert api(tag, action, TagKey="env", TagValue="dev")["TotalCount"] == 1
        assert api(tag, action, CreateUin=int(cloud.default_account))["TotalCount"] == 3


@pytest.mark.parametrize(
    ("action", "params", "code"),
    [
        ("DescribeTagKeys", {"Offset": 3, "Limit": 2}, "InvalidParameterValue.OffsetInvalid"),
        ("DescribeTagKeys", {"Limit": 1001}, "InvalidParameterValue"),
        ("DescribeTagKeys", {"CreateUin": 123}, "InvalidParameterValue.UinInvalid"),
        ("DescribeTagKeys", {"Category": "Mine"}, "InvalidParameterValue"),
        ("DescribeTagKeys", {"ShowProject": 2}, "InvalidParameterValue"),
        ("DescribeTagValues", {"TagKeys": [""]}, "InvalidParameterValue.TagKeyEmpty"),
        ("DescribeTagValuesSeq", {"TagKeys": ["env"], "Offset": 1, "Limit": 15},
         "InvalidParameterValue.OffsetInvalid"),
        ("DescribeTagsSeq", {"CreateUin": 123}, "InvalidParameterValue.UinInvalid"),
        ("DescribeTags", {"Offset": 5, "Limit": 10}, "InvalidParameterValue.OffsetInvalid"),
    ],
)
def test_catalog_reads_refuse_bad_input(cloud: Cloud, tag: Any, action: str, params: dict[str, Any],
                                        code: str) -> None:
    new_disk(env="prod")
    refused(cloud, tag, action, code, **params)


# -- resources by ids ----------------------------------------------------------------------------------------------


def test_resource_tags_by_ids_and_its_seq_twin(cloud: Cloud, tag: Any) -> None:
    a, b = new_disk(env="prod", team="a"), new_disk(env="dev")
    for action in ("DescribeResourceTagsByResourceIds", "DescribeResourceTagsByResourceIdsSeq"):
        found = api(tag, action, ServiceType="cvm", ResourcePrefix="volume", ResourceRegion=REGION,
                    ResourceIds=[b, a, "disk-00000000", b])
        assert found["TotalCount"] == 3
        assert [(r["ResourceId"], r["TagKey"], r["TagValue"], r["ServiceType"]) for r in found["Tags"]] == [
            (b, "env", "dev", "cvm"), (a, "env", "prod", "cvm"), (a, "team", "a", "cvm")]
        assert_shape("tag", "TagResource", found["Tags"][0])
        refused(cloud, tag, action, "InvalidParameterValue.ServiceTypeInvalid", ServiceType="ckafka",
                ResourcePrefix="ckafkaId", ResourceRegion=REGION, ResourceIds=["ckafka-1"])
        refused(cloud, tag, action, "InvalidParameterValue.RegionInvalid", ServiceType="cvm",
                ResourcePrefix="volume", ResourceRegion="moon-1", ResourceIds=[a])


def test_resource_tags_by_tag_keys(cloud: Cloud, tag: Any) -> None:
    a, b, c = new_disk(env="prod", team="a", x="1"), new_disk(team="b"), new_disk(other="z")
    found = api(tag, "DescribeResourceTagsByTagKeys", ServiceType="cbs", ResourcePrefix="disk", ResourceRegion=REGION,
                ResourceIds=[a, b, c], TagKeys=["team", "env"])
    assert (found["TotalCount"], found["Limit"]) == (2, 400)
    assert [(r["ResourceId"], pairs(r["TagKeyValues"])) for r in found["Rows"]] == [
        (a, [("team", "a"), ("env", "prod")]), (b, [("team", "b")])]
    assert_shape("tag", "ResourceIdTag", found["Rows"][0])
    refused(cloud, tag, "DescribeResourceTagsByTagKeys", "InvalidParameter.Tag", ServiceType="cbs",
            ResourcePrefix="disk", ResourceRegion=REGION, ResourceIds=[a], TagKeys=[f"k{n}" for n in range(21)])
    refused(cloud, tag, "DescribeResourceTagsByTagKeys", "LimitExceeded.ResourceNumPerRequest", ServiceType="cbs",
            ResourcePrefix="disk", ResourceRegion=REGION, ResourceIds=[f"disk-{n:08d}" for n in range(21)],
            TagKeys=["team"])
    refused(cloud, tag, "DescribeResourceTagsByTagKeys", "InvalidParameterValue.TagKeyLengthExceeded",
            ServiceType="cbs", ResourcePrefix="disk", ResourceRegion=REGION, ResourceIds=[a], TagKeys=["k" * 128])


# -- resources by what they are --------------------------------------------------------------------------------


def test_describe_resource_tags_narrows_by_service_prefix_region_and_id(cloud: Cloud, tag: Any) -> None:
    disk, eip = new_disk(env="prod"), new_eip(env="dev", team="x")
    new_disk()  # untagged: never listed
    everything = api(tag, "DescribeResourceTags")
    assert [(r["ResourceId"], r["TagKey"], r["ServiceType"]) for r in everything["Rows"]] == [
        (disk, "env", "cvm"), (eip, "env", "cvm"), (eip, "team", "cvm")]
    assert_shape("tag", "TagResource", everything["Rows"][0])
    by_vpc = api(tag, "DescribeResourceTags", ServiceType="vpc")  # the EIP's other spelling
    assert [(r["ResourceId"], r["ServiceType"]) for r in by_vpc["Rows"]] == [(eip, "vpc"), (eip, "vpc")]
    assert api(tag, "DescribeResourceTags", ServiceType="cvm", ResourcePrefix="volume")["TotalCount"] == 1
    one = api(tag, "DescribeResourceTags", ServiceType="cvm", ResourcePrefix="eip", ResourceRegion=REGION,
              ResourceId=eip, Limit=1)
    assert (one["TotalCount"], len(one["Rows"])) == (2, 1)
    assert api(tag, "DescribeResourceTags", ResourceRegion="ap-shanghai")["TotalCount"] == 0
    assert api(tag, "DescribeResourceTags", ServiceType="ckafka")["TotalCount"] == 0
    assert api(tag, "DescribeResourceTags", ResourceId=eip, CosResourceId=1)["TotalCount"] == 0
    refused(cloud, tag, "DescribeResourceTags", "InvalidParameterValue.UinInvalid", CosResourceId=1, CreateUin=7)
    refused(cloud, tag, "DescribeResourceTags", "InvalidParameterValue", CosResourceId=2)
    refused(cloud, tag, "DescribeResourceTags", "InvalidParameterValue.OffsetInvalid", Offset=1, Limit=2)


def test_resources_by_tags_intersect_and_union(cloud: Cloud, tag: Any) -> None:
    a = new_disk(env="prod", team="a")
    b = new_disk(env="dev", team="b")
    c = new_eip(team="a")

    def found(action: str, *filters: dict[str, Any], **params: Any) -> list[str]:
        answer = api(tag, action, TagFilters=list(filters), **params)
        assert answer["TotalCount"] == len(answer["Rows"])
        return [r["ResourceId"] for r in answer["Rows"]]

    prod, team_a = {"TagKey": "env", "TagValue": ["prod"]}, {"TagKey": "team", "TagValue": ["a"]}
    assert found("DescribeResourcesByTags", prod, team_a) == [a]
    assert found("DescribeResourcesByTags", team_a) == [a, c]
    assert found("DescribeResourcesByTags", {"TagKey": "env"}) == [a, b]
    assert found("DescribeResourcesByTagsUnion", prod, team_a) == [a, c]
    assert found("DescribeResourcesByTagsUnion", {"TagKey": "env", "TagValue": ["dev"]}, team_a) == [a, b, c]
    assert found("DescribeResourcesByTags", team_a, ServiceType="cvm", ResourcePrefix="eip") == [c]
    assert found("DescribeResourcesByTagsUnion", team_a, ResourceId=a) == [a]
    [row] = api(tag, "DescribeResourcesByTags", TagFilters=[prod])["Rows"]
    assert_shape("tag", "ResourceTag", row)
    assert (row["ResourceRegion"], row["ServiceType"], row["ResourcePrefix"]) == (REGION, "cvm", "volume")
    assert pairs(row["Tags"]) == [("env", "prod"), ("team", "a")]  # every tag, not only the matched ones
    [row] = api(tag, "DescribeResourcesByTags", TagFilters=[prod], ServiceType="cbs")["Rows"]
    assert (row["ServiceType"], row["ResourcePrefix"]) == ("cbs", "volume")  # answered in the caller's spelling
    paged = api(tag, "DescribeResourcesByTagsUnion", TagFilters=[{"TagKey": "team"}], Offset=2, Limit=2)
    assert (paged["TotalCount"], [r["ResourceId"] for r in paged["Rows"]]) == (3, [c])


@pytest.mark.parametrize("action", ["DescribeResourcesByTags", "DescribeResourcesByTagsUnion"])
def test_resources_by_tags_refuse_bad_filters(cloud: Cloud, tag: Any, action: str) -> None:
    new_disk(env="prod")
    refused(cloud, tag, action, "InvalidParameterValue.TagFiltersLengthExceeded",
            TagFilters=[{"TagKey": f"k{n}"} for n in range(7)])
    refused(cloud, tag, action, "InvalidParameterValue.TagFilters",
            TagFilters=[{"TagKey": "env", "TagValue": [str(n) for n in range(11)]}])
    refused(cloud, tag, action, "InvalidParameterValue.TagFilters", TagFilters=[])
    refused(cloud, tag, action, "InvalidParameterValue.UinInvalid", TagFilters=[{"TagKey": "env"}], CreateUin=5)


def test_the_async_client_finds_resources_by_tags(cloud: Cloud) -> None:
    disk = new_disk(env="prod")

    async def scenario() -> Any:
        client = sdk.client("tag", asynchronous=True)
        return await client.DescribeResourcesByTags(
            sdk.request("tag", "DescribeResourcesByTags", TagFilters=[{"TagKey": "env"}]))

    answer = asyncio.run(scenario())
    assert [(r.ResourceId, r.ResourcePrefix) for r in answer.Rows] == [(disk, "volume")]


# -- intersection and union against a reading of their definition ---------------------------------------------

_KEYS, _VALUES = ["a", "b", "c"], ["1", "2"]
_tags = st.dictionaries(st.sampled_from(_KEYS), st.sampled_from(_VALUES), max_size=3)
_filters = st.lists(st.tuples(st.sampled_from(_KEYS), st.lists(st.sampled_from(_VALUES), max_size=2, unique=True)),
                    min_size=1, max_size=3, unique_by=lambda f: f[0])


@quality_settings(12, 200)
@given(resources=st.lists(_tags, min_size=1, max_size=4), filters=_filters)
def test_by_tags_is_the_intersection_and_union_is_the_union(resources: list[dict[str, str]],
                                                             filters: list[tuple[str, list[str]]]) -> None:
    with mock_cvm(transitions="immediate"):
        tag = sdk.client("tag")
        ids = [new_disk(**tags) for tags in resources]

        def hit(tags: dict[str, str], key: str, values: list[str]) -> bool:
            return key in tags and (not values or tags[key] in values)

        wanted_all = [i for i, tags in zip(ids, resources) if tags and all(hit(tags, k, v) for k, v in filters)]
        wanted_any = [i for i, tags in zip(ids, resources) if tags and any(hit(tags, k, v) for k, v in filters)]
        params = {"TagFilters": [{"TagKey": k, "TagValue": v} for k, v in filters], "Limit": 100}
        assert [r["ResourceId"] for r in api(tag, "DescribeResourcesByTags", **params)["Rows"]] == wanted_all
        assert [r["ResourceId"] for r in api(tag, "DescribeResourcesByTagsUnion", **params)["Rows"]] == wanted_any
        listed = api(tag, "GetResources", TagFilters=params["TagFilters"])["ResourceTagMappingList"]
        assert [m["Resource"].rsplit("/", 1)[1] for m in listed] == wanted_all  # the same reading as GetResources
