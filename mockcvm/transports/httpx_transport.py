"""The ``httpx`` adapter (the SDK's ``*_client_async`` clients), patching httpx's transports at class level.

Requests for other hosts are refused by the network guard unless allowed, or unless a user's own httpx mock was
already in place when mockcvm started (then it gets them, as with ``responses`` on the requests side).

httpx is imported only when a mock starts and httpx is installed; mockcvm does not need it otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from mockcvm.hosts import guard_message
from mockcvm.protocol.messages import HttpRequest

if TYPE_CHECKING:
    from mockcvm.cloud import Cloud


class HttpxTransport:
    def __init__(self, cloud: Cloud) -> None:
        self._cloud = cloud
        self._saved: Optional[tuple[Any, Any, Any]] = None

    def start(self) -> None:
        try:
            import httpx
        except ImportError:  # the async path is optional
            return
        original_sync = httpx.HTTPTransport.handle_request
        original_async = httpx.AsyncHTTPTransport.handle_async_request
        cloud = self._cloud
        # A user's own httpx mock (pytest-httpx, respx) patched in before us decides about the hosts it knows.
        foreign_mock_underneath = getattr(original_async, "__module__", "httpx").split(".")[0] != "httpx"

        def handle_request(transport: Any, request: Any) -> Any:
            answer = cloud_answer(request, request.read())
            return answer if answer is not None else original_sync(transport, request)

        async def handle_async_request(transport: Any, request: Any) -> Any:
            answer = cloud_answer(request, await request.aread())
            return answer if answer is not None else await original_async(transport, request)

        def cloud_answer(request: Any, body: bytes) -> Any:
            url = str(request.url)
            hosts = cloud._world_hosts
            answered, service = hosts.lookup(url)
            if answered:
                http = HttpRequest(
                    method=request.method,
                    url=url,
                    headers={k.lower(): v for k, v in request.headers.items()},
                    body=body,
                )
                response = cloud._handle(http, service)
                return httpx.Response(
                    response.status, headers=response.headers, content=response.body, request=request
                )
            if hosts.allowed(url) or foreign_mock_underneath:
                return None
            raise httpx.ConnectError(guard_message(url, request.method), request=request)

        httpx.HTTPTransport.handle_request = handle_request  # type: ignore[assignment,method-assign]
        httpx.AsyncHTTPTransport.handle_async_request = handle_async_request  # type: ignore[assignment,method-assign]
        self._saved = (httpx, original_sync, original_async)

    def stop(self) -> None:
        if self._saved is None:
            return
        httpx, original_sync, original_async = self._saved
        httpx.HTTPTransport.handle_request = original_sync
        httpx.AsyncHTTPTransport.handle_async_request = original_async
        self._saved = None
