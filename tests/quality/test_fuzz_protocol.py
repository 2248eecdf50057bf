"""Fuzzing the request parser and the dispatcher.

Property, for any bytes that reach mockcvm: the answer is HTTP 200, ``Content-Type: application/json`` exactly, a
JSON body ``{"Response": {..., "RequestId": <uuid4>}}`` that is either a valid answer or a Tencent error envelope;
no Python exception escapes, no ``InternalError`` (a bug inside mockcvm: ``world.internal_errors`` stays empty),
and a refused request changes nothing in the world.

Requests come in four shapes: raw noise (any method, host, headers, body), schema-aware TC3 JSON calls with good and
bad parameters, v1 form and GET calls with flattened (and mangled) parameters, and the same through the real SDK.
"""

from __future__ import annotations

import collections
import json
import os
import random
import string
from typing import Any, Iterator
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from mockcvm import Cloud, mock_cvm
from mockcvm.dispatch import implemented_actions
from mockcvm.protocol import schema
from mockcvm.protocol.messages import HttpRequest
from tests import sdk
from tests.quality.conftest import quality_settings
from tests.quality.world_state import check_envelope, first_difference, snapshot

SERVICE_HOSTS = {
    "cvm": ["cvm.tencentcloudapi.com", "cvm.ap-guangzhou.tencentcloudapi.com", "cvm.intl.tencentcloudapi.com"],
    "vpc": ["vpc.tencentcloudapi.com"],
    "cbs": ["cbs.ap-guangzhou.tencentcloudapi.com"],
    "tag": ["tag.tencentcloudapi.com"],
    "billing": ["billing.tencentcloudapi.com"],
    "sts": ["sts.tencentcloudapi.com"],
    "monitor": ["monitor.tencentcloudapi.com"],
}
ODD_HOSTS = ["nosuch.tencentcloudapi.com", "cvm.tencentcloudapi.com:8443", "CVM.TencentCloudAPI.com",
             "user:pw@cvm.tencentcloudapi.com", "tencentcloudapi.com"]
REGIONS = ["ap-guangzhou", "ap-shanghai", "", "mars-1", "AP-GUANGZHOU", "ap-guangzhou\x00"]
AUTH = ("TC3-HMAC-SHA256 Credential=AKIDfuzz/2026-01-05/{service}/tc3_request, SignedHeaders=content-type;host, "
        "Signature=" + "0" * 64)
KNOWN_HEADERS = ["content-type", "authorization", "x-tc-action", "x-tc-version", "x-tc-region", "x-tc-timestamp",
                 "x-tc-language", "x-tc-token", "host", "x-tc-content-sha256", "x-tc-requestclient"]


def _actions(service: str) -> list[str]:
    """The service's implemented actions (four times, so that they are drawn most), two it lacks, one bogus name."""
    implemented = [a for s, a in implemented_actions() if s == service]
    others = sorted(set(schema.service_schema(service)["actions"]) - set(implemented))
    return implemented * 4 + others[:2] + ["NoSuchAction"]


ACTIONS = {service: _actions(service) for service in SERVICE_HOSTS}


# -- values, good and bad --------------------------------------------------------------------------------------

ID_LIKE = st.sampled_from(
    ["ins-abcdefgh", "ins-00000000", "ins-", "ins-ABCDEFGH", "ins-abcdefghi", "disk-abcdefgh", "eip-abcdefgh",
     "img-eb30mz89", "ap-guangzhou-3", "ap-guangzhou", "RUNNING", "STOPPED", "POSTPAID_BY_HOUR", "PREPAID",
     "SPOTPAID", "S5.MEDIUM2", "instance-state", "zone", "tag:team", "2026-01-05T04:10:00Z", "2026-01-05 04:10:00",
     "TerminateInstances", "true", "False", "1", "-1", "1e3", "", " ", "\u540d\u5b57", "\x00", "a" * 300]
)
#: Ids of the resources :func:`populate` makes (the same in every world: the id source is seeded).
REAL_IDS: list[str] = []
REAL_ID = st.deferred(lambda: st.sampled_from(REAL_IDS or ["ins-abcdefgh"]))
TEXT = st.one_of(REAL_ID, ID_LIKE, st.text(max_size=24), st.text(string.printable, max_size=8))
INTEGER = st.one_of(st.integers(0, 5), st.integers(0, 5), st.integers(-3, 120),
                    st.sampled_from([100, 101, 500, 501, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30]))
FLOAT = st.one_of(st.floats(0, 100), st.floats(allow_nan=True, allow_infinity=True))
ODD_INTEGER = st.sampled_from([2**63, 2**64, -(2**63) - 1, 10**30, -1])
ANY_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), INTEGER, ODD_INTEGER, FLOAT, TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=8,
)


