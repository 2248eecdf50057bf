"""One tag on many resources through the real SDK: AttachResourcesTag, DetachResourcesTag,
ModifyResourcesTagValue, UpdateResourceTagValue; what they change shows in CVM, CBS and GetResources."""

from __future__ import annotations

from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.release.helpers import ZONE, api, instance, refused, run_instances

REGION = "ap-guangzhou"


@pytest.fixture
def tag(cloud: Cloud) -> Any:
    return sdk.client("tag")


def new_disk(**tags: str) -> str:
    [disk] = api(sdk.client("cbs"), "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR",
                 DiskType="CLOUD_PREMIUM", DiskSize=10,
                 Tags=[{"Key": k, "Value": v} for k, v in tags.items()])["DiskIdSet"]
    return str(disk)


def disk_tags(disk: str) -> dict[str, str]:
    [found] = api(sdk.client("cbs"), "DescribeDisks", DiskIds=[disk])["DiskSet"]
    return {t["Key"]: t["Value"] for t in found["Tags"]}


def many(**params: Any) -> dict[str, Any]:
    return {"ServiceType": "cvm", "ResourcePrefix": "instance", "ResourceRegion": REGION, **params}


def test_attach_modify_and_detach_one_tag_on_many_instances(cloud: Cloud, tag: Any) -> None:
    cvm = sdk.client("cvm")
    a, b = run_instances(cvm, 2)
    api(tag, "AttachResourcesTag", **many(ResourceIds=[a, b], TagKey="team", TagValue="web"))
    assert instance(cvm, a)["Tags"] == instance(cvm, b)["Tags"] == [{"Key": "team", "Value": "web"}]
    api(tag, "AttachResourcesTag", **many(ResourceIds=[a], TagKey="team", TagValue="web"))  # the same pair: no-op
    api(tag, "ModifyResourcesTagValue", **many(ResourceIds=[b], TagKey="team", TagValue="api"))
    listed = api(tag, "GetResources", TagFilters=[{"TagKey": "team", "TagValue": ["api"]}])
    assert [m["Resource"] for m in listed["ResourceTagMappingList"]] == [
        f"qcs::cvm:{REGION}:uin/{cloud.default_account}:instance/{b}"]
    found = api(cvm, "DescribeInstances", Filters=[{"Name": "tag:team", "Values": ["web"]}])["InstanceSet"]
    assert [i["InstanceId"] for i in found] == [a]
    api(tag, "DetachResourcesTag", **many(ResourceIds=[a, b], TagKey="team"))
    assert instance(cvm, a)["Tags"] == instance(cvm, b)["Tags"] == []
    assert api(tag, "GetResources")["ResourceTagMappingList"] == []


def test_other_spellings_and_kinds_are_accepted(cloud: Cloud, tag: Any) -> None:
    disk = new_disk()
    api(tag, "AttachResourcesTag", ServiceType="cbs", ResourcePrefix="disk", ResourceRegion=REGION,
        ResourceIds=[disk], TagKey="env", TagValue="prod")
    assert disk_tags(disk) == {"env": "prod"}
    filtered = api(sdk.client("cbs"), "DescribeDisks", Filters=[{"Name": "tag-key", "Values": ["env"]}])
    assert [d["DiskId"] for d in filtered["DiskSet"]] == [disk]


def test_update_resource_tag_value_changes_one_value(cloud: Cloud, tag: Any) -> None:
    disk = new_disk(env="prod", team="a")
    name = f"qcs::cvm:{REGION}:uin/{cloud.default_account}:volume/{disk}"
    api(tag, "UpdateResourceTagValue", Resource=name, TagKey="env", TagValue="dev")
    assert disk_tags(disk) == {"env": "dev", "team": "a"}
    refused(cloud, tag, "UpdateResourceTagValue", "ResourceNotFound.AttachedTagKeyNotFound", Resource=name,
            TagKey="owner", TagValue="x")
    refused(cloud, tag, "UpdateResourceTagValue", "ResourceNotFound.AttachedTagKeyNotFound",
            Resource=f"qcs::cvm:{REGION}::volume/disk-00000000", TagKey="env", TagValue="x")
    refused(cloud, tag, "UpdateResourceTagValue", "InvalidParameterValue.TagValueLengthExceeded", Resource=name,
            TagKey="env", TagValue="v" * 256)
    refused(cloud, tag, "UpdateResourceTagValue", "InvalidParameterValue.ResourceDescriptionError",
            Resource="disk-1", TagKey="env", TagValue="x")


