"""pytest fixtures for mockcvm: ``cvm`` (a fresh fake cloud per test), ``cvm_clock``, ``cvm_client``, ...

The plugin registers itself (entry point ``pytest11``); nothing needs importing. Import from here only to
annotate::

    from pytest_mockcvm import ClientFactory, Cloud, CvmClock

    def test_something(cvm: Cloud, cvm_clock: CvmClock, tc_client: ClientFactory) -> None: ...

Importing this package loads nothing heavy: the names are resolved on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_mockcvm.clients import ClientFactory

if TYPE_CHECKING:
    from mockcvm.cloud import Cloud
    from mockcvm.testing_clock import CvmClock

__all__ = ["ClientFactory", "Cloud", "CvmClock"]


def __getattr__(name: str) -> Any:
    if name == "Cloud":
        from mockcvm.cloud import Cloud

        return Cloud
    if name == "CvmClock":
        from mockcvm.testing_clock import CvmClock

        return CvmClock
    raise AttributeError(f"module 'pytest_mockcvm' has no attribute {name!r}")
