"""The fidelity audit's world and table: one resource of each kind, and for every implemented action a builder of
parameters that make it succeed on that world.

A row is ``(service, action): builder``; the builder takes the :class:`World` and returns the parameters. A builder
for an action that changes or consumes a resource makes its own (``world.instance()``, ``world.disk()``...), so that
the rows can run in any order on the one shared world. Add a row when you register an action: the audit fails
until every action in ``mockcvm.dispatch.implemented_actions()`` has one.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator

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
Builder = Callable[["World"], Params]


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


def spec(resource_type: str) -> list[dict[str, Any]]:
    """A ``TagSpecification`` tagging ``resource_type`` with TAGS."""
    return [{"ResourceType": resource_type, "Tags": TAGS}]


def public_key() -> str:
    """A new ed25519 public key in OpenSSH form (a key can be imported once)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()


def _resized_disk(w: World) -> Params:
    return {"DiskId": w.disk(), "DiskSize": 60}


ROWS: dict[tuple[str, str], Builder] = {
    # -- billing -------------------------------------------------------------------------------------------------
    ("billing", "DescribeAccountBalance"): lambda w: {},
    ("billing", "DescribeBillDetail"): lambda w: {"Offset": 0, "Limit": 10, "Month": "2026-01"},
    ("billing", "DescribeBillResourceSummary"): lambda w: {"Offset": 0, "Limit": 10, "Month": "2026-01"},
    ("billing", "DescribeBillSummaryByPayMode"): lambda w: JANUARY,
    ("billing", "DescribeBillSummaryByProduct"): lambda w: JANUARY,
    ("billing", "DescribeBillSummaryByProject"): lambda w: JANUARY,
    ("billing", "DescribeBillSummaryByRegion"): lambda w: JANUARY,
    ("billing", "DescribeBillSummaryByTag"): lambda w: {**JANUARY, "TagKey": "team"},
    ("billing", "DescribeDealsByCond"): lambda w: {"StartTime": JANUARY["BeginTime"], "EndTime": JANUARY["EndTime"],
                                                   "Limit": 10},
    ("billing", "DescribeRenewInstances"): lambda w: {"MaxResults": 10},
    # -- cbs -----------------------------------------------------------------------------------------------------
    ("cbs", "ApplySnapshot"): lambda w: {"DiskId": w.disk_id, "SnapshotId": w.snapshot_id},
    ("cbs", "AttachDisks"): lambda w: {"DiskIds": [w.disk()], "InstanceId": w.instance_id},
    ("cbs", "BindAutoSnapshotPolicy"): lambda w: {"AutoSnapshotPolicyId": w.auto_snapshot_policy(),
                                                  "DiskIds": [w.disk()]},
    ("cbs", "CopySnapshotCrossRegions"): lambda w: {"SnapshotId": w.snapshot_id,
                                                    "DestinationRegions": ["ap-shanghai"]},
    ("cbs", "CreateAutoSnapshotPolicy"): lambda w: {"Policy": [{"DayOfWeek": [3], "Hour": [4]}]},
    ("cbs", "CreateDisks"): lambda w: {"Placement": {"Zone": ZONE}, "DiskChargeType": "POSTPAID_BY_HOUR",
                                       "DiskType": "CLOUD_SSD", "DiskSize": 20},
    ("cbs", "CreateSnapshot"): lambda w: {"DiskId": w.disk_id},
    ("cbs", "DeleteAutoSnapshotPolicies"): lambda w: {"AutoSnapshotPolicyIds": [w.auto_snapshot_policy()]},
    ("cbs", "DeleteSnapshots"): lambda w: {"SnapshotIds": [w.snapshot()]},
    ("cbs", "DescribeAutoSnapshotPolicies"): lambda w: {},
    ("cbs", "DescribeDiskAssociatedAutoSnapshotPolicy"): lambda w: {"DiskId": w.disk_id},
    ("cbs", "DescribeDiskConfigQuota"): lambda w: {"InquiryType": "INQUIRY_CBS_CONFIG", "Zones": [ZONE],
                                                   "DiskChargeType": "POSTPAID_BY_HOUR"},
    ("cbs", "DescribeDisks"): lambda w: {"ReturnBindAutoSnapshotPolicy": True},
    ("cbs", "DescribeInstancesDiskNum"): lambda w: {"InstanceIds": [w.instance_id]},
    ("cbs", "DescribeSnapshotOverview"): lambda w: {},
    ("cbs", "DescribeSnapshotSharePermission"): lambda w: {"SnapshotId": w.snapshot_id},
    ("cbs", "DescribeSnapshots"): lambda w: {},
    ("cbs", "DetachDisks"): lambda w: {"DiskIds": [w.call("cbs", "DescribeDisks", Filters=[
        {"Name": "instance-id", "Values": [w.instance_id]}, {"Name": "disk-usage", "Values": ["DATA_DISK"]}])[
        "DiskSet"][0]["DiskId"]]},
    ("cbs", "InitializeDisks"): lambda w: {"DiskIds": [w.disk()]},
    ("cbs", "InquiryPriceCreateDisks"): lambda w: {"DiskChargeType": "PREPAID", "DiskSize": 50,
                                                   "DiskType": "CLOUD_SSD", "DiskChargePrepaid": {"Period": 1}},
    ("cbs", "InquiryPriceRenewDisks"): lambda w: {"DiskIds": [w.prepaid_disk()],
                                                  "DiskChargePrepaids": [{"Period": 1}]},
    ("cbs", "InquiryPriceResizeDisk"): lambda w: {"DiskId": w.disk_id, "DiskSize": 100},
    ("cbs", "ModifyAutoSnapshotPolicyAttribute"): lambda w: {"AutoSnapshotPolicyId": w.policy_id,
                                                             "AutoSnapshotPolicyName": "renamed"},
    ("cbs", "ModifyDiskAttributes"): lambda w: {"DiskIds": [w.disk_id], "DiskName": "renamed"},
    ("cbs", "ModifyDisksChargeType"): lambda w: {"DiskIds": [w.disk()], "DiskChargePrepaid": {"Period": 1}},
    ("cbs", "ModifyDisksRenewFlag"): lambda w: {"DiskIds": [w.prepaid_disk()], "RenewFlag": "NOTIFY_AND_AUTO_RENEW"},
    ("cbs", "ModifySnapshotAttribute"): lambda w: {"SnapshotId": w.snapshot_id, "SnapshotName": "renamed"},
    ("cbs", "ModifySnapshotsSharePermission"): lambda w: {"SnapshotIds": [w.snapshot_id], "Permission": "SHARE",
                                                          "AccountIds": ["100000000002"]},
    ("cbs", "RenewDisk"): lambda w: {"DiskId": w.prepaid_disk(), "DiskChargePrepaid": {"Period": 1}},
    ("cbs", "ResizeDisk"): _resized_disk,
    ("cbs", "TerminateDisks"): lambda w: {"DiskIds": [w.disk()]},
    ("cbs", "UnbindAutoSnapshotPolicy"): lambda w: {"AutoSnapshotPolicyId": w.policy_id, "DiskIds": [w.disk_id]},
    # -- cvm -----------------------------------------------------------------------------------------------------
    ("cvm", "AllocateHosts"): lambda w: {"Placement": {"Zone": ZONE}, "HostChargePrepaid": {"Period": 1}},
    ("cvm", "AssociateInstancesKeyPairs"): lambda w: {"InstanceIds": [w.stopped()], "KeyIds": [w.key_id]},
    ("cvm", "AssociateSecurityGroups"): lambda w: {"InstanceIds": [w.instance()],
                                                   "SecurityGroupIds": [w.group_id]},
    ("cvm", "ConvertOperatingSystems"): lambda w: {"InstanceIds": [w.instance(ImageId=CENTOS)]},
    ("cvm", "CreateDisasterRecoverGroup"): lambda w: {"Name": w.name(), "Type": "HOST"},
    ("cvm", "CreateHpcCluster"): lambda w: {"Zone": ZONE, "Name": w.name(), "TagSpecification": spec("hpc")},
    ("cvm", "CreateImage"): lambda w: {"InstanceId": w.instance_id, "ImageName": w.name()},
    ("cvm", "CreateKeyPair"): lambda w: {"KeyName": w.name(), "ProjectId": 0, "TagSpecification": spec("keypair")},
    ("cvm", "CreateLaunchTemplate"): lambda w: {"LaunchTemplateName": w.name(), "Placement": {"Zone": ZONE},
                                                "ImageId": IMAGE},
    ("cvm", "CreateLaunchTemplateVersion"): lambda w: {"LaunchTemplateId": w.template_id,
                                                       "Placement": {"Zone": ZONE}, "ImageId": IMAGE},
    ("cvm", "DeleteDisasterRecoverGroups"): lambda w: {"DisasterRecoverGroupIds": [w.placement_group()]},
    ("cvm", "DeleteHpcClusters"): lambda w: {"HpcClusterIds": [w.hpc_cluster()]},
    ("cvm", "DeleteImages"): lambda w: {"ImageIds": [w.image()]},
    ("cvm", "DeleteInstancesActionTimer"): lambda w: {"ActionTimerIds": [w.timer(w.instance())]},
    ("cvm", "DeleteInstancesDisasterRecoverGroups"): lambda w: {"DisasterRecoverGroupIds": [w.group],
                                                                "InstanceIds": [w.placed()]},
    ("cvm", "DeleteKeyPairs"): lambda w: {"KeyIds": [w.key_pair()]},
    ("cvm", "DeleteLaunchTemplate"): lambda w: {"LaunchTemplateId": w.template()},
    ("cvm", "DeleteLaunchTemplateVersions"): lambda w: {"LaunchTemplateId": w.template_id,
                                                        "LaunchTemplateVersions": [w.template_version()]},
    ("cvm", "DescribeAccountQuota"): lambda w: {},
    ("cvm", "DescribeDisasterRecoverGroupQuota"): lambda w: {},
    ("cvm", "DescribeDisasterRecoverGroups"): lambda w: {},
    ("cvm", "DescribeHosts"): lambda w: {},
    ("cvm", "DescribeHpcClusters"): lambda w: {},
    ("cvm", "DescribeImageFromFamily"): lambda w: {"ImageFamily": "tencentos-3"},
    ("cvm", "DescribeImageQuota"): lambda w: {},
    ("cvm", "DescribeImageSharePermission"): lambda w: {"ImageId": w.image_id},
    ("cvm", "DescribeImages"): lambda w: {"ImageIds": [w.image_id, IMAGE]},
    ("cvm", "DescribeImportImageOs"): lambda w: {},
    ("cvm", "DescribeInstanceFamilyConfigs"): lambda w: {},
    ("cvm", "DescribeInstanceInternetBandwidthConfigs"): lambda w: {"InstanceId": w.prepaid_id},
    ("cvm", "DescribeInstanceTypeConfigs"): lambda w: {},
    ("cvm", "DescribeInstanceVncUrl"): lambda w: {"InstanceId": w.instance_id},
    ("cvm", "DescribeInstances"): lambda w: {"InstanceIds": [w.instance_id, w.prepaid_id]},
    ("cvm", "DescribeInstancesActionTimer"): lambda w: {},
    ("cvm", "DescribeInstancesAttributes"): lambda w: {"InstanceIds": [w.instance_id], "Attributes": ["UserData"]},
    ("cvm", "DescribeInstancesModification"): lambda w: {"InstanceIds": [w.instance_id]},
    ("cvm", "DescribeInstancesOperationLimit"): lambda w: {"InstanceIds": [w.instance_id],
                                                           "Operation": "INSTANCE_DEGRADE"},
    ("cvm", "DescribeInstancesStatus"): lambda w: {},
    ("cvm", "DescribeInternetChargeTypeConfigs"): lambda w: {},
    ("cvm", "DescribeKeyPairs"): lambda w: {},
    ("cvm", "DescribeLaunchTemplateVersions"): lambda w: {"LaunchTemplateId": w.template_id},
    ("cvm", "DescribeLaunchTemplates"): lambda w: {},
    ("cvm", "DescribeRegions"): lambda w: {},
    ("cvm", "DescribeTaskInfo"): lambda w: {"Offset": 0, "Limit": 10},
    ("cvm", "DescribeZoneInstanceConfigInfos"): lambda w: {"Filters": [{"Name": "zone", "Values": [ZONE]}]},
    ("cvm", "DescribeZones"): lambda w: {},
    ("cvm", "DisassociateInstancesKeyPairs"): lambda w: {"InstanceIds": [w.keyed()], "KeyIds": [w.key_id]},
    ("cvm", "DisassociateSecurityGroups"): lambda w: {"InstanceIds": [w.grouped()],
                                                      "SecurityGroupIds": [w.group_id]},
    ("cvm", "EnterRescueMode"): lambda w: {"InstanceId": w.instance(), "Password": PASSWORD},
    ("cvm", "ExitRescueMode"): lambda w: {"InstanceId": w.rescued()},
    ("cvm", "ExportImages"): lambda w: {"BucketName": "bucket-1250000000", "ImageIds": [w.image_id]},
    ("cvm", "ImportImage"): lambda w: {"Architecture": "x86_64", "OsType": "CentOS", "OsVersion": "7",
                                       "ImageUrl": COS_URL + "c7.qcow2", "ImageName": w.name()},
    ("cvm", "ImportInstancesActionTimer"): lambda w: {"InstanceIds": [w.instance()], "ActionTimer": {
        "TimerAction": "TerminateInstances", "ActionTime": (START + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M:%SZ")}},
    ("cvm", "ImportKeyPair"): lambda w: {"KeyName": w.name(), "ProjectId": 0, "PublicKey": public_key()},
    ("cvm", "InquiryPriceModifyInstancesChargeType"): lambda w: {
        "InstanceIds": [w.instance()], "InstanceChargeType": "PREPAID", "InstanceChargePrepaid": {"Period": 1}},
    ("cvm", "InquiryPriceRenewHosts"): lambda w: {"HostIds": [w.host_id], "HostChargePrepaid": {"Period": 1}},
    ("cvm", "InquiryPriceRenewInstances"): lambda w: {"InstanceIds": [w.prepaid_id],
                                                      "InstanceChargePrepaid": {"Period": 1}},
    ("cvm", "InquiryPriceResetInstance"): lambda w: {"InstanceId": w.instance_id, "ImageId": CENTOS},
    ("cvm", "InquiryPriceResetInstancesInternetMaxBandwidth"): lambda w: {
        "InstanceIds": [w.instance_id], "InternetAccessible": {"InternetMaxBandwidthOut": 10}},
    ("cvm", "InquiryPriceResetInstancesType"): lambda w: {"InstanceIds": [w.instance_id],
                                                          "InstanceType": "S5.LARGE8"},
    ("cvm", "InquiryPriceResizeInstanceDisks"): lambda w: {"InstanceId": w.instance_id,
                                                           "SystemDisk": {"DiskSize": 100}, "ForceStop": True},
    ("cvm", "InquiryPriceRunInstances"): lambda w: {"Placement": {"Zone": ZONE}, "ImageId": IMAGE},
    ("cvm", "InquiryPriceTerminateInstances"): lambda w: {"InstanceIds": [w.prepaid_id]},
    ("cvm", "ModifyDisasterRecoverGroupAttribute"): lambda w: {"DisasterRecoverGroupId": w.group,
                                                               "Name": "renamed"},
    ("cvm", "ModifyHostsAttribute"): lambda w: {"HostIds": [w.host_id], "HostName": "renamed"},
    ("cvm", "ModifyHpcClusterAttribute"): lambda w: {"HpcClusterId": w.hpc_id, "Name": "renamed"},
    ("cvm", "ModifyImageAttribute"): lambda w: {"ImageId": w.image_id, "ImageName": "renamed"},
    ("cvm", "ModifyImageSharePermission"): lambda w: {"ImageId": w.image_id, "AccountIds": ["100000000003"],
                                                      "Permission": "SHARE"},
    ("cvm", "ModifyInstanceDiskType"): lambda w: {"InstanceId": w.stopped(), "SystemDisk": {"DiskType": "CLOUD_SSD"}},
    ("cvm", "ModifyInstancesAttribute"): lambda w: {"InstanceIds": [w.instance_id], "InstanceName": "renamed"},
    ("cvm", "ModifyInstancesChargeType"): lambda w: {"InstanceIds": [w.instance()], "InstanceChargeType": "PREPAID",
                                                     "InstanceChargePrepaid": {"Period": 1}},
    ("cvm", "ModifyInstancesDisasterRecoverGroup"): lambda w: {"InstanceIds": [w.instance()],
                                                               "DisasterRecoverGroupIds": [w.group]},
    ("cvm", "ModifyInstancesProject"): lambda w: {"InstanceIds": [w.instance()], "ProjectId": w.project_id},
    ("cvm", "ModifyInstancesRenewFlag"): lambda w: {"InstanceIds": [w.prepaid_id],
                                                    "RenewFlag": "NOTIFY_AND_AUTO_RENEW"},
    ("cvm", "ModifyKeyPairAttribute"): lambda w: {"KeyId": w.key_id, "Description": "renamed"},
    ("cvm", "ModifyLaunchTemplateDefaultVersion"): lambda w: {"LaunchTemplateId": w.template_id,
                                                              "DefaultVersion": 2},
    ("cvm", "ProgramFpgaImage"): lambda w: {"InstanceId": w.instance(InstanceType="FX4.4XLARGE88"),
                                            "FPGAUrl": COS_URL + "fpga.tar.gz"},
    ("cvm", "RebootInstances"): lambda w: {"InstanceIds": [w.instance()]},
    ("cvm", "RenewHosts"): lambda w: {"HostIds": [w.host_id], "HostChargePrepaid": {"Period": 1}},
    ("cvm", "RenewInstances"): lambda w: {"InstanceIds": [w.prepaid_id], "InstanceChargePrepaid": {"Period": 1}},
    ("cvm", "RepairTaskControl"): lambda w: {"Product": "CVM", "InstanceIds": [w.instance_id],
                                             "TaskId": w.cloud.repair_task(w.instance_id),
                                             "Operate": "AuthorizeRepair"},
    ("cvm", "ResetInstance"): lambda w: {"InstanceId": w.instance(), "ImageId": CENTOS},
    ("cvm", "ResetInstancesInternetMaxBandwidth"): lambda w: {
        "InstanceIds": [w.instance()], "InternetAccessible": {"InternetMaxBandwidthOut": 10}},
    ("cvm", "ResetInstancesPassword"): lambda w: {"InstanceIds": [w.instance()], "Password": PASSWORD,
                                                  "ForceStop": True},
    ("cvm", "ResetInstancesType"): lambda w: {"InstanceIds": [w.stopped()], "InstanceType": "S5.LARGE8"},
    ("cvm", "ResizeInstanceDisks"): lambda w: {"InstanceId": w.instance(), "SystemDisk": {"DiskSize": 100},
                                               "ForceStop": True},
    ("cvm", "RunInstances"): lambda w: {"Placement": {"Zone": ZONE}, "ImageId": IMAGE},
    ("cvm", "StartInstances"): lambda w: {"InstanceIds": [w.stopped()]},
    ("cvm", "StopInstances"): lambda w: {"InstanceIds": [w.instance()]},
    ("cvm", "SyncImages"): lambda w: {"ImageIds": [w.image_id], "DestinationRegions": ["ap-shanghai"]},
    ("cvm", "TerminateInstances"): lambda w: {"InstanceIds": [w.instance()]},
    # -- monitor -------------------------------------------------------------------------------------------------
    ("monitor", "DescribeBaseMetrics"): lambda w: {"Namespace": "QCE/CVM"},
    ("monitor", "GetMonitorData"): lambda w: {
        "Namespace": "QCE/CVM", "MetricName": "CPUUsage", "Period": 300,
        "Instances": [{"Dimensions": [{"Name": "InstanceId", "Value": w.instance_id}]}],
        "StartTime": (START + timedelta(hours=1)).isoformat(), "EndTime": (START + timedelta(hours=2)).isoformat()},
    # -- sts -----------------------------------------------------------------------------------------------------
    ("sts", "GetCallerIdentity"): lambda w: {},
    # -- tag -----------------------------------------------------------------------------------------------------
    ("tag", "AddProject"): lambda w: {"ProjectName": w.name()},
    ("tag", "AddResourceTag"): lambda w: {"Resource": w.resource(w.instance_id), "TagKey": "env",
                                          "TagValue": "prod"},
    ("tag", "CreateTag"): lambda w: {"TagKey": w.name(), "TagValue": "v"},
    ("tag", "CreateTags"): lambda w: {"Tags": [{"TagKey": w.name(), "TagValue": "v"}]},
    ("tag", "DeleteResourceTag"): lambda w: {"Resource": w.tagged(), "TagKey": "gone"},
    ("tag", "DeleteTag"): lambda w: {"TagKey": w.tag(), "TagValue": "v"},
    ("tag", "DeleteTags"): lambda w: {"Tags": [{"TagKey": w.tag(), "TagValue": "v"}]},
    ("tag", "DescribeProjects"): lambda w: {"AllList": 1, "Offset": 0, "Limit": 10},
    ("tag", "DescribeResourceTagsByResourceIds"): lambda w: {
        "ServiceType": "cvm", "ResourcePrefix": "instance", "ResourceRegion": REGION,
        "ResourceIds": [w.instance_id]},
    ("tag", "DescribeTags"): lambda w: {},
    ("tag", "GetResources"): lambda w: {"ResourceList": [w.resource(w.instance_id)]},
    ("tag", "GetTagKeys"): lambda w: {},
    ("tag", "GetTagValues"): lambda w: {"TagKeys": ["team"]},
    ("tag", "GetTags"): lambda w: {},
    ("tag", "ModifyResourceTags"): lambda w: {"Resource": w.resource(w.instance_id),
                                              "ReplaceTags": [{"TagKey": "owner", "TagValue": "me"}]},
    ("tag", "TagResources"): lambda w: {"ResourceList": [w.resource(w.instance_id)],
                                        "Tags": [{"TagKey": "tier", "TagValue": "web"}]},
    ("tag", "UnTagResources"): lambda w: {"ResourceList": [w.tagged()], "TagKeys": ["gone"]},
    ("tag", "UpdateProject"): lambda w: {"ProjectId": w.project(), "Info": "renamed"},
    # -- vpc -----------------------------------------------------------------------------------------------------
    ("vpc", "AllocateAddresses"): lambda w: {},
    ("vpc", "AssignPrivateIpAddresses"): lambda w: {"NetworkInterfaceId": w.eni_id,
                                                    "SecondaryPrivateIpAddressCount": 1},
    ("vpc", "AssociateAddress"): lambda w: {"AddressId": w.address(), "InstanceId": w.instance()},
    ("vpc", "AttachNetworkInterface"): lambda w: {"NetworkInterfaceId": w.interface(), "InstanceId": w.in_vpc()},
    ("vpc", "CreateNetworkInterface"): lambda w: {"VpcId": w.vpc_id, "SubnetId": w.subnet_id,
                                                  "NetworkInterfaceName": w.name(), "Tags": TAGS},
    ("vpc", "CreateSecurityGroup"): lambda w: {"GroupName": w.name(), "GroupDescription": "d", "Tags": TAGS},
    ("vpc", "CreateSecurityGroupPolicies"): lambda w: {"SecurityGroupId": w.security_group(),
                                                       "SecurityGroupPolicySet": {"Egress": [{**SSH, "Port": "80"}]}},
    ("vpc", "CreateSecurityGroupWithPolicies"): lambda w: {"GroupName": w.name(), "GroupDescription": "d",
                                                           "SecurityGroupPolicySet": {"Ingress": [SSH]}, "Tags": TAGS},
    ("vpc", "CreateSubnet"): lambda w: {"VpcId": w.vpc_id, "SubnetName": w.name(), "Zone": ZONE,
                                        "CidrBlock": "10.0.200.0/24", "Tags": TAGS},
    ("vpc", "CreateSubnets"): lambda w: {"VpcId": w.vpc_id, "Tags": TAGS, "Subnets": [
        {"SubnetName": w.name(), "CidrBlock": "10.0.201.0/24", "Zone": ZONE}]},
    ("vpc", "CreateVpc"): lambda w: {"VpcName": w.name(), "CidrBlock": "192.168.0.0/16", "Tags": TAGS},
    ("vpc", "DeleteNetworkInterface"): lambda w: {"NetworkInterfaceId": w.interface()},
    ("vpc", "DeleteSecurityGroup"): lambda w: {"SecurityGroupId": w.security_group()},
    ("vpc", "DeleteSecurityGroupPolicies"): lambda w: {"SecurityGroupId": w.security_group(),
                                                       "SecurityGroupPolicySet": {"Ingress": [SSH]}},
    ("vpc", "DeleteSubnet"): lambda w: {"SubnetId": w.subnet()},
    ("vpc", "DeleteVpc"): lambda w: {"VpcId": w.vpc()},
    ("vpc", "DescribeAddressQuota"): lambda w: {},
    ("vpc", "DescribeAddresses"): lambda w: {"AddressIds": [w.eip_id]},
    ("vpc", "DescribeNetworkInterfaces"): lambda w: {},
    ("vpc", "DescribeSecurityGroupPolicies"): lambda w: {"SecurityGroupId": w.group_id},
    ("vpc", "DescribeSecurityGroups"): lambda w: {"SecurityGroupIds": [w.group_id]},
    ("vpc", "DescribeSubnets"): lambda w: {"SubnetIds": [w.subnet_id]},
    ("vpc", "DescribeVpcs"): lambda w: {"VpcIds": [w.vpc_id]},
    ("vpc", "DetachNetworkInterface"): lambda w: w.attached_interface(),
    ("vpc", "DisassociateAddress"): lambda w: {"AddressId": w.bound_address()},
    ("vpc", "ModifyAddressAttribute"): lambda w: {"AddressId": w.eip_id, "AddressName": "renamed"},
    ("vpc", "ModifyAddressesBandwidth"): lambda w: {"AddressIds": [w.eip_id], "InternetMaxBandwidthOut": 20},
    ("vpc", "ModifyNetworkInterfaceAttribute"): lambda w: {"NetworkInterfaceId": w.eni_id,
                                                           "NetworkInterfaceName": "renamed"},
    ("vpc", "ModifySecurityGroupAttribute"): lambda w: {"SecurityGroupId": w.group_id, "GroupName": w.name()},
    ("vpc", "ModifySecurityGroupPolicies"): lambda w: {"SecurityGroupId": w.security_group(),
                                                       "SecurityGroupPolicySet": {"Ingress": [SSH]}},
    ("vpc", "ModifySubnetAttribute"): lambda w: {"SubnetId": w.subnet_id, "SubnetName": "renamed"},
    ("vpc", "ModifyVpcAttribute"): lambda w: {"VpcId": w.vpc_id, "VpcName": "renamed"},
    ("vpc", "ReleaseAddresses"): lambda w: {"AddressIds": [w.address()]},
    ("vpc", "ReplaceSecurityGroupPolicies"): lambda w: {"SecurityGroupId": w.security_group(),
                                                        "SecurityGroupPolicySet": {"Ingress": [
                                                            {**SSH, "Port": "2222", "PolicyIndex": 0}]}},
    ("vpc", "UnassignPrivateIpAddresses"): lambda w: w.secondary_ip(),
}
