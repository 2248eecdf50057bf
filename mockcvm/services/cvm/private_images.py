"""The account's own images: CreateImage (from an instance), ImportImage, SyncImages (copies to other regions),
ExportImages, ModifyImageAttribute, DeleteImages, sharing between accounts, and the image quota.

A new image is CREATING (IMPORTING, SYNCING) until it settles into NORMAL under the ``transitions`` option, like
an instance's in-flight states; a shared image is seen by the other account as SHARED_IMAGE and may be launched
there. CreateImage takes a CBS snapshot of the instance's system disk and of each chosen data disk (bound to the
image, settling with it; a local disk has no CBS record, so its part is recorded on the image only); SyncImages
copies them to the image's copies; DeleteImages keeps them (unbound) or, with ``DeleteBindedSnap``, deletes them.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from mockcvm import clock
from mockcvm.engine.transitions import InFlight
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.regions import REGIONS
from mockcvm.services.cbs import image_snapshots
from mockcvm.services.cvm import checks, models
from mockcvm.services.cvm.images import IMAGE, NORMAL, PRIVATE, SHARED, Image
from mockcvm.services.cvm.keypairs import tags_of
from mockcvm.services.cvm.lifecycle import REFUSAL_CODES

if TYPE_CHECKING:
    from mockcvm.services.cvm.images import ImageBackend

IMAGE_QUOTA = 500  # per region
CREATING, IMPORTING, SYNCING = "CREATING", "IMPORTING", "SYNCING"
EXPORT_FORMATS = ("RAW", "QCOW2", "VHD", "VMDK")
ARCHITECTURES = ("x86_64", "i386", "arm64")


def in_flight(backend: ImageBackend) -> InFlight[Image]:
    world = backend.world

    def settle(image: Image) -> None:
        image.state = NORMAL
        image_snapshots.settle_for_image(world.cbs.snapshots, image)

    return InFlight(world.timeline, world.options.transitions, world.options.duration("transition"), settle)


def _check_name(name: str) -> str:
    if not 1 <= len(name) <= 60:
        raise InvalidParameterValue(f"`ImageName` must be 1 to 60 characters, got {len(name)}.")
    return name


def _check_description(params: dict[str, Any]) -> None:
    description = params.get("ImageDescription")
    if description is not None and len(description) > 256:
        raise InvalidParameterValue(f"`ImageDescription` must be at most 256 characters, got {len(description)}.")


def _check_quota(backend: ImageBackend, uin: str, region: str, more: int = 1) -> None:
    if backend.images.count(uin, region) + more > IMAGE_QUOTA:
        raise ApiError(f"The account already holds {backend.images.count(uin, region)} images in {region}; the "
                       f"quota is {IMAGE_QUOTA}.", code="ImageQuotaLimitExceeded")


def _own(backend: ImageBackend, uin: str, region: str, image_id: str) -> Image:
    """One of the account's own images (a public or shared one is refused with the real code)."""
    IMAGE.check_id(image_id)
    image = backend.images.get(uin, region, image_id)
    if image is None:
        if image_id in backend.public or backend.shared_with(uin, region, image_id) is not None:
            raise ApiError(f"The image `{image_id}` does not belong to this account.",
                           code="UnauthorizedOperation.ImageNotBelongToAccount")
        raise IMAGE.not_found(image_id, region)
    return image


def _new(backend: ImageBackend, uin: str, region: str, state: str, **fields: Any) -> Image:
    world = backend.world
    image_id = world.ids.short("img")
    while image_id in backend.public or image_id in backend.images:  # pragma: no cover - 36**8 ids
        image_id = world.ids.short("img")
    image = Image(image_id=image_id, uin=uin, region=region, image_type=PRIVATE, state=state,
                  created_time=clock.iso(float(int(world.now))), image_creator=uin, **fields)
    backend.images.add(image)
    world.tag.track("image", image_id, image)
    backend.in_flight.begin(image, f"settle {image_id}")
    return image


