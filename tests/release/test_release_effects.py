"""What the release of an instance does to its EIPs, disks and tags (SPEC §7), for every way an instance goes.

Each scenario launches an instance with a bound EIP and three data disks (elastic and kept, elastic with
DeleteWithInstance, non-elastic) and tags, lets it go one way, then reads VPC, CBS and Tag through the SDK.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

import pytest

from mockcvm import Cloud
from mockcvm.clock import iso
from tests import sdk
from tests.conftest import Clock
from tests.release.helpers import api, instance, run_instances

REGION = "ap-guangzhou"
HOUR = 3600.0
DAY = 24 * HOUR


@dataclass
class Fleet:
    cloud: Cloud
    clock: Clock
    cvm: Any
    vpc: Any
    cbs: Any
    tag: Any


@dataclass
class Launched:
    instance_id: str
    eip: str
    system_disk: str
    kept: str  # elastic, DeleteWithInstance=false
    deleted: str  # elastic, DeleteWithInstance=true
    fixed: str  # non-elastic (Portable=false)


@pytest.fixture
def fleet(cloud: Cloud, clock: Clock) -> Fleet:
    return Fleet(cloud, clock, sdk.client("cvm"), sdk.client("vpc"), sdk.client("cbs"), sdk.client("tag"))


def launch(fleet: Fleet, charge_type: str = "POSTPAID_BY_HOUR", **params: Any) -> Launched:
    if charge_type == "PREPAID":
        params["InstanceChargePrepaid"] = {"Period": 1}
    [ins] = run_instances(
        fleet.cvm,
        InstanceChargeType=charge_type,
        DataDisks=[
            {"DiskType": "CLOUD_PREMIUM", "DiskSize": 100, "DeleteWithInstance": False},
            {"DiskType": "CLOUD_PREMIUM", "DiskSize": 100, "DeleteWithInstance": True},
            {"DiskType": "CLOUD_PREMIUM", "DiskSize": 100},
        ],
        TagSpecification=[{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "a"}]}],
        **params,
    )
    described = instance(fleet.cvm, ins)
    kept, deleted, fixed = (d["DiskId"] for d in described["DataDisks"])
    fleet.cloud.world.cbs.get(fleet.cloud.default_account, REGION, fixed).portable = False  # type: ignore
    [eip] = api(fleet.vpc, "AllocateAddresses")["AddressSet"]
    api(fleet.vpc, "AssociateAddress", AddressId=eip, InstanceId=ins)
    return Launched(ins, eip, described["SystemDisk"]["DiskId"], kept, deleted, fixed)


def gone(fleet: Fleet, ins: str) -> bool:
    """Poll DescribeInstances as a client does (a TERMINATING instance shows once, then it is gone)."""
    for _ in range(3):
        if api(fleet.cvm, "DescribeInstances", InstanceIds=[ins])["TotalCount"] == 0:
            return True
    return False


# -- the ways an instance goes: each returns when the instance is gone ------------------------------------------


def api_terminate(fleet: Fleet, ins: str) -> None:
    api(fleet.cvm, "TerminateInstances", InstanceIds=[ins])


def console_destroy(fleet: Fleet, ins: str) -> None:
    assert fleet.cloud.console.destroy(REGION, [ins], release="now")[ins].ok


def console_destroy_after_2h(fleet: Fleet, ins: str) -> None:
    assert fleet.cloud.console.destroy(REGION, [ins], release="after_2h")[ins].ok
    assert not gone(fleet, ins)
    fleet.clock.tick(2 * HOUR + 1)


def scheduled_destroy(fleet: Fleet, ins: str) -> None:
    when = iso(fleet.cloud.now() + 600)
    api(fleet.cvm, "ImportInstancesActionTimer", InstanceIds=[ins],
        ActionTimer={"TimerAction": "TerminateInstances", "ActionTime": when})
    fleet.clock.tick(601)


def arrears(fleet: Fleet, ins: str) -> None:
    fleet.cloud.set_balance(-1)
    fleet.clock.tick(26 * HOUR + 1)


def prepaid_terminate_twice(fleet: Fleet, ins: str) -> None:
    api(fleet.cvm, "TerminateInstances", InstanceIds=[ins])
    assert instance(fleet.cvm, ins)["InstanceState"] == "SHUTDOWN"
    api(fleet.cvm, "TerminateInstances", InstanceIds=[ins])


def prepaid_bin_deadline(fleet: Fleet, ins: str) -> None:
    api(fleet.cvm, "TerminateInstances", InstanceIds=[ins])
    fleet.clock.tick(7 * DAY + 1)


def expiry(fleet: Fleet, ins: str) -> None:
    fleet.clock.tick(timedelta(days=31 + 9))


POSTPAID_WAYS: list[Callable[[Fleet, str], None]] = [
    api_terminate, console_destroy, console_destroy_after_2h, scheduled_destroy, arrears,
]
PREPAID_WAYS: list[Callable[[Fleet, str], None]] = [prepaid_terminate_twice, prepaid_bin_deadline, expiry]


def disks(fleet: Fleet, *ids: str) -> dict[str, dict[str, Any]]:
    return {d["DiskId"]: d for d in api(fleet.cbs, "DescribeDisks", DiskIds=list(ids))["DiskSet"]}


def check_release(fleet: Fleet, launched: Launched, kept_disks: set[str]) -> None:
    every = (launched.system_disk, launched.kept, launched.deleted, launched.fixed)
    left = disks(fleet, *every)
    assert set(left) == kept_disks
    for disk in left.values():
        assert disk["DiskState"] == "UNATTACHED" and disk["Attached"] is False and disk["InstanceId"] == ""
    [eip] = api(fleet.vpc, "DescribeAddresses", AddressIds=[launched.eip])["AddressSet"]
    assert eip["AddressStatus"] == "UNBIND" and eip["InstanceId"] is None
    uin = fleet.cloud.default_account
    assert fleet.cloud.world.billing.rate(uin, launched.eip, "eip_idle") > 0
    name = f"qcs::cvm:{REGION}:uin/{uin}:instance/{launched.instance_id}"
    assert api(fleet.tag, "GetResources", ResourceList=[name])["ResourceTagMappingList"] == []
    assert api(fleet.tag, "GetResources", TagFilters=[{"TagKey": "team"}])["ResourceTagMappingList"] == []


@pytest.mark.parametrize("way", POSTPAID_WAYS, ids=lambda w: w.__name__)
def test_postpaid_release_keeps_elastic_disks_and_eips(fleet: Fleet, way: Callable[[Fleet, str], None]) -> None:
    launched = launch(fleet)
    way(fleet, launched.instance_id)
    assert gone(fleet, launched.instance_id)
    check_release(fleet, launched, kept_disks={launched.kept})


@pytest.mark.parametrize("way", PREPAID_WAYS, ids=lambda w: w.__name__)
def test_prepaid_release_keeps_prepaid_data_disks_without_the_flag(
    fleet: Fleet, way: Callable[[Fleet, str], None]
) -> None:
    launched = launch(fleet, "PREPAID")
    way(fleet, launched.instance_id)
    assert gone(fleet, launched.instance_id)
    check_release(fleet, launched, kept_disks={launched.kept, launched.deleted})


def test_the_idle_eip_shows_in_the_ledger_after_release(fleet: Fleet) -> None:
    launched = launch(fleet)
    api_terminate(fleet, launched.instance_id)
    assert gone(fleet, launched.instance_id)
    fleet.clock.tick(3 * HOUR)
    idle = [e for e in fleet.cloud.ledger() if e.resource_id == launched.eip]
    assert idle and {e.reason for e in idle} == {"eip_idle"}
    assert sum(e.amount for e in idle) > 0


def test_release_address_releases_the_eip_of_the_primary_nic(fleet: Fleet) -> None:
    launched = launch(fleet)
    api(fleet.cvm, "TerminateInstances", InstanceIds=[launched.instance_id], ReleaseAddress=True)
    assert gone(fleet, launched.instance_id)
    assert api(fleet.vpc, "DescribeAddresses", AddressIds=[launched.eip])["TotalCount"] == 0
    uin = fleet.cloud.default_account
    assert fleet.cloud.world.billing.rate(uin, launched.eip, "eip_idle") == 0
    assert set(disks(fleet, launched.kept, launched.deleted)) == {launched.kept}


def test_release_prepaid_data_disks_sends_them_with_the_instance(fleet: Fleet) -> None:
    launched = launch(fleet, "PREPAID")
    ins = launched.instance_id
    api(fleet.cvm, "TerminateInstances", InstanceIds=[ins], ReleasePrepaidDataDisks=True)
    # in the recycle bin the disks stay with the instance
    assert instance(fleet.cvm, ins)["InstanceState"] == "SHUTDOWN"
    assert all(d["InstanceId"] == ins for d in disks(fleet, launched.kept, launched.deleted).values())
    fleet.clock.tick(7 * DAY + 1)
    assert gone(fleet, ins)
    assert disks(fleet, launched.system_disk, launched.kept, launched.deleted, launched.fixed) == {}
    assert api(fleet.vpc, "DescribeAddresses", AddressIds=[launched.eip])["AddressSet"][0]["AddressStatus"] == (
        "UNBIND"
    )


def test_a_disk_released_with_its_instance_stops_being_charged(fleet: Fleet) -> None:
    launched = launch(fleet)
    billing, uin = fleet.cloud.world.billing, fleet.cloud.default_account
    assert billing.rate(uin, launched.deleted, "disk") > 0
    api_terminate(fleet, launched.instance_id)
    assert gone(fleet, launched.instance_id)
    assert billing.rate(uin, launched.deleted, "disk") == 0
    assert billing.rate(uin, launched.system_disk, "disk") == 0
    assert billing.rate(uin, launched.kept, "disk") > 0


def wan_ips(fleet: Fleet) -> list[str]:
    answer = api(fleet.vpc, "DescribeAddresses", Filters=[{"Name": "address-type", "Values": ["WanIP"]}])
    return [a["InstanceId"] for a in answer["AddressSet"]]


@pytest.mark.parametrize("way", [api_terminate, console_destroy, scheduled_destroy], ids=lambda w: w.__name__)
def test_the_ordinary_public_ip_goes_with_the_instance(fleet: Fleet, way: Callable[[Fleet, str], None]) -> None:
    [ins] = run_instances(fleet.cvm, InternetAccessible={"InternetMaxBandwidthOut": 5, "PublicIpAssigned": True})
    assert wan_ips(fleet) == [ins]
    way(fleet, ins)
    assert gone(fleet, ins)
    assert wan_ips(fleet) == []
