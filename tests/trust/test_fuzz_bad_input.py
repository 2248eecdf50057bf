"""Hostile input, fuzzed through the handler, raw ``requests`` (every HTTP method) and the real SDK.

Strategies: lone surrogates in names and values, nesting far deeper than any action, integers past int64 and
past what JSON readers like, numerals Python reads but Tencent does not (``--5``, ``²``, ``٣``, ``1_0``), NaN and
infinities, duplicated keys, every HTTP method. Property: a Tencent envelope, never ``InternalError``, never an
exception in the caller, a refused request changes nothing (in a world with transitions in flight, so a refused
read that settled one would show).

Default example counts are small; ``MOCKCVM_FUZZ_EXAMPLES=2000`` runs more.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterator
from urllib.parse import urlencode

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from mockcvm import Cloud, mock_cvm
from mockcvm.dispatch import implemented_actions
from mockcvm.protocol import schema
from mockcvm.protocol.messages import HttpRequest
from tests import sdk
from tests.quality.conftest import quality_settings
from tests.quality.test_fuzz_protocol import AUTH, SERVICE_HOSTS, answer_of, params_for
from tests.quality.world_state import check_envelope, first_difference, snapshot


def examples(default: int) -> int:
    wanted = os.environ.get("MOCKCVM_FUZZ_EXAMPLES", "")
    return int(wanted) if wanted.isdigit() and int(wanted) > 0 else default


SURROGATES = st.sampled_from(["\ud800", "a\udfffb", "\udc00\ud800", "名字\ud83d"])
ODD_NUMERALS = st.sampled_from(["--5", "-", "²", "٣", "１", "1_0", "+5", "0x10", "1e3", "1e999", "nan", "NaN", "inf",
                                "-inf", " 5 ", "5\x00", "", "9" * 40, "-" + "9" * 30, ".5", "5."])
BIG_INTEGERS = st.sampled_from([2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 10**30, 10**400, -(10**400)])
HOSTILE = st.one_of(SURROGATES, ODD_NUMERALS, BIG_INTEGERS, st.sampled_from([float("nan"), float("inf"), -0.0]))
DEPTHS = st.sampled_from([31, 32, 33, 40, 500, 999, 1000, 5000, 100_000])
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "TRACE", "CONNECT", "MKCOL"]
ACTIONS = [(s, a) for s, a in implemented_actions()]


@st.composite
def hostile_params(draw: Any) -> tuple[str, str, dict[str, Any]]:
    """An implemented action's parameters with one hostile value (or key) put somewhere."""
    service, action = draw(st.sampled_from(ACTIONS))
    params = draw(params_for(service, schema.service_schema(service)["actions"][action]["input"]))
    node: Any = params
    while isinstance(node, (dict, list)) and node and draw(st.booleans()):
        child = node[draw(st.sampled_from(sorted(node)))] if isinstance(node, dict) else node[0]
        if not isinstance(child, (dict, list)):
            break
        node = child
    hostile = draw(HOSTILE)
    if isinstance(node, list):
        node.append(hostile)
    elif isinstance(node, dict):
        where = draw(st.one_of(st.sampled_from(sorted(node) or ["Offset"]), SURROGATES, st.just("Offset")))
        node[where] = hostile
    return service, action, params


def _headers(service: str, action: str) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "authorization": AUTH.format(service=service),
        "x-tc-action": action,
        "x-tc-version": schema.version_of(service),
        "x-tc-region": "ap-guangzhou",
        "x-tc-timestamp": "1767585600",
    }


