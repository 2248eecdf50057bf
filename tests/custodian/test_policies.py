"""Real Cloud Custodian policies (c7n + c7n-tencentcloud) against mockcvm: idle EIPs, unattached disks, tags copied
from instances to their disks, and instances stopped for a week of low CPU."""

from __future__ import annotations

import json
import logging
import math
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest
from c7n.config import Config
from c7n.policy import Policy
from c7n.provider import clouds
from c7n.resources import load_resources
from c7n_tencentcloud.entry import initialize_tencentcloud
from tencentcloud.cbs.v20170312 import cbs_client
from tencentcloud.common import credential
from tencentcloud.cvm.v20170312 import cvm_client
from tencentcloud.tag.v20180813 import tag_client
from tencentcloud.vpc.v20170312 import vpc_client

from mockcvm import Cloud, mock_cvm

REGION = "ap-guangzhou"
ZONE = "ap-guangzhou-3"
SECRET_ID = "AKIDmockcvmCUSTODIAN000000000000000"
SECRET_KEY = "mockcvmCUSTODIANsecretkey000000000"

initialize_tencentcloud()
load_resources(("tencentcloud.*",))


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    monkeypatch.delenv("TENCENTCLOUD_TOKEN", raising=False)
    logging.getLogger("custodian").setLevel(logging.WARNING)
    with mock_cvm(transitions="immediate") as fake:
        yield fake


def call(client_module: Any, cls: str, action: str, **params: Any) -> dict[str, Any]:
    """One call through the real SDK (the all-in-one package c7n uses), answered as a plain dict."""
    client = getattr(client_module, cls)(credential.Credential(SECRET_ID, SECRET_KEY), REGION)
    models = __import__(client_module.__name__.rsplit(".", 1)[0] + ".models", fromlist=["models"])
    request = getattr(models, action + "Request")()
    request.from_json_string(json.dumps(params))
    return json.loads(getattr(client, action)(request).to_json_string())  # type: ignore[no-any-return]


def run_policy(data: dict[str, Any], tmp_path: Path) -> list[dict[str, Any]]:
    provider = clouds["tencentcloud"]()
    config = provider.initialize(Config.empty(region=REGION, regions=[REGION], output_dir=str(tmp_path)))
    policy = Policy(data, config, session_factory=provider.get_session_factory(config))
    policy.validate()
    return list(policy.run())


def tags_of(resource: str) -> dict[str, str]:
    found = call(tag_client, "TagClient", "GetResources", ResourceList=[resource])["ResourceTagMappingList"]
    return {t["TagKey"]: t["TagValue"] for t in found[0]["Tags"]} if found else {}


def launch(**params: Any) -> str:
    [instance_id] = call(cvm_client, "CvmClient", "RunInstances", Placement={"Zone": ZONE},
                         ImageId="img-eb30mz89", **params)["InstanceIdSet"]
    return str(instance_id)


def test_idle_eips_are_found_and_tagged_for_release(cloud: Cloud, tmp_path: Path) -> None:
    idle, bound = call(vpc_client, "VpcClient", "AllocateAddresses", AddressCount=2)["AddressSet"]
    instance_id = launch()
    call(vpc_client, "VpcClient", "AssociateAddress", AddressId=bound, InstanceId=instance_id)
    found = run_policy({"name": "idle-eip", "resource": "tencentcloud.eip",
                        "filters": [{"AddressStatus": "UNBIND"}],
                        "actions": [{"type": "tag", "key": "c7n-reap", "value": "idle"}]}, tmp_path)
    assert [r["AddressId"] for r in found] == [idle]
    assert tags_of(f"qcs::cvm:{REGION}:uin/{cloud.default_account}:eip/{idle}") == {"c7n-reap": "idle"}
    assert tags_of(f"qcs::cvm:{REGION}:uin/{cloud.default_account}:eip/{bound}") == {}