@st.composite
def good_value(draw: Any, service: str, member: list[Any], depth: int) -> Any:
    kind, member_type = member[0], member[1]
    if kind == "list":
        element = [schema._scalar_kind(member_type), member_type, False, False]
        size = draw(st.one_of(st.integers(0, 3), st.sampled_from([0, 5, 20, 100, 101, 300])))
        if size > 20:  # huge lists: the same value many times keeps the example small
            return [draw(good_value(service, element, depth + 1))] * size
        return [draw(good_value(service, element, depth + 1)) for _ in range(size)]
    if kind == "object":
        if depth > 3:
            return {}
        return draw(params_for(service, member_type, depth + 1))
    return draw({"string": TEXT, "int": INTEGER, "bool": st.booleans(), "float": FLOAT}.get(kind, ANY_JSON))


@st.composite
def params_for(draw: Any, service: str, object_name: str, depth: int = 0) -> dict[str, Any]:
    """Well-typed parameters of an input object: required members nearly always, optional ones sometimes."""
    out: dict[str, Any] = {}
    for name, member in schema.members(service, object_name).items():
        wanted = draw(st.integers(0, 19)) != 0 if member[2] else draw(st.integers(0, 2)) == 0
        if wanted:
            out[name] = draw(good_value(service, member, depth))
    return out


