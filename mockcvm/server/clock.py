"""The server's clock: wall-clock time from start-up, shifted by the control API, or held still.

In server mode nothing freezes ``time.time()`` for the programs under test, so the world keeps its own clock:
``now = wall clock + offset`` while it flows, a held instant while frozen. Moving it only goes forward; the world
never undoes what happened.
"""

from __future__ import annotations

from typing import Any, Optional

from mockcvm import clock


class ServerClock:
    def __init__(self, start: Optional[float] = None, frozen: bool = False) -> None:
        wall = clock.now()
        self._offset = 0.0 if start is None else start - wall
        self._held: Optional[float] = (wall + self._offset) if frozen else None

    @property
    def frozen(self) -> bool:
        return self._held is not None

    def now(self) -> float:
        return self._held if self._held is not None else clock.now() + self._offset

    def tick(self, seconds: float) -> None:
        """Move forward by ``seconds`` (>= 0); raises ValueError for a step back."""
        if seconds < 0:
            raise ValueError(f"tick must be >= 0 seconds, got {seconds:g}: time only moves forward")
        if self._held is not None:
            self._held += seconds
        else:
            self._offset += seconds

    def move_to(self, moment: float) -> None:
        """Move forward to ``moment`` (epoch seconds); raises ValueError if that is earlier than now."""
        current = self.now()
        if moment < current:
            raise ValueError(
                f"move_to {clock.iso(moment)} is earlier than now ({clock.iso(current)}): time only moves forward"
            )
        self.tick(moment - current)

    def freeze(self, frozen: bool) -> None:
        """Hold the clock at now (True) or let it flow on from where it is (False)."""
        if frozen and self._held is None:
            self._held = self.now()
        elif not frozen and self._held is not None:
            self._offset = self._held - clock.now()
            self._held = None

    def hold_at(self, moment: float) -> None:
        """Hold the clock at exactly ``moment`` (replaying the state file)."""
        self._held = moment

    # -- persistence ------------------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        return {"offset": self._offset, "held": self._held}

    def set_state(self, state: dict[str, Any]) -> None:
        self._offset = float(state["offset"])
        self._held = None if state.get("held") is None else float(state["held"])
