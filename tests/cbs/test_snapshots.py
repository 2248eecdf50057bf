"""Snapshots through the real SDK: CREATING -> NORMAL, Describe filters, delete, attributes, disks from a
snapshot, deadlines on the clock, storage charged, and tags under the snapshot's names."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.conftest import START, Clock
from tests.release.helpers import OTHER_ZONE, ZONE, api, assert_shape, refused

REGION = "ap-guangzhou"


@pytest.fixture
def cbs(cloud: Cloud) -> Any:
    return sdk.client("cbs")


def new_disk(cbs: Any, size: int = 50) -> str:
    [disk_id] = api(cbs, "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR",
                    DiskType="CLOUD_PREMIUM", DiskSize=size)["DiskIdSet"]
    return str(disk_id)


def snapshot(cbs: Any, snapshot_id: str) -> dict[str, Any]:
    found = api(cbs, "DescribeSnapshots", SnapshotIds=[snapshot_id])["SnapshotSet"]
    return found[0] if found else {}  # type: ignore[no-any-return]


def test_a_snapshot_is_creating_once_then_normal(cloud: Cloud, cbs: Any) -> None:
    disk_id = new_disk(cbs)
    snap = api(cbs, "CreateSnapshot", DiskId=disk_id, SnapshotName="nightly")["SnapshotId"]
    refused(cloud, cbs, "CreateDisks", "InvalidSnapshot.NotSupported", Placement={"Zone": ZONE},
            DiskChargeType="POSTPAID_BY_HOUR", DiskType="CLOUD_PREMIUM", SnapshotId=snap)
    first = snapshot(cbs, snap)
    assert_shape("cbs", "Snapshot", first)
    assert (first["SnapshotState"], first["Percent"], first["DiskId"], first["DiskSize"]) == (
        "CREATING", 0, disk_id, 50)
    second = snapshot(cbs, snap)
    assert (second["SnapshotState"], second["Percent"], second["IsPermanent"]) == ("NORMAL", 100, True)


@pytest.mark.cloud_options(transitions="immediate")
def test_describe_filters_delete_and_disks_from_a_snapshot(cloud: Cloud, cbs: Any) -> None:
    first, second = new_disk(cbs), new_disk(cbs, 80)
    a = api(cbs, "CreateSnapshot", DiskId=first, SnapshotName="a")["SnapshotId"]
    b = api(cbs, "CreateSnapshot", DiskId=second, SnapshotName="b")["SnapshotId"]
    by_disk = api(cbs, "DescribeSnapshots", Filters=[{"Name": "disk-id", "Values": [second]}])
    assert [s["SnapshotId"] for s in by_disk["SnapshotSet"]] == [b] and by_disk["TotalCount"] == 1
    by_size = api(cbs, "DescribeSnapshots", Order="DESC", OrderField="DISK_SIZE")["SnapshotSet"]
    assert [s["SnapshotId"] for s in by_size] == [b, a]
    [copy] = api(cbs, "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR",
                 DiskType="CLOUD_SSD", SnapshotId=b)["DiskIdSet"]
    assert api(cbs, "DescribeDisks", DiskIds=[copy])["DiskSet"][0]["DiskSize"] == 80
    refused(cloud, cbs, "CreateDisks", "InvalidParameter.DiskSizeNotMatch", Placement={"Zone": ZONE},
            DiskChargeType="POSTPAID_BY_HOUR", DiskType="CLOUD_SSD", SnapshotId=b, DiskSize=40)
    refused(cloud, cbs, "CreateDisks", "ResourceUnavailable.ZoneNotMatch", Placement={"Zone": OTHER_ZONE},
            DiskChargeType="POSTPAID_BY_HOUR", DiskType="CLOUD_SSD", SnapshotId=b)
    api(cbs, "TerminateDisks", DiskIds=[second])
    assert snapshot(cbs, b)["SnapshotState"] == "NORMAL"  # a snapshot outlives its disk
    api(cbs, "DeleteSnapshots", SnapshotIds=[a])
    assert snapshot(cbs, a) == {}
    refused(cloud, cbs, "DeleteSnapshots", "InvalidSnapshotId.NotFound", SnapshotIds=[a])
    refused(cloud, cbs, "DescribeSnapshots", "InvalidFilter", Filters=[{"Name": "colour", "Values": ["x"]}])
    refused(cloud, cbs, "CreateSnapshot", "InvalidDiskId.NotFound", DiskId="disk-00000000")


@pytest.mark.cloud_options(transitions="immediate")
def test_a_deadline_deletes_the_snapshot_and_storage_is_charged_until_then(
    cloud: Cloud, clock: Clock, cbs: Any
) -> None:
    disk_id = new_disk(cbs, 100)
    snap = api(cbs, "CreateSnapshot", DiskId=disk_id)["SnapshotId"]
    api(cbs, "ModifySnapshotAttribute", SnapshotId=snap, IsPermanent=False, Deadline="2026-01-05T14:00:00Z",
        SnapshotName="short")
    got = snapshot(cbs, snap)
    assert (got["SnapshotName"], got["IsPermanent"], got["DeadlineTime"]) == ("short", False, "2026-01-05 14:00:00")
    billing, uin = cloud.world.billing, cloud.default_account
    assert billing.rate(uin, snap, "snapshot") == Decimal("0.00002") * 100
    clock.move_to(START + timedelta(hours=10))
    assert snapshot(cbs, snap) == {}
    assert billing.rate(uin, snap, "snapshot") == 0
    refused(cloud, cbs, "ModifySnapshotAttribute", "InvalidSnapshotId.NotFound", SnapshotId=snap, SnapshotName="x")


@pytest.mark.cloud_options(transitions="immediate")
def test_snapshots_are_tagged_under_their_names(cloud: Cloud, cbs: Any) -> None:
    snap = api(cbs, "CreateSnapshot", DiskId=new_disk(cbs), Tags=[{"Key": "k", "Value": "v"}])["SnapshotId"]
    tag = sdk.client("tag")
    custodian = f"qcs::cbs:{REGION}::volume/{snap}"
    api(tag, "TagResources", ResourceList=[custodian], Tags=[{"TagKey": "team", "TagValue": "a"}])
    [mapping] = api(tag, "GetResources", ResourceList=[custodian])["ResourceTagMappingList"]
    assert {t["TagKey"]: t["TagValue"] for t in mapping["Tags"]} == {"k": "v", "team": "a"}
    listed = api(tag, "GetResources")["ResourceTagMappingList"]
    assert [m["Resource"] for m in listed] == [f"qcs::cvm:{REGION}:uin/{cloud.default_account}:snapshot/{snap}"]
    filtered = api(cbs, "DescribeSnapshots", Filters=[{"Name": "tag:team", "Values": ["a"]}])["SnapshotSet"]
    assert [s["SnapshotId"] for s in filtered] == [snap]


@pytest.mark.cloud_options(transitions="immediate")
def test_the_async_client_creates_a_snapshot(cloud: Cloud) -> None:
    disk_id = new_disk(sdk.client("cbs"))

    async def scenario() -> Any:
        client = sdk.client("cbs", asynchronous=True)
        made = await client.CreateSnapshot(sdk.request("cbs", "CreateSnapshot", DiskId=disk_id))
        return await client.DescribeSnapshots(sdk.request("cbs", "DescribeSnapshots", SnapshotIds=[made.SnapshotId]))

    answer = asyncio.run(scenario())
    assert answer.SnapshotSet[0].SnapshotState == "NORMAL"


@pytest.mark.cloud_options(transitions="immediate")
def test_apply_snapshot_rolls_back_only_its_own_disk_of_a_stopped_instance(cloud: Cloud, cbs: Any) -> None:
    from tests.release.helpers import run_instances

    cvm = sdk.client("cvm")
    [ins] = run_instances(cvm)
    disk_id, other = new_disk(cbs), new_disk(cbs)
    api(cbs, "AttachDisks", DiskIds=[disk_id], InstanceId=ins)
    snap = api(cbs, "CreateSnapshot", DiskId=disk_id)["SnapshotId"]
    refused(cloud, cbs, "ApplySnapshot", "UnsupportedOperation.InstanceNotStopped", SnapshotId=snap, DiskId=disk_id)
    refused(cloud, cbs, "ApplySnapshot", "InvalidSnapshot.NotSupported", SnapshotId=snap, DiskId=other)
    api(cvm, "StopInstances", InstanceIds=[ins])
    api(cbs, "ApplySnapshot", SnapshotId=snap, DiskId=disk_id)
    got = api(cbs, "DescribeDisks", DiskIds=[disk_id])["DiskSet"][0]
    assert got["DiskState"] == "ATTACHED" and got["Rollbacking"] is False  # immediate: already rolled back


def test_apply_snapshot_shows_rollbacking_once(cloud: Cloud, cbs: Any) -> None:
    disk_id = new_disk(cbs)
    snap = api(cbs, "CreateSnapshot", DiskId=disk_id)["SnapshotId"]
    snapshot(cbs, snap)  # CREATING, seen once
    api(cbs, "ApplySnapshot", SnapshotId=snap, DiskId=disk_id)
    first = api(cbs, "DescribeDisks", DiskIds=[disk_id])["DiskSet"][0]
    assert (first["DiskState"], first["Rollbacking"], first["RollbackPercent"]) == ("ROLLBACKING", True, 0)
    assert api(cbs, "DescribeDisks", DiskIds=[disk_id])["DiskSet"][0]["DiskState"] == "UNATTACHED"


@pytest.mark.cloud_options(transitions="immediate")
def test_copies_shares_and_the_overview(cloud: Cloud, cbs: Any) -> None:
    snap = api(cbs, "CreateSnapshot", DiskId=new_disk(cbs, 40), SnapshotName="gold")["SnapshotId"]
    results = api(cbs, "CopySnapshotCrossRegions", SnapshotId=snap,
                  DestinationRegions=["ap-shanghai", "ap-guangzhou", "mars-1"])["SnapshotCopyResultSet"]
    assert [(r["DestinationRegion"], r["Code"]) for r in results] == [
        ("ap-shanghai", "Success"), ("ap-guangzhou", "InvalidParameterValue"), ("mars-1", "InvalidParameterValue")]
    [copy] = api(sdk.client("cbs", "ap-shanghai"), "DescribeSnapshots")["SnapshotSet"]
    assert (copy["SnapshotId"], copy["SnapshotName"], copy["DiskSize"]) == (results[0]["SnapshotId"], "gold", 40)
    api(cbs, "ModifySnapshotsSharePermission", SnapshotIds=[snap], AccountIds=["200000000002"], Permission="SHARE")
    [shared] = api(cbs, "DescribeSnapshotSharePermission", SnapshotId=snap)["SharePermissionSet"]
    assert shared["AccountId"] == "200000000002" and snapshot(cbs, snap)["ShareReference"] == 1
    refused(cloud, cbs, "ModifySnapshotsSharePermission", "InvalidParameterValue", SnapshotIds=[snap],
            AccountIds=[cloud.default_account], Permission="SHARE")
    api(cbs, "ModifySnapshotsSharePermission", SnapshotIds=[snap], AccountIds=["200000000002"], Permission="CANCEL")
    assert api(cbs, "DescribeSnapshotSharePermission", SnapshotId=snap)["SharePermissionSet"] == []
    overview = api(cbs, "DescribeSnapshotOverview")
    assert (overview["TotalNums"], overview["TotalSize"]) == (2, 80.0)
