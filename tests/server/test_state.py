"""The state file: replay after a crash gives the same world; snapshots compact the log; cloud.snapshot() in-process."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from mockcvm import mock_cvm
from mockcvm.clock import iso as clock_iso
from mockcvm.dump import dump_world
from mockcvm.errors import MockcvmError
from mockcvm.options import make_options
from mockcvm.server import ThreadedServer
from mockcvm.server import store as store_module
from mockcvm.server.service import ServedCloud
from tests.server.conftest import RUN, START, call, control, sdk_client


def _scenario(server: ThreadedServer) -> list[str]:
    """Launches, reads, refusals, a fault, clock moves, balance and console calls."""
    client = sdk_client(server)
    ids: list[str] = call(client, "RunInstances", dict(RUN, InstanceCount=3)).InstanceIdSet
    call(client, "DescribeInstances")
    server.tick(10)
    call(client, "TerminateInstances", {"InstanceIds": ids[:1]})
    control(server, "POST", "faults", {"action": "DescribeInstances", "code": "RequestLimitExceeded", "times": 2})
    for _ in range(3):
        try:
            call(client, "DescribeInstances")
        except Exception:  # noqa: BLE001 - the injected fault
            pass
    control(server, "POST", "balance", {"set": "-1"})
    server.tick(3 * 3600)
    try:
        call(client, "RunInstances", RUN)
    except Exception:  # noqa: BLE001 - refused: in arrears
        pass
    control(server, "POST", "balance", {"top_up": "100"})
    ids += call(client, "RunInstances", RUN).InstanceIdSet
    call(sdk_client(server, "vpc"), "AllocateAddresses", {"AddressCount": 1})
    control(server, "POST", "console/destroy", {"region": "ap-guangzhou", "instance_ids": ids[3:], "release": "now"})
    return ids


def _without_journal(text: str) -> str:
    return text.split("\ncalls (")[0]


def test_a_crash_loses_nothing_replay_gives_the_same_world(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    server = ThreadedServer(port=0, state=path, frozen=True, start=START).start()
    try:
        _scenario(server)
        before, state_before = dump_world(server.cloud.world), server.served.state()
        # a second server on the same file while the first never closed it: what a restart after kill -9 sees
        again = ServedCloud(make_options(), frozen=True, state_path=path)
        assert again.replayed > 0
        assert _without_journal(dump_world(again.world)) == _without_journal(before)
        assert again.state() == state_before
        assert again.world.ids.short("x") == server.cloud.world.ids.short("x")  # the id source is in step too
    finally:
        server.stop()


def test_a_read_that_settled_what_it_showed_is_replayed(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    with ThreadedServer(port=0, state=path, frozen=True, start=START) as server:
        client = sdk_client(server)
        ids = call(client, "RunInstances", dict(RUN, InstanceCount=2)).InstanceIdSet
        call(client, "DescribeInstances")  # shows PENDING once, and so settles them (the default policy)
        call(client, "StopInstances", {"InstanceIds": ids[1:]})  # accepted only because that read settled them
        again = ServedCloud(make_options(), frozen=True, state_path=path)
        assert [i.state for i in again.world.cvm.all_instances()] == ["RUNNING", "STOPPING"]
        assert _without_journal(dump_world(again.world)) == _without_journal(dump_world(server.cloud.world))


def test_snapshots_compact_the_log_and_the_world_still_comes_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "COMPACT_EVERY", 3)
    path = str(tmp_path / "state.db")
    with ThreadedServer(port=0, state=path, frozen=True, start=START) as server:
        _scenario(server)
        before = server.served.state()
        assert len(server.served.store.entries()) < 3  # type: ignore[union-attr]
        again = ServedCloud(make_options(), frozen=True, state_path=path)
        assert again.state() == before
    # a clean stop writes a snapshot: nothing left to replay
    assert ServedCloud(make_options(), frozen=True, state_path=path).replayed == 0


def test_the_clock_comes_back_too(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    with ThreadedServer(port=0, state=path, frozen=True, start=START) as server:
        server.tick(7200)
    with ThreadedServer(port=0, state=path) as server:
        assert control(server, "GET", "clock")[1] == {"now": "2026-01-05T06:00:00Z", "frozen": True}


def test_reset_empties_the_state_file(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    with ThreadedServer(port=0, state=path, frozen=True, start=START) as server:
        call(sdk_client(server), "RunInstances", RUN)
        control(server, "POST", "reset")
    assert ServedCloud(make_options(), state_path=path).world.cvm.all_instances() == []


def test_a_state_file_made_with_other_options_is_refused(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    ServedCloud(make_options(region="ap-beijing"), state_path=path).close()
    with pytest.raises(MockcvmError, match="other options"):
        ServedCloud(make_options(), state_path=path)


def test_a_file_that_is_not_a_state_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"not a database at all, just some bytes" * 100)
    with pytest.raises(MockcvmError, match="not a mockcvm state file"):
        ServedCloud(make_options(), state_path=str(path))


def test_cloud_snapshot_and_restore_in_process(wall: Callable[[float], None]) -> None:
    with mock_cvm(transitions="immediate", seed=1) as cloud:
        cloud.seed_instances(50)
        cloud.set_balance("12.5")
        prepared = cloud.snapshot()
        expected = cloud.dump()
    for _ in range(2):  # one prepared world, restored per test
        with mock_cvm() as cloud:
            cloud.restore(prepared)
            assert cloud.dump() == expected
            assert cloud.balance() == 12.5
            client = _client()
            ids = [i.InstanceId for i in client.DescribeInstances(_describe(100)).InstanceSet]
            assert len(ids) == 50
            _terminate(client, ids[:10])
            assert len(cloud.world.cvm.all_instances()) == 40
    wall(3600)
    with mock_cvm() as cloud:  # restored an hour later: the world catches up from the snapshot's time
        cloud.restore(prepared)
        assert clock_iso(cloud.now()) == "2026-01-05T05:00:00Z"
        assert cloud.balance() < 12.5  # the hour of 50 running instances was charged


def test_restore_refuses_what_is_not_a_snapshot() -> None:
    with mock_cvm() as cloud, pytest.raises(MockcvmError, match="not a mockcvm snapshot"):
        cloud.restore(b"hello")


def _client() -> object:
    from tencentcloud.common import credential
    from tencentcloud.cvm.v20170312 import cvm_client

    return cvm_client.CvmClient(credential.Credential("AKIDx", "k"), "ap-guangzhou")


def _describe(limit: int) -> object:
    from tencentcloud.cvm.v20170312 import models

    request = models.DescribeInstancesRequest()
    request.Limit = limit
    return request


def _terminate(client: object, ids: list[str]) -> None:
    from tencentcloud.cvm.v20170312 import models

    request = models.TerminateInstancesRequest()
    request.InstanceIds = ids
    client.TerminateInstances(request)  # type: ignore[attr-defined]


def test_state_sync_normal_replays_the_same(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    served = ServedCloud(make_options(transitions="immediate"), state_path=path, state_sync="normal")
    served.control("balance", {"set": "42"})
    assert served.store is not None and served.store._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert ServedCloud(make_options(transitions="immediate"), state_path=path).cloud.balance() == 42
