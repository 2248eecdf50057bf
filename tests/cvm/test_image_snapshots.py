"""Snapshots and CVM through the real SDK: RunInstances makes data disks from snapshots; CreateImage takes real
CBS snapshots (listed, bound to the image, charged), which DeleteSnapshots refuses while the image exists,
DeleteImages keeps or deletes, SyncImages copies, and RunInstances from the image turns into data disks."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.conftest import START, Clock
from tests.release.helpers import (
    ZONE,
    api,
    assert_shape,
    frozen_time,  # noqa: F401  (autouse)
    instance,
    refused,
    run_instances,
)

pytestmark = pytest.mark.cloud_options(transitions="immediate")


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


@pytest.fixture
def cbs(cloud: Cloud) -> Any:
    return sdk.client("cbs")


def new_snapshot(cbs: Any, size: int = 40, **disk: Any) -> str:
    [disk_id] = api(cbs, "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR",
                    DiskType="CLOUD_PREMIUM", DiskSize=size, **disk)["DiskIdSet"]
    return str(api(cbs, "CreateSnapshot", DiskId=disk_id)["SnapshotId"])


def snapshots(cbs: Any, **params: Any) -> list[dict[str, Any]]:
    return api(cbs, "DescribeSnapshots", **params)["SnapshotSet"]  # type: ignore[no-any-return]


def disks_of(cbs: Any, instance_id: str) -> list[dict[str, Any]]:
    filters = [{"Name": "instance-id", "Values": [instance_id]}, {"Name": "disk-usage", "Values": ["DATA_DISK"]}]
    return api(cbs, "DescribeDisks", Filters=filters)["DiskSet"]  # type: ignore[no-any-return]


def make_image(cvm: Any, name: str = "golden", data: int = 1) -> tuple[str, str, list[str]]:
    """An instance with ``data`` data disks and an image of it with all of them: (instance, image, data disk ids)."""
    disks = [{"DiskType": "CLOUD_PREMIUM", "DiskSize": 60 + 10 * n} for n in range(data)]
    [ins] = run_instances(cvm, DataDisks=disks) if disks else run_instances(cvm)
    data_ids = [d["DiskId"] for d in instance(cvm, ins)["DataDisks"]]
    image_id = api(cvm, "CreateImage", InstanceId=ins, ImageName=name, DataDiskIds=data_ids)["ImageId"]
    return ins, image_id, data_ids


# -- RunInstances from snapshots -----------------------------------------------------------------------------

def test_run_instances_makes_a_data_disk_from_a_snapshot(cloud: Cloud, cvm: Any, cbs: Any) -> None:
    snap = new_snapshot(cbs, 40)
    [ins] = run_instances(cvm, DataDisks=[{"DiskType": "CLOUD_SSD", "DiskSize": 80, "SnapshotId": snap},
                                          {"DiskType": "CLOUD_PREMIUM", "DiskSize": 20}])
    shown = instance(cvm, ins)["DataDisks"]
    assert [(d["DiskSize"], d.get("SnapshotId")) for d in shown] == [(80, snap), (20, None)]
    made = disks_of(cbs, ins)
    assert [(d["DiskId"], d["DiskSize"], d["DiskType"]) for d in made] == [
        (shown[0]["DiskId"], 80, "CLOUD_SSD"), (shown[1]["DiskId"], 20, "CLOUD_PREMIUM")]
    # the disk remembers its snapshot (DescribeDisks has no member for it)
    disk = cloud.world.cbs.disks.get(cloud.default_account, "ap-guangzhou", shown[0]["DiskId"])
    assert disk is not None and disk.snapshot_id == snap


def test_an_encrypted_snapshot_makes_an_encrypted_disk(cvm: Any, cbs: Any) -> None:
    snap = new_snapshot(cbs, 40, Encrypt="ENCRYPT")
    [ins] = run_instances(cvm, DataDisks=[{"DiskSize": 40, "SnapshotId": snap}])
    assert instance(cvm, ins)["DataDisks"][0]["Encrypt"] is True
    assert disks_of(cbs, ins)[0]["Encrypt"] is True


def test_run_instances_refuses_a_bad_snapshot(cloud: Cloud, cvm: Any, cbs: Any) -> None:
    snap = new_snapshot(cbs, 40)
    base = {"Placement": {"Zone": ZONE}, "ImageId": "img-eb30mz89"}
    for code, disk in [
        ("InvalidParameterValue.SnapshotIdMalformed", {"DiskSize": 40, "SnapshotId": "snap-bad"}),
        ("InvalidParameter.SnapshotNotFound", {"DiskSize": 40, "SnapshotId": "snap-00000000"}),
        ("FailedOperation.SnapshotSizeLargerThanDataSize", {"DiskSize": 30, "SnapshotId": snap}),
    ]:
        refused(cloud, cvm, "RunInstances", code, DataDisks=[{"DiskSize": 20}, disk], **base)
    other = sdk.client("cvm", "ap-shanghai")
    refused(cloud, other, "RunInstances", "InvalidParameter.SnapshotNotFound", Placement={"Zone": "ap-shanghai-2"},
            ImageId="img-eb30mz89", DataDisks=[{"DiskSize": 40, "SnapshotId": snap}])


@pytest.mark.cloud_options(transitions="manual")
def test_run_instances_refuses_a_snapshot_still_creating(cloud: Cloud, cvm: Any, cbs: Any) -> None:
    [disk_id] = api(cbs, "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR",
                    DiskType="CLOUD_PREMIUM", DiskSize=40)["DiskIdSet"]
    snap = api(cbs, "CreateSnapshot", DiskId=disk_id)["SnapshotId"]
    refused(cloud, cvm, "RunInstances", "ResourceUnavailable.SnapshotCreating", Placement={"Zone": ZONE},
            ImageId="img-eb30mz89", DataDisks=[{"DiskSize": 40, "SnapshotId": snap}])


def test_the_quote_counts_the_disks_made_from_snapshots(cvm: Any, cbs: Any) -> None:
    snap = new_snapshot(cbs, 40)
    plain = api(cvm, "InquiryPriceRunInstances", Placement={"Zone": ZONE}, ImageId="img-eb30mz89",
                DataDisks=[{"DiskSize": 40}])
    from_snapshot = api(cvm, "InquiryPriceRunInstances", Placement={"Zone": ZONE}, ImageId="img-eb30mz89",
                        DataDisks=[{"DiskSize": 40, "SnapshotId": snap}])
    assert plain["Price"] == from_snapshot["Price"]


def test_async_client_launches_from_a_snapshot(cloud: Cloud, cvm: Any, cbs: Any) -> None:
    snap = new_snapshot(cbs, 40)

    async def scenario() -> list[str]:
        client = sdk.client("cvm", asynchronous=True)
        answer = await client.RunInstances(sdk.request(
            "cvm", "RunInstances", Placement={"Zone": ZONE}, ImageId="img-eb30mz89",
            DataDisks=[{"DiskSize": 50, "SnapshotId": snap}]))
        return list(answer.InstanceIdSet)

    [ins] = asyncio.run(scenario())
    assert instance(cvm, ins)["DataDisks"][0]["SnapshotId"] == snap


# -- images made of real snapshots ---------------------------------------------------------------------------

def test_create_image_takes_snapshots_of_the_system_disk_and_the_chosen_data_disks(cvm: Any, cbs: Any) -> None:
    [ins] = run_instances(cvm, DataDisks=[{"DiskSize": 60}, {"DiskSize": 70}])
    shown = instance(cvm, ins)
    system_id, (first, second) = shown["SystemDisk"]["DiskId"], [d["DiskId"] for d in shown["DataDisks"]]
    image_id = api(cvm, "CreateImage", InstanceId=ins, ImageName="golden", DataDiskIds=[second])["ImageId"]
    [image] = api(cvm, "DescribeImages", ImageIds=[image_id])["ImageSet"]
    listed = {s["SnapshotId"]: s for s in snapshots(cbs)}
    assert [(listed[s["SnapshotId"]]["DiskId"], s["DiskUsage"], s["DiskSize"]) for s in image["SnapshotSet"]] == [
        (system_id, "SYSTEM_DISK", 50), (second, "DATA_DISK", 70)]
    for entry in image["SnapshotSet"]:
        made = listed[entry["SnapshotId"]]
        assert_shape("cbs", "Snapshot", made)
        assert made["Images"] == [{"ImageId": image_id, "ImageName": "golden"}] and made["ImageCount"] == 1
        assert made["SnapshotType"] == "PRIVATE_SNAPSHOT" and made["DiskUsage"] == entry["DiskUsage"]
        assert made["SnapshotState"] == "NORMAL" and made["IsPermanent"] is True
        assert made["SnapshotName"] == f"Image_{image_id}"
    assert first not in {s["DiskId"] for s in listed.values()}
    # renaming the image shows in its snapshots
    api(cvm, "ModifyImageAttribute", ImageId=image_id, ImageName="platinum")
    assert {s["Images"][0]["ImageName"] for s in snapshots(cbs)} == {"platinum"}


@pytest.mark.cloud_options(prices={"snapshot_gb_hour": 1})
def test_the_image_snapshots_are_charged_as_snapshot_storage(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    _ins, image_id, _data = make_image(cvm, data=1)
    [image] = api(cvm, "DescribeImages", ImageIds=[image_id])["ImageSet"]
    billing, uin = cloud.world.billing, cloud.default_account
    rates = {s["SnapshotId"]: billing.rate(uin, s["SnapshotId"], "snapshot") for s in image["SnapshotSet"]}
    price = billing.price("snapshot_gb_hour")
    assert list(rates.values()) == [price * 50, price * 60]
    clock.move_to(START + timedelta(hours=2))
    charged = [r for r in cloud.ledger() if r.resource_id in rates]
    assert sum(r.amount for r in charged) == sum(rates.values(), Decimal(0)) * 2
    api(cvm, "DeleteImages", ImageIds=[image_id], DeleteBindedSnap=True)
    assert all(billing.rate(uin, s, "snapshot") == 0 for s in rates)


def test_delete_snapshots_refuses_an_image_snapshot_unless_told(cloud: Cloud, cvm: Any, cbs: Any) -> None:
    _ins, image_id, _data = make_image(cvm)
    [image] = api(cvm, "DescribeImages", ImageIds=[image_id])["ImageSet"]
    ids = [s["SnapshotId"] for s in image["SnapshotSet"]]
    refused(cloud, cbs, "DeleteSnapshots", "UnsupportedOperation.SnapshotHasBindedImage", SnapshotIds=ids[:1])
    refused(cloud, cbs, "DeleteSnapshots", "UnsupportedOperation.SnapshotHasBindedImage",
            SnapshotIds=[new_snapshot(cbs), ids[1]])
    api(cvm, "ModifyImageSharePermission", ImageId=image_id, AccountIds=["200000000002"], Permission="SHARE")
    refused(cloud, cbs, "DeleteSnapshots", "InvalidImageId.InShared", SnapshotIds=ids[:1], DeleteBindImages=True)
    api(cvm, "ModifyImageSharePermission", ImageId=image_id, AccountIds=["200000000002"], Permission="CANCEL")
    api(cbs, "DeleteSnapshots", SnapshotIds=ids[:1], DeleteBindImages=True)
    assert api(cvm, "DescribeImages", ImageIds=[image_id])["ImageSet"] == []
    [kept] = snapshots(cbs, SnapshotIds=[ids[1]])
    assert kept["Images"] == [] and kept["ImageCount"] == 0
    api(cbs, "DeleteSnapshots", SnapshotIds=[ids[1]])


def test_delete_images_keeps_or_deletes_the_snapshots(cvm: Any, cbs: Any) -> None:
    _a, kept_image, _ = make_image(cvm, "keep")
    _b, gone_image, _ = make_image(cvm, "gone")
    kept_ids = [s["SnapshotId"] for s in api(cvm, "DescribeImages", ImageIds=[kept_image])["ImageSet"][0][
        "SnapshotSet"]]
    gone_ids = [s["SnapshotId"] for s in api(cvm, "DescribeImages", ImageIds=[gone_image])["ImageSet"][0][
        "SnapshotSet"]]
    api(cvm, "DeleteImages", ImageIds=[kept_image])
    api(cvm, "DeleteImages", ImageIds=[gone_image], DeleteBindedSnap=True)
    left = {s["SnapshotId"]: s for s in snapshots(cbs)}
    assert sorted(left) == sorted(kept_ids) and all(s["ImageCount"] == 0 for s in left.values())
    api(cbs, "DeleteSnapshots", SnapshotIds=kept_ids)  # no image holds them any more
    assert not set(gone_ids) & set(left)


def test_run_instances_from_a_full_image_makes_its_data_disks(cvm: Any, cbs: Any) -> None:
    _ins, image_id, _data = make_image(cvm, data=2)
    [image] = api(cvm, "DescribeImages", ImageIds=[image_id])["ImageSet"]
    data_snapshots = [s["SnapshotId"] for s in image["SnapshotSet"] if s["DiskUsage"] == "DATA_DISK"]
    [ins] = run_instances(cvm, ImageId=image_id)
    shown = instance(cvm, ins)["DataDisks"]
    assert [(d["DiskSize"], d["SnapshotId"]) for d in shown] == list(zip([60, 70], data_snapshots))
    assert [d["DiskSize"] for d in disks_of(cbs, ins)] == [60, 70]
    # DataDisks given: those are the disks
    [plain] = run_instances(cvm, ImageId=image_id, DataDisks=[{"DiskSize": 20}])
    assert [d["DiskSize"] for d in instance(cvm, plain)["DataDisks"]] == [20]


def test_sync_images_copies_the_snapshots(cvm: Any, cbs: Any) -> None:
    _ins, image_id, _data = make_image(cvm)
    [copy] = api(cvm, "SyncImages", ImageIds=[image_id], DestinationRegions=["ap-shanghai"])["ImageSet"]
    far_cvm, far_cbs = sdk.client("cvm", "ap-shanghai"), sdk.client("cbs", "ap-shanghai")
    [image] = api(far_cvm, "DescribeImages", ImageIds=[copy["ImageId"]])["ImageSet"]
    listed = {s["SnapshotId"]: s for s in snapshots(far_cbs)}
    assert sorted(listed) == sorted(s["SnapshotId"] for s in image["SnapshotSet"])
    assert all(s["Images"][0]["ImageId"] == copy["ImageId"] for s in listed.values())
    [ins] = run_instances(far_cvm, ImageId=copy["ImageId"], Placement={"Zone": "ap-shanghai-2"})
    assert [d["DiskSize"] for d in instance(far_cvm, ins)["DataDisks"]] == [60]


@pytest.mark.cloud_options(transitions="manual")
def test_image_snapshots_settle_with_their_image(cloud: Cloud, cvm: Any, cbs: Any) -> None:
    ids = api(cvm, "RunInstances", Placement={"Zone": ZONE}, ImageId="img-eb30mz89")["InstanceIdSet"]
    cloud.settle()
    image_id = api(cvm, "CreateImage", InstanceId=ids[0], ImageName="slow")["ImageId"]
    assert {s["SnapshotState"] for s in snapshots(cbs)} == {"CREATING"}
    refused(cloud, cbs, "DeleteSnapshots", "InvalidSnapshot.NotSupported",
            SnapshotIds=[s["SnapshotId"] for s in snapshots(cbs)], DeleteBindImages=True)
    images = cloud.world.images
    images.in_flight.settle(images.images.get(cloud.default_account, "ap-guangzhou", image_id))
    assert {s["SnapshotState"] for s in snapshots(cbs)} == {"NORMAL"}


def test_create_image_from_snapshots(cloud: Cloud, cvm: Any, cbs: Any) -> None:
    [ins] = run_instances(cvm, ImageId="img-dkwyg6sr", DataDisks=[{"DiskSize": 60}])
    shown = instance(cvm, ins)
    system = api(cbs, "CreateSnapshot", DiskId=shown["SystemDisk"]["DiskId"])["SnapshotId"]
    data = api(cbs, "CreateSnapshot", DiskId=shown["DataDisks"][0]["DiskId"])["SnapshotId"]
    api(cvm, "TerminateInstances", InstanceIds=[ins])  # the snapshots outlive the instance and its disks
    image_id = api(cvm, "CreateImage", ImageName="from-snaps", SnapshotIds=[data, system])["ImageId"]
    [image] = api(cvm, "DescribeImages", ImageIds=[image_id])["ImageSet"]
    assert [(s["SnapshotId"], s["DiskUsage"], s["DiskSize"]) for s in image["SnapshotSet"]] == [
        (system, "SYSTEM_DISK", 50), (data, "DATA_DISK", 60)]
    assert (image["OsName"], image["Platform"], image["ImageSize"]) == ("Ubuntu Server 20.04 LTS 64位", "Ubuntu", 50)
    assert {s["ImageCount"] for s in snapshots(cbs, SnapshotIds=[system, data])} == {1}
    [again] = run_instances(cvm, ImageId=image_id)
    assert [d["SnapshotId"] for d in instance(cvm, again)["DataDisks"]] == [data]
    refused(cloud, cbs, "DeleteSnapshots", "UnsupportedOperation.SnapshotHasBindedImage", SnapshotIds=[system])
    api(cvm, "DeleteImages", ImageIds=[image_id], DeleteBindedSnap=True)
    assert snapshots(cbs, SnapshotIds=[system, data]) == []


def test_create_image_from_snapshots_refusals(cloud: Cloud, cvm: Any, cbs: Any) -> None:
    [ins] = run_instances(cvm, DataDisks=[{"DiskSize": 60}])
    shown = instance(cvm, ins)
    system = api(cbs, "CreateSnapshot", DiskId=shown["SystemDisk"]["DiskId"])["SnapshotId"]
    other = api(cbs, "CreateSnapshot", DiskId=shown["SystemDisk"]["DiskId"])["SnapshotId"]
    data = api(cbs, "CreateSnapshot", DiskId=shown["DataDisks"][0]["DiskId"])["SnapshotId"]
    for code, params in [
        ("InvalidParameterConflict", {"InstanceId": ins, "SnapshotIds": [system]}),
        ("InvalidParameter.SpecifyOneParameter", {}),
        ("InvalidParameterValue.SnapshotIdMalformed", {"SnapshotIds": [system, "snap-x"]}),
        ("InvalidParameter.SnapshotNotFound", {"SnapshotIds": [system, "snap-00000000"]}),
        ("InvalidParameter.SystemSnapshotNotFound", {"SnapshotIds": [data]}),
        ("InvalidParameter.DuplicateSystemSnapshots", {"SnapshotIds": [system, other]}),
        ("DryRunOperation", {"SnapshotIds": [system], "DryRun": True}),
    ]:
        refused(cloud, cvm, "CreateImage", code, ImageName="x", **params)


def test_async_clients_see_an_image_and_its_snapshots(cloud: Cloud, cvm: Any) -> None:
    [ins] = run_instances(cvm)

    async def scenario() -> tuple[str, list[Any], str]:
        acvm, acbs = sdk.client("cvm", asynchronous=True), sdk.client("cbs", asynchronous=True)
        made = await acvm.CreateImage(sdk.request("cvm", "CreateImage", InstanceId=ins, ImageName="async"))
        listed = await acbs.DescribeSnapshots(sdk.request("cbs", "DescribeSnapshots"))
        try:
            await acbs.DeleteSnapshots(sdk.request("cbs", "DeleteSnapshots",
                                                   SnapshotIds=[listed.SnapshotSet[0].SnapshotId]))
        except sdk.SDKError as error:
            return made.ImageId, list(listed.SnapshotSet), str(error.code)
        return made.ImageId, list(listed.SnapshotSet), ""

    image_id, listed, code = asyncio.run(scenario())
    assert [s.Images[0].ImageId for s in listed] == [image_id]
    assert code == "UnsupportedOperation.SnapshotHasBindedImage"
