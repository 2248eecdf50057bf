"""The success and error envelopes, byte for byte what the SDK expects.

The content type must be exactly ``application/json``: the SDK only looks for an error in the body when it is, so
a ``; charset=utf-8`` suffix would turn every refusal into a silent success.
"""

from __future__ import annotations

import json
from typing import Any

from mockcvm.protocol.messages import HttpResponse

JSON_HEADERS = {"Content-Type": "application/json"}


def success(fields: dict[str, Any], request_id: str) -> HttpResponse:
    body = dict(fields)
    body["RequestId"] = request_id
    return HttpResponse(200, dict(JSON_HEADERS), _dump({"Response": body}))


def failure(code: str, message: str, request_id: str) -> HttpResponse:
    body = {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}}
    return HttpResponse(200, dict(JSON_HEADERS), _dump(body))


def _dump(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