def test_unattached_disks_are_found_and_deleted(cloud: Cloud, tmp_path: Path) -> None:
    [loose, kept] = call(cbs_client, "CbsClient", "CreateDisks", Placement={"Zone": ZONE}, DiskCount=2,
                         DiskChargeType="POSTPAID_BY_HOUR", DiskType="CLOUD_PREMIUM", DiskSize=20)["DiskIdSet"]
    instance_id = launch()
    call(cbs_client, "CbsClient", "AttachDisks", DiskIds=[kept], InstanceId=instance_id)
    found = run_policy({"name": "unattached-disks", "resource": "tencentcloud.cbs",
                        "filters": [{"DiskState": "UNATTACHED"}],
                        "actions": [{"type": "tag", "key": "c7n-unattached", "value": "yes"}]}, tmp_path)
    assert [d["DiskId"] for d in found] == [loose]
    # the disk's tags are read back in the form the policy wrote them (cbs:...:instance/disk-...)
    again = run_policy({"name": "tagged-unattached", "resource": "tencentcloud.cbs",
                        "filters": [{"tag:c7n-unattached": "yes"}]}, tmp_path)
    assert [d["DiskId"] for d in again] == [loose]


def test_copy_instance_tags_copies_the_named_tags_to_attached_disks(cloud: Cloud, tmp_path: Path) -> None:
    instance_id = launch(TagSpecification=[{"ResourceType": "instance", "Tags": [
        {"Key": "team", "Value": "storage"}, {"Key": "cost-center", "Value": "42"}, {"Key": "other", "Value": "x"}]}])
    [disk] = call(cbs_client, "CbsClient", "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR",
                  DiskType="CLOUD_PREMIUM", DiskSize=20)["DiskIdSet"]
    call(cbs_client, "CbsClient", "AttachDisks", DiskIds=[disk], InstanceId=instance_id)
    run_policy({"name": "copy-instance-tags", "resource": "tencentcloud.cbs",
                "filters": [{"DiskState": "ATTACHED"}, {"DiskUsage": "DATA_DISK"},
                            {"type": "value", "key": "InstanceIdList[0]", "value": "not-null"}],
                "actions": [{"type": "copy-instance-tags", "tags": ["team", "cost-center"]}]}, tmp_path)
    described = call(cbs_client, "CbsClient", "DescribeDisks", DiskIds=[disk])["DiskSet"][0]
    assert {t["Key"]: t["Value"] for t in described["Tags"]} == {"team": "storage", "cost-center": "42"}


def test_instances_idle_for_7_days_are_stopped_by_a_metrics_filter(cloud: Cloud, tmp_path: Path) -> None:
    import time_machine

    week_ago = datetime.now(timezone.utc) - timedelta(days=8)
    idle, busy = cloud.seed_instances(2, region=REGION, created_time=week_ago)
    [young_idle] = cloud.seed_instances(1, region=REGION, created_time=week_ago + timedelta(days=7))
    cloud.metrics.set(idle, "CPUUsage", 2.5)
    cloud.metrics.set(busy, "CPUUsage", lambda t: 40 + 10 * math.sin(t / 3600))
    cloud.metrics.set(young_idle, "CPUUsage", 1)
    policy = {"name": "cvm-underutilized", "resource": "tencentcloud.cvm",
              "filters": [{"InstanceState": "RUNNING"},
                          {"type": "metrics", "name": "CPUUsage", "days": 7, "period": 3600, "value": 5,
                           "statistics": "Average", "op": "less-than"}],
              "actions": [{"type": "stop"}]}
    with time_machine.travel(datetime.now(timezone.utc), tick=False):
        found = run_policy(policy, tmp_path)
    assert sorted(r["InstanceId"] for r in found) == sorted([idle, young_idle])
    states = {i["InstanceId"]: i["InstanceState"] for i in call(
        cvm_client, "CvmClient", "DescribeInstances", InstanceIds=[idle, busy, young_idle])["InstanceSet"]}
    assert states == {idle: "STOPPED", busy: "RUNNING", young_idle: "STOPPED"}
    key = "QCE/CVM.CPUUsage.Average.7"
    points = {r["InstanceId"]: len(r["c7n.metrics"][key]["Values"]) for r in found}
    assert points[idle] in (168, 169) and points[young_idle] in (24, 25)  # 7 days (one day) of hourly points
