"""allow_loopback and scope through the plugin: the marker and the ini option."""

from __future__ import annotations

import pytest

from tests.plugin import RUN_ARGS


def test_allow_loopback_false_from_the_ini_and_back_on_with_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nmockcvm_allow_loopback = false\nmockcvm_scope = thread\n")
    pytester.makepyfile(
        """
        import socket

        import pytest


        def listening():
            server = socket.socket()
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            return server


        def test_closed_by_the_ini(cvm):
            server = listening()
            with pytest.raises(ConnectionError, match="allow_loopback"):
                socket.create_connection(server.getsockname(), timeout=2)
            assert cvm.options.scope == "thread"


        @pytest.mark.mockcvm(allow_loopback=True)
        def test_opened_by_the_marker(cvm):
            server = listening()
            socket.create_connection(server.getsockname(), timeout=2).close()
        """
    )
    result = pytester.runpytest_subprocess(*RUN_ARGS)
    result.assert_outcomes(passed=2)
