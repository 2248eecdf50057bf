"""Real SDK clients for the benchmarks, built the way a user builds them."""

from __future__ import annotations

import importlib
import json
from typing import Any

from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

VERSIONS = {"cvm": "v20170312", "vpc": "v20170312", "cbs": "v20170312", "tag": "v20180813",
            "billing": "v20180709", "sts": "v20180813", "monitor": "v20180724"}
CLASS_NAMES = {"cvm": "Cvm", "vpc": "Vpc", "cbs": "Cbs", "tag": "Tag", "billing": "Billing", "sts": "Sts",
               "monitor": "Monitor"}


def client(service: str, region: str = "ap-guangzhou", *, asynchronous: bool = False) -> Any:
    profile = ClientProfile(httpProfile=HttpProfile())
    suffix = "_client_async" if asynchronous else "_client"
    module = importlib.import_module(f"tencentcloud.{service}.{VERSIONS[service]}.{service}{suffix}")
    cls = getattr(module, CLASS_NAMES[service] + "Client")
    return cls(credential.Credential("AKIDbenchmark000000000000000000000", "benchsecret"), region, profile)


def request(service: str, action: str, **params: Any) -> Any:
    models = importlib.import_module(f"tencentcloud.{service}.{VERSIONS[service]}.models")
    req = getattr(models, action + "Request")()
    req.from_json_string(json.dumps(params))
    return req
