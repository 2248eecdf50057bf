"""``cloud.dump()`` (and so a failing test's report) shows every kind of resource and only real forecasts."""

from __future__ import annotations

import json

from freezegun import freeze_time
from tencentcloud.cbs.v20170312 import cbs_client
from tencentcloud.cbs.v20170312 import models as cbs_models
from tencentcloud.common import credential
from tencentcloud.vpc.v20170312 import models as vpc_models
from tencentcloud.vpc.v20170312 import vpc_client

from mockcvm import mock_cvm

CRED = credential.Credential("AKIDuser", "user-secret")


def _request(model: type, params: dict[str, object]) -> object:
    request = model()
    request.from_json_string(json.dumps(params))  # type: ignore[attr-defined]
    return request


@freeze_time("2026-01-05 04:00:00")
def test_dump_lists_tags_disks_and_elastic_ips() -> None:
    with mock_cvm(transitions="immediate", seed=3) as cloud:
        [instance_id] = cloud.seed_instances(1, tags={"team": "web"})
        vpc = vpc_client.VpcClient(CRED, "ap-guangzhou")
        [address_id] = vpc.AllocateAddresses(_request(vpc_models.AllocateAddressesRequest, {
            "AddressCount": 1, "Tags": [{"Key": "owner", "Value": "ops"}]})).AddressSet
        cbs = cbs_client.CbsClient(CRED, "ap-guangzhou")
        [disk_id] = cbs.CreateDisks(_request(cbs_models.CreateDisksRequest, {
            "Placement": {"Zone": "ap-guangzhou-3"}, "DiskChargeType": "POSTPAID_BY_HOUR",
            "DiskType": "CLOUD_PREMIUM", "DiskSize": 50})).DiskIdSet

        text = cloud.dump()

    assert f"  {instance_id}  ap-guangzhou  POSTPAID_BY_HOUR  RUNNING  name='未命名'  tags team=web" in text
    assert f"  {address_id}  ap-guangzhou  " in text and "  UNBIND  tags owner=ops" in text
    assert f"  {disk_id}  ap-guangzhou  DATA_DISK  CLOUD_PREMIUM 50 GB  POSTPAID_BY_HOUR  UNATTACHED" in text
    assert "disks (2):" in text  # the seeded instance's system disk too
    assert "elastic IPs (1):" in text


@freeze_time("2026-01-05 04:00:00")
def test_dump_forecasts_arrears_only_when_they_are_near() -> None:
    with mock_cvm(transitions="immediate") as cloud:
        cloud.seed_instances(1)
        far = cloud.dump()
        cloud.set_balance("2")  # 0.525 yuan an hour (instance and its 50 GB system disk): below zero at 08:00
        near = cloud.dump()

    assert "21" not in far.split("upcoming")[1].split("calls")[0]  # no settlement forecast centuries ahead
    assert "upcoming: nothing scheduled" in far
    assert "at today's rates it lasts more than a year" in far
    assert "balance 2 yuan; at today's rates arrears begin at the settlement of 2026-01-05T08:00:00Z" in near
