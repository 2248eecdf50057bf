"""ModifyInstancesVpcAttribute: instances move to another subnet (of their VPC or of another), with a new private IP.

The whole batch is checked first (ids, states, the network, the addresses), then each instance's primary
interface moves: its old address goes back to its subnet, the new one is taken, an EIP on the primary IP follows
it. A running instance is stopped and started again (REBOOTING while in flight, ``ForceStop`` defaults to true);
a stopped one stays stopped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockcvm.errors import ApiError
from mockcvm.services.cvm import checks, models
from mockcvm.services.cvm.instance_ops import static_changed
from mockcvm.services.cvm.models import host_name_of
from mockcvm.services.vpc import moves

if TYPE_CHECKING:
    from mockcvm.services.cvm.backend import CvmBackend

ACTION = "ModifyInstancesVpcAttribute"


def modify_vpc_attribute(backend: CvmBackend, uin: str, region: str, params: dict[str, Any], request_id: str
                         ) -> None:
    world = backend.world
    instances = checks.find_all(backend, uin, region, checks.instance_ids(params.get("InstanceIds"), ACTION))
    force_stop = params.get("ForceStop", True)
    planned = checks.steps(backend, instances, ACTION,
                           lambda i: "OfflineChange.ForceStop" if force_stop else "OfflineChange")
    for instance in instances:
        if instance.stop_charging_mode == models.STOP_CHARGING:
            raise ApiError(
                f"The instance `{instance.instance_id}` was stopped without charging (STOP_CHARGING): its resources "
                "were given back; start it (or stop it keeping charging) before changing its network.",
                code="UnsupportedOperation.StoppedModeStopCharging",
            )
    subnet, addresses = moves.plan(world.vpc, uin, region, instances, params.get("VirtualPrivateCloud") or {})
    reserve_host_name = params.get("ReserveHostName", True)
    for (instance, step), address in zip(planned, addresses):
        host_name = host_name_of(instance)
        was = {"vpc-id": instance.vpc_id, "subnet-id": instance.subnet_id, "private-ip-address": instance.private_ip}
        instance.private_ip = moves.apply(world.vpc, instance, subnet, address)
        instance.vpc_id, instance.subnet_id = subnet.vpc_id, subnet.subnet_id
        instance.host_name = host_name if reserve_host_name else ""
        backend.instances.changed(instance, was=was)
        static_changed(backend, instance)
        backend.begin(instance, ACTION, request_id, step)
