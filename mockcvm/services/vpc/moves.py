"""ModifyInstancesVpcAttribute, the network's part: check where the instances go (:func:`plan`, cvm codes, nothing
changes), then move each one's primary interface (:func:`apply`): its old private IP goes back to its subnet, the
new one (asked for, or the next free one) is taken in the target subnet, an EIP on the primary IP follows it. CVM
then updates the instance and its indexes (``services/cvm/network_move.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from mockcvm.errors import ApiError
from mockcvm.services.vpc.network import Subnet, parse_ip

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.services.vpc.backend import VpcBackend


def plan(vpc: VpcBackend, uin: str, region: str, instances: list[Instance], spec: dict[str, Any]
         ) -> tuple[Subnet, list[Optional[int]]]:
    """Check ``VirtualPrivateCloud`` of ModifyInstancesVpcAttribute (cvm codes) for ``instances``: the subnet
    and, per instance, the private IP asked for (None: the next free one). Changes nothing."""
    network = vpc.network
    vpc_id, subnet_id = str(spec.get("VpcId", "")), str(spec.get("SubnetId", ""))
    subnet = network.named_subnet(uin, region, vpc_id, subnet_id,
                                  vpc_hint=" (DEFAULT is for RunInstances only: name the default VPC's id)")
    for instance in instances:
        if instance.zone != subnet.zone:
            raise ApiError(f"The subnet {subnet_id} is in {subnet.zone} and the instance {instance.instance_id} "
                           f"in {instance.zone}; an instance moves only to a subnet of its own zone.",
                           code="InvalidParameterValue.SubnetIdZoneIdNotMatch")
    interfaces = vpc.interfaces
    for instance in instances:
        secondary = [i for i in interfaces.attached_to(instance) if not i.primary]
        if secondary and vpc_id != instance.vpc_id:
            raise ApiError(
                f"The instance {instance.instance_id} has the elastic network interface "
                f"{secondary[0].interface_id} attached; detach it before moving the instance to another VPC.",
                code="UnsupportedOperation.ElasticNetworkInterface")
        primary = interfaces.primary_of(instance)
        if primary is not None and len(primary.addresses) > 1 and subnet_id != instance.subnet_id:
            raise ApiError(
                f"The primary network interface of {instance.instance_id} holds secondary private IPs of "
                f"{instance.subnet_id}; unassign them before moving the instance to another subnet.",
                code="EniNotAllowedChangeSubnet")
    wanted = list(spec.get("PrivateIpAddresses") or [])
    addresses: list[Optional[int]] = [None] * len(instances)
    if wanted:
        if len(wanted) != len(instances):
            raise ApiError(
                f"VirtualPrivateCloud.PrivateIpAddresses has {len(wanted)} address(es) for {len(instances)} "
                "instance(s); give one per instance, in the order of InstanceIds, or none.",
                code="InvalidParameterValue")
        taken: set[int] = set()
        for n, (instance, text) in enumerate(zip(instances, wanted)):
            number = parse_ip(text)
            if number is None:
                raise ApiError(f"The private IP {text!r} is not an IPv4 address.",
                               code="InvalidParameterValue.IPAddressMalformed")
            if not subnet.holds(number):
                raise ApiError(f"The private IP {text} is not a usable address of the subnet {subnet.cidr}.",
                               code="VpcAddrNotInSubNet")
            owner = subnet.owner_of(number)
            if (owner is not None and owner != instance.instance_id) or number in taken:
                raise ApiError(f"The private IP {text} is already in use in {subnet.subnet_id}.",
                               code="VpcIpIsUsed")
            taken.add(number)
            addresses[n] = number
    freed = sum(1 for i in instances if i.subnet_id == subnet.subnet_id)
    if subnet.available + freed < len(instances):
        raise ApiError(f"{subnet.subnet_id} has {subnet.available} free private IPs; {len(instances)} "
                       "instance(s) need one each.", code="FailedOperation.NoAvailableIpAddressCountInSubnet")
    return subnet, addresses


def apply(vpc: VpcBackend, instance: Instance, subnet: Subnet, address: Optional[int]) -> str:
    """One instance's move, as :func:`plan` planned it: the instance's primary IP goes back to its subnet and the
    primary interface takes ``address`` (or the next free one) in ``subnet``; an EIP on the old primary IP stays
    bound, to the new one. Returns the new IP; the caller updates the instance."""
    network = vpc.network
    old_ip = instance.private_ip
    network.release_address(instance.uin, instance.region, instance.subnet_id, old_ip)
    new_ip = subnet.take(instance.instance_id, address)
    primary = vpc.interfaces.primary_of(instance)
    if primary is not None:
        eip = vpc.eip_on(primary, old_ip)
        primary.vpc_id, primary.subnet_id = subnet.vpc_id, subnet.subnet_id
        primary.addresses[0].address = new_ip
        vpc.interfaces.interfaces.changed(primary)
        if eip is not None:
            eip.private_ip = new_ip
            vpc.addresses.changed(eip)
    vpc.ordinary_ip_moved(instance.instance_id, new_ip)
    return new_ip
