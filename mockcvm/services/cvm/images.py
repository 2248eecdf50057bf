"""Images: the catalogue's public images (the same for every account and region) and the account's own.

An image is a resource kind (``IMAGE``); the account's own images sit in a :class:`Store`, the public ones are
listed after them (``extra``) from the catalogue. DescribeImages, DescribeImageFromFamily and the image checks
of RunInstances read from here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from mockcvm.compat import SLOTS
from mockcvm.engine.resources import Codes, Filter, Kind, Store
from mockcvm.errors import ApiError, MissingParameter
from mockcvm.protocol.envelope import RawJson
from mockcvm.services.cvm.catalogue import OPTION_HINT, Catalogue, InstanceType, PublicImage

if TYPE_CHECKING:
    from mockcvm.world import World

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
PUBLIC = "PUBLIC_IMAGE"
PRIVATE = "PRIVATE_IMAGE"
SHARED = "SHARED_IMAGE"
IMAGE_TYPES = (PUBLIC, PRIVATE, SHARED)
NORMAL = "NORMAL"


@dataclass(eq=False, **SLOTS)
class Image:
    image_id: str
    uin: str  # "" for public images
    region: str  # "" for public images
    image_type: str
    os_name: str
    platform: str
    architecture: str
    image_name: str
    description: str
    image_size: int
    created_time: str
    image_source: str = "OFFICIAL"
    image_creator: str = "tencent"
    state: str = NORMAL
    image_family: Optional[str] = None
    cloudinit: bool = True
    license_type: str = "TencentCloud"
    tags: dict[str, str] = field(default_factory=dict)
    snapshots: list[dict[str, Any]] = field(default_factory=list)
    released: bool = False  # deleted (the Tag service keeps it retired)


def from_catalogue(entry: PublicImage) -> Image:
    return Image(
        image_id=entry.image_id, uin="", region="", image_type=PUBLIC, os_name=entry.os_name,
        platform=entry.platform, architecture=entry.architecture, image_name=entry.image_name or entry.os_name,
        description=entry.description or entry.os_name, image_size=entry.image_size,
        created_time=entry.created_time, image_family=entry.image_family, cloudinit=entry.cloudinit,
        license_type=entry.license_type,
    )


def _contains(read: Any) -> Filter:
    """A fuzzy filter: matches when one of the values is a part of the member (case-insensitive)."""
    return Filter(test=lambda image, values: any(v.lower() in read(image).lower() for v in values))


#: The image as a resource kind: the ``Image`` object of DescribeImages, its documented filters and codes.
IMAGE: Kind[Image] = Kind(
    service="cvm",
    output="Image",
    noun="image",
    id_attr="image_id",
    id_prefix="img",
    codes=Codes(
        malformed="InvalidImageId.Malformed", not_found="InvalidImageId.NotFound",
        coexist="InvalidParameter.InvalidParameterCoexistImageIdsFilters",
        unknown_filter="InvalidFilter", filters_limit="InvalidParameterValue.LimitExceeded",
        values_limit="InvalidParameterValue.LimitExceeded", paging="InvalidParameterValue.InvalidParameterValueLimit",
    ),
    render={
        "ImageId": lambda i: i.image_id,
        "OsName": lambda i: i.os_name,
        "ImageType": lambda i: i.image_type,
        "CreatedTime": lambda i: i.created_time,
        "ImageName": lambda i: i.image_name,
        "ImageDescription": lambda i: i.description,
        "ImageSize": lambda i: i.image_size,
        "Architecture": lambda i: i.architecture,
        "ImageState": lambda i: i.state,
        "Platform": lambda i: i.platform,
        "ImageCreator": lambda i: i.image_creator,
        "ImageSource": lambda i: i.image_source,
        "SyncPercent": lambda i: 100 if i.state == NORMAL else 0,
        "IsSupportCloudinit": lambda i: i.cloudinit,
        "SnapshotSet": lambda i: [dict(s) for s in i.snapshots],
        "Tags": lambda i: [{"Key": k, "Value": v} for k, v in i.tags.items()],
        "LicenseType": lambda i: i.license_type,
        "ImageFamily": lambda i: i.image_family,
        "ImageDeprecated": lambda i: False,
    },
    filters={
        "image-id": Filter(lambda i: i.image_id),
        "image-type": Filter(lambda i: i.image_type, indexed=True),
        "image-name": _contains(lambda i: i.image_name),
        "platform": _contains(lambda i: i.platform),
        "image-family": Filter(lambda i: i.image_family),
        # A local dedicated cluster (CDC) caches no image in the fake: these filters select nothing.
        "dedicated-cluster-id": Filter(lambda i: ()),
        "cdc-cache-status": Filter(lambda i: ()),
    },
    tags=lambda i: i.tags,
    max_filters=10,
    max_values=5,
)


class ImageBackend:
    """The images one world knows: the catalogue's public ones and each account's own (a Store)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.images: Store[Image] = Store(IMAGE)
        catalogue: Catalogue = world.catalogue
        self.public: dict[str, Image] = {i: from_catalogue(e) for i, e in catalogue.images.items()}
        self.by_family: dict[str, Image] = {
            f: self.public[e.image_id] for f, e in catalogue.image_families.items()
        }
        #: Public images rendered once (they never change), and pages of them encoded once.
        self._rendered: dict[str, dict[str, Any]] = {}
        self._pages: dict[tuple[str, ...], RawJson] = {}
        from mockcvm.services.cvm.private_images import in_flight

        #: Images being created, imported or synced (settled into NORMAL by the transition policy).
        self.in_flight = in_flight(self)
        #: image id -> {account it is shared with -> since when}, and the shared images themselves.
        self.shares: dict[str, dict[str, float]] = {}
        self.shared_images: dict[str, Image] = {}

    def shared_with(self, uin: str, region: str, image_id: str) -> Optional[Image]:
        """The image ``image_id`` of another account in ``region`` that is shared with ``uin``, or None."""
        if uin not in self.shares.get(image_id, {}):
            return None
        image = self.shared_images.get(image_id)
        return image if image is not None and image.region == region else None

    def shared_in(self, uin: str, region: str) -> list[Image]:
        from mockcvm.services.cvm.private_images import shared_view

        found = (self.shared_with(uin, region, i) for i, accounts in self.shares.items() if uin in accounts)
        return [shared_view(i) for i in found if i is not None]

    def render(self, image: Image) -> dict[str, Any]:
        if image.image_type != PUBLIC:
            return IMAGE.render(image)
        found = self._rendered.get(image.image_id)
        if found is None:
            found = self._rendered[image.image_id] = IMAGE.render(image)
        return found

    def render_page(self, page: list[Image]) -> Any:
        """The ``ImageSet`` of ``page``; a page of public images only is encoded once and reused (RawJson)."""
        if not all(i.image_type == PUBLIC for i in page):
            return [self.render(i) for i in page]
        key = tuple(i.image_id for i in page)
        found = self._pages.get(key)
        if found is None:
            if len(self._pages) > 256:
                self._pages.clear()
            found = self._pages[key] = RawJson(_ENCODE([self.render(i) for i in page]))
        return found

    def find(self, uin: str, region: str, image_id: str) -> Optional[Image]:
        """The image ``image_id`` as the account sees it in ``region`` (public or its own), or None."""
        return self.public.get(image_id) or self.images.get(uin, region, image_id) or self.shared_with(
            uin, region, image_id)

    def usable(self, uin: str, region: str, image_id: Optional[str]) -> Image:
        """The image RunInstances or ResetInstance may use: exists, NORMAL; refused with the real codes."""
        if not image_id:
            raise MissingParameter("`ImageId` is required.")
        IMAGE.check_id(image_id)
        image = self.find(uin, region, image_id)
        if image is None:
            raise ApiError(
                f"The image `{image_id}` does not exist in {region}: it is neither one of the catalogue's public "
                f"images nor one of this account's images. Add it with {OPTION_HINT} (\"images\": [...]), "
                "or create one with CreateImage.",
                code="InvalidImageId.NotFound",
            )
        if image.state != NORMAL:
            raise ApiError(f"The image `{image_id}` is {image.state}; only a NORMAL image can be used.",
                           code="InvalidImageId.IncorrectState")
        return image

    def describe(self, uin: str, region: str, params: dict[str, Any]) -> tuple[int, list[Image]]:
        """DescribeImages: ids or filters, then the ``InstanceType`` compatibility (architecture), then paging."""
        store = self.images
        start, size = store.paging(params.get("Offset"), params.get("Limit"))
        ids, filters = params.get("ImageIds"), params.get("Filters")
        if ids:
            if filters:
                raise ApiError("`ImageIds` and `Filters` cannot be given together.",
                               code="InvalidParameter.InvalidParameterCoexistImageIdsFilters")
            found = (self.find(uin, region, i) for i in IMAGE.check_ids(ids))
            selected = [i if i.uin in ("", uin) else _shared(i) for i in found if i is not None]
        else:
            extra = [*self.shared_in(uin, region), *self.public.values()] if self.shares else self.public.values()
            selected = store.select(uin, region, None, filters, extra=extra)
        instance_type = params.get("InstanceType")
        if instance_type is not None:
            entry = self.world.catalogue.types.get(instance_type)
            if entry is None:
                raise ApiError(
                    f"The instance type `{instance_type}` is not in the catalogue; add it with {OPTION_HINT} "
                    "(\"instance_types\": [...]).",
                    code="InvalidInstanceType.Malformed",
                )
            selected = [i for i in selected if self.compatible(i, entry)]
        page = selected[start:start + size]
        for image in page:
            if image.image_type == PRIVATE:
                self.in_flight.seen(image)
        return len(selected), page

    def compatible(self, image: Image, instance_type: InstanceType) -> bool:
        return image.architecture == self.world.catalogue.architecture_of(instance_type)


def _shared(image: Image) -> Image:
    from mockcvm.services.cvm.private_images import shared_view

    return shared_view(image)
