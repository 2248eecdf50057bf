"""The plain data that crosses the layers: HTTP in, a parsed API call, HTTP out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass
class HttpRequest:
    """What a transport adapter hands to the fake. ``headers`` keys are lower-case."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class ApiCall:
    """A request the protocol layer understood: which action, for whom, with which parameters."""

    service: str
    version: str
    action: str
    region: str
    params: dict[str, Any]
    language: str = "en-US"
    secret_id: str = ""
    signature_method: str = "TC3-HMAC-SHA256"
    host: str = ""
    timestamp: Optional[int] = None
    token: Optional[str] = None
    #: True when parameters came flattened from a query string or form body, so every value is a string that
    #: the schema coerces (``"True"`` -> True, ``"20"`` -> 20).
    flattened: bool = False
    #: Information needed to check the signature once the secret key is known.
    signing: dict[str, Any] = field(default_factory=dict)
