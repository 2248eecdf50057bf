"""The success and error envelopes, byte for byte what the SDK expects.

The content type must be exactly ``application/json``: the SDK only looks for an error in the body when it is, so
a ``; charset=utf-8`` suffix would turn every refusal into a silent success.
"""

from __future__ import annotations

import json
from typing import Any

from mockcvm.protocol.messages import HttpResponse

JSON_HEADERS = {"Content-Type": "application/json"}


class RawJson(str):
    """A value already encoded as JSON (a handler's fast path for large, repeated shapes); sent as it is."""


def success(fields: dict[str, Any], request_id: str) -> HttpResponse:
    if any(type(value) is RawJson for value in fields.values()):
        members = [
            f"{_text(name)}:{value if type(value) is RawJson else _text(value)}" for name, value in fields.items()
        ]
        members.append(f'"RequestId":{_text(request_id)}')
        text = '{"Response":{' + ",".join(members) + "}}"
        return HttpResponse(200, dict(JSON_HEADERS), _encode(text))
    body = dict(fields)
    body["RequestId"] = request_id
    return HttpResponse(200, dict(JSON_HEADERS), _dump({"Response": body}))


def failure(code: str, message: str, request_id: str) -> HttpResponse:
    body = {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}}
    return HttpResponse(200, dict(JSON_HEADERS), _dump(body))


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _dump(body: dict[str, Any]) -> bytes:
    return _encode(_text(body))


def _encode(text: str) -> bytes:
    """UTF-8; text that UTF-8 cannot carry (a lone surrogate) goes out as a JSON escape, as the SDK sent it."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(json.loads(text), ensure_ascii=True, separators=(",", ":")).encode("ascii")
