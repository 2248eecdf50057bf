"""Every way out, against a loopback server that counts connections: under allow_loopback=False, none gets there.

Each test is named after the way out it closes; each also checks the refusal is mockcvm's, naming the fix.
"""

from __future__ import annotations

import asyncio
import http.client
import socket
import urllib.error
import urllib.request
from typing import Any, Callable

import httpx
import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter

from mockcvm import NetworkGuardError, mock_cvm
from tests import sdk
from tests.trust.conftest import CountingServer

CLOSED = {"allow_loopback": False}
#: How requests reports a refusal: mockcvm's own error at the HTTP level, requests' wrapping of a socket refusal.
REQUESTS_REFUSED = (NetworkGuardError, requests.exceptions.ConnectionError)
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "TRACE", "MKCOL", "CONNECT"]


def no_hits(server: CountingServer, attempt: Callable[[], Any], *errors: type[BaseException]) -> BaseException:
    """Run ``attempt`` under mock_cvm(allow_loopback=False); it must fail and the server see nothing."""
    before = server.hits
    with mock_cvm(**CLOSED):
        with pytest.raises(errors or (Exception,)) as caught:
            attempt()
    assert server.hits == before
    assert "mockcvm" in _chain(caught.value)
    return caught.value


def _chain(error: BaseException, depth: int = 0) -> str:
    """The text of ``error`` and of everything it was raised from (client libraries wrap the guard's error)."""
    if depth > 12:
        return ""
    parts = [repr(error)]
    for inner in (error.__cause__, error.__context__, *getattr(error, "exceptions", ()), *error.args):
        if isinstance(inner, BaseException):
            parts.append(_chain(inner, depth + 1))
    return " ".join(parts)


@pytest.mark.parametrize("method", METHODS)
def test_requests_with_any_method_is_refused(server: CountingServer, method: str) -> None:
    no_hits(server, lambda: requests.request(method, server.url, timeout=2), *REQUESTS_REFUSED)


@pytest.mark.parametrize("method", ["PROPFIND", "TRACE", "CONNECT", "MKCOL"])
def test_a_tencent_host_with_an_unusual_method_is_answered_by_the_fake(method: str) -> None:
    with mock_cvm():
        response = requests.request(method, "https://cvm.tencentcloudapi.com/", timeout=2)
    assert response.json()["Response"]["Error"]["Code"] == "UnsupportedProtocol"


def test_a_session_made_before_the_activation_is_refused(server: CountingServer) -> None:
    session = requests.Session()
    no_hits(server, lambda: session.get(server.url, timeout=2), *REQUESTS_REFUSED)


