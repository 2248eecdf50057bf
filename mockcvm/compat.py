"""What differs between the Python versions mockcvm supports (3.9 and newer)."""

from __future__ import annotations

import sys

#: ``@dataclass(**SLOTS)``: ``__slots__`` where dataclasses can make them (3.10+). Records that exist by the
#: hundred thousand (instances, disks, addresses) would otherwise each carry a ``__dict__`` of 1 KiB or more.
SLOTS: dict[str, bool] = {"slots": True} if sys.version_info >= (3, 10) else {}
