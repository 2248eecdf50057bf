"""The in-memory world of one mock activation: accounts x regions, every service's state, the timeline.

Nothing here is global: a :class:`World` is made by each outermost activation of :func:`mockcvm.mock_cvm` and
dropped when it stops. Every read or change goes through ``world.lock`` (one re-entrant lock), so threads that
share a Cloud see one consistent world.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from mockcvm import clock
from mockcvm.accounts import Accounts
from mockcvm.engine.timeline import Timeline
from mockcvm.faults import Faults
from mockcvm.ids import IdSource
from mockcvm.journal import Bounded, Journal
from mockcvm.options import Options

if TYPE_CHECKING:
    from mockcvm.services.billing.backend import BillingBackend
    from mockcvm.services.cbs.backend import CbsBackend
    from mockcvm.services.cvm.backend import CvmBackend
    from mockcvm.services.cvm.catalogue import Catalogue
    from mockcvm.services.cvm.images import ImageBackend
    from mockcvm.services.cvm.keypairs import KeyPairBackend
    from mockcvm.services.cvm.models import Instance
    from mockcvm.services.cvm.offers import Offers
    from mockcvm.services.cvm.placement import PlacementBackend
    from mockcvm.services.cvm.templates import TemplateBackend
    from mockcvm.services.cvm.timers import TimerBackend
    from mockcvm.services.monitor.backend import MonitorBackend
    from mockcvm.services.tag.backend import TagBackend
    from mockcvm.services.vpc.backend import VpcBackend


class World:
    def __init__(self, options: Options) -> None:
        from mockcvm.services.billing.backend import BillingBackend
        from mockcvm.services.cbs.backend import CbsBackend
        from mockcvm.services.cvm.backend import CvmBackend
        from mockcvm.services.cvm.catalogue import catalogue_for
        from mockcvm.services.cvm.images import ImageBackend
        from mockcvm.services.cvm.keypairs import KeyPairBackend
        from mockcvm.services.cvm.offers import Offers
        from mockcvm.services.cvm.placement import PlacementBackend
        from mockcvm.services.cvm.templates import TemplateBackend
        from mockcvm.services.cvm.timers import TimerBackend
        from mockcvm.services.monitor.backend import MonitorBackend
        from mockcvm.services.tag.backend import TagBackend
        from mockcvm.services.vpc.backend import VpcBackend

        self.options = options
        self.lock = threading.RLock()
        self.ids = IdSource(options.seed)
        self.timeline = Timeline(clock.now())
        self.accounts = Accounts()
        self.journal = Journal(options.journal_size)
        self.faults = Faults(self.ids.random)
        #: "service:Action" for every call to an action mockcvm does not implement (strict mode fails on these).
        self.unimplemented: list[str] = Bounded(100)
        #: Tracebacks of bugs inside mockcvm that were answered as InternalError.
        self.internal_errors: list[str] = Bounded(100)
        self.catalogue: Catalogue = catalogue_for(options.catalogue)
        self.billing: BillingBackend = BillingBackend(self)
        self.cvm: CvmBackend = CvmBackend(self)
        self.timers: TimerBackend = TimerBackend(self)
        self.vpc: VpcBackend = VpcBackend(self)
        self.cbs: CbsBackend = CbsBackend(self)
        self.tag: TagBackend = TagBackend(self)
        self.images: ImageBackend = ImageBackend(self)
        self.offers: Offers = Offers(self)
        self.keypairs: KeyPairBackend = KeyPairBackend(self)
        self.templates: TemplateBackend = TemplateBackend(self)
        self.placements: PlacementBackend = PlacementBackend(self)
        self.monitor: MonitorBackend = MonitorBackend(self)

    @property
    def now(self) -> float:
        """The world's time: the clock's now once caught up, an event's due instant while that event runs."""
        return self.timeline.now

    def instance_released(
        self, instance: Instance, release_address: bool = False, release_prepaid_data_disks: bool = False
    ) -> None:
        """Tell every service that ``instance`` is gone (docs/internals.md)."""
        self.timers.instance_released(instance)
        self.cbs.instance_released(instance, release_prepaid_data_disks)
        self.vpc.instance_released(instance, release_address)
        self.tag.instance_released(instance)
        self.keypairs.unbind(instance.uin, instance.region, instance.instance_id, list(instance.key_ids))
        self.placements.leave(instance)
        self.billing.instance_changed(instance)

    def catch_up(self) -> None:
        """Apply everything that fell due up to the clock's now, in time order."""
        with self.lock:
            self.timeline.advance_to(clock.now())