def create_image(backend: ImageBackend, uin: str, region: str, params: dict[str, Any]) -> str:
    world = backend.world
    name = _check_name(params["ImageName"])
    _check_description(params)
    instance_id = params.get("InstanceId")
    snapshot_ids = params.get("SnapshotIds") or []
    if instance_id and snapshot_ids:
        raise ApiError("CreateImage takes `InstanceId` or `SnapshotIds`, not both.", code="InvalidParameterConflict")
    if not instance_id and not snapshot_ids:
        raise ApiError("CreateImage needs `InstanceId` (an image of an instance) or `SnapshotIds` (of snapshots).",
                       code="InvalidParameter.SpecifyOneParameter")
    if snapshot_ids:
        return _image_of_snapshots(backend, uin, region, name, params, snapshot_ids)
    (instance,) = checks.find_all(world.cvm, uin, region, checks.instance_ids([instance_id], "CreateImage"))
    force = params.get("ForcePoweroff", "FALSE").upper()
    if force not in ("TRUE", "FALSE"):
        raise InvalidParameterValue("`ForcePoweroff` is TRUE or FALSE.")
    if instance.state not in (models.STOPPED, models.RUNNING):
        raise ApiError(f"The instance `{instance_id}` is {instance.state}; an image is made of a RUNNING or STOPPED "
                       "instance.", code=REFUSAL_CODES[instance.state])
    if world.cvm.in_operation(instance):
        raise ApiError(f"The instance `{instance_id}` is still in {instance.latest_operation}; retry once it has "
                       "finished.", code="OperationDenied.InstanceOperationInProgress")
    if any(i.image_name == name for i in backend.images.in_region(uin, region)):
        raise ApiError(f"An image named {name!r} already exists in {region}.", code="InvalidImageName.Duplicate")
    data_disk_ids = params.get("DataDiskIds") or []
    known = {d.get("DiskId") for d in instance.data_disks}
    for disk_id in data_disk_ids:
        if disk_id not in known:
            raise ApiError(f"The disk `{disk_id}` is not a data disk of {instance_id}.",
                           code="InvalidParameter.DataDiskNotBelongSpecifiedInstance")
    _check_quota(backend, uin, region)
    if params.get("DryRun"):
        raise ApiError("The request would have succeeded (DryRun).", code="DryRunOperation")
    source = backend.find(uin, region, instance.image_id)
    chosen = [(instance.system_disk, "SYSTEM_DISK")] + [
        (d, "DATA_DISK") for d in instance.data_disks if d.get("DiskId") in data_disk_ids]
    image = _new(backend, uin, region, CREATING, os_name=instance.os_name,
                 platform=source.platform if source else "Other Linux",
                 architecture=source.architecture if source else "x86_64", image_name=name,
                 description=params.get("ImageDescription", ""),
                 image_size=int(instance.system_disk.get("DiskSize", 50)),
                 image_source="CREATE_IMAGE", image_family=params.get("ImageFamily"),
                 tags=tags_of(params, "image"))
    for spec, usage in chosen:
        disk = world.cbs.get(uin, region, str(spec.get("DiskId")))
        if disk is not None:
            entry = {"SnapshotId": image_snapshots.take_for_image(world.cbs.snapshots, disk, image).snapshot_id,
                     "DiskUsage": usage, "DiskSize": disk.disk_size}
        else:  # a local disk: part of its host, no CBS record to take a snapshot of
            entry = {"SnapshotId": world.ids.short("snap"), "DiskUsage": usage,
                     "DiskSize": int(spec.get("DiskSize", 50))}
        image.snapshots.append(entry)
    return image.image_id


