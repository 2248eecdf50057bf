"""Vpc state and operations. Knows nothing of HTTP; raises ApiError."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mockcvm.world import World


class VpcBackend:
    def __init__(self, world: World) -> None:
        self.world = world
