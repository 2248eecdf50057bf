"""The server's clock: wall-clock time plus an offset, or held; driven by freezegun and by time-machine alike."""

from __future__ import annotations

import json
import time
from typing import Any, Callable

import pytest

from mockcvm.options import make_options
from mockcvm.protocol.messages import HttpRequest
from mockcvm.server import ThreadedServer
from mockcvm.server.clock import ServerClock
from mockcvm.server.service import ServedCloud
from tests.server.conftest import RUN, call, sdk_client
from tests.server.conftest import WALL_START as START


def test_the_clock_follows_the_wall_clock_from_start_up(wall: Callable[[float], None]) -> None:
    clock = ServerClock()
    assert clock.now() == START.timestamp()
    wall(90)
    assert clock.now() == START.timestamp() + 90


def test_frozen_holds_and_moving_adds_to_what_flows(wall: Callable[[float], None]) -> None:
    clock = ServerClock(frozen=True)
    wall(50)
    assert clock.now() == START.timestamp()
    clock.tick(10)
    clock.freeze(False)
    wall(5)
    assert clock.now() == START.timestamp() + 15
    clock.move_to(START.timestamp() + 3600)
    wall(1)
    assert clock.now() == START.timestamp() + 3601
    with pytest.raises(ValueError, match="only moves forward"):
        clock.move_to(START.timestamp())
    with pytest.raises(ValueError, match="only moves forward"):
        clock.tick(-1)


def test_a_flowing_server_settles_launches_as_wall_time_passes(wall: Callable[[float], None]) -> None:
    served = ServedCloud(make_options(durations={"transition": 30}))
    served.world.catch_up()

    headers = {"host": "cvm.tencentcloudapi.com", "content-type": "application/json", "x-tc-action": "RunInstances",
               "x-tc-version": "2017-03-12", "x-tc-region": "ap-guangzhou",
               "authorization": "TC3-HMAC-SHA256 Credential=AKIDx/2026-01-05/cvm/tc3_request, "
                                "SignedHeaders=content-type;host, Signature=00"}
    answer = served.api(HttpRequest("POST", "http://127.0.0.1/", headers, json.dumps(RUN).encode()))
    assert b"InstanceIdSet" in answer.body
    wall(29)
    assert served.state()["accounts"][0]["instances"][0]["InstanceState"] == "PENDING"
    wall(1)
    assert served.state()["accounts"][0]["instances"][0]["InstanceState"] == "RUNNING"


def test_a_real_flowing_server_settles_a_launch_as_wall_time_passes() -> None:
    # the control API's state view does not count as a look at the instance (a DescribeInstances would settle it)
    with ThreadedServer(port=0, durations={"transition": 0.5}) as server:
        asked = time.monotonic()
        call(sdk_client(server), "RunInstances", RUN)

        def state() -> Any:
            return server.served.state()["accounts"][0]["instances"][0]["InstanceState"]

        if time.monotonic() - asked < 0.4:  # on a very busy machine the launch itself may take longer
            assert state() == "PENDING"
        deadline = asked + 30
        while state() != "RUNNING":
            assert time.monotonic() < deadline, "nobody moved the clock, and wall time did not settle the launch"
            time.sleep(0.05)
        assert time.monotonic() - asked >= 0.5