def _image_of_snapshots(backend: ImageBackend, uin: str, region: str, name: str, params: dict[str, Any],
                        snapshot_ids: list[Any]) -> str:
    """CreateImage with ``SnapshotIds``: exactly one system disk snapshot, any data disk snapshots; the image
    takes its OS from the image the system disk's instance ran when the snapshot was taken."""
    snapshots = backend.world.cbs.snapshots
    chosen = [image_snapshots.for_cvm(snapshots, uin, region, i) for i in dict.fromkeys(snapshot_ids)]
    systems = [s for s in chosen if s.disk_usage == "SYSTEM_DISK"]
    if not systems:
        raise ApiError("`SnapshotIds` has no snapshot of a system disk; an image needs exactly one.",
                       code="InvalidParameter.SystemSnapshotNotFound")
    if len(systems) > 1:
        raise ApiError(f"`SnapshotIds` has {len(systems)} snapshots of system disks; an image takes exactly one.",
                       code="InvalidParameter.DuplicateSystemSnapshots")
    if any(i.image_name == name for i in backend.images.in_region(uin, region)):
        raise ApiError(f"An image named {name!r} already exists in {region}.", code="InvalidImageName.Duplicate")
    _check_quota(backend, uin, region)
    if params.get("DryRun"):
        raise ApiError("The request would have succeeded (DryRun).", code="DryRunOperation")
    system = systems[0]
    source = backend.find(uin, region, system.source_image_id) if system.source_image_id else None
    image = _new(backend, uin, region, CREATING, os_name=source.os_name if source else "Other Linux",
                 platform=source.platform if source else "Other Linux",
                 architecture=source.architecture if source else "x86_64", image_name=name,
                 description=params.get("ImageDescription", ""), image_size=system.disk_size,
                 image_source="CREATE_IMAGE", image_family=params.get("ImageFamily"), tags=tags_of(params, "image"))
    for snapshot in [system] + [s for s in chosen if s is not system]:
        snapshot.images.append(image)
        image.snapshots.append({"SnapshotId": snapshot.snapshot_id, "DiskUsage": snapshot.disk_usage,
                                "DiskSize": snapshot.disk_size})
    return image.image_id


def import_image(backend: ImageBackend, uin: str, region: str, params: dict[str, Any]) -> str:
    from mockcvm.services.cvm.catalogue_actions import IMPORT_OS

    name = _check_name(params["ImageName"])
    _check_description(params)
    os_type, os_version, architecture = params["OsType"], params["OsVersion"], params["Architecture"]
    if architecture not in ARCHITECTURES:
        raise InvalidParameterValue(f"`Architecture` {architecture!r} is not one of {', '.join(ARCHITECTURES)}.")
    if os_type not in IMPORT_OS:
        raise ApiError(f"`OsType` {os_type!r} cannot be imported; DescribeImportImageOs lists what can.",
                       code="InvalidImageOsType.Unsupported")
    if not params.get("Force") and os_version.split(".")[0] not in IMPORT_OS[os_type][0]:
        raise ApiError(f"`OsVersion` {os_version!r} of {os_type} cannot be imported; use one of "
                       f"{', '.join(IMPORT_OS[os_type][0])} (or Force).", code="InvalidImageOsVersion.Unsupported")
    url = params["ImageUrl"]
    if not url.startswith(("http://", "https://")):
        raise ApiError(f"`ImageUrl` {url!r} is not the COS URL of an image file.",
                       code="InvalidParameterValue.InvalidImageFormat")
    _check_quota(backend, uin, region)
    if params.get("DryRun"):
        raise ApiError("The request would have succeeded (DryRun).", code="DryRunOperation")
    image = _new(backend, uin, region, IMPORTING, os_name=f"{os_type} {os_version}",
                 platform="Windows" if os_type.startswith("Windows") else os_type, architecture=architecture,
                 image_name=name, description=params.get("ImageDescription", ""), image_size=50,
                 image_source="IMPORT_IMAGE", image_family=params.get("ImageFamily"), tags=tags_of(params, "image"),
                 license_type=params.get("LicenseType", "TencentCloud"))
    return image.image_id