@st.composite
def mutated(draw: Any, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with up to three mutations: a member given a value of a random type, removed, or made up."""
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        node: Any = params
        while isinstance(node, dict) and node and draw(st.booleans()):  # walk down a little
            child = node[draw(st.sampled_from(sorted(node)))]
            if not isinstance(child, dict):
                break
            node = child
        if not isinstance(node, dict):
            continue
        what = draw(st.sampled_from(["retype", "retype", "remove", "invent"]))
        if what == "invent" or not node:
            node[draw(TEXT)] = draw(ANY_JSON)
        elif what == "retype":
            node[draw(st.sampled_from(sorted(node)))] = draw(ANY_JSON)
        else:
            del node[draw(st.sampled_from(sorted(node)))]
    return params


@st.composite
def api_call(draw: Any) -> tuple[str, str, dict[str, Any]]:
    service = draw(st.sampled_from(sorted(SERVICE_HOSTS)))
    action = draw(st.sampled_from(ACTIONS[service]))
    if schema.has_action(service, action):
        params = draw(params_for(service, schema.service_schema(service)["actions"][action]["input"]))
        params = draw(mutated(params))
    else:
        params = draw(st.dictionaries(TEXT, ANY_JSON, max_size=3))
    return service, action, params


# -- requests --------------------------------------------------------------------------------------------------


def _headers(service: str, action: str, region: str) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "authorization": AUTH.format(service=service),
        "x-tc-action": action,
        "x-tc-version": schema.version_of(service) if service in schema.SERVICES else "2017-03-12",
        "x-tc-region": region,
        "x-tc-timestamp": "1767585600",
        "x-tc-language": "en-US",
    }


@st.composite
def tc3_request(draw: Any) -> HttpRequest:
    service, action, params = draw(api_call())
    host = draw(st.sampled_from(SERVICE_HOSTS[service]))
    headers = _headers(service, action, draw(st.sampled_from(REGIONS[:1] * 4 + REGIONS[1:3])))
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):  # mutate a header: drop it or give it noise
        key = draw(st.sampled_from(KNOWN_HEADERS))
        if draw(st.booleans()):
            headers.pop(key, None)
        else:
            headers[key] = draw(st.one_of(TEXT, st.sampled_from(["application/json; charset=utf-8", "zh-CN",
                                                                 "text/plain", "TC3-HMAC-SHA256", "1" * 30])))
    body = json.dumps(params, allow_nan=True).encode("utf-8")
    mutation = draw(st.sampled_from(["none", "none", "none", "truncate", "flip", "insert", "replace"]))
    if mutation == "truncate" and body:
        body = body[: draw(st.integers(0, len(body) - 1))]
    elif mutation == "flip" and body:
        at = draw(st.integers(0, len(body) - 1))
        body = body[:at] + bytes([body[at] ^ draw(st.integers(1, 255))]) + body[at + 1:]
    elif mutation == "insert":
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.binary(min_size=1, max_size=8)) + body[at:]
    elif mutation == "replace":
        body = draw(st.binary(max_size=64))
    method = draw(st.sampled_from(["POST", "POST", "POST", "GET"]))
    url = f"https://{host}/"
    if method == "GET":
        url += "?" + urlencode(_flatten(params))
        body = b""
    return HttpRequest(method, url, headers, body)


def _flatten(params: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(params, dict):
        return [pair for k, v in params.items() for pair in _flatten(v, f"{prefix}.{k}" if prefix else str(k))]
    if isinstance(params, list):
        return [pair for i, v in enumerate(params) for pair in _flatten(v, f"{prefix}.{i}")]
    if isinstance(params, bool):
        return [(prefix, "True" if params else "False")]
    return [(prefix, "" if params is None else str(params))]


@st.composite
def v1_request(draw: Any) -> HttpRequest:
    service, action, params = draw(api_call())
    host = draw(st.sampled_from(SERVICE_HOSTS[service]))
    pairs = _flatten(params)
    if pairs and draw(st.booleans()):  # mangle a key: gaps, mixed forms, empty segments
        at = draw(st.integers(0, len(pairs) - 1))
        key = draw(st.sampled_from([pairs[at][0] + ".0", pairs[at][0] + ".x", pairs[at][0] + ".", "." + pairs[at][0],
                                    pairs[at][0].replace(".0", ".7"), pairs[at][0] + ".99999999"]))
        pairs.append((key, draw(TEXT)))
    common = {
        "Action": action, "Version": schema.version_of(service), "Region": draw(st.sampled_from(REGIONS)),
        "Timestamp": "1767585600", "Nonce": "123", "SecretId": "AKIDfuzz",
        "SignatureMethod": draw(st.sampled_from(["HmacSHA1", "HmacSHA256", "", "MD5"])), "Signature": "c2lnbg==",
    }
    for _ in range(draw(st.integers(0, 2))):
        key = draw(st.sampled_from(sorted(common)))
        if draw(st.booleans()):
            common.pop(key)
        else:
            common[key] = draw(TEXT)
    query = urlencode(list(common.items()) + pairs)
    if draw(st.booleans()):
        return HttpRequest("GET", f"https://{host}/?{query}", {"host": host}, b"")
    content_type = draw(st.sampled_from(["application/x-www-form-urlencoded"] * 3 + ["", "multipart/form-data"]))
    return HttpRequest("POST", f"https://{host}/", {"content-type": content_type}, query.encode("utf-8"))


@st.composite
def noise_request(draw: Any) -> HttpRequest:
    host = draw(st.sampled_from([h for hosts in SERVICE_HOSTS.values() for h in hosts] + ODD_HOSTS))
    path = draw(st.sampled_from(["/", "", "/x", "/?", "/?Action=DescribeRegions", "/?%ff=%fe", "/?a=1&a=2&&="]))
    extra = draw(st.text(max_size=20))
    url = f"https://{host}{path}" + (quote(extra, safe="=&?") if extra else "")
    headers = draw(st.dictionaries(st.one_of(st.sampled_from(KNOWN_HEADERS), st.text(max_size=10)),
                                   st.one_of(TEXT, st.sampled_from(["TC3-HMAC-SHA256", "application/json"])),
                                   max_size=8))
    if draw(st.booleans()):
        service = draw(st.sampled_from(sorted(SERVICE_HOSTS)))
        base = _headers(service, draw(st.sampled_from(ACTIONS[service])), "ap-guangzhou")
        headers = {**base, **headers}
    method = draw(st.sampled_from(["GET", "POST"] * 4 + ["PUT", "DELETE", "HEAD", "post", "", "BREW"]))
    body = draw(st.one_of(st.binary(max_size=200), ANY_JSON.map(lambda v: json.dumps(v).encode("utf-8"))))
    return HttpRequest(method, url, {k.lower(): v for k, v in headers.items()}, body)


# -- the property ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def frozen_time() -> Iterator[None]:
    """Frozen time: nothing falls due between the snapshot before a request and the one after it."""
    from freezegun import freeze_time

    with freeze_time("2026-01-05 04:00:00"):
        yield


def populate(cloud: Cloud) -> None:
    """A few resources for the fuzzed requests to hit: instances (one prepaid, one in the bin), EIPs, disks, tags."""
    cloud.seed_instances(2, region="ap-guangzhou", tags={"team": "fuzz"})
    cloud.seed_instances(1, region="ap-guangzhou", state="STOPPED")
    cloud.seed_instances(1, region="ap-guangzhou", charge_type="PREPAID")
    cloud.seed_instances(1, region="ap-guangzhou", charge_type="PREPAID", state="SHUTDOWN")
    vpc = sdk.client("vpc", "ap-guangzhou")
    addresses = sdk.call(vpc, "AllocateAddresses", AddressCount=2).AddressSet
    cbs = sdk.client("cbs", "ap-guangzhou")
    disks = sdk.call(cbs, "CreateDisks", DiskType="CLOUD_PREMIUM", DiskSize=20, DiskChargeType="POSTPAID_BY_HOUR",
                     Placement={"Zone": "ap-guangzhou-3"}, DiskCount=2).DiskIdSet
    instances = [i.instance_id for i in cloud.world.cvm.all_instances()]
    names = [f"qcs::cvm:ap-guangzhou:uin/{cloud.default_account}:instance/{i}" for i in instances]
    REAL_IDS[:] = instances + list(addresses) + list(disks) + names


def answer_of(cloud: Cloud, request: HttpRequest) -> str:
    before = snapshot(cloud.world)
    response = cloud._handle(request)
    code = check_envelope(response.status, response.headers, response.body, cloud.world)
    if os.environ.get("MOCKCVM_FUZZ_SHOW"):
        print(code, json.loads(response.body)["Response"].get("Error", {}).get("Message", "")[:150])
    if code is not None:
        difference = first_difference(before, snapshot(cloud.world))
        assert difference is None, f"the refused request ({code}) changed the world: {difference}"
    return code or "success"


def run_property(strategy: Any, examples: int, deep: int = 0, **options: Any) -> collections.Counter[str]:
    """Check the property on ``examples`` requests; return how often each answer came (printed with -s)."""
    tally: collections.Counter[str] = collections.Counter()
    with mock_cvm(transitions="immediate", seed=7, **options) as cloud:
        if options.get("verify_signatures"):
            cloud.register_credentials("AKIDfuzz", "fuzz-secret-key")
            cloud.register_credentials(sdk.SECRET_ID, sdk.SECRET_KEY)
        populate(cloud)

        @quality_settings(examples, deep)
        @given(strategy)
        def check(request: HttpRequest) -> None:
            tally[answer_of(cloud, request)] += 1

        check()
    print(sorted(tally.items(), key=lambda kv: -kv[1]))
    return tally


def test_noise_always_gets_a_tencent_answer(frozen_time: None) -> None:
    run_property(noise_request(), 100, deep=250)


def test_tc3_calls_with_random_parameters_get_an_answer_or_an_error_and_errors_change_nothing(
    frozen_time: None,
) -> None:
    tally = run_property(tc3_request(), 120, deep=300)
    assert tally["success"] > 0 and len(tally) > 5, f"the fuzzer does not reach the handlers: {tally}"


def test_signature_checking_survives_garbage_credentials_dates_and_signatures(frozen_time: None) -> None:
    tally = run_property(st.one_of(tc3_request(), v1_request(), noise_request()), 80, deep=200, verify_signatures=True)
    assert any(code.startswith("AuthFailure") for code in tally), tally


def test_v1_calls_with_mangled_flattened_parameters_get_an_answer_or_an_error(frozen_time: None) -> None:
    tally = run_property(v1_request(), 100, deep=200)
    assert tally["success"] > 0, f"the fuzzer does not reach the handlers: {tally}"


@pytest.mark.parametrize("verify_signatures", [False, True], ids=["any-signature", "signatures-verified"])
def test_random_parameters_through_the_real_sdk_raise_only_tencent_errors(
    frozen_time: None, verify_signatures: bool
) -> None:
    """Also: a request the real SDK signed is never refused for its signature, whatever its parameters."""
    with mock_cvm(transitions="immediate", seed=7, verify_signatures=verify_signatures) as cloud:
        cloud.register_credentials(sdk.SECRET_ID, sdk.SECRET_KEY)
        populate(cloud)
        clients = {
            (service, sign): sdk.client(service, sign=sign, method="GET" if sign == "HmacSHA1" else "POST")
            for service in SERVICE_HOSTS for sign in ("TC3-HMAC-SHA256", "HmacSHA256", "HmacSHA1")
        }

        @quality_settings(50, deep=120)
        @given(api_call(), st.sampled_from(["TC3-HMAC-SHA256", "HmacSHA256", "HmacSHA1"]))
        def check(call: tuple[str, str, dict[str, Any]], sign: str) -> None:
            service, action, params = call
            # The SDK draws the v1 Nonce from the global random module, which Hypothesis seeds alike for every
            # example; a real client never repeats one, and a repeated Nonce is refused as a replay.
            random.seed(os.urandom(8))
            before = snapshot(cloud.world)
            try:
                answer = clients[(service, sign)].call_json(action, params)
            except TencentCloudSDKException as error:
                tally[str(error.code)] += 1
                assert error.code not in ("InternalError", "ClientNetworkError", "ServerNetworkError"), error
                assert not str(error.code).startswith("AuthFailure"), f"{sign} {service}:{action} {params}: {error}"
                assert error.requestId, error
                difference = first_difference(before, snapshot(cloud.world))
                assert difference is None, f"the refused call ({error.code}) changed the world: {difference}"
            else:
                tally["success"] += 1
                assert answer["Response"]["RequestId"]
                assert "Error" not in answer["Response"]
            assert not cloud.world.internal_errors, "\n".join(cloud.world.internal_errors)

        tally: collections.Counter[str] = collections.Counter()
        check()
    print(sorted(tally.items(), key=lambda kv: -kv[1]))
    assert tally["success"] > 0, f"the fuzzer does not reach the handlers: {tally}"
