"""The ``httpx`` adapter (the SDK's ``*_client_async`` clients): httpx's transports and ``pytest-httpx``.

``HTTPTransport.handle_request`` and ``AsyncHTTPTransport.handle_async_request`` are wrapped at class level (so
subclasses that reach ``super()`` come through too). A Tencent Cloud host is answered by the fake; any other host
goes on to what was in place when mockcvm started if it is in ``allow_hosts``; otherwise it is refused at once when
that is httpx's own transport, and handed, with every socket closed, to anything else (a user's ``pytest-httpx``
or ``respx`` mock answers it, nothing can send it). When ``pytest_httpx`` is imported, its ``HTTPXMock`` is wrapped
too, so an ``httpx_mock`` fixture set up after mockcvm still leaves Tencent Cloud hosts to the fake, unless the
user registered a response for that very URL (theirs wins; such a request is never an unexpected one).

httpx is imported only when a mock starts and httpx is installed; mockcvm does not need it otherwise.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Optional

from mockcvm.hosts import guard_message
from mockcvm.protocol.messages import HttpRequest
from mockcvm.transports import activations, socket_guard


def install() -> Callable[[], None]:
    """Wrap httpx's transports (and pytest-httpx's mock, if imported); return the undo."""
    try:
        import httpx
    except ImportError:  # the async path is optional
        return lambda: None
    original_sync = httpx.HTTPTransport.handle_request
    original_async = httpx.AsyncHTTPTransport.handle_async_request
    real_sync = original_sync if _is_httpx(original_sync) else None
    real_async = original_async if _is_httpx(original_async) else None

    def handle_request(transport: Any, request: Any) -> Any:
        if not activations.any_live():
            return original_sync(transport, request)
        answer = _answer_if_tencent(httpx, request, lambda: request.read())
        if answer is not None:
            return answer
        message = _refusal(request)
        if message is None:
            return original_sync(transport, request)
        if original_sync is real_sync:
            raise httpx.ConnectError(message, request=request)
        with socket_guard.refusing(message):
            return original_sync(transport, request)

    async def handle_async_request(transport: Any, request: Any) -> Any:
        if not activations.any_live():
            return await original_async(transport, request)
        if _tencent_activation(httpx, request) is not None:
            body = await request.aread()
            answer = _answer_if_tencent(httpx, request, lambda: body)
            if answer is not None:
                return answer
        message = _refusal(request)
        if message is None:
            return await original_async(transport, request)
        if original_async is real_async:
            raise httpx.ConnectError(message, request=request)
        with socket_guard.refusing(message):
            return await original_async(transport, request)

    patches: list[tuple[Any, str, Any, Any]] = [
        (httpx.HTTPTransport, "handle_request", original_sync, handle_request),
        (httpx.AsyncHTTPTransport, "handle_async_request", original_async, handle_async_request),
    ]
    pytest_httpx = sys.modules.get("pytest_httpx._httpx_mock")
    if pytest_httpx is not None:
        patches.extend(_pytest_httpx_patches(httpx, pytest_httpx.HTTPXMock))
    for owner, name, _, replacement in patches:
        setattr(owner, name, replacement)

    def remove() -> None:
        for owner, name, original, replacement in reversed(patches):
            if getattr(owner, name) is replacement:  # else someone wrapped us since: ours stays, inert
                setattr(owner, name, original)

    return remove


def _is_httpx(method: Any) -> bool:
    return bool(getattr(method, "__module__", "").startswith("httpx"))


def _pytest_httpx_patches(httpx: Any, mock_class: Any) -> list[tuple[Any, str, Any, Any]]:
    original_sync = mock_class._handle_request
    original_async = mock_class._handle_async_request

    def registered_here(mock: Any, transport: Any, request: Any) -> bool:
        """A response the user registered for this URL (a Tencent one too) wins over the fake's."""
        try:
            return any(matcher.match(transport, request) for matcher, _ in mock._callbacks)
        except Exception:  # noqa: BLE001 (a pytest-httpx version that matches otherwise: the fake answers)
            return False

    def handle_request(mock: Any, transport: Any, request: Any) -> Any:
        request.read()
        if activations.any_live() and not registered_here(mock, transport, request):
            answer = _answer_if_tencent(httpx, request, lambda: request.content)
            if answer is not None:
                return answer
        with socket_guard.not_refusing():
            return original_sync(mock, transport, request)

    async def handle_async_request(mock: Any, transport: Any, request: Any) -> Any:
        if activations.any_live() and _tencent_activation(httpx, request) is not None:
            body = await request.aread()
            if not registered_here(mock, transport, request):
                answer = _answer_if_tencent(httpx, request, lambda: body)
                if answer is not None:
                    return answer
        with socket_guard.not_refusing():
            return await original_async(mock, transport, request)

    return [
        (mock_class, "_handle_request", original_sync, handle_request),
        (mock_class, "_handle_async_request", original_async, handle_async_request),
    ]


def _tencent_activation(httpx: Any, request: Any) -> Optional[activations.Activation]:
    url = str(request.url)
    activation = activations.current()
    if activation is None:
        if any(a.hosts.lookup(url)[0] for a in activations.live()):
            raise httpx.ConnectError(activations.no_activation_message(url, request.method), request=request)
        return None
    return activation if activation.hosts.lookup(url)[0] else None


def _answer_if_tencent(httpx: Any, request: Any, read_body: Callable[[], bytes]) -> Any:
    activation = _tencent_activation(httpx, request)
    if activation is None:
        return None
    url = str(request.url)
    service = activation.hosts.lookup(url)[1]
    http = HttpRequest(
        method=request.method.upper(),
        url=url,
        headers={k.lower(): v for k, v in request.headers.items()},
        body=read_body(),
    )
    response = activation.cloud._handle(http, service)
    body = b"" if http.method == "HEAD" else response.body
    return httpx.Response(response.status, headers=response.headers, content=body, request=request)


def _refusal(request: Any) -> Optional[str]:
    """The guard's message for a request to a host that is neither Tencent's nor allowed; None if allowed."""
    url = str(request.url)
    activation = activations.current()
    if activation is not None and activation.hosts.allowed(url):
        return None
    return guard_message(url, request.method)
