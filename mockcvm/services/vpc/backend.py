"""Vpc state and operations. Knows nothing of HTTP; raises ApiError."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.world import World


class VpcBackend:
    def __init__(self, world: World) -> None:
        self.world = world

    def public_ips_of(self, instance: Instance) -> list[str]:
        """Addresses of the elastic IPs bound to ``instance``."""
        return []

    def instance_released(self, instance: Instance, release_address: bool) -> None:
        """Unbind (or with ``release_address`` release) the instance's elastic IPs (SPEC §7)."""
