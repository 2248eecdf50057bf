"""The control API under /_mockcvm/: clock, reset, state, balance, console, faults, journal, and bad bodies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from mockcvm.server import ThreadedServer
from tests.server.conftest import RUN, call, control, sdk_client


def _launch(server: ThreadedServer, count: int = 1, **params: Any) -> list[str]:
    ids: list[str] = call(sdk_client(server), "RunInstances", dict(RUN, InstanceCount=count, **params)).InstanceIdSet
    return ids


def test_health(server: ThreadedServer) -> None:
    assert control(server, "GET", "health") == (200, {"status": "ok"})


def test_the_clock_ticks_moves_and_freezes(fresh: ThreadedServer) -> None:
    status, now = control(fresh, "GET", "clock")
    assert status == 200 and now["frozen"] is True
    assert control(fresh, "POST", "clock", {"tick": 3600})[1]["now"] == _later(now["now"], 3600)
    moved = control(fresh, "POST", "clock", {"move_to": "2030-01-01T00:00:00Z"})[1]
    assert moved == {"now": "2030-01-01T00:00:00Z", "frozen": True}
    assert control(fresh, "POST", "clock", {"freeze": False})[1]["frozen"] is False
    assert control(fresh, "POST", "clock", {"freeze": True})[1]["frozen"] is True


def _later(iso_text: str, seconds: int) -> str:
    from datetime import datetime, timedelta

    moment = datetime.strptime(iso_text, "%Y-%m-%dT%H:%M:%SZ") + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    "body",
    [{"tick": -1}, {"move_to": "2020-01-01T00:00:00Z"}, {"move_to": "yesterday"}, {"tick": "1"},
     {"freeze": "yes"}, {"tick": 1, "freeze": True}, {}, {"rewind": 5}],
)
def test_a_bad_clock_call_is_a_400_and_moves_nothing(fresh: ThreadedServer, body: dict[str, Any]) -> None:
    before = control(fresh, "GET", "clock")[1]
    status, answer = control(fresh, "POST", "clock", body)
    assert status == 400 and answer["error"]
    assert control(fresh, "GET", "clock")[1] == before


def test_moving_the_clock_fires_what_falls_due_as_in_process(fresh: ThreadedServer) -> None:
    ids = _launch(fresh)
    control(fresh, "POST", "clock", {"tick": 4})
    assert fresh.cloud.world.cvm.all_instances()[0].state == "PENDING"
    control(fresh, "POST", "clock", {"tick": 1})
    assert fresh.cloud.world.cvm.all_instances()[0].state == "RUNNING"
    call(sdk_client(fresh), "TerminateInstances", {"InstanceIds": ids})
    control(fresh, "POST", "clock", {"tick": 86400})
    assert fresh.cloud.world.cvm.all_instances() == []


def test_reset_gives_an_empty_world_and_keeps_the_clock(fresh: ThreadedServer) -> None:
    _launch(fresh)
    control(fresh, "POST", "clock", {"tick": 60})
    now = control(fresh, "GET", "clock")[1]
    assert control(fresh, "POST", "reset") == (200, now)
    assert control(fresh, "GET", "state")[1]["accounts"][0]["instances"] == []


def test_state_shows_accounts_instances_addresses_disks_timers_and_upcoming(fresh: ThreadedServer) -> None:
    now = control(fresh, "GET", "clock")[1]["now"]
    action_time = _later(now, 3600)
    ids = _launch(fresh, ActionTimer={"TimerAction": "TerminateInstances", "ActionTime": action_time})
    call(sdk_client(fresh, "vpc"), "AllocateAddresses", {"AddressCount": 1})
    status, state = control(fresh, "GET", "state")
    assert status == 200 and state["now"] == now
    account = state["accounts"][0]
    assert account["uin"] == fresh.cloud.default_account and account["balance"] == "1000000"
    instance = account["instances"][0]
    assert instance["InstanceId"] == ids[0] and instance["Region"] == "ap-guangzhou"
    assert instance["InstanceState"] == "PENDING" and instance["InstanceChargeType"] == "POSTPAID_BY_HOUR"
    assert instance["ScheduledDestroy"] == action_time and instance["ReleasesAt"] == action_time
    assert instance["ReleasedBy"] == "scheduled destroy"
    assert account["timers"][0]["InstanceId"] == ids[0] and account["timers"][0]["Status"] == "UNDO"
    assert account["addresses"][0]["Idle"] is True and account["addresses"][0]["CostPerHour"] == "0.20"
    assert {d["DiskUsage"] for d in account["disks"]} == {"SYSTEM_DISK"}
    assert any(e["event"].startswith("settle ") for e in state["upcoming"])


def test_balance_set_and_top_up(fresh: ThreadedServer) -> None:
    assert control(fresh, "POST", "balance", {"set": "-1"})[1]["balance"] == "-1"
    with pytest.raises(TencentCloudSDKException) as caught:
        _launch(fresh)
    assert caught.value.code == "InvalidAccount.InsufficientBalance"
    assert control(fresh, "POST", "balance", {"top_up": "100"})[1]["balance"] == "99"
    assert fresh.cloud.balance() == 99


@pytest.mark.parametrize(
    "body",
    [{"set": 1.5}, {"set": "lots"}, {"top_up": "-5"}, {"set": "1", "top_up": "1"}, {}, {"set": "1", "uin": 12},
     {"set": "1", "who": "me"}],
)
def test_a_bad_balance_call_is_a_400_and_changes_nothing(fresh: ThreadedServer, body: dict[str, Any]) -> None:
    status, answer = control(fresh, "POST", "balance", body)
    assert status == 400 and answer["error"]
    assert fresh.cloud.balance() == 1000000


def test_console_destroy_and_recover(fresh: ThreadedServer) -> None:
    ids = _launch(fresh, 2)
    fresh.tick(5)
    status, answer = control(fresh, "POST", "console/destroy",
                             {"region": "ap-guangzhou", "instance_ids": ids, "release": "after_2h"})
    assert status == 200
    assert answer == {ids[0]: {"ok": True, "state": "SHUTDOWN", "reason": None},
                      ids[1]: {"ok": True, "state": "SHUTDOWN", "reason": None}}
    fresh.tick(5)
    recovered = control(fresh, "POST", "console/recover", {"region": "ap-guangzhou", "instance_ids": ids[:1]})[1]
    assert recovered[ids[0]]["ok"] is True, recovered
    fresh.tick(2 * 3600)
    assert [i.instance_id for i in fresh.cloud.world.cvm.all_instances()] == ids[:1]


@pytest.mark.parametrize(
    "body",
    [{"region": "mars-1", "instance_ids": ["ins-1a2b3c4d"]}, {"region": "ap-guangzhou", "instance_ids": []},
     {"region": "ap-guangzhou", "instance_ids": "ins-1a2b3c4d"},
     {"region": "ap-guangzhou", "instance_ids": ["ins-1a2b3c4d"], "release": "later"}],
)
def test_a_bad_console_call_is_a_400(fresh: ThreadedServer, body: dict[str, Any]) -> None:
    status, answer = control(fresh, "POST", "console/destroy", body)
    assert status == 400 and answer["error"]


def test_faults_answer_the_next_calls_with_the_code(fresh: ThreadedServer) -> None:
    status, fault = control(fresh, "POST", "faults", {"action": "RunInstances", "code": "RequestLimitExceeded",
                                                      "times": 1})
    assert status == 200 and fault["times"] == 1
    with pytest.raises(TencentCloudSDKException) as caught:
        _launch(fresh)
    assert caught.value.code == "RequestLimitExceeded"
    assert len(_launch(fresh)) == 1
    assert control(fresh, "POST", "faults", {"action": "RunInstances"})[0] == 400
    assert control(fresh, "POST", "faults", {"action": "X", "code": "Y", "times": 0})[0] == 400


def test_the_journal_lists_the_latest_calls_with_their_codes(fresh: ThreadedServer) -> None:
    client = sdk_client(fresh)
    call(client, "DescribeInstances")
    with pytest.raises(TencentCloudSDKException):
        call(client, "StartInstances", {"InstanceIds": ["ins-00000000"]})
    status, calls = control(fresh, "GET", "journal?limit=1")
    assert status == 200 and len(calls) == 1
    assert calls[0]["action"] == "StartInstances" and calls[0]["error"] == "InvalidInstanceId.NotFound"
    assert [c["action"] for c in control(fresh, "GET", "journal")[1]] == ["DescribeInstances", "StartInstances"]
    assert control(fresh, "GET", "journal?limit=many")[0] == 400


@pytest.mark.parametrize("raw", [b"", b"{not json", b"[1, 2]", b"\xff\xfe", b'"text"'])
def test_a_body_that_is_not_a_json_object_is_a_400(fresh: ThreadedServer, raw: bytes) -> None:
    for route in ("clock", "balance", "faults", "console/destroy"):
        status, answer = control(fresh, "POST", route, raw=raw)
        assert status == 400 and "JSON" in answer["error"], (route, answer)


def test_unknown_routes_and_methods_say_what_exists(server: ThreadedServer) -> None:
    status, answer = control(server, "GET", "nothing")
    assert status == 404 and "/_mockcvm/clock" in answer["error"]
    status, answer = control(server, "POST", "state", {})
    assert status == 405 and "GET" in answer["error"]


def test_the_answer_is_json(server: ThreadedServer) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{server.url}/_mockcvm/state") as answer:
        assert answer.headers["Content-Type"] == "application/json"
        json.loads(answer.read())
