"""The snapshots CVM uses: RunInstances' and CreateImage's checks (cvm's codes), and the snapshots that belong to
images (CreateImage takes them, SyncImages copies them, DeleteImages keeps or deletes them, they settle with their
image). A snapshot lists its images in ``Snapshot.images``; while one exists, DeleteSnapshots refuses it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from mockcvm.errors import ApiError
from mockcvm.regions import REGIONS
from mockcvm.services.cbs.snapshots import NORMAL, SNAPSHOT, Snapshot

if TYPE_CHECKING:
    from mockcvm.services.cbs.models import Disk
    from mockcvm.services.cbs.snapshots import Snapshots
    from mockcvm.services.cvm.images import Image


def for_cvm(snapshots: Snapshots, uin: str, region: str, snapshot_id: Any) -> Snapshot:
    """A snapshot CVM uses (RunInstances, CreateImage), with cvm's codes: well-formed, in the region,
    NORMAL."""
    if not isinstance(snapshot_id, str) or not SNAPSHOT.id_regex.match(snapshot_id):
        raise ApiError(f"The snapshot id {snapshot_id!r} is malformed; snapshot ids look like snap-1a2b3c4d.",
                       code="InvalidParameterValue.SnapshotIdMalformed")
    snapshot = snapshots.store.get(uin, region, snapshot_id)
    if snapshot is None:
        raise ApiError(f"The snapshot {snapshot_id} does not exist in {region}.",
                       code="InvalidParameter.SnapshotNotFound")
    if snapshot.state != NORMAL:
        raise ApiError(f"The snapshot {snapshot_id} is {snapshot.state}; use it once it is NORMAL.",
                       code="ResourceUnavailable.SnapshotCreating")
    return snapshot

def for_launch(snapshots: Snapshots, uin: str, region: str, snapshot_id: Any, disk_size: int) -> Snapshot:
    """The snapshot a data disk of RunInstances is made from: :meth:`for_cvm`, no larger than the disk."""
    snapshot = for_cvm(snapshots, uin, region, snapshot_id)
    if disk_size < snapshot.disk_size:
        raise ApiError(f"The data disk of {disk_size} GB is smaller than the snapshot {snapshot_id} "
                       f"({snapshot.disk_size} GB); give a DiskSize of at least {snapshot.disk_size}.",
                       code="FailedOperation.SnapshotSizeLargerThanDataSize")
    return snapshot

def take_for_image(snapshots: Snapshots, disk: Disk, image: Image) -> Snapshot:
    """A snapshot of ``disk`` for the new ``image`` (CreateImage): bound to it, charged like any snapshot."""
    snapshot = snapshots.take(disk, f"Image_{image.image_id}", None)
    snapshot.images.append(image)
    return snapshot

def copy_for_image(snapshots: Snapshots, source_id: str, uin: str, source_region: str, image: Image
                   ) -> Optional[Snapshot]:
    """A copy of the snapshot ``source_id`` in the region of ``image`` (SyncImages), bound to it; None if the
    source is not a CBS snapshot (a local disk's part of an image)."""
    source = snapshots.store.get(uin, source_region, source_id)
    if source is None:
        return None
    copy = Snapshot(
        snapshot_id=snapshots.new_id(), uin=uin, region=image.region, zone=REGIONS[image.region].zones[0].zone,
        disk_id=source.disk_id, disk_size=source.disk_size, disk_usage=source.disk_usage,
        created_time=snapshots.world.now, name=f"Image_{image.image_id}", encrypt=source.encrypt,
        project_id=source.project_id, images=[image],
    )
    snapshots.start(copy)
    return copy

def image_gone(snapshots: Snapshots, image: Image, delete: bool) -> None:
    """``image`` was deleted: its snapshots are deleted too (``delete``, DeleteImages' DeleteBindedSnap) or
    kept, bound to it no more."""
    for entry in image.snapshots:
        snapshot = snapshots.store.get(image.uin, image.region, entry["SnapshotId"])
        if snapshot is None or image not in snapshot.images:
            continue
        snapshot.images.remove(image)
        if delete and not snapshot.images:
            snapshots.delete(snapshot)

def settle_for_image(snapshots: Snapshots, image: Image) -> None:
    """``image`` settled into NORMAL: the snapshots it was made with settle with it."""
    for entry in image.snapshots:
        snapshot = snapshots.store.get(image.uin, image.region, entry["SnapshotId"])
        if snapshot is not None:
            snapshots.in_flight.settle(snapshot)