def test_an_adapter_subclass_that_sends_by_itself_is_refused(server: CountingServer) -> None:
    class OwnAdapter(HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:  # never calls super().send
            pool = urllib3.PoolManager()
            raw = pool.request(request.method, request.url, retries=False, preload_content=False)
            return self.build_response(request, raw)

    session = requests.Session()
    session.mount("http://", OwnAdapter())
    no_hits(server, lambda: session.get(server.url, timeout=2), urllib3.exceptions.HTTPError)


def test_a_wrapper_on_send_installed_before_the_mock_does_not_switch_the_guard_off(server: CountingServer) -> None:
    original = HTTPAdapter.send

    def logging_send(adapter: HTTPAdapter, request: Any, *args: Any, **kwargs: Any) -> Any:
        return original(adapter, request, *args, **kwargs)

    HTTPAdapter.send = logging_send  # type: ignore[method-assign]
    try:
        no_hits(server, lambda: requests.get(server.url, timeout=2), *REQUESTS_REFUSED)
        with mock_cvm():  # loopback open at the socket level, still refused at the HTTP level
            with pytest.raises(REQUESTS_REFUSED, match="allow_hosts"):
                requests.get(server.url, timeout=2)
            assert sdk.call(sdk.client("cvm"), "DescribeRegions").TotalCount > 0
    finally:
        HTTPAdapter.send = original  # type: ignore[method-assign]


def test_urllib3_directly_is_refused(server: CountingServer) -> None:
    pool = urllib3.PoolManager()
    no_hits(server, lambda: pool.request("GET", server.url, retries=False), urllib3.exceptions.HTTPError)


def test_http_client_is_refused(server: CountingServer) -> None:
    def attempt() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
        connection.request("GET", "/")

    no_hits(server, attempt, NetworkGuardError)


def test_urllib_request_is_refused(server: CountingServer) -> None:
    no_hits(server, lambda: urllib.request.urlopen(server.url, timeout=2), urllib.error.URLError)


def test_aiohttp_is_refused(server: CountingServer) -> None:
    aiohttp = pytest.importorskip("aiohttp")

    async def fetch() -> None:
        async with aiohttp.ClientSession() as session:
            async with session.get(server.url) as response:
                await response.read()

    no_hits(server, lambda: asyncio.run(fetch()), aiohttp.ClientError)


@pytest.mark.parametrize("way", ["connect", "connect_ex", "create_connection"])
def test_a_raw_socket_is_refused(server: CountingServer, way: str) -> None:
    def attempt() -> None:
        if way == "create_connection":
            socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
            return
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            getattr(sock, way)(("127.0.0.1", server.port))

    no_hits(server, attempt, NetworkGuardError)


def test_asyncio_streams_and_sock_connect_are_refused(server: CountingServer) -> None:
    async def streams() -> None:
        await asyncio.open_connection("127.0.0.1", server.port)

    async def sock_connect() -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setblocking(False)
            await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", server.port))

    no_hits(server, lambda: asyncio.run(streams()), NetworkGuardError)
    no_hits(server, lambda: asyncio.run(sock_connect()), NetworkGuardError)


def test_httpx_sync_and_async_are_refused_through_custom_transports(server: CountingServer) -> None:
    class Subclass(httpx.HTTPTransport):
        pass

    class AsyncSubclass(httpx.AsyncHTTPTransport):
        pass

    class OwnPool(httpx.BaseTransport):  # goes to httpcore by itself, never through HTTPTransport
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            import httpcore

            with httpcore.ConnectionPool() as pool:
                answer = pool.request(request.method, str(request.url))
            return httpx.Response(answer.status, content=answer.content)

    async def fetch_async(transport: httpx.AsyncBaseTransport) -> None:
        async with httpx.AsyncClient(transport=transport) as client:
            await client.get(server.url)

    for transport in (httpx.HTTPTransport(), Subclass(), OwnPool()):
        no_hits(server, lambda t=transport: httpx.Client(transport=t).get(server.url), Exception)
    for async_transport in (httpx.AsyncHTTPTransport(), AsyncSubclass()):
        no_hits(server, lambda t=async_transport: asyncio.run(fetch_async(t)), Exception)


def test_a_wrapper_on_the_async_transport_does_not_switch_the_guard_off(server: CountingServer) -> None:
    original = httpx.AsyncHTTPTransport.handle_async_request

    async def wrapper(transport: Any, request: Any) -> Any:
        return await original(transport, request)

    async def fetch() -> None:
        async with httpx.AsyncClient() as client:
            await client.get(server.url)

    httpx.AsyncHTTPTransport.handle_async_request = wrapper  # type: ignore[method-assign]
    try:
        no_hits(server, lambda: asyncio.run(fetch()), httpx.ConnectError)
        with mock_cvm():  # loopback open at the socket level, still refused at the HTTP level
            with pytest.raises(httpx.ConnectError) as caught:
                asyncio.run(fetch())
            assert "allow_hosts" in _chain(caught.value)
    finally:
        httpx.AsyncHTTPTransport.handle_async_request = original  # type: ignore[method-assign]


def test_loopback_stays_open_at_the_socket_level_by_default(server: CountingServer) -> None:
    before = server.hits
    with mock_cvm():
        assert urllib3.PoolManager().request("GET", server.url, retries=False).data == b"ok"
        with pytest.raises(REQUESTS_REFUSED, match="allow_hosts"):
            requests.get(server.url, timeout=2)  # requests and httpx refuse every host not allowed, loopback too
    assert server.hits == before + 1


def test_allow_hosts_opens_a_host_at_both_levels(server: CountingServer) -> None:
    before = server.hits
    with mock_cvm(allow_loopback=False, allow_hosts=["127.0.0.1"]):
        assert requests.get(server.url, timeout=2).text == "ok"
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
        connection.request("GET", "/")
        assert connection.getresponse().read() == b"ok"
    assert server.hits == before + 2


def test_a_unix_socket_is_open_by_default_and_closed_with_allow_loopback_false(tmp_path: Any) -> None:
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(path)
        listener.listen(1)
        with mock_cvm():
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                client.connect(path)
        with mock_cvm(allow_loopback=False):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                with pytest.raises(NetworkGuardError, match="allow_loopback"):
                    client.connect(path)


def test_a_tencent_host_is_never_resolved() -> None:
    with mock_cvm(allow_hosts=["cvm.tencentcloudapi.com"]):
        with pytest.raises(socket.gaierror, match="answered by the fake"):
            socket.getaddrinfo("cvm.tencentcloudapi.com", 443)
        with pytest.raises(NetworkGuardError):
            http.client.HTTPSConnection("cvm.tencentcloudapi.com", timeout=2).request("GET", "/")


def test_a_host_outside_allow_hosts_is_never_resolved() -> None:
    with mock_cvm():
        with pytest.raises(socket.gaierror, match=r"allow_hosts=\['example.com'\]"):
            socket.getaddrinfo("example.com", 80)


def test_the_socket_functions_are_put_back_when_the_last_activation_stops() -> None:
    found = (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo, socket.create_connection)
    with mock_cvm():
        assert socket.getaddrinfo is not found[2]
    assert (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo, socket.create_connection) == found