def sync_images(backend: ImageBackend, uin: str, region: str, params: dict[str, Any]) -> list[dict[str, str]]:
    images = [_own(backend, uin, region, i) for i in IMAGE.check_ids(params["ImageIds"])]
    if params.get("ImageName") is not None:
        _check_name(params["ImageName"])
    regions = list(dict.fromkeys(params["DestinationRegions"]))
    for target in regions:
        if target not in REGIONS:
            raise InvalidParameterValue(f"`DestinationRegions` has {target!r}, which is not a region.")
        if target == region:
            raise InvalidParameterValue(f"The images are already in {region}; name other regions.")
        _check_quota(backend, uin, target, len(images))
    for image in images:
        if image.state != NORMAL:
            raise ApiError(f"The image `{image.image_id}` is {image.state}; only a NORMAL image can be synced.",
                           code="InvalidImageId.IncorrectState")
    if params.get("DryRun"):
        raise ApiError("The request would have succeeded (DryRun).", code="DryRunOperation")
    made = []
    for image in images:
        for target in regions:
            copy = _new(backend, uin, target, SYNCING, os_name=image.os_name, platform=image.platform,
                        architecture=image.architecture, image_name=params.get("ImageName") or image.image_name,
                        description=image.description, image_size=image.image_size, image_source="SYNC_IMAGE",
                        image_family=image.image_family)
            for entry in image.snapshots:
                snapshot = image_snapshots.copy_for_image(backend.world.cbs.snapshots, entry["SnapshotId"], uin,
                                                          region, copy)
                copy.snapshots.append(dict(entry) if snapshot is None else {**entry,
                                                                            "SnapshotId": snapshot.snapshot_id})
            made.append({"ImageId": copy.image_id, "Region": target})
    return made


def export_images(backend: ImageBackend, uin: str, region: str, params: dict[str, Any]) -> tuple[int, list[str]]:
    ids = params.get("ImageIds") or []
    if not ids:
        raise MissingParameter("ExportImages needs `ImageIds` (exporting snapshots is not modelled).")
    images = [_own(backend, uin, region, i) for i in IMAGE.check_ids(ids)]
    export_format = params.get("ExportFormat", "RAW").upper()
    if export_format not in EXPORT_FORMATS:
        raise InvalidParameterValue(f"`ExportFormat` {export_format!r} is not one of {', '.join(EXPORT_FORMATS)}.")
    prefixes = params.get("FileNamePrefixList") or [""] * len(images)
    if len(prefixes) != len(images):
        raise ApiError("`FileNamePrefixList` needs one prefix per image.",
                       code="InvalidParameterValue.InvalidFileNamePrefixList")
    for image in images:
        if image.state != NORMAL:
            raise ApiError(f"The image `{image.image_id}` is {image.state}; only a NORMAL image can be exported.",
                           code="InvalidImageId.IncorrectState")
    if params.get("DryRun"):
        raise ApiError("The request would have succeeded (DryRun).", code="DryRunOperation")
    bucket, suffix = params["BucketName"], export_format.lower()
    paths = []
    for image, prefix in zip(images, prefixes):
        for snapshot in image.snapshots or [{"SnapshotId": image.image_id, "DiskUsage": "SYSTEM_DISK"}]:
            if params.get("OnlyExportRootDisk") and snapshot["DiskUsage"] != "SYSTEM_DISK":
                continue
            kind = "system" if snapshot["DiskUsage"] == "SYSTEM_DISK" else "data"
            paths.append(f"cos://{bucket}/{prefix}_{image.image_id}_{kind}_{snapshot['SnapshotId']}.{suffix}")
    return int(backend.world.ids.random() * 90_000_000) + 10_000, paths


