"""Server mode: one fake cloud on one port for every language and process (``mockcvm server``).

- :class:`ThreadedServer`: the server in a background thread, for Python tests (``.url``, ``.endpoint``,
  ``.cloud``).
- :class:`App`: the ASGI application, for running under another ASGI server.
- :class:`ServedCloud`: the served world, its clock and its state file.

Needs the ``server`` extra: ``pip install 'mockcvm[server]'``.
"""

from mockcvm.server.app import App
from mockcvm.server.runner import ThreadedServer
from mockcvm.server.service import ServedCloud

__all__ = ["App", "ServedCloud", "ThreadedServer"]
