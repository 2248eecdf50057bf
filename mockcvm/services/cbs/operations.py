"""The CBS operations beyond create/attach/detach/terminate: renewals, charge type, resize, attributes,
InitializeDisks, price inquiries and quotas. Every check runs before anything changes."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

from mockcvm.errors import ApiError, InvalidParameterValue, MissingParameter, NotImplementedByMockcvm
from mockcvm.regions import REGIONS
from mockcvm.services.cbs.models import (
    CLOUD_DISK_TYPES,
    DATA_DISK,
    EXPANDING,
    POSTPAID,
    PREPAID,
    SYSTEM_DISK,
    Disk,
)
from mockcvm.services.cbs.prepaid import check_renew_flag, read_prepaid

if TYPE_CHECKING:
    from mockcvm.services.cbs.backend import CbsBackend

MIN_SIZE, MAX_SIZE, MAX_SYSTEM_SIZE = 10, 32000, 1024
MAX_DATA_DISKS_PER_INSTANCE = 20


def price(prepaid: bool, total: Decimal, unit: Decimal) -> dict[str, Any]:
    """A ``Price``/``PrepayPrice`` object: prepaid prices are totals, postpaid ones hourly unit prices."""
    if prepaid:
        value = float(total)
        return {"OriginalPrice": value, "DiscountPrice": value, "OriginalPriceHigh": str(total),
                "DiscountPriceHigh": str(total), "ChargeUnit": "", "UnitPrice": None, "UnitPriceDiscount": None,
                "UnitPriceHigh": None, "UnitPriceDiscountHigh": None}
    return {"UnitPrice": float(unit), "UnitPriceDiscount": float(unit), "UnitPriceHigh": str(unit),
            "UnitPriceDiscountHigh": str(unit), "ChargeUnit": "HOUR", "OriginalPrice": None, "DiscountPrice": None,
            "OriginalPriceHigh": None, "DiscountPriceHigh": None}


def detail_prices(prepaid: bool, total: Decimal, unit: Decimal) -> list[dict[str, Any]]:
    """``DetailPrices``: the one line mockcvm prices, the disk's space (no backup quota or performance pack)."""
    return [{"PriceName": "DiskSpace", "PriceTitle": "云硬盘空间", **price(prepaid, total, unit)}]


