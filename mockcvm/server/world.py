"""The served world: a :class:`~mockcvm.world.World` on the server's clock, with an id source that can be replayed.

The state file replays only the calls that changed something, but every call (a read too) draws its RequestId
from the world's one random source. :class:`CountingRandom` counts the 32-bit words drawn, so a replay can skip
the words that unlogged calls drew and give every later id exactly as before.
"""

from __future__ import annotations

import random
from typing import Any, Optional

from mockcvm.options import Options
from mockcvm.server.clock import ServerClock
from mockcvm.world import World


class CountingRandom(random.Random):
    """A Mersenne Twister that counts the 32-bit words it has drawn."""

    words = 0

    def random(self) -> float:
        self.words += 2
        return super().random()

    def getrandbits(self, k: int) -> int:
        if k > 0:
            self.words += (k - 1) // 32 + 1
        return super().getrandbits(k)

    def skip_to(self, words: int) -> None:
        """Draw and drop words until ``words`` have been drawn in all."""
        missing = words - self.words
        if missing < 0:
            raise ValueError(f"the random source is already past word {words} (at {self.words})")
        if missing:
            super().getrandbits(32 * missing)
            self.words = words

    def __reduce__(self) -> Any:
        return (CountingRandom, (), (self.getstate(), self.words))

    def __setstate__(self, state: Any) -> None:
        self.setstate(state[0])
        self.words = state[1]


class ServerWorld(World):
    """A world whose "now" is the server clock's, not ``time.time()``."""

    def __init__(self, options: Options, server_clock: ServerClock, seed: Optional[int] = None) -> None:
        self._pinned: Optional[float] = None
        super().__init__(options)
        self.server_clock = server_clock
        self.timeline.now = server_clock.now()
        self.ids._random = CountingRandom(options.seed if options.seed is not None else seed)
        # the default account's books open at start-up, not at whichever call reads them first, so a replay that
        # skips the reads opens them at the same instant
        self.billing.balance(self.accounts.default.uin)

    def pin(self, moment: float) -> None:
        """Hold "now" at ``moment`` until :meth:`unpin`: one request runs at one instant, as the log records it."""
        self._pinned = moment

    def unpin(self) -> None:
        self._pinned = None

    @property
    def random_words(self) -> int:
        source = self.ids._random
        return source.words if isinstance(source, CountingRandom) else 0

    def catch_up(self) -> None:
        with self.lock:
            self.timeline.advance_to(self._pinned if self._pinned is not None else self.server_clock.now())
