"""What the release of an instance does to its network, for every way an instance goes: the primary interface
goes, secondary interfaces are detached and kept, and every EIP bound to any of its private IPs is kept, unbound
and charged idle."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from tests.release.helpers import api, run_instances
from tests.release.test_release_effects import POSTPAID_WAYS, PREPAID_WAYS, Fleet, fleet, gone

__all__ = ["fleet"]  # the fixture, shared with the release tests


def interfaces(fleet: Fleet, **params: Any) -> list[dict[str, Any]]:
    return api(fleet.vpc, "DescribeNetworkInterfaces", **params)["NetworkInterfaceSet"]  # type: ignore


def addresses(fleet: Fleet, ids: list[str]) -> list[dict[str, Any]]:
    return api(fleet.vpc, "DescribeAddresses", AddressIds=ids)["AddressSet"]  # type: ignore[no-any-return]


def default_subnet(fleet: Fleet) -> dict[str, Any]:
    filters = [{"Name": "is-default", "Values": ["true"]}, {"Name": "zone", "Values": ["ap-guangzhou-3"]}]
    return api(fleet.vpc, "DescribeSubnets", Filters=filters)["SubnetSet"][0]  # type: ignore[no-any-return]


def launch_with_network(fleet: Fleet, charge_type: str) -> tuple[str, str, str, list[str]]:
    """An instance with a secondary IP on its primary interface, a secondary interface, and an EIP on each of
    the three private IPs; returns (instance, primary interface, secondary interface, EIPs)."""
    params: dict[str, Any] = {"InstanceChargeType": charge_type, "InstanceType": "S5.MEDIUM4"}
    if charge_type == "PREPAID":
        params["InstanceChargePrepaid"] = {"Period": 1}
    [ins] = run_instances(fleet.cvm, **params)
    [primary] = interfaces(fleet, Filters=[{"Name": "attachment.instance-id", "Values": [ins]}])
    primary_id = primary["NetworkInterfaceId"]
    [secondary_ip] = api(fleet.vpc, "AssignPrivateIpAddresses", NetworkInterfaceId=primary_id,
                         SecondaryPrivateIpAddressCount=1)["PrivateIpAddressSet"]
    subnet = default_subnet(fleet)
    extra = api(fleet.vpc, "CreateNetworkInterface", VpcId=subnet["VpcId"], SubnetId=subnet["SubnetId"],
                NetworkInterfaceName="extra")["NetworkInterface"]
    extra_id = extra["NetworkInterfaceId"]
    api(fleet.vpc, "AttachNetworkInterface", NetworkInterfaceId=extra_id, InstanceId=ins)
    interfaces(fleet, NetworkInterfaceIds=[extra_id])  # poll until attached
    eips = api(fleet.vpc, "AllocateAddresses", AddressCount=3)["AddressSet"]
    api(fleet.vpc, "AssociateAddress", AddressId=eips[0], InstanceId=ins)
    api(fleet.vpc, "AssociateAddress", AddressId=eips[1], NetworkInterfaceId=primary_id,
        PrivateIpAddress=secondary_ip["PrivateIpAddress"])
    api(fleet.vpc, "AssociateAddress", AddressId=eips[2], NetworkInterfaceId=extra_id,
        PrivateIpAddress=extra["PrivateIpAddressSet"][0]["PrivateIpAddress"])
    assert {a["AddressStatus"] for a in addresses(fleet, eips)} == {"BINDING"}  # shown once, then settled
    assert all(a["AddressStatus"] == "BIND" and a["InstanceId"] == ins for a in addresses(fleet, eips))
    return ins, primary_id, extra_id, eips


def check_network_release(fleet: Fleet, primary_id: str, extra_id: str, eips: list[str], free_before: int) -> None:
    assert interfaces(fleet, NetworkInterfaceIds=[primary_id]) == []
    [extra] = interfaces(fleet, NetworkInterfaceIds=[extra_id])
    assert extra["State"] == "AVAILABLE" and extra["Attachment"] is None
    shown = addresses(fleet, eips)
    assert [a["AddressId"] for a in shown] == eips
    for address in shown:
        assert address["AddressStatus"] == "UNBIND" and address["InstanceId"] is None
        assert address["NetworkInterfaceId"] is None and address["PrivateAddressIp"] is None
        assert fleet.cloud.world.billing.rate(fleet.cloud.default_account, address["AddressId"], "eip_idle") > 0
    # the primary interface's two addresses are back in the subnet; the secondary interface keeps its own
    assert default_subnet(fleet)["AvailableIpAddressCount"] == free_before + 2


@pytest.mark.parametrize(
    ("charge_type", "way"),
    [("POSTPAID_BY_HOUR", w) for w in POSTPAID_WAYS] + [("PREPAID", w) for w in PREPAID_WAYS],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
def test_release_keeps_every_eip_and_the_secondary_interfaces(
    fleet: Fleet, charge_type: str, way: Callable[[Fleet, str], None]
) -> None:
    ins, primary_id, extra_id, eips = launch_with_network(fleet, charge_type)
    free_before = default_subnet(fleet)["AvailableIpAddressCount"]
    way(fleet, ins)
    assert gone(fleet, ins)
    check_network_release(fleet, primary_id, extra_id, eips, free_before)


def test_release_address_releases_only_the_eip_of_the_primary_ip(fleet: Fleet) -> None:
    ins, primary_id, extra_id, eips = launch_with_network(fleet, "POSTPAID_BY_HOUR")
    api(fleet.cvm, "TerminateInstances", InstanceIds=[ins], ReleaseAddress=True)
    assert gone(fleet, ins)
    assert [a["AddressId"] for a in addresses(fleet, eips)] == eips[1:]
