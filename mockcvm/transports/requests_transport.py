"""The ``requests`` adapter (the SDK's sync clients), through a private ``responses.RequestsMock``.

The private mock leaves the user's own ``responses`` mocks alone: a request for a host that is not Tencent Cloud
goes on to whatever ``HTTPAdapter.send`` was in place when mockcvm started (the user's mock, if one is active),
or, if that is the real network, is refused by the network guard unless the host is in ``allow_hosts``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional

from mockcvm.errors import NetworkGuardError
from mockcvm.hosts import guard_message
from mockcvm.protocol.messages import HttpRequest

if TYPE_CHECKING:
    import responses
    from requests import PreparedRequest

    from mockcvm.cloud import Cloud

_ANY_URL = re.compile(r".*")
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class RequestsTransport:
    def __init__(self, cloud: Cloud) -> None:
        self._cloud = cloud
        self._mock: Optional[responses.RequestsMock] = None

    def start(self) -> None:
        import responses  # imported when a mock starts, not with mockcvm: it costs ~20 ms
        from requests.adapters import HTTPAdapter

        underneath = HTTPAdapter.send
        foreign_mock_underneath = underneath is not responses._real_send  # the user's own responses mock
        mock = responses.RequestsMock(
            assert_all_requests_are_fired=False, real_adapter_send=underneath  # type: ignore[arg-type]
        )
        hosts = self._cloud._world_hosts

        def is_tencent(request: PreparedRequest) -> tuple[bool, str]:
            return hosts.lookup(request.url or "")[0], ""

        def is_guarded(request: PreparedRequest) -> tuple[bool, str]:
            url = request.url or ""
            blocked = not hosts.lookup(url)[0] and not hosts.allowed(url) and not foreign_mock_underneath
            return blocked, ""

        for method in _METHODS:
            mock.add_callback(method, _ANY_URL, callback=self._answer, match=[is_tencent])
            mock.add_callback(method, _ANY_URL, callback=_refuse, match=[is_guarded])
        mock.add_passthru(_ANY_URL)
        mock.start()
        self._mock = mock

    def stop(self) -> None:
        if self._mock is not None:
            self._mock.stop(allow_assert=False)
            self._mock = None

    def _answer(self, request: PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        body: Any = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif not isinstance(body, (bytes, bytearray)):
            body = b"".join(_chunks(body))
        http = HttpRequest(
            method=request.method or "GET",
            url=request.url or "",
            headers={k.lower(): v if isinstance(v, str) else v.decode("latin-1") for k, v in request.headers.items()},
            body=bytes(body),
        )
        response = self._cloud._handle(http)
        return response.status, response.headers, response.body


def _chunks(body: Any) -> Any:
    for chunk in body:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def _refuse(request: PreparedRequest) -> tuple[int, dict[str, str], bytes]:
    raise NetworkGuardError(guard_message(request.url or "", request.method or "GET"))
