"""The ``requests`` adapter (the SDK's sync clients): ``HTTPAdapter.send`` and every ``responses`` mock.

Two interceptions, installed together by :mod:`mockcvm.transports.activations`:

- ``HTTPAdapter.send`` is wrapped at class level, so every session (made before or after the activation) and
  every adapter subclass that reaches ``super().send`` comes through it, whatever the HTTP method. A Tencent
  Cloud host is answered by the fake. Any other host goes on to whatever ``send`` was in place when mockcvm
  started if it is in ``allow_hosts``; otherwise it is refused at once when that is the real ``send``, and, when
  it is something else (a user's ``responses`` mock or any other wrapper), handed to it with every socket closed,
  so a mock can answer it and nothing can send it.
- ``responses.RequestsMock._on_request`` is wrapped at class level, so a user's ``responses`` mock (the module's
  default one under ``@responses.activate``, or a ``RequestsMock`` of their own), started before or after
  mockcvm, answers the hosts it knows while Tencent Cloud hosts are answered by the fake, never refused for
  want of a match and never passed through to the network (``add_passthru`` included). The one exception: a
  response the user registered for a Tencent Cloud URL in a mock that sits on top of mockcvm's interception
  (started after it) answers that URL.

This module deliberately does not use a private ``responses.RequestsMock`` to answer: such a mock only answers
the methods it registered callbacks for and passes the rest through.
"""

from __future__ import annotations

import io
from http import client as http_client
from typing import TYPE_CHECKING, Any, Callable, Optional

from mockcvm.errors import NetworkGuardError
from mockcvm.hosts import guard_message
from mockcvm.protocol.messages import HttpRequest
from mockcvm.transports import activations, socket_guard

if TYPE_CHECKING:
    from requests import PreparedRequest, Response
    from requests.adapters import HTTPAdapter


def install() -> Callable[[], None]:
    """Wrap ``HTTPAdapter.send`` and ``responses.RequestsMock._on_request``; return the undo."""
    import responses  # imported when a mock starts, not with mockcvm: it costs ~20 ms
    from requests.adapters import HTTPAdapter

    underneath = HTTPAdapter.send
    real_send = responses._real_send
    original_on_request = responses.RequestsMock._on_request

    def send(adapter: HTTPAdapter, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        if not activations.any_live():
            return underneath(adapter, request, *args, **kwargs)
        url = request.url or ""
        answer = _answer_if_tencent(adapter, request)
        if answer is not None:
            return answer
        activation = activations.current()
        if activation is not None and activation.hosts.allowed(url):
            return underneath(adapter, request, *args, **kwargs)
        message = guard_message(url, request.method or "GET")
        if underneath is real_send:
            raise NetworkGuardError(message)
        with socket_guard.refusing(message):
            return underneath(adapter, request, *args, **kwargs)

    def on_request(mock: Any, adapter: HTTPAdapter, request: PreparedRequest, **kwargs: Any) -> Any:
        if activations.any_live() and not _registered_here(mock, request, kwargs):
            answer = _answer_if_tencent(adapter, request)
            if answer is not None:
                return answer
        with socket_guard.not_refusing():
            return original_on_request(mock, adapter, request, **kwargs)

    patches: list[tuple[Any, str, Any, Any]] = [
        (HTTPAdapter, "send", underneath, send),
        (responses.RequestsMock, "_on_request", original_on_request, on_request),
    ]
    for owner, name, _, replacement in patches:
        setattr(owner, name, replacement)

    def remove() -> None:
        for owner, name, original, replacement in reversed(patches):
            if getattr(owner, name) is replacement:  # else someone wrapped us since: ours stays, inert
                setattr(owner, name, original)

    return remove


def _registered_here(mock: Any, request: PreparedRequest, kwargs: dict[str, Any]) -> bool:
    """Whether the user's ``responses`` mock has a response of its own (not a passthrough) for ``request``: an
    answer the user registered for a Tencent Cloud URL wins over the fake's."""
    try:
        # what RequestsMock._on_request sets before it matches, so that query and kwargs matchers work alike
        request.params = mock._parse_request_params(request.path_url)  # type: ignore[attr-defined]
        request.req_kwargs = kwargs  # type: ignore[attr-defined]
        return any(
            not getattr(response, "passthrough", False) and response.matches(request)[0]
            for response in mock.registered()
        )
    except Exception:  # noqa: BLE001 (a responses version that matches otherwise: the fake answers)
        return False


def _answer_if_tencent(adapter: HTTPAdapter, request: PreparedRequest) -> Optional[Response]:
    """The fake's answer when ``request`` is for a Tencent Cloud host; None for any other host."""
    url = request.url or ""
    method = (request.method or "GET").upper()
    activation = activations.current()
    if activation is None:
        if any(a.hosts.lookup(url)[0] for a in activations.live()):
            raise NetworkGuardError(activations.no_activation_message(url, method))
        return None
    answered, service = activation.hosts.lookup(url)
    if not answered:
        return None
    http = HttpRequest(
        method=method,
        url=url,
        headers={k.lower(): v if isinstance(v, str) else v.decode("latin-1") for k, v in request.headers.items()},
        body=_body(request.body),
    )
    response = activation.cloud._handle(http, service)
    return _response(adapter, request, response.status, response.headers, response.body)


def _body(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8", "surrogatepass")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    return b"".join(
        chunk.encode("utf-8", "surrogatepass") if isinstance(chunk, str) else bytes(chunk) for chunk in body
    )


def _response(adapter: HTTPAdapter, request: PreparedRequest, status: int, headers: dict[str, str],
              body: bytes) -> Response:
    from urllib3 import HTTPResponse

    if (request.method or "").upper() == "HEAD":
        body = b""
    raw = HTTPResponse(
        body=io.BytesIO(body),
        headers=headers,
        status=status,
        reason=http_client.responses.get(status),
        preload_content=False,
        decode_content=False,
        request_method=request.method,
    )
    return adapter.build_response(request, raw)
