"""The account's own images: CreateImage (from an instance), ImportImage, SyncImages (copies to other regions),
ExportImages, ModifyImageAttribute, DeleteImages, sharing between accounts, and the image quota.

A new image is CREATING (IMPORTING, SYNCING) until it settles into NORMAL under the ``transitions`` option, like
an instance's in-flight states; a shared image is seen by the other account as SHARED_IMAGE and may be launched
there. The snapshots an image lists are recorded on the image only (no CBS snapshot is made).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from mockcvm import clock
from mockcvm.engine.transitions import InFlight
from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter
from mockcvm.regions import REGIONS
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
    return InFlight(world.timeline, world.options.transitions, world.options.duration("transition"),
                    lambda image: setattr(image, "state", NORMAL))


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
    backend.in_flight.begin(image, f"settle {image_id}")
    return image


def create_image(backend: ImageBackend, uin: str, region: str, params: dict[str, Any]) -> str:
    world = backend.world
    name = _check_name(params["ImageName"])
    _check_description(params)
    instance_id = params.get("InstanceId")
    if not instance_id:
        raise MissingParameter("CreateImage needs `InstanceId` (images from snapshots are not modelled).")
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
    snapshots = [{"SnapshotId": world.ids.short("snap"), "DiskUsage": "SYSTEM_DISK",
                  "DiskSize": int(instance.system_disk.get("DiskSize", 50))}]
    chosen = [d for d in instance.data_disks if d.get("DiskId") in data_disk_ids]
    snapshots += [{"SnapshotId": world.ids.short("snap"), "DiskUsage": "DATA_DISK",
                   "DiskSize": int(d.get("DiskSize", 0))} for d in chosen]
    image = _new(backend, uin, region, CREATING, os_name=instance.os_name,
                 platform=source.platform if source else "Other Linux",
                 architecture=source.architecture if source else "x86_64", image_name=name,
                 description=params.get("ImageDescription", ""),
                 image_size=int(instance.system_disk.get("DiskSize", 50)),
                 image_source="CREATE_IMAGE", image_family=params.get("ImageFamily"),
                 tags=tags_of(params, "image"), snapshots=snapshots)
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
                        image_family=image.image_family, snapshots=[dict(s) for s in image.snapshots])
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
        if backend.shares.get(image.image_id):
            raise ApiError(f"The image `{image.image_id}` is shared with {', '.join(backend.shares[image.image_id])}; "
                           "cancel the sharing first.", code="InvalidImageId.InShared")
        template = backend.world.templates.uses_image(uin, region, image.image_id)
        if template is not None:
            raise ApiError(f"The image `{image.image_id}` is used by the launch template {template}.",
                           code="InvalidParameterValue.InvalidImageState")
        if image.state != NORMAL:
            raise ApiError(f"The image `{image.image_id}` is {image.state}; wait until it is NORMAL.",
                           code="InvalidImageId.IncorrectState")
    if params.get("DryRun"):
        raise ApiError("The request would have succeeded (DryRun).", code="DryRunOperation")
    for image in images:
        backend.in_flight.forget(image)
        backend.images.remove(image)


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
    """How an account the image is shared with sees it."""
    return dataclasses.replace(image, image_type=SHARED)
