"""Maintenance tasks: made by the control API, listed by DescribeTaskInfo, authorized by RepairTaskControl."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from mockcvm import Cloud, MockcvmError, mock_cvm
from tests import sdk
from tests.conftest import Clock
from tests.cvm.helpers import call_refused, launch

BEIJING = timezone(timedelta(hours=8))


def test_a_task_is_listed_then_authorized(cloud: Cloud, clock: Clock) -> None:
    cvm = sdk.client("cvm")
    (instance_id,) = launch(cvm)
    task_id = cloud.repair_task(instance_id, task_type_id=103, detail="disk errors")
    (task,) = sdk.call(cvm, "DescribeTaskInfo", Offset=0, Limit=10, InstanceIds=[instance_id]).RepairTaskInfoSet
    assert (task.TaskId, task.TaskStatus, task.TaskTypeName, task.TaskDetail) == (task_id, 1, "实例硬盘异常",
                                                                                  "disk errors")
    later = (datetime.now(BEIJING) + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")
    sdk.call(cvm, "RepairTaskControl", Product="CVM", InstanceIds=[instance_id], TaskId=task_id,
             Operate="AuthorizeRepair", OrderAuthTime=later)
    (task,) = sdk.call(cvm, "DescribeTaskInfo", Offset=0, Limit=10, TaskStatus=[4]).RepairTaskInfoSet
    assert task.AuthTime == later
    assert call_refused(cvm, "RepairTaskControl", Product="CVM", InstanceIds=[instance_id], TaskId=task_id,
                        Operate="AuthorizeRepair").code == "MutexOperation.TaskRunning"


def test_refusals(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    (instance_id,) = launch(cvm)
    task_id = cloud.repair_task(instance_id)
    for params in ({"Operate": "Reboot"}, {"Product": "TKE"}, {"OrderAuthTime": "tomorrow"},
                   {"TaskId": "rep-zzzzzzzz"}):
        request = {"Product": "CVM", "InstanceIds": [instance_id], "TaskId": task_id, "Operate": "AuthorizeRepair",
                   **params}
        assert call_refused(cvm, "RepairTaskControl", **request).code == "InvalidParameterValue"
    with pytest.raises(MockcvmError, match="task_type_id"):
        cloud.repair_task(instance_id, task_type_id=999)


def test_describe_task_info_async() -> None:
    async def main(cloud: Cloud) -> Any:
        client = sdk.client("cvm", asynchronous=True)
        ids = (await sdk.call(client, "RunInstances", Placement={"Zone": "ap-guangzhou-3"},
                              ImageId="img-eb30mz89")).InstanceIdSet
        cloud.repair_task(ids[0])
        return await sdk.call(client, "DescribeTaskInfo", Offset=0, Limit=10)

    with mock_cvm() as cloud:
        assert asyncio.run(main(cloud)).TotalCount == 1
