"""Every service mockcvm fakes: ``<svc>/backend.py`` holds state and operations (no HTTP), ``<svc>/actions.py``
registers thin handlers. Importing this package registers every handler, explicitly, in this order."""

from mockcvm.services.billing import actions as billing_actions
from mockcvm.services.billing import bill_actions as billing_bill_actions  # noqa: F401
from mockcvm.services.cbs import actions as cbs_actions
from mockcvm.services.cbs import lifecycle_actions as cbs_lifecycle_actions  # noqa: F401
from mockcvm.services.cbs import snapshot_actions as cbs_snapshot_actions  # noqa: F401
from mockcvm.services.cvm import actions as cvm_actions
from mockcvm.services.cvm import charge_actions as cvm_charge_actions  # noqa: F401
from mockcvm.services.cvm import timer_actions as cvm_timer_actions  # noqa: F401
from mockcvm.services.monitor import actions as monitor_actions
from mockcvm.services.sts import actions as sts_actions
from mockcvm.services.tag import actions as tag_actions
from mockcvm.services.tag import catalog_actions as tag_catalog_actions  # noqa: F401
from mockcvm.services.vpc import actions as vpc_actions

__all__ = [
    "billing_actions", "cbs_actions", "cvm_actions", "monitor_actions", "sts_actions", "tag_actions", "vpc_actions",
]
