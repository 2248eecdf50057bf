"""``cvm.dump()``: the world as a failing test's report shows it (instances, bin deadline, timers, balance)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tencentcloud.cvm.v20170312 import models

from pytest_mockcvm import Cloud, CvmClock


def launch(client: Any, **extra: Any) -> str:
    request = models.RunInstancesRequest()
    request.from_json_string(json.dumps({
        "Placement": {"Zone": "ap-guangzhou-6"}, "ImageId": "img-eb30mz89", "InstanceType": "S5.MEDIUM2",
        "InstanceName": "web", **extra,
    }))
    return str(client.RunInstances(request).InstanceIdSet[0])


@pytest.mark.mockcvm(transitions="immediate", seed=1, clock_start="2026-01-05T04:00:00Z")
def test_dump_shows_instances_bin_deadline_timers_and_balance(
    cvm: Cloud, cvm_client: Any, cvm_clock: CvmClock
) -> None:
    prepaid = launch(cvm_client, InstanceChargeType="PREPAID", InstanceChargePrepaid={"Period": 1})
    postpaid = launch(cvm_client)
    terminate = models.TerminateInstancesRequest()
    terminate.InstanceIds = [prepaid]
    cvm_client.TerminateInstances(terminate)
    timer = models.ImportInstancesActionTimerRequest()
    timer.from_json_string(json.dumps({
        "InstanceIds": [postpaid],
        "ActionTimer": {"TimerAction": "TerminateInstances", "ActionTime": "2026-01-06T00:00:00Z"},
    }))
    timer_id = cvm_client.ImportInstancesActionTimer(timer).ActionTimerIds[0]
    cvm_clock.tick(60)

    lines = cvm.dump().splitlines()

    assert lines[0] == "world time: 2026-01-05T04:01:00Z"
    assert lines[1] == "accounts:"
    assert lines[2].startswith("  100000000001: balance ")
    assert "instances (2):" in lines
    text = "\n".join(lines)
    assert (
        f"  {prepaid}  ap-guangzhou  PREPAID  SHUTDOWN  name='web'  isolated=MANMADE  "
        "bin until 2026-01-12T04:00:00Z"
    ) in text
    assert f"  {postpaid}  ap-guangzhou  POSTPAID_BY_HOUR  RUNNING  name='web'" in text
    assert f"  {timer_id}  {postpaid}  TerminateInstances at 2026-01-06T00:00:00Z  UNDO" in text
    assert "  2026-01-05T04:00:00Z  cvm:TerminateInstances  ap-guangzhou  -> ok" in text


def test_dump_of_an_empty_world(cvm: Cloud) -> None:
    text = cvm.dump()
    assert "instances: none" in text
    assert "calls: none" in text
    assert "upcoming: nothing scheduled" in text
