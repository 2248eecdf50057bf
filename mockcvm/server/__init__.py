"""Server mode: one fake cloud on one port for every language and process (``mockcvm server``).

- :class:`ThreadedServer`: the server in a background thread, for Python tests (``.url``, ``.endpoint``,
  ``.cloud``).
- :class:`App`: the ASGI application, for running under another ASGI server.
- :class:`ServedCloud`: the served world, its clock and its state file.

Needs the ``server`` extra: ``pip install 'mockcvm[server]'``. The names load on first use, so that
``mockcvm ca`` stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockcvm.server.app import App
    from mockcvm.server.runner import ThreadedServer
    from mockcvm.server.service import ServedCloud

__all__ = ["App", "ServedCloud", "ThreadedServer"]

_WHERE = {
    "App": "mockcvm.server.app", "ThreadedServer": "mockcvm.server.runner", "ServedCloud": "mockcvm.server.service",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'mockcvm.server' has no attribute {name!r}")
