"""Signature checks for TC3-HMAC-SHA256 and v1 HmacSHA1/HmacSHA256, done only with ``verify_signatures=True``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import weakref
from datetime import datetime, timezone
from typing import Any

from mockcvm.errors import AuthFailure
from mockcvm.protocol.messages import ApiCall

#: How far X-TC-Timestamp may be from the fake's clock, in seconds.
MAX_SKEW_SECONDS = 300
#: world -> {(SecretId, Nonce): when it was seen}, for the replay check of v1 requests.
_SEEN_NONCES: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], float]] = weakref.WeakKeyDictionary()


def check_timestamp(call: ApiCall, now: float) -> None:
    if call.timestamp is None:
        raise AuthFailure("The request carries no timestamp.", code="AuthFailure.SignatureExpire")
    if abs(call.timestamp - now) > MAX_SKEW_SECONDS:
        raise AuthFailure(
            f"The request's timestamp {call.timestamp} is more than {MAX_SKEW_SECONDS} s away from the server "
            f"time {int(now)}; the signature has expired.",
            code="AuthFailure.SignatureExpire",
        )


def verify(call: ApiCall, secret_key: str) -> None:
    """Raise ``AuthFailure.SignatureFailure`` unless the request was signed with ``secret_key``."""
    expected = _tc3(call, secret_key) if call.signature_method == "TC3-HMAC-SHA256" else _v1(call, secret_key)
    if not any(hmac.compare_digest(one, call.signing["signature"]) for one in expected.split(" ")):
        raise AuthFailure(
            "The signature does not match: check the SecretKey registered for this SecretId "
            "(Cloud.register_credentials) and that the request was not changed after signing.",
            code="AuthFailure.SignatureFailure",
        )


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def check_replay(world: Any, call: ApiCall, now: float) -> None:
    """Refuse a v1 request whose ``Nonce`` this SecretId already used within the timestamp window."""
    nonce = call.signing.get("nonce")
    if nonce is None:
        return
    seen = _SEEN_NONCES.setdefault(world, {})
    if len(seen) > 10_000 or next(iter(seen.values()), now) < now - 2 * MAX_SKEW_SECONDS:
        for key in [k for k, at in seen.items() if at < now - 2 * MAX_SKEW_SECONDS]:
            del seen[key]
    key = (call.secret_id, nonce)
    if key in seen:
        raise AuthFailure(
            f"The Nonce {nonce[:24]!r} was already used by this SecretId within the last {MAX_SKEW_SECONDS} s; "
            "every request needs a new random Nonce (a replayed request is refused).",
            code="AuthFailure.SignatureExpire",
        )
    seen[key] = now


def _tc3(call: ApiCall, secret_key: str) -> str:
    signing = call.signing
    payload = b"UNSIGNED-PAYLOAD" if signing["unsigned_payload"] else signing["payload"]
    names = signing["signed_headers"].split(";")
    if "host" not in names or "content-type" not in names:
        raise AuthFailure(
            f"SignedHeaders {signing['signed_headers']!r} must include content-type and host.",
            code="AuthFailure.InvalidAuthorization",
        )
    headers = dict(signing.get("headers", {}), host=call.host)
    missing = [name for name in names if name not in headers]
    if missing:
        raise AuthFailure(
            f"SignedHeaders names {', '.join(missing)}, which the request does not carry.",
            code="AuthFailure.InvalidAuthorization",
        )
    date = signing["date"]
    if call.timestamp is not None:
        stamp_date = datetime.fromtimestamp(call.timestamp, timezone.utc).strftime("%Y-%m-%d")
        if stamp_date != date:
            raise AuthFailure(
                f"The credential scope's date {date} is not the UTC date {stamp_date} of X-TC-Timestamp.",
                code="AuthFailure.SignatureFailure",
            )
    # The documented form lower-cases the values; the SDK sends them as they are (they are lower-case anyway).
    candidates = {"".join(f"{n}:{headers[n].strip().lower()}\n" for n in names),
                  "".join(f"{n}:{headers[n].strip()}\n" for n in names)}
    return " ".join(_tc3_signature(call, secret_key, payload, canonical, date) for canonical in sorted(candidates))


def _tc3_signature(call: ApiCall, secret_key: str, payload: bytes, canonical_headers: str, date: str) -> str:
    signing = call.signing
    canonical_request = "\n".join(
        [signing["method"], "/", signing["query"], canonical_headers, signing["signed_headers"],
         hashlib.sha256(payload).hexdigest()]
    )
    scope = f"{date}/{signing['scope_service']}/tc3_request"
    string_to_sign = "\n".join(
        ["TC3-HMAC-SHA256", str(call.timestamp), scope,
         hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()]
    )
    secret_date = _hmac(("TC3" + secret_key).encode("utf-8"), date)
    secret_service = _hmac(secret_date, signing["scope_service"])
    secret_signing = _hmac(secret_service, "tc3_request")
    return hmac.new(secret_signing, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def _v1(call: ApiCall, secret_key: str) -> str:
    flat = {k.replace("_", "."): v for k, v in call.signing["flat"].items()}
    query = "&".join(f"{k}={flat[k]}" for k in sorted(flat))
    message = f"{call.signing['method']}{call.host}/?{query}"
    digest = hashlib.sha256 if call.signature_method == "HmacSHA256" else hashlib.sha1
    raw = hmac.new(secret_key.encode("utf-8"), message.encode("utf-8"), digest).digest()
    return base64.b64encode(raw).decode("ascii")
