"""Which service a request to the server is for, when its Host header is only ``127.0.0.1:4566``.

In order: a Tencent host name (``cvm.tencentcloudapi.com``, or a name given with ``endpoints``), the service in a
TC3 credential scope (``Credential=AKID.../2026-01-05/cvm/tc3_request``), then the action's name if exactly one
faked service has it. Otherwise :func:`service_for` raises an ApiError that says how to name the service.
"""

from __future__ import annotations

import re
from typing import Optional
from urllib.parse import parse_qsl, urlsplit

from mockcvm.errors import ApiError
from mockcvm.hosts import HostMap
from mockcvm.protocol import schema
from mockcvm.protocol.messages import HttpRequest

_SCOPE = re.compile(r"Credential=[^/,\s]*/\d{4}-\d{2}-\d{2}/([a-z0-9]+)/tc3_request")


def service_for(request: HttpRequest, hosts: HostMap) -> str:
    host = request.headers.get("host", "")
    known, service = hosts.lookup(f"http://{host}/")
    if known and service:
        return service
    match = _SCOPE.search(request.headers.get("authorization", ""))
    if match and match.group(1) in schema.SERVICES:
        return match.group(1)
    action = _action_name(request)
    if action:
        having = [name for name in schema.SERVICES if schema.has_action(name, action)]
        if len(having) == 1:
            return having[0]
        if len(having) > 1:
            raise ApiError(
                f"The action {action} exists in several services ({', '.join(having)}) and this request does not "
                "say which one it is for. Send the service's host name in the Host header (for example "
                f"Host: {having[0]}.tencentcloudapi.com), or sign with TC3-HMAC-SHA256 and the service in the "
                "credential scope (the Python SDK and tccli do both).",
                code="InvalidAction",
            )
        raise ApiError(
            f"The action {action} does not exist in any service mockcvm fakes ({', '.join(schema.SERVICES)}).",
            code="InvalidAction",
        )
    raise ApiError(
        "mockcvm cannot tell which service this request is for: it has no Tencent host name in its Host header, "
        "no service in a TC3 credential scope and no action name. Name the action (X-TC-Action header, or the "
        "Action parameter of a v1 call) and the service (Host: cvm.tencentcloudapi.com).",
        code="MissingParameter",
    )


def _action_name(request: HttpRequest) -> Optional[str]:
    action = request.headers.get("x-tc-action")
    if action:
        return action
    query = urlsplit(request.url).query
    pairs = parse_qsl(query, keep_blank_values=True)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.method.upper() == "POST" and content_type == "application/x-www-form-urlencoded":
        try:
            pairs += parse_qsl(request.body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return None
    for name, value in pairs:
        if name == "Action" and value:
            return value
    return None
