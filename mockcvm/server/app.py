"""The ASGI application: ``/_mockcvm/...`` is the control API and the dashboard, every other path is the API.

An API request becomes the :class:`~mockcvm.protocol.messages.HttpRequest` the in-process transports make and goes
to :meth:`ServedCloud.api`; its answer is the Tencent envelope, byte for byte. A control call answers JSON; a bad
body is a 400 with ``{"error": message}`` and changes nothing.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs

from mockcvm.protocol.messages import HttpRequest
from mockcvm.protocol.parse import MAX_BODY_BYTES
from mockcvm.server.service import CONTROL_OPERATIONS, BadControlCall, ServedCloud

PREFIX = "/_mockcvm"
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Answer = tuple[int, str, bytes]

_JSON = "application/json"
_STATIC = {
    "": ("index.html", "text/html; charset=utf-8"),
    "dashboard.js": ("dashboard.js", "text/javascript; charset=utf-8"),
    "dashboard.css": ("dashboard.css", "text/css; charset=utf-8"),
}


class _Disconnected(Exception):
    pass


class App:
    """``App(served)``: an ASGI 3 application around one :class:`ServedCloud`."""

    def __init__(self, served: ServedCloud) -> None:
        self.served = served

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        try:
            body = await _read_body(receive)
        except _Disconnected:
            return
        path: str = scope.get("path", "/")
        if path == PREFIX or path.startswith(PREFIX + "/"):
            status, content_type, payload = self._control(scope, path[len(PREFIX):].strip("/"), body)
            headers = [(b"content-type", content_type.encode()), (b"cache-control", b"no-store")]
        else:
            response = self.served.api(_http_request(scope, body))
            status, payload = response.status, response.body
            headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.items()]
        headers.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    # -- the control API ------------------------------------------------------------------------------------

    def _control(self, scope: dict[str, Any], route: str, body: bytes) -> Answer:
        method = scope.get("method", "GET")
        try:
            if route in _STATIC and method in ("GET", "HEAD"):
                name, content_type = _STATIC[route]
                page = resources.files("mockcvm.server").joinpath("dashboard").joinpath(name)
                return 200, content_type, page.read_bytes()
            return self._route(method, route, scope, body)
        except BadControlCall as exc:
            return _json(400, {"error": str(exc)})
        except Exception as exc:  # noqa: BLE001 - a bug in mockcvm: say so, never send a traceback
            return _json(500, {"error": f"mockcvm failed on this control call ({type(exc).__name__}: {exc})"})

    def _route(self, method: str, route: str, scope: dict[str, Any], body: bytes) -> Answer:
        served = self.served
        reads: dict[str, Callable[[], Any]] = {
            "health": lambda: {"status": "ok"},
            "clock": served.clock_state,
            "state": served.state,
            "journal": lambda: served.journal(_limit(scope)),
        }
        writes: dict[str, Callable[[dict[str, Any]], Any]] = {
            "clock": served.move_clock,
            "reset": lambda _body: served.reset(),
        }
        for operation in CONTROL_OPERATIONS:
            writes[operation] = functools.partial(served.control, operation)
        if method == "GET" and route in reads:
            return _json(200, reads[route]())
        if method == "POST" and route in writes:
            return _json(200, writes[route](_json_body(body, allow_empty=route == "reset")))
        if route in reads or route in writes:
            allowed = " or ".join(m for m, table in (("GET", reads), ("POST", writes)) if route in table)
            return _json(405, {"error": f"{method} {PREFIX}/{route}: use {allowed}"})
        known = sorted({*reads, *writes})
        return _json(404, {"error": f"no control endpoint {PREFIX}/{route}; the endpoints are "
                                    + ", ".join(f"{PREFIX}/{name}" for name in known)})


def _json(status: int, value: Any) -> Answer:
    return status, _JSON, json.dumps(value, ensure_ascii=False).encode("utf-8")


def _json_body(body: bytes, allow_empty: bool = False) -> dict[str, Any]:
    if not body.strip():
        if allow_empty:
            return {}
        raise BadControlCall("the body must be a JSON object")
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadControlCall(f"the body is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise BadControlCall("the body must be a JSON object")
    return value


def _limit(scope: dict[str, Any]) -> int:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    text = query.get("limit", ["50"])[-1]
    if not text.isdigit():
        raise BadControlCall(f"limit must be a whole number, got {text!r}")
    return int(text)


def _http_request(scope: dict[str, Any], body: bytes) -> HttpRequest:
    headers: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    host = headers.get("host") or "{}:{}".format(*(scope.get("server") or ("127.0.0.1", 80)))
    path = scope.get("raw_path") or scope.get("path", "/").encode()
    query: bytes = scope.get("query_string", b"")
    url = f"{scope.get('scheme', 'http')}://{host}{path.decode('latin-1')}" + (f"?{query.decode('latin-1')}"
                                                                                 if query else "")
    return HttpRequest(method=scope.get("method", "GET"), url=url, headers=headers, body=body)


async def _read_body(receive: Receive) -> bytes:
    """The whole body; past the size limit only its first ``MAX_BODY_BYTES + 1`` bytes (enough to refuse it)."""
    chunks: list[bytes] = []
    kept = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        if kept <= MAX_BODY_BYTES:
            chunks.append(chunk)
            kept += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)[: MAX_BODY_BYTES + 1]


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return

