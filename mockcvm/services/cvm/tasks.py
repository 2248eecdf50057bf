"""Maintenance (repair) tasks: DescribeTaskInfo and RepairTaskControl, with tasks a test creates through
``cloud.repair_task(instance_id, ...)`` (Tencent creates them when hardware needs work; nothing in the API does).

A task waits for authorization (TaskStatus 1); RepairTaskControl ``AuthorizeRepair`` makes it processing (2), or
scheduled (4) for an ``OrderAuthTime`` 5 minutes to 48 hours ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Optional

from mockcvm.compat import SLOTS
from mockcvm.dispatch import Context, action
from mockcvm.errors import ApiError, InvalidParameterValue, MockcvmError
from mockcvm.services.cvm import checks

if TYPE_CHECKING:
    from mockcvm.world import World

TASK_TYPES = {101: "实例运行隐患", 102: "实例运行异常", 103: "实例硬盘异常", 104: "实例网络连接异常",
              105: "实例运行预警", 106: "实例硬盘预警", 107: "实例维护升级"}
WAITING, PROCESSING, SCHEDULED = 1, 2, 4
BEIJING = timezone(timedelta(hours=8))
PRODUCTS = ("CVM", "CDH", "CPM2.0")


@dataclass(eq=False, **SLOTS)
class RepairTask:
    task_id: str
    uin: str
    region: str
    instance_id: str
    zone: str
    task_type_id: int
    detail: str
    created_time: float
    auth_type: int = 2
    status: int = WAITING
    auth_time: Optional[float] = None


def _text(epoch: Optional[float]) -> str:
    return "" if epoch is None else datetime.fromtimestamp(epoch, BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def create(world: World, uin: str, instance_id: str, task_type_id: int, detail: str, auth_type: int) -> str:
    """The control API behind ``cloud.repair_task``: a task waiting for authorization on ``instance_id``."""
    instance = next((i for i in world.cvm.all_instances(uin) if i.instance_id == instance_id), None)
    if instance is None:
        raise MockcvmError(f"repair_task: no instance {instance_id!r} in this account")
    if task_type_id not in TASK_TYPES:
        raise MockcvmError(f"repair_task: task_type_id {task_type_id!r}; use one of {sorted(TASK_TYPES)}")
    task = RepairTask(task_id=world.ids.short("rep"), uin=uin, region=instance.region, instance_id=instance_id,
                      zone=instance.zone, task_type_id=task_type_id, detail=detail, created_time=world.now,
                      auth_type=auth_type)
    world.placements.repair_tasks.append(task)
    return task.task_id


def _render(world: World, task: RepairTask) -> dict[str, Any]:
    instance = world.cvm.get(task.uin, task.region, task.instance_id)
    return {
        "TaskId": task.task_id, "InstanceId": task.instance_id, "Alias": instance.name if instance else "",
        "TaskTypeId": task.task_type_id, "TaskTypeName": TASK_TYPES[task.task_type_id], "TaskStatus": task.status,
        "DeviceStatus": {WAITING: 1, PROCESSING: 2, SCHEDULED: 4}[task.status],
        "OperateStatus": {WAITING: 1, PROCESSING: 2, SCHEDULED: 4}[task.status],
        "CreateTime": _text(task.created_time), "AuthTime": _text(task.auth_time), "EndTime": "",
        "TaskDetail": task.detail, "Zone": task.zone, "Region": task.region,
        "VpcId": instance.vpc_id if instance else "", "VpcName": "", "SubnetId": instance.subnet_id if instance else "",
        "SubnetName": "", "WanIp": instance.public_ip or "" if instance else "",
        "LanIp": instance.private_ip if instance else "", "Product": "CVM", "TaskSubType": "",
        "AuthType": task.auth_type, "AuthSource": "",
    }


@action("cvm", "DescribeTaskInfo")
def describe_task_info(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    offset, limit = params["Offset"], params["Limit"]
    if offset < 0 or not 0 <= limit <= 100:
        raise ApiError("`Offset` must be >= 0 and `Limit` 0 to 100.", code="InvalidParameterValue.Range")
    if params.get("Product") not in (None, "", *PRODUCTS):
        raise InvalidParameterValue(f"`Product` is one of {', '.join(PRODUCTS)}.")
    tasks = [t for t in ctx.world.placements.repair_tasks if t.uin == ctx.account.uin and t.region == ctx.region]
    for member, attr in (("TaskIds", "task_id"), ("InstanceIds", "instance_id"), ("TaskStatus", "status"),
                         ("TaskTypeIds", "task_type_id")):
        wanted = params.get(member)
        if wanted:
            tasks = [t for t in tasks if getattr(t, attr) in wanted]
    if params.get("Order") == 1:
        tasks.reverse()
    page = tasks[offset:offset + limit]
    return {"TotalCount": len(tasks), "RepairTaskInfoSet": [_render(ctx.world, t) for t in page]}


@action("cvm", "RepairTaskControl")
def repair_task_control(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    if params["Product"] not in PRODUCTS:
        raise InvalidParameterValue(f"`Product` is one of {', '.join(PRODUCTS)}.")
    if params["Operate"] != "AuthorizeRepair":
        raise InvalidParameterValue("`Operate` supports AuthorizeRepair only.")
    ids = checks.instance_ids(params.get("InstanceIds"), "RepairTaskControl")
    task = next((t for t in ctx.world.placements.repair_tasks if t.task_id == params["TaskId"]
                 and t.uin == ctx.account.uin and t.region == ctx.region), None)
    if task is None:
        raise ApiError(f"The repair task {params['TaskId']} does not exist.", code="InvalidParameterValue")
    if task.instance_id not in ids:
        raise InvalidParameterValue(f"The task {task.task_id} is for {task.instance_id}, not {', '.join(ids)}.")
    if task.status != WAITING:
        raise ApiError(f"The task {task.task_id} is already authorized.", code="MutexOperation.TaskRunning")
    when: Optional[float] = None
    if params.get("OrderAuthTime"):
        try:
            when = datetime.strptime(params["OrderAuthTime"], "%Y-%m-%d %H:%M:%S").replace(
                tzinfo=BEIJING).timestamp()
        except ValueError:
            raise InvalidParameterValue("`OrderAuthTime` looks like 2023-01-01 12:00:00 (Beijing time).") from None
        if not ctx.world.now + 300 <= when <= ctx.world.now + 48 * 3600:
            raise InvalidParameterValue("`OrderAuthTime` must be 5 minutes to 48 hours ahead.")
    task.status = SCHEDULED if when is not None else PROCESSING
    task.auth_time = when if when is not None else ctx.world.now
    return {"TaskId": task.task_id}
