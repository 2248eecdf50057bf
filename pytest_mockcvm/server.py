"""The ``cvm_server`` fixture: a mockcvm server on a free port for one test (needs ``mockcvm[server]``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from mockcvm.server import ThreadedServer


@pytest.fixture
def cvm_server(request: pytest.FixtureRequest) -> Iterator[ThreadedServer]:
    """A :class:`mockcvm.server.ThreadedServer` on ``127.0.0.1`` and a free port, stopped after the test.

    Options: ini ``mockcvm_*`` then ``@pytest.mark.mockcvm(...)``, closest wins, as for ``cvm``. For a test the
    clock is held still (at ``clock_start`` if given, else now): move it with ``cvm_server.tick(seconds)``,
    ``cvm_server.move_to(...)`` or the control API; ``cvm_server.freeze(False)`` lets it flow.
    """
    from mockcvm.errors import MockcvmError
    from mockcvm.server import ThreadedServer
    from pytest_mockcvm.plugin import PLUGIN_OPTIONS, _gather

    options = _gather(request, request.node)
    values = {name: value for name, (value, _) in options.items() if name not in PLUGIN_OPTIONS}
    start = options.get("clock_start", (None, ""))[0]
    try:
        server = ThreadedServer(port=0, frozen=True, start=start, **values).start()
    except MockcvmError as exc:
        pytest.fail(f"cvm_server: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()
