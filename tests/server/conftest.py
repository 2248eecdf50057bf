"""Shared pieces of the server tests: one frozen server per module, SDK clients pointed at it, control calls."""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request
from datetime import datetime, timezone
from typing import Any, Callable, Iterator, Optional

import pytest

from mockcvm.server import ThreadedServer

SECRET_ID, SECRET_KEY = "AKIDmockcvmSERVERtest000000000000000", "mockcvmSERVERtestsecretkey000000"
START = "2026-01-05T04:00:00Z"
WALL_START = datetime(2026, 1, 5, 4, 0, tzinfo=timezone.utc)
RUN = {"ImageId": "img-1a2b3c4d", "Placement": {"Zone": "ap-guangzhou-3"}, "InstanceChargeType": "POSTPAID_BY_HOUR"}


def control(server: Any, method: str, route: str, body: Any = None, raw: Optional[bytes] = None) -> tuple[int, Any]:
    """``(status, JSON answer)`` of a control call (``route`` under /_mockcvm/)."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(f"{server.url}/_mockcvm/{route}", data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def sdk_client(server: Any, module: str = "cvm", region: str = "ap-guangzhou", **profile: Any) -> Any:
    """The Python SDK's sync client of ``module`` with its endpoint at the server."""
    import importlib

    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile

    versions = {"cvm": "v20170312", "vpc": "v20170312", "cbs": "v20170312", "billing": "v20180709",
                "tag": "v20180813", "sts": "v20180813"}
    client_module = importlib.import_module(f"tencentcloud.{module}.{versions[module]}.{module}_client")
    scheme = "https" if server.url.startswith("https") else "http"
    http = HttpProfile(endpoint=server.endpoint, protocol=scheme, **profile)
    client_class = getattr(client_module, f"{module.capitalize()}Client")
    return client_class(credential.Credential(SECRET_ID, SECRET_KEY), region, ClientProfile(httpProfile=http))


def call(client: Any, action: str, params: Optional[dict[str, Any]] = None) -> Any:
    """Call ``action`` with ``params`` through the SDK's model classes; returns the response model."""
    models = __import__(client.__module__.rsplit(".", 1)[0] + ".models", fromlist=["models"])
    request = getattr(models, f"{action}Request")()
    request.from_json_string(json.dumps(params or {}))
    return getattr(client, action)(request)


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer(port=0, frozen=True, start=START, seed=7) as running:
        yield running


@pytest.fixture
def fresh(server: ThreadedServer) -> ThreadedServer:
    """The module's server with a fresh, empty world."""
    server.served.reset()
    return server


def require_binary(name: str) -> str:
    """The path of ``name``; skip when it is not installed (.ci/run installs it)."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed, but CI should have installed it (.ci/run)")
        pytest.skip(f"{name} is not installed")
    return path


@pytest.fixture(params=["freezegun", "time-machine"])
def wall(request: pytest.FixtureRequest) -> Iterator[Callable[[float], None]]:
    """The wall clock frozen at WALL_START by one time library; calling it moves the wall clock forward."""
    if request.param == "freezegun":
        from freezegun import freeze_time

        with freeze_time(WALL_START) as frozen:
            yield lambda seconds: frozen.tick(seconds)
    else:
        import time_machine

        with time_machine.travel(WALL_START, tick=False) as traveller:
            yield lambda seconds: traveller.shift(seconds)
