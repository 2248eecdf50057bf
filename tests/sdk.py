"""Real tencentcloud SDK clients for the tests: sync (requests) or async (httpx), TC3 or v1 signing, POST or GET."""

from __future__ import annotations

import importlib
from typing import Any

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException as SDKError
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

VERSIONS = {
    "cvm": "v20170312",
    "vpc": "v20170312",
    "cbs": "v20170312",
    "tag": "v20180813",
    "billing": "v20180709",
    "sts": "v20180813",
    "monitor": "v20180724",
}
__all__ = ["SDKError", "call", "client", "models", "request"]

CLASS_NAMES = {
    "cvm": "Cvm", "vpc": "Vpc", "cbs": "Cbs", "tag": "Tag", "billing": "Billing", "sts": "Sts", "monitor": "Monitor",
}

SECRET_ID = "AKIDmockcvmTESTsecretid00000000000"
SECRET_KEY = "mockcvmTESTsecretkey0000000000000"


def models(service: str) -> Any:
    return importlib.import_module(f"tencentcloud.{service}.{VERSIONS[service]}.models")


def client(
    service: str = "cvm",
    region: str = "ap-guangzhou",
    *,
    sign: str = "TC3-HMAC-SHA256",
    method: str = "POST",
    asynchronous: bool = False,
    endpoint: str | None = None,
    language: str | None = None,
    secret_id: str = SECRET_ID,
    secret_key: str = SECRET_KEY,
    **profile_options: Any,
) -> Any:
    """A client of ``service`` as a user would build it."""
    http = HttpProfile(reqMethod=method, endpoint=endpoint)
    for name, value in profile_options.items():
        setattr(http, name, value)
    profile = ClientProfile(signMethod=sign, httpProfile=http)
    if language:
        profile.language = language
    suffix = "_client_async" if asynchronous else "_client"
    module = importlib.import_module(f"tencentcloud.{service}.{VERSIONS[service]}.{service}{suffix}")
    cls = getattr(module, CLASS_NAMES[service] + "Client")
    return cls(credential.Credential(secret_id, secret_key), region, profile)


def request(service: str, action: str, **params: Any) -> Any:
    """``models.<Action>Request`` filled from ``params`` the way a user would (``from_json_string``)."""
    import json

    req = getattr(models(service), action + "Request")()
    req.from_json_string(json.dumps(params))
    return req


def call(client_: Any, action: str, **params: Any) -> Any:
    service = type(client_).__module__.split(".")[1]
    return getattr(client_, action)(request(service, action, **params))