class DiskOperations:
    def __init__(self, cbs: CbsBackend) -> None:
        self.cbs = cbs
        self.world = cbs.world
        self.prepaid = cbs.prepaid

    def _disks(self, uin: str, region: str, ids: list[str]) -> list[Disk]:
        return self.cbs.disks.existing_all(uin, region, ids, "disks")

    @staticmethod
    def _prepaid_only(disk: Disk, action: str) -> None:
        if disk.charge_type != PREPAID:
            raise ApiError(
                f"The disk {disk.disk_id} is {disk.charge_type}; {action} applies to PREPAID disks only.",
                code="InvalidDisk.NotSupported",
            )

    # -- renewals --------------------------------------------------------------------------------------------

    def renew(self, uin: str, region: str, disk_id: str, prepaid: Any) -> None:
        [disk] = self._disks(uin, region, [disk_id])
        period, _flag = read_prepaid(prepaid, "RenewDisk")
        self._prepaid_only(disk, "RenewDisk")
        if disk in self.cbs.in_flight:
            raise self.cbs.busy(disk)
        amount = self.prepaid.month_price(disk.disk_size) * period
        self.prepaid.check_balance(uin, amount, f"renewing {disk.disk_id} for {period} month(s)")
        self.prepaid.renew(disk, period)

    def inquiry_renew(self, uin: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("NewDeadline"):
            raise NotImplementedByMockcvm("InquiryPriceRenewDisks with NewDeadline is not modelled; give Periods.")
        disks = self._disks(uin, region, params["DiskIds"])
        prepaids = params.get("DiskChargePrepaids") or []
        if len(prepaids) not in (1, len(disks)):
            raise InvalidParameterValue("DiskChargePrepaids needs one entry, or one per disk of DiskIds.")
        total = Decimal(0)
        for n, disk in enumerate(disks):
            period, _flag = read_prepaid(prepaids[n if len(prepaids) > 1 else 0], "InquiryPriceRenewDisks")
            self._prepaid_only(disk, "InquiryPriceRenewDisks")
            total += self.prepaid.month_price(disk.disk_size) * period
        return {**price(True, total, Decimal(0)), "DetailPrices": detail_prices(True, total, Decimal(0))}

    def modify_renew_flag(self, uin: str, region: str, ids: list[str], renew_flag: str) -> None:
        check_renew_flag(renew_flag)
        disks = self._disks(uin, region, ids)
        for disk in disks:
            self._prepaid_only(disk, "ModifyDisksRenewFlag")
        for disk in disks:
            disk.renew_flag = renew_flag

    def modify_charge_type(self, uin: str, region: str, params: dict[str, Any]) -> None:
        prepaid, postpaid = params.get("DiskChargePrepaid"), params.get("DiskChargePostpaid")
        if bool(prepaid) == bool(postpaid):
            raise InvalidParameterValue("Give exactly one of DiskChargePrepaid and DiskChargePostpaid=true.")
        disks = self._disks(uin, region, params["DiskIds"])
        target = PREPAID if prepaid else POSTPAID
        period, renew_flag = read_prepaid(prepaid, "ModifyDisksChargeType") if prepaid else (0, "")
        for disk in disks:
            self.cbs.check_usable(disk)
            if disk.charge_type == target:
                raise ApiError(f"The disk {disk.disk_id} is already {target}.", code="InvalidDisk.NotSupported")
            if not disk.portable:
                raise ApiError(
                    f"The disk {disk.disk_id} is not elastic; its charge type follows its instance.",
                    code="InvalidDisk.NotPortable",
                )
        if target == PREPAID:
            amount = sum((self.prepaid.month_price(d.disk_size) * period for d in disks), Decimal(0))
            self.prepaid.check_balance(uin, amount, f"{len(disks)} disk(s) for {period} month(s)")
        for disk in disks:
            if target == PREPAID:
                self.cbs.set_hourly_rate(disk, Decimal(0))
                self.prepaid.start(disk, period, renew_flag, f"disk to prepaid {period} month(s)")
            else:
                self.prepaid.stop(disk)
                disk.charge_type, disk.deadline, disk.renew_flag = POSTPAID, None, ""
                self.cbs.set_hourly_rate(disk, self.prepaid.hour_price(disk.disk_size))
            self.cbs.disks.changed(disk)

    # -- size ------------------------------------------------------------------------------------------------

    def _check_resize(self, disk: Disk, size: Any) -> None:
        ceiling = MAX_SYSTEM_SIZE if disk.usage == SYSTEM_DISK else MAX_SIZE
        if not isinstance(size, int) or not disk.disk_size < size <= ceiling:
            raise ApiError(
                f"The disk {disk.disk_id} is {disk.disk_size} GB; DiskSize must be larger and at most {ceiling} GB, "
                f"got {size}.",
                code="InvalidParameter.DiskSizeNotMatch",
            )

    def _resize_cost(self, disk: Disk, size: int) -> Decimal:
        return self.prepaid.month_price(size - disk.disk_size) * self.prepaid.months_left(disk)

    def resize(self, uin: str, region: str, disk_id: Optional[str], size: Any) -> None:
        if not disk_id:
            raise MissingParameter("ResizeDisk needs DiskId.")
        [disk] = self._disks(uin, region, [disk_id])
        self.cbs.check_usable(disk)
        self._check_resize(disk, size)
        if disk.charge_type == PREPAID:
            cost = self._resize_cost(disk, size)
            self.prepaid.check_balance(uin, cost, f"resizing {disk.disk_id} to {size} GB")
            self.world.billing.charge_upfront(uin, cost, disk.disk_id, f"disk resize to {size} GB")
        disk.disk_size = size
        if disk.charge_type == POSTPAID:
            self.cbs.set_hourly_rate(disk, self.prepaid.hour_price(size))
        host = self.world.tag.find_instance(uin, region, disk.instance_id) if disk.instance_id else None
        if host is not None:
            for spec in [host.system_disk, *host.data_disks]:
                if spec.get("DiskId") == disk.disk_id:
                    spec["DiskSize"] = size
        disk.settles_to, disk.state = disk.state, EXPANDING
        self.cbs.disks.changed(disk)
        self.cbs.in_flight.begin(disk, f"resize {disk.disk_id}")

    def inquiry_resize(self, uin: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        ids = params.get("DiskIds") or ([params["DiskId"]] if params.get("DiskId") else [])
        if not ids:
            raise MissingParameter("InquiryPriceResizeDisk needs DiskId or DiskIds.")
        disks = self._disks(uin, region, ids)
        size = params["DiskSize"]
        for disk in disks:
            self._check_resize(disk, size)
        if all(d.charge_type == PREPAID for d in disks):
            total = sum((self._resize_cost(d, size) for d in disks), Decimal(0))
            return {**price(True, total, Decimal(0)), "DetailPrices": detail_prices(True, total, Decimal(0))}
        unit = sum((self.prepaid.hour_price(size - d.disk_size) for d in disks), Decimal(0))
        return {**price(False, Decimal(0), unit), "DetailPrices": detail_prices(False, Decimal(0), unit)}

    # -- attributes ------------------------------------------------------------------------------------------

    def modify_attributes(self, uin: str, region: str, params: dict[str, Any]) -> None:
        if params.get("BurstPerformanceOperation"):
            raise NotImplementedByMockcvm("ModifyDiskAttributes BurstPerformanceOperation is not modelled.")
        disks = self._disks(uin, region, params["DiskIds"])
        portable, disk_type = params.get("Portable"), params.get("DiskType")
        delete_with_instance = params.get("DeleteWithInstance")
        if disk_type is not None and disk_type not in CLOUD_DISK_TYPES:
            raise InvalidParameterValue(f"DiskType must be one of {', '.join(CLOUD_DISK_TYPES)}, got {disk_type!r}.")
        if len(disks) > 1 and (disk_type is not None or "DiskName" in params):
            raise InvalidParameterValue("DiskName and DiskType change one disk per call.")
        for disk in disks:
            self.cbs.check_usable(disk)
            if portable is False and disk.portable:
                raise ApiError(
                    f"The disk {disk.disk_id} is elastic; a disk can become elastic, never the other way.",
                    code="InvalidParameterValue",
                )
            if portable and disk.usage == SYSTEM_DISK:
                raise ApiError(f"The disk {disk.disk_id} is a system disk; it cannot become elastic.",
                               code="ResourceUnavailable.TypeError")
            if delete_with_instance is not None and (disk.usage != DATA_DISK or not disk.portable):
                raise ApiError(
                    f"DeleteWithInstance applies to elastic data disks; {disk.disk_id} is not one.",
                    code="InvalidDisk.NotSupported",
                )
        for disk in disks:
            if "DiskName" in params:
                disk.name = params["DiskName"]
            if "ProjectId" in params:
                disk.project_id = params["ProjectId"]
            if portable:
                disk.portable = True
            if disk_type is not None:
                disk.disk_type = disk_type
            if delete_with_instance is not None:
                disk.delete_with_instance = bool(delete_with_instance)
                self.cbs.sync_instance_view(disk)
            self.cbs.disks.changed(disk)

    def initialize(self, uin: str, region: str, ids: list[str]) -> None:
        """Reset disks to how they were created. mockcvm keeps no data, so the checks are the whole effect."""
        disks = self._disks(uin, region, ids)
        for disk in disks:
            self.cbs.check_usable(disk)
            if disk.attached:
                raise ApiError(
                    f"The disk {disk.disk_id} is attached to {disk.instance_id}; detach it before initializing it.",
                    code="ResourceUnavailable.Attached",
                )

    # -- inquiries -------------------------------------------------------------------------------------------

    def inquiry_create(self, params: dict[str, Any]) -> dict[str, Any]:
        charge_type, disk_type, size = params["DiskChargeType"], params["DiskType"], params["DiskSize"]
        if charge_type not in (PREPAID, POSTPAID):
            raise InvalidParameterValue(f"DiskChargeType must be PREPAID or POSTPAID_BY_HOUR, got {charge_type!r}.")
        if disk_type not in CLOUD_DISK_TYPES:
            raise InvalidParameterValue(f"DiskType must be one of {', '.join(CLOUD_DISK_TYPES)}, got {disk_type!r}.")
        if not MIN_SIZE <= size <= MAX_SIZE:
            raise InvalidParameterValue(f"DiskSize must be between {MIN_SIZE} and {MAX_SIZE} GB, got {size}.")
        count = params.get("DiskCount", 1)
        if not 1 <= count <= 50:
            raise ApiError(f"DiskCount must be between 1 and 50, got {count}.",
                           code="InvalidParameterValue.LimitExceeded")
        if charge_type == PREPAID:
            period, _flag = read_prepaid(params.get("DiskChargePrepaid"), "A PREPAID disk")
            return price(True, self.prepaid.month_price(size) * period * count, Decimal(0))
        return price(False, Decimal(0), self.prepaid.hour_price(size) * count)

    def config_quota(self, region: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        inquiry = params["InquiryType"]
        if inquiry not in ("INQUIRY_CBS_CONFIG", "INQUIRY_CVM_CONFIG"):
            raise InvalidParameterValue(
                f"InquiryType must be INQUIRY_CBS_CONFIG or INQUIRY_CVM_CONFIG, got {inquiry!r}."
            )
        zones = [z.zone for z in REGIONS[region].zones]
        wanted_zones = params.get("Zones") or zones
        unknown = [z for z in wanted_zones if z not in zones]
        if unknown:
            raise InvalidParameterValue(f"The zone(s) {', '.join(unknown)} are not zones of {region}.")
        types = params.get("DiskTypes") or list(CLOUD_DISK_TYPES)
        bad = [t for t in types if t not in CLOUD_DISK_TYPES]
        if bad:
            raise InvalidParameterValue(f"DiskTypes must be among {', '.join(CLOUD_DISK_TYPES)}; got {bad}.")
        charge_type = params.get("DiskChargeType")
        if charge_type not in (None, PREPAID, POSTPAID):
            raise InvalidParameterValue(f"DiskChargeType must be PREPAID or POSTPAID_BY_HOUR, got {charge_type!r}.")
        usage = params.get("DiskUsage") or DATA_DISK
        if usage not in (DATA_DISK, SYSTEM_DISK):
            raise InvalidParameterValue(f"DiskUsage must be DATA_DISK or SYSTEM_DISK, got {usage!r}.")
        charge_types = [charge_type] if charge_type else [PREPAID, POSTPAID]
        families = params.get("InstanceFamilies") or [""] if inquiry == "INQUIRY_CVM_CONFIG" else [""]
        low, high = (20, MAX_SYSTEM_SIZE) if usage == SYSTEM_DISK else (MIN_SIZE, MAX_SIZE)
        return [
            {"Available": True, "DiskChargeType": ct, "Zone": zone, "InstanceFamily": family, "DiskType": dt,
             "StepSize": 1, "ExtraPerformanceRange": [], "DeviceClass": "", "DiskUsage": usage,
             "MinDiskSize": low, "MaxDiskSize": high,
             "Price": price(ct == PREPAID, self.prepaid.month_price(1), self.prepaid.hour_price(1))}
            for zone in wanted_zones for dt in types for ct in charge_types for family in families
        ]

    def instances_disk_num(self, uin: str, region: str, instance_ids: list[str]) -> list[dict[str, Any]]:
        details = []
        for instance_id in dict.fromkeys(instance_ids):
            if self.world.tag.find_instance(uin, region, instance_id) is None:
                raise ApiError(f"The instance {instance_id} does not exist in {region}.",
                               code="InvalidInstanceId.NotFound")
            count = sum(1 for d in self.cbs.attached_to(instance_id, uin, region) if d.usage == DATA_DISK)
            details.append({"InstanceId": instance_id, "AttachedDiskCount": count,
                            "MaxAttachCount": MAX_DATA_DISKS_PER_INSTANCE})
        return details