def _flatten(params: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(params, dict):
        return [pair for k, v in params.items() for pair in _flatten(v, f"{prefix}.{k}" if prefix else str(k))]
    if isinstance(params, list):
        return [pair for i, v in enumerate(params) for pair in _flatten(v, f"{prefix}.{i}")]
    return [(prefix, "" if params is None else str(params))]


@st.composite
def hostile_request(draw: Any) -> HttpRequest:
    service, action, params = draw(hostile_params())
    host = SERVICE_HOSTS[service][0]
    shape = draw(st.sampled_from(["json", "json", "deep", "duplicate", "flat", "flat-deep"]))
    headers = _headers(service, action)
    if shape == "json":
        return HttpRequest("POST", f"https://{host}/", headers, json.dumps(params).encode("ascii"))
    if shape == "deep":
        depth = draw(DEPTHS)
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        body = '{"Filters":' + opener * depth + "1" + closer * depth + "}"
        return HttpRequest("POST", f"https://{host}/", headers, body.encode("ascii"))
    if shape == "duplicate":
        text = json.dumps(params)
        body = text[:-1] + (", " if params else "") + '"Offset": 1, "Offset": "\\ud800"}'
        return HttpRequest("POST", f"https://{host}/", headers, body.encode("ascii"))
    pairs = _flatten(params)
    if shape == "flat-deep":
        pairs.append((".".join(["Filters"] + ["0"] * draw(DEPTHS)), "x"))
    pairs.append(("Offset", draw(ODD_NUMERALS)))
    query = urlencode(pairs, encoding="utf-8", errors="surrogatepass")
    return HttpRequest("GET", f"https://{host}/?{query}", headers, b"")


@pytest.fixture(scope="module")
def world() -> Iterator[Cloud]:
    """Frozen time, and transitions in flight (default policy): a refused read that settled one would show."""
    from freezegun import freeze_time

    with freeze_time("2026-01-05 04:00:00"), mock_cvm(seed=11) as cloud:
        cloud.seed_instances(3, region="ap-guangzhou", tags={"team": "fuzz"})
        client = sdk.client("cvm")
        ids = [i.instance_id for i in cloud.world.cvm.all_instances()]
        sdk.call(client, "StopInstances", InstanceIds=ids[:2])
        yield cloud


def test_hostile_parameters_through_the_handler(world: Cloud) -> None:
    @quality_settings(examples(60))
    @given(hostile_request())
    def check(request: HttpRequest) -> None:
        answer_of(world, request)

    check()


def test_hostile_parameters_through_raw_requests_with_every_method(world: Cloud) -> None:
    @quality_settings(examples(30))
    @given(hostile_params(), st.sampled_from(METHODS))
    def check(call: tuple[str, str, dict[str, Any]], method: str) -> None:
        service, action, params = call
        before = snapshot(world.world)
        response = requests.request(method, f"https://{SERVICE_HOSTS[service][0]}/", headers=_headers(service, action),
                                    data=json.dumps(params).encode("ascii"), timeout=2)
        if method == "HEAD":
            assert response.content == b""
            return
        code = check_envelope(response.status_code, dict(response.headers), response.content, world.world)
        if code is not None:
            assert first_difference(before, snapshot(world.world)) is None

    check()


def test_hostile_parameters_through_the_sdk(world: Cloud) -> None:
    clients = {(s, m): sdk.client(s, method=m) for s in SERVICE_HOSTS for m in ("POST", "GET")}

    @quality_settings(examples(30))
    @given(hostile_params(), st.sampled_from(["POST", "GET"]))
    def check(call: tuple[str, str, dict[str, Any]], method: str) -> None:
        service, action, params = call
        client = clients[(service, method)]
        before = snapshot(world.world)
        try:
            client.call_json(action, params)
        except TencentCloudSDKException as error:
            assert error.code not in ("InternalError", "ClientNetworkError"), error
            assert first_difference(before, snapshot(world.world)) is None
        except (UnicodeEncodeError, ValueError, TypeError):  # the SDK's own encoding refused it, before sending
            pass
        assert not world.world.internal_errors

    check()


def test_get_with_urlencode_of_surrogates_never_crashes() -> None:
    """A sanity check of the flattened path: percent-encoded surrogates are not valid UTF-8."""
    with mock_cvm() as cloud:
        name = "\ud800".encode("utf-8", "surrogatepass")
        query = urlencode({"Action": "DescribeInstances", "Version": "2017-03-12", "Region": "ap-guangzhou",
                           "SecretId": "x", "Signature": "y", "InstanceName": name})
        response = cloud._handle(HttpRequest("GET", f"https://cvm.tencentcloudapi.com/?{query}", {}, b""))
    assert check_envelope(response.status, response.headers, response.body, cloud.world) == "InvalidParameter"
