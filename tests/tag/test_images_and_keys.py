"""Images and key pairs as Tag resources, through the real SDK: tracked when CreateImage, ImportImage, SyncImages,
CreateKeyPair and ImportKeyPair make them (with their TagSpecification tags), changed through the Tag service
and seen back in DescribeImages / DescribeKeyPairs and their ``tag:`` filters, gone when they are deleted."""

from __future__ import annotations

from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.release.helpers import api, refused, run_instances

pytestmark = pytest.mark.cloud_options(transitions="immediate")
REGION = "ap-guangzhou"
ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJWdb0/XtUrTVHK/sLQK8l0CK7CaZR+VpJZcvbS0YaOI test@mockcvm"


@pytest.fixture
def tag(cloud: Cloud) -> Any:
    return sdk.client("tag")


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def spec(resource_type: str, **tags: str) -> list[dict[str, Any]]:
    return [{"ResourceType": resource_type, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]


def listed(tag: Any, **filter_: Any) -> list[str]:
    answer = api(tag, "GetResources", TagFilters=[filter_] if filter_ else [])
    return [m["Resource"] for m in answer["ResourceTagMappingList"]]


def name(cloud: Cloud, prefix: str, resource_id: str, region: str = REGION) -> str:
    return f"qcs::cvm:{region}:uin/{cloud.default_account}:{prefix}/{resource_id}"


def key_tags(cvm: Any, key_id: str) -> dict[str, str]:
    [key] = api(cvm, "DescribeKeyPairs", KeyIds=[key_id])["KeyPairSet"]
    return {t["Key"]: t["Value"] for t in key["Tags"]}


def image_tags(cvm: Any, image_id: str, region: str = REGION) -> dict[str, str]:
    client = cvm if region == REGION else sdk.client("cvm", region=region)
    [image] = api(client, "DescribeImages", ImageIds=[image_id])["ImageSet"]
    return {t["Key"]: t["Value"] for t in image["Tags"]}


def test_key_pairs_are_tag_resources(cloud: Cloud, tag: Any, cvm: Any) -> None:
    made = api(cvm, "CreateKeyPair", KeyName="deploy", ProjectId=0, TagSpecification=spec("keypair", team="ops"))
    key_id = made["KeyPair"]["KeyId"]
    imported = api(cvm, "ImportKeyPair", KeyName="laptop", ProjectId=0, PublicKey=ED25519)["KeyId"]
    assert listed(tag) == [name(cloud, "keypair", key_id)]
    api(tag, "TagResources", ResourceList=[name(cloud, "keypair", imported)],
        Tags=[{"TagKey": "team", "TagValue": "dev"}])
    assert key_tags(cvm, imported) == {"team": "dev"}
    api(tag, "ModifyResourcesTagValue", ServiceType="cvm", ResourcePrefix="keypair", ResourceRegion=REGION,
        ResourceIds=[key_id], TagKey="team", TagValue="sre")
    by_filter = api(cvm, "DescribeKeyPairs", Filters=[{"Name": "tag:team", "Values": ["sre"]}])["KeyPairSet"]
    assert [k["KeyId"] for k in by_filter] == [key_id]
    [row] = api(tag, "DescribeResourcesByTags", TagFilters=[{"TagKey": "team", "TagValue": ["dev"]}])["Rows"]
    assert (row["ServiceType"], row["ResourcePrefix"], row["ResourceId"]) == ("cvm", "keypair", imported)
    api(cvm, "DeleteKeyPairs", KeyIds=[key_id])
    assert listed(tag) == [name(cloud, "keypair", imported)]
    failed = api(tag, "TagResources", ResourceList=[name(cloud, "keypair", key_id)],
                 Tags=[{"TagKey": "a", "TagValue": "1"}])["FailedResources"]
    assert [f["Code"] for f in failed] == ["InvalidParameterValue.ResourceIdInvalid"]


def test_images_are_tag_resources(cloud: Cloud, tag: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    made = api(cvm, "CreateImage", InstanceId=ins, ImageName="golden", TagSpecification=spec("image", env="prod"))
    image_id = made["ImageId"]
    imported = api(cvm, "ImportImage", ImageName="imported", OsType="CentOS", OsVersion="7", Architecture="x86_64",
                   ImageUrl="https://bucket.cos.ap-guangzhou.myqcloud.com/centos.qcow2",
                   TagSpecification=spec("image", env="dev"))["ImageId"]
    assert listed(tag, TagKey="env") == [name(cloud, "image", image_id), name(cloud, "image", imported)]
    api(tag, "UnTagResources", ResourceList=[f"qcs::cvm:{REGION}::instance/{imported}"], TagKeys=["env"])
    assert image_tags(cvm, imported) == {}
    api(tag, "AddResourceTag", Resource=name(cloud, "image", image_id), TagKey="team", TagValue="a")
    assert image_tags(cvm, image_id) == {"env": "prod", "team": "a"}
    found = api(cvm, "DescribeImages", Filters=[{"Name": "tag:team", "Values": ["a"]}])["ImageSet"]
    assert [i["ImageId"] for i in found] == [image_id]
    api(cvm, "DeleteImages", ImageIds=[image_id])
    assert listed(tag) == []
    assert api(tag, "DescribeResourceTags", ResourceId=image_id)["TotalCount"] == 0


def test_synced_copies_are_tracked_in_their_region(cloud: Cloud, tag: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    image_id = api(cvm, "CreateImage", InstanceId=ins, ImageName="golden",
                   TagSpecification=spec("image", env="prod"))["ImageId"]
    [copy] = api(cvm, "SyncImages", ImageIds=[image_id], DestinationRegions=["ap-shanghai"],
                 ImageSetRequired=True)["ImageSet"]
    copy_id = copy["ImageId"]
    assert image_tags(cvm, copy_id, "ap-shanghai") == {}  # a copy does not carry its source's tags
    refused(cloud, tag, "AttachResourcesTag", "InvalidParameterValue.ResourceIdInvalid", ServiceType="cvm",
            ResourcePrefix="image", ResourceRegion=REGION, ResourceIds=[copy_id], TagKey="a", TagValue="1")
    api(tag, "AttachResourcesTag", ServiceType="cvm", ResourcePrefix="image", ResourceRegion="ap-shanghai",
        ResourceIds=[copy_id], TagKey="env", TagValue="prod")
    assert image_tags(cvm, copy_id, "ap-shanghai") == {"env": "prod"}
    rows = api(tag, "DescribeResourcesByTags", TagFilters=[{"TagKey": "env"}], ResourcePrefix="image")["Rows"]
    assert [(r["ResourceId"], r["ResourceRegion"]) for r in rows] == [(image_id, REGION), (copy_id, "ap-shanghai")]


def test_an_image_deleted_with_its_snapshot_leaves_the_tag_service(cloud: Cloud, tag: Any, cvm: Any) -> None:
    [ins] = run_instances(cvm)
    image_id = api(cvm, "CreateImage", InstanceId=ins, ImageName="golden",
                   TagSpecification=spec("image", env="prod"))["ImageId"]
    [image] = api(cvm, "DescribeImages", ImageIds=[image_id])["ImageSet"]
    assert listed(tag, TagKey="env") == [name(cloud, "image", image_id)]
    api(sdk.client("cbs"), "DeleteSnapshots", SnapshotIds=[image["SnapshotSet"][0]["SnapshotId"]],
        DeleteBindImages=True)
    assert listed(tag, TagKey="env") == []
    assert api(tag, "DescribeResourceTags", ResourceId=image_id)["TotalCount"] == 0
