"""The account's own images through the real SDK: create, import, sync, export, modify, share, delete, quota."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mockcvm import Cloud, mock_cvm
from tests import sdk
from tests.cvm.helpers import call_refused, describe, launch, snapshot

pytestmark = pytest.mark.cloud_options(transitions="immediate")
OTHER = "200000000002"


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def _image(cvm: Any, name: str = "golden") -> str:
    (instance_id,) = launch(cvm, ImageId="img-dkwyg6sr")
    return str(sdk.call(cvm, "CreateImage", InstanceId=instance_id, ImageName=name, ImageFamily="golden").ImageId)


def test_create_image_from_an_instance_and_launch_from_it(cvm: Any) -> None:
    image_id = _image(cvm)
    (image,) = sdk.call(cvm, "DescribeImages", ImageIds=[image_id]).ImageSet
    assert (image.ImageType, image.ImageState, image.ImageSource, image.OsName, image.Platform) == (
        "PRIVATE_IMAGE", "NORMAL", "CREATE_IMAGE", "Ubuntu Server 20.04 LTS 64位", "Ubuntu")
    assert image.SnapshotSet[0].DiskUsage == "SYSTEM_DISK"
    private = sdk.call(cvm, "DescribeImages", Filters=[{"Name": "image-type", "Values": ["PRIVATE_IMAGE"]}])
    assert [i.ImageId for i in private.ImageSet] == [image_id]
    assert sdk.call(cvm, "DescribeImageFromFamily", ImageFamily="golden").Image.ImageId == image_id
    (instance_id,) = launch(cvm, ImageId=image_id)
    assert describe(cvm, [instance_id])[0].ImageId == image_id


@pytest.mark.cloud_options(transitions="manual")
def test_a_new_image_is_creating_until_it_settles(cloud: Cloud, cvm: Any) -> None:
    (instance_id,) = launch(cvm)
    cloud.settle()
    image_id = sdk.call(cvm, "CreateImage", InstanceId=instance_id, ImageName="slow").ImageId
    assert sdk.call(cvm, "DescribeImages", ImageIds=[image_id]).ImageSet[0].ImageState == "CREATING"
    assert call_refused(cvm, "RunInstances", Placement={"Zone": "ap-guangzhou-3"},
                        ImageId=image_id).code == "InvalidImageId.IncorrectState"
    cloud.world.images.in_flight.settle(cloud.world.images.images.get(cloud.default_account, "ap-guangzhou",
                                                                      image_id))
    assert sdk.call(cvm, "DescribeImages", ImageIds=[image_id]).ImageSet[0].ImageState == "NORMAL"


def test_create_image_refusals(cloud: Cloud, cvm: Any) -> None:
    _image(cvm, "golden")
    (instance_id,) = launch(cvm)
    before = snapshot(cloud), len(cloud.world.images.images)
    assert call_refused(cvm, "CreateImage", InstanceId=instance_id, ImageName="golden").code == (
        "InvalidImageName.Duplicate")
    assert call_refused(cvm, "CreateImage", InstanceId="ins-zzzzzzzz", ImageName="x").code == (
        "InvalidInstanceId.NotFound")
    assert call_refused(cvm, "CreateImage", InstanceId=instance_id, ImageName="x", DryRun=True).code == (
        "DryRunOperation")
    assert (snapshot(cloud), len(cloud.world.images.images)) == before


def test_modify_and_delete(cvm: Any) -> None:
    image_id = _image(cvm)
    sdk.call(cvm, "ModifyImageAttribute", ImageId=image_id, ImageName="renamed", ImageDescription="v2")
    (image,) = sdk.call(cvm, "DescribeImages", ImageIds=[image_id]).ImageSet
    assert (image.ImageName, image.ImageDescription) == ("renamed", "v2")
    assert call_refused(cvm, "ModifyImageAttribute", ImageId="img-eb30mz89", ImageName="mine").code == (
        "UnauthorizedOperation.ImageNotBelongToAccount")
    sdk.call(cvm, "DeleteImages", ImageIds=[image_id])
    assert sdk.call(cvm, "DescribeImages", ImageIds=[image_id]).TotalCount == 0
    assert call_refused(cvm, "DeleteImages", ImageIds=[image_id]).code == "InvalidImageId.NotFound"


def test_an_image_used_by_a_launch_template_cannot_be_deleted(cvm: Any) -> None:
    image_id = _image(cvm)
    sdk.call(cvm, "CreateLaunchTemplate", LaunchTemplateName="uses-golden", Placement={"Zone": "ap-guangzhou-3"},
             ImageId=image_id)
    assert call_refused(cvm, "DeleteImages", ImageIds=[image_id]).code == "InvalidParameterValue.InvalidImageState"


def test_sharing_makes_the_image_visible_and_launchable_from_the_other_account(cloud: Cloud, cvm: Any) -> None:
    image_id = _image(cvm)
    cloud.register_credentials("AKIDother000000000000000000000000", "other-secret", account=OTHER)
    other = sdk.client("cvm", secret_id="AKIDother000000000000000000000000", secret_key="other-secret")
    assert sdk.call(other, "DescribeImages", ImageIds=[image_id]).TotalCount == 0
    sdk.call(cvm, "ModifyImageSharePermission", ImageId=image_id, AccountIds=[OTHER], Permission="SHARE")
    assert [p.AccountId for p in sdk.call(cvm, "DescribeImageSharePermission",
                                          ImageId=image_id).SharePermissionSet] == [OTHER]
    shared = sdk.call(other, "DescribeImages", Filters=[{"Name": "image-type", "Values": ["SHARED_IMAGE"]}])
    assert [(i.ImageId, i.ImageType) for i in shared.ImageSet] == [(image_id, "SHARED_IMAGE")]
    (instance_id,) = launch(other, ImageId=image_id)
    assert describe(other, [instance_id])[0].ImageId == image_id
    assert call_refused(cvm, "DeleteImages", ImageIds=[image_id]).code == "InvalidImageId.InShared"
    assert call_refused(other, "DeleteImages", ImageIds=[image_id]).code == (
        "UnauthorizedOperation.ImageNotBelongToAccount")
    sdk.call(cvm, "ModifyImageSharePermission", ImageId=image_id, AccountIds=[OTHER], Permission="CANCEL")
    assert sdk.call(other, "DescribeImages", ImageIds=[image_id]).TotalCount == 0


def test_a_shared_image_shows_none_of_the_owners_tags(cloud: Cloud, cvm: Any) -> None:
    (instance_id,) = launch(cvm)
    image_id = sdk.call(cvm, "CreateImage", InstanceId=instance_id, ImageName="tagged", TagSpecification=[
        {"ResourceType": "image", "Tags": [{"Key": "team", "Value": "web"}]}]).ImageId
    cloud.register_credentials("AKIDother000000000000000000000000", "other-secret", account=OTHER)
    other = sdk.client("cvm", secret_id="AKIDother000000000000000000000000", secret_key="other-secret")
    sdk.call(cvm, "ModifyImageSharePermission", ImageId=image_id, AccountIds=[OTHER], Permission="SHARE")
    (theirs,) = sdk.call(other, "DescribeImages", ImageIds=[image_id]).ImageSet
    (ours,) = sdk.call(cvm, "DescribeImages", ImageIds=[image_id]).ImageSet
    assert theirs.Tags == [] and [(t.Key, t.Value) for t in ours.Tags] == [("team", "web")]
    tagged = [{"Name": "tag:team", "Values": ["web"]}]
    assert sdk.call(other, "DescribeImages", Filters=tagged).TotalCount == 0


def test_sync_images_copies_to_other_regions_with_their_own_ids(cvm: Any) -> None:
    image_id = _image(cvm)
    (copy,) = sdk.call(cvm, "SyncImages", ImageIds=[image_id], DestinationRegions=["ap-shanghai"]).ImageSet
    assert copy.Region == "ap-shanghai" and copy.ImageId != image_id
    shanghai = sdk.client("cvm", "ap-shanghai")
    (image,) = sdk.call(shanghai, "DescribeImages", ImageIds=[copy.ImageId]).ImageSet
    assert (image.ImageSource, image.ImageState) == ("SYNC_IMAGE", "NORMAL")
    assert call_refused(cvm, "SyncImages", ImageIds=[image_id],
                        DestinationRegions=["ap-guangzhou"]).code == "InvalidParameterValue"


def test_import_and_export(cvm: Any) -> None:
    image_id = sdk.call(cvm, "ImportImage", Architecture="x86_64", OsType="CentOS", OsVersion="7",
                        ImageUrl="https://bucket-1250000000.cos.ap-guangzhou.myqcloud.com/c7.qcow2",
                        ImageName="imported").ImageId
    (image,) = sdk.call(cvm, "DescribeImages", ImageIds=[image_id]).ImageSet
    assert (image.ImageSource, image.OsName) == ("IMPORT_IMAGE", "CentOS 7")
    assert call_refused(cvm, "ImportImage", Architecture="x86_64", OsType="Plan9", OsVersion="4",
                        ImageUrl="https://x", ImageName="p9").code == "InvalidImageOsType.Unsupported"
    assert call_refused(cvm, "ImportImage", Architecture="x86_64", OsType="CentOS", OsVersion="9",
                        ImageUrl="https://x", ImageName="c9").code == "InvalidImageOsVersion.Unsupported"
    exported = sdk.call(cvm, "ExportImages", BucketName="bucket-1250000000", ImageIds=[image_id],
                        ExportFormat="QCOW2", FileNamePrefixList=["backup"])
    assert exported.TaskId > 0 and exported.CosPaths[0].startswith("cos://bucket-1250000000/backup_" + image_id)
    assert call_refused(cvm, "ExportImages", BucketName="b", ImageIds=["img-eb30mz89"]).code == (
        "UnauthorizedOperation.ImageNotBelongToAccount")


def test_image_quota_is_reported(cvm: Any) -> None:
    assert sdk.call(cvm, "DescribeImageQuota").ImageNumQuota == 500


def test_create_image_async() -> None:
    async def main() -> Any:
        client = sdk.client("cvm", asynchronous=True)
        ids = (await sdk.call(client, "RunInstances", Placement={"Zone": "ap-guangzhou-3"},
                              ImageId="img-eb30mz89")).InstanceIdSet
        created = await sdk.call(client, "CreateImage", InstanceId=ids[0], ImageName="async")
        return await sdk.call(client, "DescribeImages", ImageIds=[created.ImageId])

    with mock_cvm(transitions="immediate"):
        assert asyncio.run(main()).ImageSet[0].ImageName == "async"
