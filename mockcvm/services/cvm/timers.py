"""Scheduled destroy (定时销毁): ActionTimers. Knows nothing of HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.world import World


class TimerBackend:
    def __init__(self, world: World) -> None:
        self.world = world

    def check_run_timer(self, action_timer: dict[str, Any], charge_type: str) -> None:
        """Validate ``RunInstances.ActionTimer`` before anything is launched (raises ApiError)."""

    def create(self, instance: Instance, action_timer: dict[str, Any]) -> str:
        """Schedule the destroy of ``instance``; returns the ActionTimerId."""
        return self.world.ids.uuid4()
