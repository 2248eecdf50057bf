"""The account's tags through the real SDK: CreateTag(s), DeleteTag(s) (refused while in use), GetTags, GetTagKeys,
GetTagValues, DescribeTags, AddResourceTag, DeleteResourceTag, DescribeResourceTagsByResourceIds."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.release.helpers import ZONE, api, refused

REGION = "ap-guangzhou"


@pytest.fixture
def tag(cloud: Cloud) -> Any:
    return sdk.client("tag")


def new_disk() -> str:
    [disk] = api(sdk.client("cbs"), "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR",
                 DiskType="CLOUD_PREMIUM", DiskSize=10)["DiskIdSet"]
    return str(disk)


def pairs(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(t["TagKey"], t["TagValue"]) for t in items]


def test_created_and_attached_tags_are_listed_and_in_use_ones_cannot_be_deleted(cloud: Cloud, tag: Any) -> None:
    disk = new_disk()
    api(tag, "CreateTags", Tags=[{"TagKey": "env", "TagValue": "prod"}, {"TagKey": "env", "TagValue": "dev"}])
    api(tag, "AddResourceTag", Resource=f"qcs::cbs:{REGION}::instance/{disk}", TagKey="team", TagValue="a")
    assert pairs(api(tag, "GetTags")["Tags"]) == [("env", "dev"), ("env", "prod"), ("team", "a")]
    assert api(tag, "GetTagKeys")["TagKeys"] == ["env", "team"]
    assert pairs(api(tag, "GetTagValues", TagKeys=["env"])["Tags"]) == [("env", "dev"), ("env", "prod")]
    described = api(tag, "DescribeTags", TagKey="team")
    assert described["TotalCount"] == 1 and described["Tags"][0]["CanDelete"] == 0
    refused(cloud, tag, "DeleteTag", "FailedOperation.TagAttachedResource", TagKey="team", TagValue="a")
    refused(cloud, tag, "CreateTag", "ResourceInUse.TagDuplicate", TagKey="env", TagValue="dev")
    refused(cloud, tag, "CreateTag", "InvalidParameterValue.ReservedTagKey", TagKey="qcloud:x", TagValue="1")
    refused(cloud, tag, "DeleteTag", "ResourceNotFound.TagNonExist", TagKey="env", TagValue="staging")
    api(tag, "DeleteTags", Tags=[{"TagKey": "env", "TagValue": "dev"}])
    api(tag, "DeleteResourceTag", Resource=f"qcs::cvm:{REGION}::volume/{disk}", TagKey="team")
    assert pairs(api(tag, "GetTags")["Tags"]) == [("env", "prod")]
    refused(cloud, tag, "DeleteResourceTag", "ResourceNotFound.AttachedTagKeyNotFound",
            Resource=f"qcs::cvm:{REGION}::volume/{disk}", TagKey="team")


def test_tags_page_with_a_token(cloud: Cloud, tag: Any) -> None:
    api(tag, "CreateTags", Tags=[{"TagKey": f"k{n}", "TagValue": "v"} for n in range(5)])
    first = api(tag, "GetTagKeys", MaxResults=3)
    second = api(tag, "GetTagKeys", MaxResults=3, PaginationToken=first["PaginationToken"])
    assert first["TagKeys"] + second["TagKeys"] == [f"k{n}" for n in range(5)] and second["PaginationToken"] == ""
    refused(cloud, tag, "GetTagKeys", "InvalidParameter.PaginationTokenInvalid", PaginationToken="page-2")


def test_single_resource_tagging_and_lookup_by_ids(cloud: Cloud, tag: Any) -> None:
    disk = new_disk()
    name = f"qcs::cvm:{REGION}:uin/{cloud.default_account}:volume/{disk}"
    api(tag, "AddResourceTag", Resource=name, TagKey="owner", TagValue="bob")
    refused(cloud, tag, "AddResourceTag", "ResourceInUse.TagKeyAttached", Resource=name, TagKey="owner",
            TagValue="eve")
    refused(cloud, tag, "AddResourceTag", "InvalidParameter.ReservedTagKey", Resource=name, TagKey="project",
            TagValue="eve")
    refused(cloud, tag, "AddResourceTag", "InvalidParameterValue.ResourceIdInvalid",
            Resource=f"qcs::cvm:{REGION}::volume/disk-00000000", TagKey="a", TagValue="b")
    found = api(tag, "DescribeResourceTagsByResourceIds", ServiceType="cbs", ResourcePrefix="instance",
                ResourceRegion=REGION, ResourceIds=[disk, "disk-00000000"])
    assert found["TotalCount"] == 1
    [row] = found["Tags"]
    assert (row["ResourceId"], row["TagKey"], row["TagValue"], len(row["TagKeyMd5"])) == (disk, "owner", "bob", 32)
    described = api(sdk.client("cbs"), "DescribeDisks", DiskIds=[disk])["DiskSet"][0]
    assert described["Tags"] == [{"Key": "owner", "Value": "bob"}]


def test_the_async_client_lists_tags(cloud: Cloud) -> None:
    async def scenario() -> Any:
        client = sdk.client("tag", asynchronous=True)
        await client.CreateTag(sdk.request("tag", "CreateTag", TagKey="a", TagValue="1"))
        return await client.GetTags(sdk.request("tag", "GetTags"))

    answer = asyncio.run(scenario())
    assert [(t.TagKey, t.TagValue) for t in answer.Tags] == [("a", "1")]


def test_projects_are_added_renamed_disabled_and_named_in_bills(cloud: Cloud, tag: Any) -> None:
    made = api(tag, "AddProject", ProjectName="web", Info="front end")
    assert made["IsNew"] == 1
    refused(cloud, tag, "AddProject", "InvalidParameter.ProjectNameExisted", ProjectName="web")
    other = api(tag, "AddProject", ProjectName="batch")["ProjectId"]
    api(tag, "UpdateProject", ProjectId=made["ProjectId"], ProjectName="website")
    refused(cloud, tag, "UpdateProject", "InvalidParameter.ProjectNameExisted", ProjectId=other, ProjectName="website")
    refused(cloud, tag, "UpdateProject", "ResourceNotFound.RecordNotFound", ProjectId=42, ProjectName="x")
    listed = api(tag, "DescribeProjects", AllList=1, Limit=20, Offset=0)
    assert [(p["ProjectName"], p["ProjectInfo"]) for p in listed["Projects"]] == [("website", "front end"),
                                                                                  ("batch", "")]
    api(tag, "UpdateProject", ProjectId=other, Disable=1)
    assert api(tag, "DescribeProjects", AllList=1, Limit=20, Offset=0)["Total"] == 1
    again = api(tag, "AddProject", ProjectName="batch")  # a disabled project's name enables it again
    assert (again["ProjectId"], again["IsNew"]) == (other, 0)
    api(sdk.client("cbs"), "CreateDisks", Placement={"Zone": ZONE, "ProjectId": made["ProjectId"]},
        DiskChargeType="PREPAID", DiskType="CLOUD_PREMIUM", DiskSize=10, DiskChargePrepaid={"Period": 1})
    [row] = api(sdk.client("billing"), "DescribeBillSummaryByProject", BeginTime="2026-03-01 00:00:00",
                EndTime="2026-03-31 23:59:59")["SummaryOverview"]
    assert (row["ProjectId"], row["ProjectName"]) == (str(made["ProjectId"]), "website")
