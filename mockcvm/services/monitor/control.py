"""``cloud.metrics``: the test sets the series GetMonitorData reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from mockcvm.services.monitor.backend import Series
    from mockcvm.world import World


class Metrics:
    """Set or clear metric series (``QCE/CVM`` metrics by instance id, ``QCE/BLOCK_STORAGE`` ones by disk id)."""

    def __init__(self, world: World) -> None:
        self._world = world

    def set(self, resource_id: str, metric: str, value: Series) -> None:
        """From now on ``metric`` of ``resource_id`` reads ``value``: a number (the same at every instant) or a
        function from epoch seconds to a number (called for each point). An unknown metric name is a
        ``MockcvmError`` naming the modelled ones."""
        with self._world.lock:
            self._world.monitor.set(resource_id, metric, value)

    def clear(self, resource_id: Optional[str] = None) -> None:
        """Forget the series of ``resource_id`` (or every series): they read the default (0) again."""
        with self._world.lock:
            self._world.monitor.clear(resource_id)
