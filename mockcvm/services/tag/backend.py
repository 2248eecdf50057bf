"""Tag state and operations. Knows nothing of HTTP; raises ApiError."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.world import World


class TagBackend:
    def __init__(self, world: World) -> None:
        self.world = world

    def instance_released(self, instance: Instance) -> None:
        """Forget anything the Tag service keeps about ``instance``."""
