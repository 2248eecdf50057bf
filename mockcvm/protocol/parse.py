"""Turn an HTTP request into an :class:`ApiCall`: TC3-HMAC-SHA256 (JSON POST, GET) and v1 HmacSHA1/HmacSHA256
(form POST, GET). Nothing here knows the API schema; a request that cannot be read raises :class:`ApiError`."""

from __future__ import annotations

import json
import re
from typing import Any, Optional
from urllib.parse import parse_qsl, urlsplit

from mockcvm.errors import ApiError, AuthFailure, InvalidParameter, InvalidParameterValue, MissingParameter
from mockcvm.protocol.messages import ApiCall, HttpRequest

#: Size above which a body is refused without being read (the real gateway's limit is 10 MB for most APIs).
MAX_BODY_BYTES = 10 * 1024 * 1024

#: v1 parameters that belong to the protocol, not to the action.
V1_COMMON = frozenset(
    {"Action", "Version", "Region", "Timestamp", "Nonce", "SecretId", "SignatureMethod", "Signature", "Token",
     "RequestClient", "Language"}
)
V1_SIGNATURE_METHODS = ("HmacSHA1", "HmacSHA256")
_CREDENTIAL = re.compile(r"Credential=([^/,\s]*)/(\d{4}-\d{2}-\d{2})/([a-z0-9]+)/tc3_request")
_SIGNATURE = re.compile(r"Signature=([0-9a-fA-F]+)")
_SIGNED_HEADERS = re.compile(r"SignedHeaders=([a-z0-9;\-]+)")


def parse(request: HttpRequest, service: Optional[str]) -> ApiCall:
    """Read the call. ``service`` comes from the host when the host names one; TC3 names it in its scope too."""
    method = request.method.upper()
    if method not in ("GET", "POST"):
        raise ApiError(f"HTTP method {method} is not supported; use GET or POST.", code="UnsupportedProtocol")
    if len(request.body) > MAX_BODY_BYTES:
        raise ApiError(
            f"The request body is {len(request.body)} bytes; the limit is {MAX_BODY_BYTES}.",
            code="RequestSizeLimitExceeded",
        )
    parts = urlsplit(request.url)
    host = request.headers.get("host") or parts.netloc
    query = parts.query
    content_type = request.headers.get("content-type", "")
    authorization = request.headers.get("authorization", "")
    if authorization.startswith("TC3-HMAC-SHA256"):
        algorithm = authorization.split(None, 1)[0].rstrip(",")
        if algorithm != "TC3-HMAC-SHA256":
            raise AuthFailure(
                f"The Authorization header names the algorithm {algorithm[:40]!r}; the only one is TC3-HMAC-SHA256.",
                code="AuthFailure.InvalidAuthorization",
            )
        return _parse_tc3(request, method, host, query, content_type, authorization, service)
    if authorization:
        raise AuthFailure(
            "The Authorization header is not TC3-HMAC-SHA256; sign with TC3-HMAC-SHA256, or with v1 "
            "HmacSHA1/HmacSHA256 parameters and no Authorization header.",
            code="AuthFailure.InvalidAuthorization",
        )
    return _parse_v1(request, method, host, query, content_type, service)