def test_batch_changes_refuse_and_change_nothing(cloud: Cloud, tag: Any) -> None:
    full, plain, tagged = new_disk(), new_disk(), new_disk(team="a")
    for tens in range(5):
        api(tag, "TagResources", ResourceList=[f"qcs::cvm:{REGION}::volume/{full}"],
            Tags=[{"TagKey": f"k{tens}{n}", "TagValue": "v"} for n in range(10)])
    disks = {"ServiceType": "cvm", "ResourcePrefix": "volume", "ResourceRegion": REGION}
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("AttachResourcesTag", "InvalidParameterValue.ResourceIdInvalid",
         {**disks, "ResourceIds": [plain, "disk-00000000"], "TagKey": "a", "TagValue": "1"}),
        ("AttachResourcesTag", "LimitExceeded.ResourceAttachedTags",
         {**disks, "ResourceIds": [plain, full], "TagKey": "a", "TagValue": "1"}),
        ("AttachResourcesTag", "LimitExceeded.ResourceNumPerRequest",
         {**disks, "ResourceIds": [f"disk-{n:08d}" for n in range(51)], "TagKey": "a", "TagValue": "1"}),
        ("AttachResourcesTag", "ResourceInUse.TagKeyAttached",
         {**disks, "ResourceIds": [plain, tagged], "TagKey": "team", "TagValue": "b"}),
        ("AttachResourcesTag", "InvalidParameter.ReservedTagKey",
         {**disks, "ResourceIds": [plain], "TagKey": "qcloud:x", "TagValue": "1"}),
        ("AttachResourcesTag", "InvalidParameterValue.TagKeyEmpty",
         {**disks, "ResourceIds": [plain], "TagKey": "", "TagValue": "1"}),
        ("AttachResourcesTag", "InvalidParameterValue.ServiceTypeInvalid",
         {**disks, "ServiceType": "ckafka", "ResourceIds": [plain], "TagKey": "a", "TagValue": "1"}),
        ("AttachResourcesTag", "InvalidParameterValue.ResourcePrefixInvalid",
         {**disks, "ResourcePrefix": "", "ResourceIds": [plain], "TagKey": "a", "TagValue": "1"}),
        ("AttachResourcesTag", "InvalidParameterValue.RegionInvalid",
         {**disks, "ResourceRegion": "", "ResourceIds": [plain], "TagKey": "a", "TagValue": "1"}),
        ("AttachResourcesTag", "InvalidParameterValue.ResourceIdInvalid",  # a disk is not in another region
         {**disks, "ResourceRegion": "ap-shanghai", "ResourceIds": [plain], "TagKey": "a", "TagValue": "1"}),
        ("AttachResourcesTag", "MissingParameter", {**disks, "ResourceIds": [], "TagKey": "a", "TagValue": "1"}),
        ("DetachResourcesTag", "ResourceNotFound.AttachedTagKeyNotFound",
         {**disks, "ResourceIds": [tagged, plain], "TagKey": "team"}),
        ("DetachResourcesTag", "InvalidParameterValue.ResourceIdInvalid",
         {**disks, "ResourceIds": [tagged, "disk-00000000"], "TagKey": "team"}),
        ("ModifyResourcesTagValue", "ResourceNotFound.AttachedTagKeyNotFound",
         {**disks, "ResourceIds": [tagged, plain], "TagKey": "team", "TagValue": "b"}),
        ("ModifyResourcesTagValue", "InvalidParameterValue.TagValueLengthExceeded",
         {**disks, "ResourceIds": [tagged], "TagKey": "team", "TagValue": "b" * 256}),
    ]
    for action, code, params in cases:
        refused(cloud, tag, action, code, **params)
    assert disk_tags(plain) == {} and disk_tags(tagged) == {"team": "a"}


def test_released_resources_cannot_be_tagged(cloud: Cloud, tag: Any) -> None:
    disk = new_disk(team="a")
    api(sdk.client("cbs"), "TerminateDisks", DiskIds=[disk])
    refused(cloud, tag, "AttachResourcesTag", "InvalidParameterValue.ResourceIdInvalid", ServiceType="cvm",
            ResourcePrefix="volume", ResourceRegion=REGION, ResourceIds=[disk], TagKey="a", TagValue="1")
