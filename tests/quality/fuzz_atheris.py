"""Coverage-guided fuzzing of the request path with atheris (optional; not part of CI).

    pip install -e '.[fuzz]'
    .venv/bin/python -m tests.quality.fuzz_atheris -max_total_time=60      # libFuzzer options pass through

The same property as tests/quality/test_fuzz_protocol.py: any bytes turned into an HTTP request get HTTP 200,
``Content-Type: application/json`` and a Tencent envelope, never an exception, never ``InternalError``, and a
refused request changes nothing. A crash is saved by libFuzzer as ``crash-<sha>``; replay it by passing the file.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from mockcvm import mock_cvm
    from mockcvm.protocol.messages import HttpRequest

from tests.quality.world_state import check_envelope, first_difference, snapshot  # noqa: E402

HOSTS = ["cvm.tencentcloudapi.com", "vpc.tencentcloudapi.com", "cbs.ap-guangzhou.tencentcloudapi.com",
         "tag.tencentcloudapi.com", "billing.tencentcloudapi.com", "sts.tencentcloudapi.com", "x.tencentcloudapi.com"]
HEADER_NAMES = ["content-type", "authorization", "x-tc-action", "x-tc-version", "x-tc-region", "x-tc-timestamp",
                "x-tc-language", "x-tc-token", "host"]
SEEDS = {
    "authorization": "TC3-HMAC-SHA256 Credential=AKIDx/2026-01-05/cvm/tc3_request, SignedHeaders=content-type;host, "
                     "Signature=" + "0" * 64,
    "content-type": "application/json",
    "x-tc-version": "2017-03-12",
    "x-tc-region": "ap-guangzhou",
}

from freezegun import freeze_time  # noqa: E402

_frozen = freeze_time("2026-01-05 04:00:00")  # nothing falls due between the snapshots around a request
_frozen.start()
_mock = mock_cvm(transitions="immediate", seed=5)
_cloud = _mock.start()
_cloud.seed_instances(3)


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    method = fdp.PickValueInList(["GET", "POST", "POST", "PUT"])
    host = fdp.PickValueInList(HOSTS)
    query = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 64))
    headers: dict[str, str] = {}
    for name in HEADER_NAMES:
        choice = fdp.ConsumeIntInRange(0, 3)
        if choice == 0:
            continue
        if choice == 1 and name in SEEDS:
            headers[name] = SEEDS[name]
        else:
            headers[name] = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 40))
    body = fdp.ConsumeBytes(fdp.remaining_bytes())
    request = HttpRequest(method, f"https://{host}/?{query}", headers, body)
    before = snapshot(_cloud.world)
    response = _cloud._handle(request)
    code = check_envelope(response.status, response.headers, response.body, _cloud.world)
    if code is not None:
        difference = first_difference(before, snapshot(_cloud.world))
        assert difference is None, f"the refused request ({code}) changed the world: {difference}"


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