def _text(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidParameter(f"The {what} is not valid UTF-8 (byte {exc.start}).") from None


def _pairs(text: str, what: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidParameter(f"The {what} cannot be parsed: {exc}.") from None


def _parse_tc3(
    request: HttpRequest,
    method: str,
    host: str,
    query: str,
    content_type: str,
    authorization: str,
    service: Optional[str],
) -> ApiCall:
    headers = request.headers
    credential = _CREDENTIAL.search(authorization)
    signature = _SIGNATURE.search(authorization)
    signed_headers = _SIGNED_HEADERS.search(authorization)
    if not credential or not signature:
        raise AuthFailure(
            "The Authorization header is malformed; expected 'TC3-HMAC-SHA256 Credential=<SecretId>/<date>/"
            "<service>/tc3_request, SignedHeaders=content-type;host, Signature=<hex>'.",
            code="AuthFailure.InvalidAuthorization",
        )
    scope_service = credential.group(3)
    # The Node SDK signs with the first label of its endpoint: against an IP address (server mode) its scope says
    # "127". Such a scope names no service, so it cannot name another one.
    if service is not None and scope_service != service and not scope_service.isdigit():
        raise AuthFailure(
            f"The Authorization header's credential scope names the service {scope_service!r}, but the request "
            f"is for {service!r}; sign with the scope <date>/{service}/tc3_request.",
            code="AuthFailure.InvalidAuthorization",
        )
    action = headers.get("x-tc-action", "")
    version = headers.get("x-tc-version", "")
    if not action:
        raise MissingParameter("The request is missing the X-TC-Action header.")
    if not version:
        raise MissingParameter("The request is missing the X-TC-Version header.")
    if method == "POST":
        media_type = content_type.split(";")[0].strip().lower()
        if media_type != "application/json":
            raise InvalidParameter(
                f"Content-Type {content_type or '(none)'} is not supported for a TC3 POST; send application/json."
            )
        body_text = _text(request.body, "request body")
        try:
            params = json.loads(body_text) if body_text.strip() else {}
        except RecursionError:
            raise InvalidParameter(
                f"The request body nests deeper than {MAX_DEPTH} levels; no action takes parameters that deep."
            ) from None
        except ValueError as exc:
            raise InvalidParameter(f"The request body is not valid JSON: {exc}.") from None
        if not isinstance(params, dict):
            raise InvalidParameter("The request body must be a JSON object.")
        flattened = False
        canonical_query = ""
        payload: bytes = request.body
    else:
        params = _unflatten(_pairs(query, "query string"))
        flattened = True
        canonical_query = query
        payload = b""
    if method == "POST" and _ESCAPED_SURROGATE.search(body_text):  # only JSON escapes can carry one
        check_text(params)
    timestamp = _timestamp(headers.get("x-tc-timestamp"), "X-TC-Timestamp")
    return ApiCall(
        service=service or scope_service,
        version=version,
        action=action,
        region=headers.get("x-tc-region", ""),
        params=params,
        language=headers.get("x-tc-language", "en-US") or "en-US",
        secret_id=credential.group(1),
        signature_method="TC3-HMAC-SHA256",
        host=host,
        timestamp=timestamp,
        token=headers.get("x-tc-token"),
        flattened=flattened,
        signing={
            "method": method,
            "query": canonical_query,
            "content_type": request.headers.get("content-type", ""),
            "payload": payload,
            "date": credential.group(2),
            "scope_service": scope_service,
            "signed_headers": signed_headers.group(1) if signed_headers else "content-type;host",
            "headers": headers,
            "signature": signature.group(1).lower(),
            "unsigned_payload": headers.get("x-tc-content-sha256") == "UNSIGNED-PAYLOAD",
        },
    )


def _parse_v1(
    request: HttpRequest, method: str, host: str, query: str, content_type: str, service: Optional[str]
) -> ApiCall:
    if method == "POST":
        media_type = content_type.split(";")[0].strip().lower()
        if media_type != "application/x-www-form-urlencoded":
            raise AuthFailure(
                "The request carries no Authorization header, so it must be signed with v1 parameters in an "
                f"application/x-www-form-urlencoded body; got Content-Type {content_type or '(none)'}.",
                code="AuthFailure.SignatureFailure",
            )
        pairs = _pairs(_text(request.body, "request body"), "request body")
    else:
        pairs = _pairs(query, "query string")
    flat = dict(pairs)
    for name in ("Action", "Version"):
        if not flat.get(name):
            raise MissingParameter(f"The request is missing a required parameter `{name}`.")
    if not flat.get("Signature"):
        raise AuthFailure(
            "The request is not signed: neither an Authorization header (TC3) nor a v1 `Signature` parameter.",
            code="AuthFailure.SignatureFailure",
        )
    if not flat.get("SecretId"):
        raise AuthFailure("The request is missing `SecretId`.", code="AuthFailure.SecretIdNotFound")
    if service is None:
        raise InvalidParameter(
            f"mockcvm cannot tell which service host {host!r} stands for in a v1-signed call; name it with "
            "mock_cvm(endpoints={host: service})."
        )
    params = _unflatten([(k, v) for k, v in pairs if k not in V1_COMMON])
    signature_method = flat.get("SignatureMethod", "HmacSHA1") or "HmacSHA1"
    if signature_method not in V1_SIGNATURE_METHODS:
        raise AuthFailure(
            f"SignatureMethod {signature_method[:40]!r} is not supported; use HmacSHA1 or HmacSHA256.",
            code="AuthFailure.SignatureFailure",
        )
    if not flat.get("Nonce"):
        raise MissingParameter("The request is missing a required parameter `Nonce` (a random positive integer).")
    return ApiCall(
        service=service,
        version=flat["Version"],
        action=flat["Action"],
        region=flat.get("Region", ""),
        params=params,
        language=flat.get("Language", "en-US") or "en-US",
        secret_id=flat["SecretId"],
        signature_method=signature_method,
        host=host,
        timestamp=_timestamp(flat.get("Timestamp"), "Timestamp"),
        token=flat.get("Token"),
        flattened=True,
        signing={"method": method, "flat": {k: v for k, v in pairs if k != "Signature"},
                 "signature": flat["Signature"], "nonce": flat["Nonce"]},
    )


def _timestamp(raw: Optional[str], name: str) -> Optional[int]:
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidParameter(f"`{name}` must be a Unix timestamp in seconds, got {raw!r}.") from None


_INDEX = re.compile(r"^(0|[1-9][0-9]{0,6})$")
#: How deep parameters may nest (the deepest action input in the schemas is well under 10 levels).
MAX_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def check_text(params: Any, path: str = "", depth: int = 0) -> None:
    """Refuse parameters nested deeper than :data:`MAX_DEPTH`, and text that is not valid Unicode (a lone
    surrogate such as ``"\\ud800"``, which JSON can carry but UTF-8 cannot), in names and in values alike."""
    if depth > MAX_DEPTH:
        raise InvalidParameter(f"The parameter `{path}` nests deeper than {MAX_DEPTH} levels.")
    if isinstance(params, dict):
        for key, value in params.items():
            if _SURROGATE.search(key):
                raise InvalidParameter(
                    f"A parameter name under `{path or '(top)'}` is not valid Unicode text: {_ascii(key)}."
                )
            check_text(value, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(params, list):
        for index, value in enumerate(params):
            check_text(value, f"{path}.{index}", depth + 1)
    elif isinstance(params, str) and _SURROGATE.search(params):
        raise InvalidParameterValue(
            f"The value of `{path}` is not valid Unicode text (it holds a lone surrogate): {_ascii(params)}."
        )


def _ascii(text: str) -> str:
    shown = ascii(text)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _unflatten(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``Filters.0.Values.1=x`` -> ``{"Filters": [{"Values": [?, "x"]}]}``; numeric segments are list indices."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        segments = key.split(".")
        if len(segments) > MAX_DEPTH:
            raise InvalidParameter(f"The parameter name `{key[:60]}` nests deeper than {MAX_DEPTH} levels.")
        node: Any = root
        for position, segment in enumerate(segments):
            is_index = bool(_INDEX.match(segment))
            slot: Any
            if isinstance(node, _Sparse):
                if not is_index:
                    raise InvalidParameter(f"The parameter `{key}` mixes list and object forms.")
                slot = int(segment)
            elif isinstance(node, dict):
                if is_index or not segment:
                    raise InvalidParameter(f"The parameter name `{key}` is malformed.")
                slot = segment
            else:
                raise InvalidParameter(f"The parameter `{key}` is given both as a value and as a structure.")
            if position == len(segments) - 1:
                if isinstance(node.get(slot), dict):
                    raise InvalidParameter(f"The parameter `{key}` is given both as a value and as a structure.")
                node[slot] = value
            else:
                child = node.get(slot)
                if child is None:
                    child = _Sparse() if _INDEX.match(segments[position + 1]) else {}
                    node[slot] = child
                node = child
    return _densify(root)  # type: ignore[no-any-return]


class _Sparse(dict):  # type: ignore[type-arg]
    """A list being built from indexed keys, which may arrive in any order."""


def _densify(node: Any) -> Any:
    if isinstance(node, _Sparse):
        indices = sorted(node)
        if indices != list(range(len(indices))):
            raise InvalidParameter("A list parameter has gaps in its indices.")
        return [_densify(node[i]) for i in indices]
    if isinstance(node, dict):
        return {k: _densify(v) for k, v in node.items()}
    return node
