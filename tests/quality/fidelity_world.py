"""The fidelity audit's world: one resource of each kind in one account and region, made through the real SDK,
with the makers of fresh resources the table's rows use (``tests/quality/fidelity_table.py``).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest

from mockcvm import Cloud, mock_cvm
from tests import sdk

REGION = "ap-guangzhou"
ZONE = "ap-guangzhou-3"
IMAGE = "img-eb30mz89"
CENTOS = "img-9qabwvbn"
START = datetime(2026, 1, 5, 4, 0, 0, tzinfo=timezone.utc)
#: When the reads run: the world was built at START, so that bills, metrics and snapshots have hours behind them.
READ_AT = START + timedelta(hours=3)
PASSWORD = "Fidelity-2026"
JANUARY = {"BeginTime": "2026-01-01 00:00:00", "EndTime": "2026-01-31 23:59:59"}
COS_URL = "https://bucket-1250000000.cos.ap-guangzhou.myqcloud.com/"
SSH = {"Protocol": "TCP", "Port": "22", "CidrBlock": "0.0.0.0/0", "Action": "ACCEPT", "PolicyDescription": "ssh"}
TAGS = [{"Key": "team", "Value": "a"}]
Params = dict[str, Any]


class World:
    """One resource of each kind in one account and region, made through the real SDK."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.clients = {service: sdk.client(service, REGION) for service in sdk.VERSIONS}
        self.made = 0
        self.instance_id = self.instance(DataDisks=[{"DiskSize": 50, "DiskType": "CLOUD_PREMIUM"}],
                                         TagSpecification=[{"ResourceType": "instance", "Tags": TAGS}])
        self.prepaid_id = self.instance(
            InstanceChargeType="PREPAID", InstanceChargePrepaid={"Period": 1},
            InternetAccessible={"InternetChargeType": "BANDWIDTH_PREPAID", "InternetMaxBandwidthOut": 5,
                                "PublicIpAssigned": True})
        self.vpc_id = self.call("vpc", "CreateVpc", VpcName="fidelity", CidrBlock="10.0.0.0/16", Tags=TAGS)[
            "Vpc"]["VpcId"]
        self.subnet_id = self.call("vpc", "CreateSubnet", VpcId=self.vpc_id, SubnetName="s", Zone=ZONE,
                                   CidrBlock="10.0.0.0/24", Tags=TAGS)["Subnet"]["SubnetId"]
        self.group_id = self.security_group()
        self.eip_id = self.address()
        self.call("vpc", "AssociateAddress", AddressId=self.eip_id, InstanceId=self.instance_id)
        self.eni_id = self.interface()
        self.disk_id = self.disk()
        self.snapshot_id = self.call("cbs", "CreateSnapshot", DiskId=self.disk_id, SnapshotName="snap",
                                         Tags=[{"Key": "team", "Value": "a"}])["SnapshotId"]
        self.call("cbs", "ModifySnapshotsSharePermission", SnapshotIds=[self.snapshot_id], Permission="SHARE",
                  AccountIds=["100000000002"])
        self.policy_id = self.call("cbs", "CreateAutoSnapshotPolicy", AutoSnapshotPolicyName="nightly",
                                   Policy=[{"DayOfWeek": [1], "Hour": [1]}])["AutoSnapshotPolicyId"]
        self.call("cbs", "BindAutoSnapshotPolicy", AutoSnapshotPolicyId=self.policy_id, DiskIds=[self.disk_id])
        self.image_id = self.image()
        self.call("cvm", "ModifyImageSharePermission", ImageId=self.image_id, AccountIds=["100000000002"],
                  Permission="SHARE")
        self.key_id = self.key_pair()
        self.call("cvm", "AssociateInstancesKeyPairs", InstanceIds=[self.prepaid_id], KeyIds=[self.key_id],
                  ForceStop=True)
        self.template_id = self.template()
        self.call("cvm", "CreateLaunchTemplateVersion", LaunchTemplateId=self.template_id,
                  Placement={"Zone": ZONE}, ImageId=IMAGE)
        self.group = self.placement_group()
        self.call("cvm", "ModifyInstancesDisasterRecoverGroup", InstanceIds=[self.instance_id],
                  DisasterRecoverGroupIds=[self.group])
        self.host_id = self.host()
        self.hpc_id = self.hpc_cluster()
        self.timer_id = self.timer(self.instance_id)
        self.task_id = cloud.repair_task(self.instance_id)
        self.call("tag", "CreateTag", TagKey="team", TagValue="b")
        self.project_id = self.project()
        # A budget whose threshold the first settlement crosses, so that its remind records have an element.
        self.budget_id = self.budget(WarnJson=[{"WarnType": "ACTUAL", "CalType": "ABS", "ThresholdValue": "0.01"}])
        cloud.metrics.set(self.instance_id, "CPUUsage", 5)

    # -- calls -----------------------------------------------------------------------------------------------------

    def call(self, service: str, action: str, **params: Any) -> Params:
        return json.loads(sdk.call(self.clients[service], action, **params).to_json_string())  # type: ignore

    def answer(self, service: str, action: str, params: Params, client: Any = None) -> Params:
        """The answer as sent (``call_json``: absent members stay absent), after checking that the SDK's model
        reads it; the parameters go through the SDK's request model first, as ``sdk.call`` sends them."""
        request = sdk.request(service, action, **params)
        raw: Params = (client or self.clients[service]).call_json(action, request._serialize())["Response"]
        model = getattr(sdk.models(service), action + "Response")()
        model._deserialize(raw)
        return raw

    def name(self) -> str:
        self.made += 1
        return f"f{self.made}"

    def resource(self, resource_id: str, prefix: str = "instance", service: str = "cvm") -> str:
        return f"qcs::{service}:{REGION}:uin/{self.cloud.default_account}:{prefix}/{resource_id}"

    # -- fresh resources, for the rows that change or consume one ---------------------------------------------------

    def instance(self, **params: Any) -> str:
        params.setdefault("Placement", {"Zone": ZONE})
        params.setdefault("ImageId", IMAGE)
        params.setdefault("InstanceType", "S5.MEDIUM4")
        (instance_id,) = self.call("cvm", "RunInstances", **params)["InstanceIdSet"]
        return str(instance_id)

    def stopped(self, **params: Any) -> str:
        instance_id = self.instance(**params)
        self.call("cvm", "StopInstances", InstanceIds=[instance_id])
        return instance_id

    def disk(self, **params: Any) -> str:
        params.setdefault("DiskChargeType", "POSTPAID_BY_HOUR")
        params.setdefault("Placement", {"Zone": ZONE})
        (disk_id,) = self.call("cbs", "CreateDisks", DiskType="CLOUD_PREMIUM",
                               DiskSize=50, DiskName=self.name(), Tags=TAGS, **params)["DiskIdSet"]
        return str(disk_id)

    def prepaid_disk(self) -> str:
        return self.disk(DiskChargeType="PREPAID", DiskChargePrepaid={"Period": 1})

    def snapshot(self) -> str:
        return str(self.call("cbs", "CreateSnapshot", DiskId=self.disk_id)["SnapshotId"])

    def auto_snapshot_policy(self) -> str:
        return str(self.call("cbs", "CreateAutoSnapshotPolicy", Policy=[{"DayOfWeek": [2], "Hour": [3]}])[
            "AutoSnapshotPolicyId"])

    def address(self) -> str:
        (address_id,) = self.call("vpc", "AllocateAddresses", AddressName=self.name(), Tags=TAGS)["AddressSet"]
        return str(address_id)

    def security_group(self) -> str:
        return str(self.call("vpc", "CreateSecurityGroupWithPolicies", GroupName=self.name(), GroupDescription="d",
                             SecurityGroupPolicySet={"Ingress": [SSH], "Egress": [SSH]}, Tags=TAGS)[
            "SecurityGroup"]["SecurityGroupId"])

    def interface(self) -> str:
        return str(self.call("vpc", "CreateNetworkInterface", VpcId=self.vpc_id, SubnetId=self.subnet_id,
                             NetworkInterfaceName=self.name(), SecondaryPrivateIpAddressCount=1, Tags=TAGS)[
            "NetworkInterface"]["NetworkInterfaceId"])

    def vpc(self) -> str:
        return str(self.call("vpc", "CreateVpc", VpcName=self.name(), CidrBlock="172.16.0.0/16")["Vpc"]["VpcId"])

    def subnet(self) -> str:
        return str(self.call("vpc", "CreateSubnet", VpcId=self.vpc_id, SubnetName=self.name(), Zone=ZONE,
                             CidrBlock=f"10.0.{100 + self.made}.0/24")["Subnet"]["SubnetId"])

    def image(self) -> str:
        return str(self.call("cvm", "CreateImage", InstanceId=self.instance_id, ImageName=self.name(),
                             TagSpecification=[{"ResourceType": "image", "Tags": TAGS}])["ImageId"])

    def key_pair(self) -> str:
        return str(self.call("cvm", "ImportKeyPair", KeyName=self.name(), ProjectId=0, PublicKey=public_key(),
                             TagSpecification=spec("keypair"))["KeyId"])

    def template(self) -> str:
        return str(self.call("cvm", "CreateLaunchTemplate", LaunchTemplateName=self.name(),
                             Placement={"Zone": ZONE}, ImageId=IMAGE)["LaunchTemplateId"])

    def placement_group(self) -> str:
        return str(self.call("cvm", "CreateDisasterRecoverGroup", Name=self.name(), Type="HOST",
                             TagSpecification=spec("ps"))["DisasterRecoverGroupId"])

    def host(self) -> str:
        (host_id,) = self.call("cvm", "AllocateHosts", Placement={"Zone": ZONE},
                               HostChargePrepaid={"Period": 1},
                               TagSpecification=[{"ResourceType": "host", "Tags": TAGS}])["HostIdSet"]
        return str(host_id)

    def hpc_cluster(self) -> str:
        return str(self.call("cvm", "CreateHpcCluster", Zone=ZONE, Name=self.name(), TagSpecification=spec("hpc"))[
            "HpcClusterSet"][0]["HpcClusterId"])

    def timer(self, instance_id: str) -> str:
        when = (START + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        (timer_id,) = self.call("cvm", "ImportInstancesActionTimer", InstanceIds=[instance_id],
                                ActionTimer={"TimerAction": "TerminateInstances", "ActionTime": when})[
            "ActionTimerIds"]
        return str(timer_id)

    def project(self) -> int:
        return int(self.call("tag", "AddProject", ProjectName=self.name())["ProjectId"])

    def budget(self, **changes: Any) -> str:
        return str(self.call("billing", "CreateBudget", **budget_params(self.name(), **changes))["Data"]["BudgetId"])

    def tag(self) -> str:
        key = self.name()
        self.call("tag", "CreateTag", TagKey=key, TagValue="v")
        return key

    # -- fresh resources in the state an undoing action needs -----------------------------------------------------

    def placed(self) -> str:
        instance_id = self.instance()
        self.call("cvm", "ModifyInstancesDisasterRecoverGroup", InstanceIds=[instance_id],
                  DisasterRecoverGroupIds=[self.group])
        return instance_id

    def template_version(self) -> int:
        return int(self.call("cvm", "CreateLaunchTemplateVersion", LaunchTemplateId=self.template_id,
                             Placement={"Zone": ZONE}, ImageId=IMAGE)["LaunchTemplateVersionNumber"])

    def keyed(self) -> str:
        instance_id = self.stopped()
        self.call("cvm", "AssociateInstancesKeyPairs", InstanceIds=[instance_id], KeyIds=[self.key_id])
        return instance_id

    def grouped(self) -> str:
        instance_id = self.instance()
        self.call("cvm", "AssociateSecurityGroups", InstanceIds=[instance_id], SecurityGroupIds=[self.group_id])
        return instance_id

    def rescued(self) -> str:
        instance_id = self.instance()
        self.call("cvm", "EnterRescueMode", InstanceId=instance_id, Password=PASSWORD)
        return instance_id

    def tagged(self) -> str:
        resource = self.resource(self.instance())
        self.call("tag", "AddResourceTag", Resource=resource, TagKey="gone", TagValue="v")
        return resource

    def in_vpc(self) -> str:
        return self.instance(VirtualPrivateCloud={"VpcId": self.vpc_id, "SubnetId": self.subnet_id})

    def attached_interface(self) -> Params:
        interface_id, instance_id = self.interface(), self.in_vpc()
        self.call("vpc", "AttachNetworkInterface", NetworkInterfaceId=interface_id, InstanceId=instance_id)
        self.call("vpc", "DescribeNetworkInterfaces", NetworkInterfaceIds=[interface_id])  # settles ATTACHING
        return {"NetworkInterfaceId": interface_id, "InstanceId": instance_id}

    def bound_address(self) -> str:
        address_id = self.address()
        self.call("vpc", "AssociateAddress", AddressId=address_id, InstanceId=self.instance())
        return address_id

    def secondary_ip(self) -> Params:
        interface_id = self.interface()
        (secondary,) = [a["PrivateIpAddress"] for a in self.call(
            "vpc", "DescribeNetworkInterfaces", NetworkInterfaceIds=[interface_id])["NetworkInterfaceSet"][0][
            "PrivateIpAddressSet"] if not a["Primary"]]
        return {"NetworkInterfaceId": interface_id, "PrivateIpAddresses": [{"PrivateIpAddress": secondary}]}


@pytest.fixture(scope="module")
def shared_world() -> Iterator[World]:
    """The world, built at START and read at READ_AT (frozen), shared by the tests of a module."""
    import time_machine

    with time_machine.travel(START, tick=False) as traveller, mock_cvm(transitions="immediate") as cloud:
        built = World(cloud)
        traveller.move_to(READ_AT)
        yield built


def budget_params(name: str, **changes: Any) -> Params:
    """CreateBudget's members for a monthly budget over 2026 (ModifyBudget takes the same)."""
    return {"BudgetName": name, "CycleType": "MONTH", "PeriodBegin": "2026-01", "PeriodEnd": "2026-12",
            "PlanType": "FIX", "BudgetQuota": "10", "BillType": "BILL", "FeeType": "COST",
            "WarnJson": [{"WarnType": "ACTUAL", "CalType": "PERCENTAGE", "ThresholdValue": "50"}], **changes}


def spec(resource_type: str) -> list[dict[str, Any]]:
    """A ``TagSpecification`` tagging ``resource_type`` with TAGS."""
    return [{"ResourceType": resource_type, "Tags": TAGS}]


def public_key() -> str:
    """A new ed25519 public key in OpenSSH form (a key can be imported once)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
