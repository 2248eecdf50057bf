"""``mockcvm server`` as a process: its first line, 1 000 connections at once, kill -9 and restart with --state,
SIGTERM and SIGINT."""

from __future__ import annotations

import json
import resource
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.server.conftest import RUN, call, control, sdk_client

CONNECTIONS = 1000


class Process:
    """A running ``mockcvm server`` and what it said on its first line."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mockcvm", "server", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        self.first_line = self.proc.stdout.readline().rstrip("\n")
        if not self.first_line:
            raise AssertionError(f"the server said nothing: {self.proc.stderr.read() if self.proc.stderr else ''}")
        self.url = self.first_line.rsplit(" ", 1)[1]
        self.endpoint = self.url.split("://", 1)[1]
        self.port = int(self.url.rsplit(":", 1)[1])

    def stop(self, how: int) -> int:
        self.proc.send_signal(how)
        return self.proc.wait(15)


@pytest.fixture(scope="module")
def state_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("cli") / "state.db")


@pytest.fixture(scope="module")
def first(state_file: str) -> Iterator[Process]:
    process = Process("--state", state_file, "--frozen", "--seed", "5", "--transitions", "immediate")
    yield process
    if process.proc.poll() is None:
        process.proc.kill()
        process.proc.wait()


def test_the_first_line_says_where_it_listens(first: Process) -> None:
    assert first.first_line == f"mockcvm server listening on http://127.0.0.1:{first.port}"


def test_a_thousand_connections_at_once_are_all_answered(first: Process) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < CONNECTIONS + 100:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, CONNECTIONS + 200), hard))
    request = (f"GET /_mockcvm/health HTTP/1.1\r\nHost: 127.0.0.1:{first.port}\r\nConnection: close\r\n\r\n").encode()
    sockets = [socket.create_connection(("127.0.0.1", first.port), timeout=30) for _ in range(CONNECTIONS)]
    selector = selectors.DefaultSelector()
    answers: dict[socket.socket, bytes] = {}
    try:
        for sock in sockets:
            sock.sendall(request)
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
            answers[sock] = b""
        open_count = len(sockets)
        while open_count:
            events = selector.select(timeout=30)
            assert events, "the server stopped answering"
            for key, _ in events:
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                chunk = sock.recv(65536)
                answers[sock] += chunk
                if not chunk:
                    selector.unregister(sock)
                    open_count -= 1
    finally:
        for sock in sockets:
            sock.close()
    assert all(a.startswith(b"HTTP/1.1 200") and a.endswith(b'{"status": "ok"}') for a in answers.values())


def test_kill_9_loses_nothing_that_was_acknowledged(first: Process, state_file: str) -> None:
    acknowledged: list[str] = []
    stop = threading.Event()

    def launch() -> None:
        client = sdk_client(first)
        while not stop.is_set():
            try:
                acknowledged.extend(call(client, "RunInstances", RUN).InstanceIdSet)
            except Exception:  # noqa: BLE001 - the server was killed mid-call: that launch was never acknowledged
                return

    workers = [threading.Thread(target=launch) for _ in range(4)]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 40:
        assert time.monotonic() < deadline, "the server acknowledged too few launches"
        threading.Event().wait(0.01)
    control(first, "POST", "balance", {"set": "123"})
    first.proc.kill()  # SIGKILL, mid-traffic
    first.proc.wait()
    stop.set()
    for worker in workers:
        worker.join()
    again = Process("--state", state_file, "--frozen", "--seed", "5", "--transitions", "immediate")
    try:
        described = call(sdk_client(again), "DescribeInstances", {"Limit": 100})
        served = {i.InstanceId for i in described.InstanceSet}
        assert set(acknowledged) <= served
        assert len(served) - len(acknowledged) <= 4  # at most one launch per worker was done but not answered
        state = control(again, "GET", "state")[1]
        assert state["accounts"][0]["balance"] == "123" and state["frozen"] is True
        assert again.stop(signal.SIGTERM) == 0
        assert "Traceback" not in (again.proc.stderr.read() if again.proc.stderr else "")
    finally:
        if again.proc.poll() is None:
            again.proc.kill()
            again.proc.wait()
    # the clean stop wrote a snapshot; SIGINT stops the next one cleanly too
    third = Process("--state", state_file, "--frozen", "--seed", "5", "--transitions", "immediate")
    assert len(call(sdk_client(third), "DescribeInstances", {"Limit": 100}).InstanceSet) == len(served)
    assert third.stop(signal.SIGINT) == 0


def test_bad_flags_are_refused_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    from mockcvm.__main__ import main

    assert main(["server", "--region", "mars-1", "--port", "0"]) == 2
    assert "region 'mars-1' is not a region mockcvm knows" in capsys.readouterr().err


def test_strict_exits_1_naming_the_actions_mockcvm_does_not_implement() -> None:
    process = Process("--strict", "--frozen")
    try:
        with pytest.raises(Exception) as caught:
            call(sdk_client(process), "DescribeChcHosts")
        assert getattr(caught.value, "code", None) == "UnsupportedOperation"
        assert process.stop(signal.SIGTERM) == 1
        assert "cvm:DescribeChcHosts" in (process.proc.stderr.read() if process.proc.stderr else "")
    finally:
        if process.proc.poll() is None:
            process.proc.kill()
            process.proc.wait()


def test_catalogue_and_refund_flags(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.json"
    catalogue.write_text(json.dumps({"images": [{"ImageId": "img-ours0001", "OsName": "Our Linux 1"}]}), "utf-8")
    process = Process("--frozen", "--catalogue", str(catalogue), "--no-prepaid-refunds")
    try:
        client = sdk_client(process)
        images = call(client, "DescribeImages", {"ImageIds": ["img-ours0001"]}).ImageSet
        assert [i.OsName for i in images] == ["Our Linux 1"]
        (instance_id,) = call(client, "RunInstances", {
            "ImageId": "img-ours0001", "Placement": {"Zone": "ap-guangzhou-3"}, "InstanceChargeType": "PREPAID",
            "InstanceChargePrepaid": {"Period": 1}}).InstanceIdSet
        refund = call(client, "InquiryPriceTerminateInstances", {"InstanceIds": [instance_id]})
        assert refund.InstanceRefundsSet[0].Refunds == 0
    finally:
        process.stop(signal.SIGTERM)


def test_a_catalogue_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    from mockcvm.__main__ import main

    catalogue = tmp_path / "catalogue.json"
    catalogue.write_text("{", "utf-8")
    with pytest.raises(SystemExit, match="--catalogue takes a JSON file"):
        main(["server", "--catalogue", str(catalogue), "--port", "0"])
