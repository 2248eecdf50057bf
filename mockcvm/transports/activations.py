"""Which live activation answers a request, and the interceptions they share.

Every live ``mock_cvm`` activation is registered here. The interceptions (requests, httpx, the hooks into a
user's ``responses`` and ``pytest-httpx`` mocks, the socket guard) are installed once, when the first activation
starts, and removed when the last one stops, whatever order the activations start and stop in and whichever
thread does it; see docs/threads.md.

A request is answered by, in this order:

1. the latest live activation started in the request's own thread or asyncio task (a context variable, so a task
   inherits the activations of the code that created it, and a thread starts with none);
2. otherwise the latest live activation with ``scope="process"`` (the default), whichever thread started it;
3. otherwise nobody: while any activation is live, such a request is refused, never sent.
"""

from __future__ import annotations

import contextvars
import itertools
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Optional

from mockcvm.hosts import HostMap

if TYPE_CHECKING:
    from mockcvm.cloud import Cloud


_NUMBERS = itertools.count(1)


@dataclass(eq=False)
class Activation:
    """One outermost activation of a ``MockCvm``: its world, its rules, and whether it is still live."""

    cloud: Cloud
    scope: str
    thread_name: str = field(default_factory=lambda: threading.current_thread().name)
    number: int = field(default_factory=lambda: next(_NUMBERS))
    live: bool = True

    @property
    def hosts(self) -> HostMap:
        return self.cloud._world_hosts

    @property
    def allow_loopback(self) -> bool:
        return self.cloud.options.allow_loopback


_LOCK = threading.RLock()
_LIVE: list[Activation] = []
#: The activations started in this thread or task (and not stopped there), oldest first.
_OWN: contextvars.ContextVar[tuple[Activation, ...]] = contextvars.ContextVar("mockcvm_activations", default=())

Installer = Callable[[], Callable[[], None]]
#: Functions that install one interception and return the function that removes it. Filled by ``_installers``.
_removers: list[Callable[[], None]] = []


def _installers() -> list[Installer]:
    from mockcvm.transports import httpx_transport, requests_transport, socket_guard

    return [socket_guard.install, requests_transport.install, httpx_transport.install]


def enter(cloud: Cloud, scope: str) -> Activation:
    """Register a new live activation of ``cloud``; the first live one installs the interceptions."""
    activation = Activation(cloud, scope)
    with _LOCK:
        if not _LIVE:
            removers = []
            try:
                for install in _installers():
                    removers.append(install())
            except BaseException:
                for remove in reversed(removers):
                    remove()
                raise
            _removers[:] = removers
        _LIVE.append(activation)
    join(activation)
    return activation


def join(activation: Activation) -> None:
    """Make ``activation`` answer this thread or task (a nested ``start()`` from another thread)."""
    own = _OWN.get()
    if activation not in own:
        _OWN.set(tuple(a for a in own if a.live) + (activation,))


def leave(activation: Activation) -> None:
    """Mark ``activation`` dead; the last live one removes the interceptions, leaving what it found."""
    with _LOCK:
        activation.live = False
        if activation in _LIVE:
            _LIVE.remove(activation)
        if not _LIVE:
            removers, _removers[:] = list(_removers), []
            for remove in reversed(removers):
                remove()
    own = _OWN.get()
    if activation in own:
        _OWN.set(tuple(a for a in own if a.live))


def any_live() -> bool:
    return bool(_LIVE)


def current() -> Optional[Activation]:
    """The activation that answers a request made here and now, or None (then the request is refused)."""
    for activation in reversed(_OWN.get()):
        if activation.live:
            return activation
    with _LOCK:
        for activation in reversed(_LIVE):
            if activation.scope == "process":
                return activation
    return None


def live() -> list[Activation]:
    """Every live activation, oldest first (a copy)."""
    with _LOCK:
        return list(_LIVE)


def no_activation_message(url: str, method: str) -> str:
    threads = ", ".join(sorted({a.thread_name for a in live()})) or "none"
    return (
        f"mockcvm refused {method} {url}: no mock_cvm activation serves this thread or task. The live ones were "
        f"started with scope='thread' in other threads ({threads}) and answer only there. Start mock_cvm in this "
        "thread too, or start it with scope='process' so that every thread is served."
    )
