"""What Tencent Cloud sells: public images, instance families and instance types per zone, and their prices.

The built-in catalogue is data shipped in the package (``mockcvm/catalogue/*.json``); ``mock_cvm(catalogue={...})``
adds entries to it (or replaces built-in ones with the same id)::

    mock_cvm(catalogue={
        "images": [{"ImageId": "img-abcd1234", "OsName": "My Linux 1.0", "Platform": "Other Linux"}],
        "instance_types": [{"InstanceType": "X1.LARGE8", "CPU": 4, "Memory": 8, "Zones": ["ap-guangzhou-3"],
                            "HourlyPrice": "0.80", "MonthlyPrice": "300"}],
    })

A catalogue is immutable and built once per extension (cached), so every world with the same options shares it.
An instance type without its own price costs the price table's ``instance_hour`` / ``instance_month``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

from mockcvm.errors import MockcvmError
from mockcvm.regions import REGIONS, ZONE_REGION

_DATA = Path(__file__).resolve().parent.parent.parent / "catalogue"
IMAGE_ID = re.compile(r"img-[a-z0-9]{8}\Z")
INSTANCE_TYPE = re.compile(r"([A-Z][A-Z0-9]*)\.([0-9]*)(SMALL|MEDIUM|LARGE|XLARGE)([0-9]+)\Z")
CPU_BY_SIZE = {"SMALL": 1, "MEDIUM": 2, "LARGE": 4, "XLARGE": 4}
ARCHITECTURES = ("x86_64", "arm64", "i386")
OPTION_HINT = "mock_cvm(catalogue={...})"


@dataclass(frozen=True)
class PublicImage:
    image_id: str
    os_name: str
    platform: str
    architecture: str = "x86_64"
    image_name: str = ""
    description: str = ""
    image_size: int = 20
    created_time: str = "2024-01-01T00:00:00+00:00"
    image_family: Optional[str] = None
    cloudinit: bool = True
    license_type: str = "TencentCloud"


@dataclass(frozen=True)
class Family:
    family: str
    name_zh: str
    name_en: str
    cpu_type: str = ""
    frequency: str = ""
    architecture: str = "x86_64"
    current: bool = True


@dataclass(frozen=True)
class InstanceType:
    instance_type: str
    family: str
    cpu: int
    memory: int
    gpu: int = 0
    gpu_count: float = 0.0
    gpu_type: str = ""
    fpga: int = 0
    zones: Optional[frozenset[str]] = None  # None: every zone
    sold_out_zones: frozenset[str] = frozenset()
    hourly_price: Optional[Decimal] = None
    monthly_price: Optional[Decimal] = None

    def offered_in(self, zone: str) -> bool:
        return self.zones is None or zone in self.zones


@dataclass(frozen=True)
class Extension:
    """What ``mock_cvm(catalogue=...)`` adds (checked when the options are made)."""

    images: tuple[PublicImage, ...] = ()
    instance_types: tuple[InstanceType, ...] = ()
    families: tuple[Family, ...] = field(default=())


class Catalogue:
    """One immutable catalogue: the built-in entries plus an extension."""

    def __init__(self, extension: Extension) -> None:
        images, families, types = _builtin()
        self.images: dict[str, PublicImage] = {**images, **{i.image_id: i for i in extension.images}}
        self.families: dict[str, Family] = {**families, **{f.family: f for f in extension.families}}
        self.types: dict[str, InstanceType] = {**types, **{t.instance_type: t for t in extension.instance_types}}
        for entry in extension.instance_types:
            self.families.setdefault(entry.family, Family(entry.family, entry.family, entry.family))
        self.image_families: dict[str, PublicImage] = {}
        for image in self.images.values():
            if image.image_family:
                self.image_families[image.image_family] = image  # the newest wins: later entries replace
        self._zone_types: dict[str, list[InstanceType]] = {}

    def architecture_of(self, instance_type: InstanceType) -> str:
        family = self.families.get(instance_type.family)
        return family.architecture if family else "x86_64"

    def types_in(self, zone: str) -> list[InstanceType]:
        """The instance types offered in ``zone`` (sold out or not), in catalogue order."""
        found = self._zone_types.get(zone)
        if found is None:
            found = self._zone_types[zone] = [t for t in self.types.values() if t.offered_in(zone)]
        return found

    def zones(self, region: str) -> list[str]:
        return [z.zone for z in REGIONS[region].zones]


@lru_cache(maxsize=32)
def catalogue_for(extension: Optional[Extension]) -> Catalogue:
    """The catalogue of an extension (``None``: the built-in one), built once."""
    return Catalogue(extension or Extension())


@lru_cache(maxsize=1)
def _builtin() -> tuple[dict[str, PublicImage], dict[str, Family], dict[str, InstanceType]]:
    images = {}
    for row in json.loads((_DATA / "images.json").read_text("utf-8")):
        image = _image(row, "the built-in catalogue")
        images[image.image_id] = image
    families: dict[str, Family] = {}
    types: dict[str, InstanceType] = {}
    for row in json.loads((_DATA / "instance_families.json").read_text("utf-8")):
        name = row["InstanceFamily"]
        families[name] = Family(name, row["InstanceFamilyName"], row["TypeName"], row["CpuType"], row["Frequency"],
                                row["Architecture"], row["Status"] == "CURRENT")
        zones = frozenset(row["Zones"]) if "Zones" in row else None
        for type_name in row["InstanceTypes"]:
            cpu, memory = shape_of(type_name)
            gpu_count = float(row.get("GpuCount", {}).get(type_name, 0))
            types[type_name] = InstanceType(
                type_name, name, cpu, memory, gpu=int(gpu_count + 0.999), gpu_count=gpu_count,
                gpu_type=row.get("GpuType", "") if gpu_count else "",
                fpga=int(row.get("FpgaCount", {}).get(type_name, 0)), zones=zones,
            )
    return images, families, types


def shape_of(instance_type: str) -> tuple[int, int]:
    """(CPU cores, memory GB) that a type name spells (S5.2XLARGE16: 8 cores, 16 GB)."""
    shape = INSTANCE_TYPE.match(instance_type)
    if shape is None:
        raise ValueError(f"{instance_type!r} is not an instance type name")
    return CPU_BY_SIZE[shape.group(3)] * int(shape.group(2) or 1), int(shape.group(4))


# -- the option ---------------------------------------------------------------------------------------------------

def make_extension(value: Any) -> Optional[Extension]:
    """Check ``mock_cvm(catalogue=...)``: a dict with ``images`` and/or ``instance_types`` (lists of dicts with
    the API's member names). Raises MockcvmError naming what is wrong."""
    if value is None:
        return None
    if isinstance(value, Extension):
        return value
    if not isinstance(value, Mapping):
        raise MockcvmError(f"catalogue must be a dict with 'images' and/or 'instance_types', got {value!r}")
    unknown = sorted(set(value) - {"images", "instance_types"})
    if unknown:
        raise MockcvmError(f"catalogue: unknown key(s) {', '.join(unknown)}; use 'images' and 'instance_types'")
    images = tuple(_image(row, "catalogue images") for row in _rows(value.get("images", []), "images"))
    types = tuple(_instance_type(row) for row in _rows(value.get("instance_types", []), "instance_types"))
    return Extension(images, types)


def _rows(rows: Any, what: str) -> list[Mapping[str, Any]]:
    if not isinstance(rows, (list, tuple)) or not all(isinstance(r, Mapping) for r in rows):
        raise MockcvmError(f"catalogue {what} must be a list of dicts, got {rows!r}")
    return list(rows)


_IMAGE_KEYS = {"ImageId", "OsName", "Platform", "Architecture", "ImageName", "ImageDescription", "ImageSize",
               "CreatedTime", "ImageFamily", "IsSupportCloudinit", "LicenseType"}


def _image(row: Mapping[str, Any], where: str) -> PublicImage:
    unknown = sorted(set(row) - _IMAGE_KEYS)
    if unknown:
        raise MockcvmError(
            f"{where}: unknown key(s) {', '.join(unknown)}; the keys are {', '.join(sorted(_IMAGE_KEYS))}"
        )
    image_id = row.get("ImageId")
    if not isinstance(image_id, str) or not IMAGE_ID.match(image_id):
        raise MockcvmError(f"{where}: ImageId {image_id!r} must look like img-1a2b3c4d (img- and 8 letters or digits)")
    os_name = row.get("OsName")
    if not isinstance(os_name, str) or not os_name:
        raise MockcvmError(f"{where}: image {image_id} needs an OsName (such as 'Ubuntu Server 22.04 LTS 64位')")
    architecture = row.get("Architecture", "x86_64")
    if architecture not in ARCHITECTURES:
        raise MockcvmError(f"{where}: image {image_id} Architecture {architecture!r}; use {', '.join(ARCHITECTURES)}")
    size = row.get("ImageSize", 20)
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise MockcvmError(f"{where}: image {image_id} ImageSize must be a positive number of GB, got {size!r}")
    return PublicImage(
        image_id=image_id, os_name=os_name, platform=str(row.get("Platform", os_name.split(" ")[0])),
        architecture=architecture, image_name=str(row.get("ImageName", os_name)),
        description=str(row.get("ImageDescription", os_name)), image_size=size,
        created_time=str(row.get("CreatedTime", "2024-01-01T00:00:00+00:00")), image_family=row.get("ImageFamily"),
        cloudinit=bool(row.get("IsSupportCloudinit", True)), license_type=str(row.get("LicenseType", "TencentCloud")),
    )


_TYPE_KEYS = {"InstanceType", "InstanceFamily", "CPU", "Memory", "GPU", "GpuCount", "GpuType", "FPGA", "Zones",
              "SoldOutZones", "HourlyPrice", "MonthlyPrice"}


def _instance_type(row: Mapping[str, Any]) -> InstanceType:
    from mockcvm.options import to_decimal

    unknown = sorted(set(row) - _TYPE_KEYS)
    if unknown:
        raise MockcvmError(f"catalogue instance_types: unknown key(s) {', '.join(unknown)}; the keys are "
                           f"{', '.join(sorted(_TYPE_KEYS))}")
    name = row.get("InstanceType")
    if not isinstance(name, str) or not INSTANCE_TYPE.match(name):
        raise MockcvmError(f"catalogue instance_types: InstanceType {name!r} must look like S5.MEDIUM4 "
                           "(family, a dot, a size and the memory in GB)")
    cpu_default, memory_default = shape_of(name)
    cpu, memory = row.get("CPU", cpu_default), row.get("Memory", memory_default)
    for what, number in (("CPU", cpu), ("Memory", memory), ("GPU", row.get("GPU", 0)), ("FPGA", row.get("FPGA", 0))):
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise MockcvmError(f"catalogue instance_types: {name} {what} must be a whole number >= 0, got {number!r}")
    zones = row.get("Zones")
    sold_out = row.get("SoldOutZones", [])
    for what, listed in (("Zones", zones or []), ("SoldOutZones", sold_out)):
        bad = [z for z in listed if z not in ZONE_REGION]
        if bad or isinstance(listed, str):
            raise MockcvmError(f"catalogue instance_types: {name} {what} has unknown zone(s) {bad or listed!r}")
    prices = {k: to_decimal(row[k], f"catalogue {name} {k}") for k in ("HourlyPrice", "MonthlyPrice") if k in row}
    gpu = int(row.get("GPU", 0))
    return InstanceType(
        instance_type=name, family=str(row.get("InstanceFamily", name.split(".")[0])), cpu=cpu, memory=memory,
        gpu=gpu, gpu_count=float(row.get("GpuCount", gpu)), gpu_type=str(row.get("GpuType", "")),
        fpga=int(row.get("FPGA", 0)), zones=frozenset(zones) if zones is not None else None,
        sold_out_zones=frozenset(sold_out), hourly_price=prices.get("HourlyPrice"),
        monthly_price=prices.get("MonthlyPrice"),
    )
