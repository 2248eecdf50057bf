"""Every service mockcvm fakes: ``<svc>/backend.py`` holds state and operations (no HTTP), ``<svc>/actions.py``
registers thin handlers. Importing this package registers every handler, explicitly, in this order."""

from mockcvm.services.billing import actions as billing_actions
from mockcvm.services.billing import bill_actions as billing_bill_actions  # noqa: F401
from mockcvm.services.billing import budget_actions as billing_budget_actions  # noqa: F401
from mockcvm.services.cbs import actions as cbs_actions
from mockcvm.services.cbs import lifecycle_actions as cbs_lifecycle_actions  # noqa: F401
from mockcvm.services.cbs import snapshot_actions as cbs_snapshot_actions  # noqa: F401
from mockcvm.services.cvm import actions as cvm_actions
from mockcvm.services.cvm import catalogue_actions as cvm_catalogue_actions  # noqa: F401
from mockcvm.services.cvm import charge_actions as cvm_charge_actions  # noqa: F401
from mockcvm.services.cvm import disks as cvm_disks  # noqa: F401
from mockcvm.services.cvm import hosts as cvm_hosts  # noqa: F401
from mockcvm.services.cvm import hpc as cvm_hpc  # noqa: F401
from mockcvm.services.cvm import image_actions as cvm_image_actions  # noqa: F401
from mockcvm.services.cvm import instance_actions as cvm_instance_actions  # noqa: F401
from mockcvm.services.cvm import instance_info as cvm_instance_info  # noqa: F401
from mockcvm.services.cvm import network_actions as cvm_network_actions  # noqa: F401
from mockcvm.services.cvm import placement_actions as cvm_placement_actions  # noqa: F401
from mockcvm.services.cvm import tasks as cvm_tasks  # noqa: F401
from mockcvm.services.cvm import template_actions as cvm_template_actions  # noqa: F401
from mockcvm.services.cvm import timer_actions as cvm_timer_actions  # noqa: F401
from mockcvm.services.monitor import actions as monitor_actions
from mockcvm.services.sts import actions as sts_actions
from mockcvm.services.tag import actions as tag_actions
from mockcvm.services.tag import catalog_actions as tag_catalog_actions  # noqa: F401
from mockcvm.services.tag import resource_actions as tag_resource_actions  # noqa: F401
from mockcvm.services.vpc import actions as vpc_actions
from mockcvm.services.vpc import interface_actions as vpc_interface_actions  # noqa: F401
from mockcvm.services.vpc import network_actions as vpc_network_actions  # noqa: F401
from mockcvm.services.vpc import security_group_actions as vpc_security_group_actions  # noqa: F401

__all__ = [
    "billing_actions", "cbs_actions", "cvm_actions", "monitor_actions", "sts_actions", "tag_actions", "vpc_actions",
]
