"""Snapshots of a whole fake world: bytes that :func:`load` turns back into an equal, independent world.

The world's delayed work (the timeline's events) holds closures over the backends, which the standard pickle
refuses; the pickler here writes a closure as its code (``marshal``), its module, its defaults and the contents of
its cells, so the restored events act on the restored world. Locks are written as new locks, counters by their
next value. ``marshal`` output belongs to one Python version: a snapshot names the version that wrote it, and
:func:`load` refuses a snapshot of another one with a message.

Used by ``cloud.snapshot()`` / ``cloud.restore()`` and by the server's state file.
"""

from __future__ import annotations

import importlib
import io
import itertools
import marshal
import pickle
import sys
import threading
import types
from typing import TYPE_CHECKING, Any

from mockcvm.errors import MockcvmError

if TYPE_CHECKING:
    from mockcvm.world import World

MAGIC = b"mockcvm-snapshot-1\n"
_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))
_COUNT_TYPE = type(itertools.count())


def _version_tag() -> bytes:
    return f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}\n".encode()


def _make_function(code: bytes, module: str, name: str, defaults: Any, kwdefaults: Any, cells: tuple[Any, ...]) -> Any:
    namespace = importlib.import_module(module).__dict__
    closure = tuple(types.CellType(value) for value in cells) if cells else None
    function = types.FunctionType(marshal.loads(code), namespace, name, defaults, closure)
    function.__kwdefaults__ = kwdefaults
    return function


def _make_lock(reentrant: bool) -> Any:
    return threading.RLock() if reentrant else threading.Lock()


def _make_count(start: int) -> Any:
    return itertools.count(start)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, types.FunctionType) and (obj.__closure__ or obj.__name__ == "<lambda>"):
            cells = tuple(cell.cell_contents for cell in obj.__closure__ or ())
            return _make_function, (
                marshal.dumps(obj.__code__), obj.__module__, obj.__name__, obj.__defaults__, obj.__kwdefaults__,
                cells,
            )
        if isinstance(obj, _LOCK_TYPES):
            return _make_lock, (isinstance(obj, _LOCK_TYPES[1]),)
        if isinstance(obj, _COUNT_TYPE):
            # repr is "count(N)": the next value, read without consuming it
            return _make_count, (int(repr(obj)[6:-1]),)
        return NotImplemented


def dump(world: World) -> bytes:
    """The world as bytes (taken under its lock)."""
    out = io.BytesIO()
    out.write(MAGIC)
    out.write(_version_tag())
    with world.lock:
        _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(world)
    return out.getvalue()


def load(data: bytes) -> World:
    """A new world from :func:`dump`'s bytes; refuses anything else with :class:`MockcvmError`."""
    if not isinstance(data, (bytes, bytearray)) or not data.startswith(MAGIC):
        raise MockcvmError("not a mockcvm snapshot: pass the bytes that cloud.snapshot() returned")
    rest = bytes(data[len(MAGIC):])
    tag, _, body = rest.partition(b"\n")
    if tag + b"\n" != _version_tag():
        raise MockcvmError(
            f"this snapshot was written by {tag.decode(errors='replace')}, and this is "
            f"{_version_tag().decode().strip()}: snapshots hold compiled code and only load in the same version"
        )
    world = pickle.loads(body)
    from mockcvm.world import World

    if not isinstance(world, World):
        raise MockcvmError("not a mockcvm snapshot: it holds no world")
    return world
