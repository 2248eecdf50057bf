"""Cbs state and operations. Knows nothing of HTTP; raises ApiError."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.world import World


class CbsBackend:
    def __init__(self, world: World) -> None:
        self.world = world

    def launch_disks(self, instance: Instance) -> None:
        """Create the disks of a new instance and fill in their DiskId (the CBS issue fills this in)."""

    def instance_released(self, instance: Instance, release_prepaid_data_disks: bool) -> None:
        """Apply SPEC §7 to the instance's disks."""
