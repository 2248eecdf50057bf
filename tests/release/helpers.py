"""Helpers shared by the VPC, CBS, Tag and release tests: plain-dict calls through the real SDK, refusals that
must change nothing, schema shape checks, and instances launched with RunInstances."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Iterator

import pytest

from mockcvm import Cloud
from mockcvm.protocol import schema
from tests import sdk
from tests.quality.world_state import first_difference, snapshot

ZONE = "ap-guangzhou-3"
OTHER_ZONE = "ap-guangzhou-4"
IMAGE = "img-eb30mz89"
FROZEN_AT = datetime(2026, 3, 2, 4, 0, 0, tzinfo=timezone.utc)
_SCALARS = {"string": str, "int": int, "bool": bool, "float": (int, float)}


@pytest.fixture(autouse=True)
def frozen_time(request: pytest.FixtureRequest) -> Iterator[None]:
    """Freeze time for every test that does not drive the ``clock`` itself, so that a refusal can be checked to
    change nothing at all (time-machine; the ``clock`` fixture runs a test under both libraries)."""
    if "clock" in request.fixturenames:
        yield
        return
    import time_machine

    with time_machine.travel(FROZEN_AT, tick=False):
        yield


def api(client: Any, action: str, **params: Any) -> dict[str, Any]:
    """Call ``action`` through the SDK and return the response as a plain dict."""
    return json.loads(sdk.call(client, action, **params).to_json_string())  # type: ignore[no-any-return]


def refused(cloud: Cloud, client: Any, action: str, code: str, **params: Any) -> str:
    """Assert ``action`` answers ``code`` and leaves the world exactly as it was; returns the message."""
    cloud.catch_up()
    before = _state(cloud)
    with pytest.raises(sdk.SDKError) as caught:
        sdk.call(client, action, **params)
    assert caught.value.code == code, caught.value.message
    after = _state(cloud)
    for part in before:
        assert before[part] == after[part], first_difference(before[part], after[part], part)
    return str(caught.value.message)


def _state(cloud: Cloud) -> dict[str, Any]:
    """The world's state, without the clock reading (real time may pass between two snapshots)."""
    state: dict[str, Any] = snapshot(cloud.world)
    kind, _now, events = state["timeline"]
    state["timeline"] = (kind, events)
    return state


def assert_shape(service: str, object_name: str, value: dict[str, Any]) -> None:
    """Every member the official schema marks as always returned is present, with its type (null allowed)."""
    for name, (kind, member_type, _required, always) in schema.members(service, object_name).items():
        if not always:
            continue
        assert name in value, f"{object_name}.{name} is missing"
        item = value[name]
        if item is None:
            continue
        if kind == "list":
            assert isinstance(item, list), f"{object_name}.{name} is not a list"
            for element in item:
                if isinstance(element, dict):
                    assert_shape(service, member_type, element)
        elif kind == "object":
            assert isinstance(item, dict), f"{object_name}.{name} is not an object"
            assert_shape(service, member_type, item)
        else:
            assert isinstance(item, _SCALARS[kind]), f"{object_name}.{name}={item!r} is not {kind}"
            if kind == "int":
                assert not isinstance(item, bool), f"{object_name}.{name} is a bool"


def run_instances(cvm: Any, count: int = 1, **params: Any) -> list[str]:
    """Launch instances with RunInstances and read them once so that they settle (RUNNING)."""
    params.setdefault("Placement", {"Zone": ZONE})
    params.setdefault("ImageId", IMAGE)
    ids: list[str] = api(cvm, "RunInstances", InstanceCount=count, **params)["InstanceIdSet"]
    api(cvm, "DescribeInstances", InstanceIds=ids)
    return ids


def instance(cvm: Any, instance_id: str) -> dict[str, Any]:
    found = api(cvm, "DescribeInstances", InstanceIds=[instance_id])["InstanceSet"]
    assert len(found) == 1, f"{instance_id} is not listed"
    return found[0]  # type: ignore[no-any-return]
