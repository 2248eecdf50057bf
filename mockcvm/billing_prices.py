"""Default prices (yuan). Plausible, not Tencent's list prices; change them with ``mock_cvm(prices={...})``."""

from __future__ import annotations

from decimal import Decimal

DEFAULT_PRICES: dict[str, Decimal] = {
    "instance_hour": Decimal("0.50"),  # postpaid CVM, CPU and memory, per hour (a type without its own catalogue price)
    "instance_month": Decimal("200.00"),  # prepaid CVM, per month of Period (likewise)
    "disk_gb_hour": Decimal("0.0005"),  # postpaid cloud disk, per GB per hour (system and data disks)
    "eip_idle_hour": Decimal("0.20"),  # an elastic IP that is not bound to a running instance, per hour
    "host_month": Decimal("3000.00"),  # a prepaid dedicated host (CDH), per month of Period
    "disk_gb_month": Decimal("0.30"),  # prepaid cloud disk, per GB per month of Period (also renewals, resizes)
    "snapshot_gb_hour": Decimal("0.00002"),  # snapshot storage, per GB of the source disk per hour
}
