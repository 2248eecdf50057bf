"""One seedable source of randomness for every id the fake makes."""

from __future__ import annotations

import random
import string
import uuid
from typing import Optional

_ALPHABET = string.ascii_lowercase + string.digits


class IdSource:
    """Makes ``ins-``/``disk-``/``eip-`` ids and UUID4s; the same seed gives the same sequence."""

    def __init__(self, seed: Optional[int] = None) -> None:
        self._random = random.Random(seed)

    def short(self, prefix: str) -> str:
        return prefix + "-" + "".join(self._random.choices(_ALPHABET, k=8))

    def uuid4(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def random(self) -> float:
        return self._random.random()