def modify_image(backend: ImageBackend, uin: str, region: str, params: dict[str, Any]) -> None:
    image = _own(backend, uin, region, params["ImageId"])
    name = params.get("ImageName")
    if name is not None:
        _check_name(name)
        if any(i.image_name == name and i is not image for i in backend.images.in_region(uin, region)):
            raise ApiError(f"An image named {name!r} already exists in {region}.", code="InvalidImageName.Duplicate")
    _check_description(params)
    description = params.get("ImageDescription")
    if name is not None:
        image.image_name = name
    if description is not None:
        image.description = description
    if "ImageFamily" in params:
        image.image_family = params["ImageFamily"] or None


def delete_images(backend: ImageBackend, uin: str, region: str, params: dict[str, Any]) -> None:
    images = [_own(backend, uin, region, i) for i in IMAGE.check_ids(params["ImageIds"])]
    for image in images:
        check_deletable(backend, image)
    if params.get("DryRun"):
        raise ApiError("The request would have succeeded (DryRun).", code="DryRunOperation")
    for image in images:
        remove(backend, image, delete_snapshots=bool(params.get("DeleteBindedSnap", False)))


def check_deletable(backend: ImageBackend, image: Image) -> None:
    """Refuse (DeleteImages' codes) an image that is shared, used by a launch template or not NORMAL."""
    if backend.shares.get(image.image_id):
        raise ApiError(f"The image `{image.image_id}` is shared with {', '.join(backend.shares[image.image_id])}; "
                       "cancel the sharing first.", code="InvalidImageId.InShared")
    template = backend.world.templates.uses_image(image.uin, image.region, image.image_id)
    if template is not None:
        raise ApiError(f"The image `{image.image_id}` is used by the launch template {template}.",
                       code="InvalidParameterValue.InvalidImageState")
    if image.state != NORMAL:
        raise ApiError(f"The image `{image.image_id}` is {image.state}; wait until it is NORMAL.",
                       code="InvalidImageId.IncorrectState")


def remove(backend: ImageBackend, image: Image, delete_snapshots: bool) -> None:
    """Delete ``image`` (checked by :func:`check_deletable`); its snapshots are deleted or kept, unbound."""
    backend.in_flight.forget(image)
    image.released = True
    backend.images.remove(image)
    backend.world.tag.untrack(image.uin, "image", image.image_id)
    image_snapshots.image_gone(backend.world.cbs.snapshots, image, delete_snapshots)


def modify_share(backend: ImageBackend, uin: str, region: str, params: dict[str, Any]) -> None:
    image = _own(backend, uin, region, params["ImageId"])
    permission = params["Permission"].upper()
    if permission not in ("SHARE", "CANCEL"):
        raise InvalidParameterValue("`Permission` is SHARE or CANCEL.")
    accounts = list(dict.fromkeys(params["AccountIds"]))
    if not accounts:
        raise MissingParameter("`AccountIds` needs at least one account.")
    for account in accounts:
        if account == uin or not account.isdigit():
            raise InvalidParameterValue(f"`AccountIds` has {account!r}; give other accounts' ids.")
    if image.state != NORMAL:
        raise ApiError(f"The image `{image.image_id}` is {image.state}; only a NORMAL image can be shared.",
                       code="InvalidImageId.IncorrectState")
    shares = backend.shares.setdefault(image.image_id, {})
    for account in accounts:
        if permission == "SHARE":
            shares.setdefault(account, backend.world.now)
        else:
            shares.pop(account, None)
    backend.shared_images[image.image_id] = image
    if not shares:
        backend.shares.pop(image.image_id, None)
        backend.shared_images.pop(image.image_id, None)


def share_permissions(backend: ImageBackend, uin: str, region: str, image_id: str) -> list[dict[str, str]]:
    _own(backend, uin, region, image_id)
    return [{"AccountId": account, "CreatedTime": clock.iso(when)}
            for account, when in backend.shares.get(image_id, {}).items()]


def shared_view(image: Image) -> Image:
    """How an account the image is shared with sees it: tags belong to the owner's account, so none show."""
    return dataclasses.replace(image, image_type=SHARED, tags={})
