"""``TagSpecification`` at creation is checked with CVM's own codes, for every CVM action that takes it, and a
refused creation makes nothing; good tags land on the resource."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.cvm.helpers import IMAGE, ZONE
from tests.release.helpers import api, refused

pytestmark = pytest.mark.cloud_options(transitions="immediate")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    """Time stands still, so that a refusal's "nothing changed" compares the world at one instant."""
    import time_machine

    with time_machine.travel("2026-01-05T04:00:00Z", tick=False):
        yield


def spec(resource_type: str, *pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"ResourceType": resource_type, "Tags": [{"Key": k, "Value": v} for k, v in pairs]}]


BAD = [
    pytest.param([("qcloud:owner", "x")], "FailedOperation.TagKeyReserved", id="reserved-prefix"),
    pytest.param([("", "x")], "FailedOperation.IllegalTagKey", id="empty-key"),
    pytest.param([("k" * 128, "x")], "FailedOperation.IllegalTagKey", id="key-too-long"),
    pytest.param([("team", "v" * 256)], "FailedOperation.IllegalTagValue", id="value-too-long"),
    pytest.param([("team", "a"), ("team", "b")], "InvalidParameterValue.DuplicateTags", id="duplicate-key"),
    pytest.param([(f"k{n}", "v") for n in range(51)], "LimitExceeded.TagResourceQuota", id="51-tags"),
]


@pytest.mark.parametrize(("pairs", "code"), BAD)
def test_run_instances_refuses_bad_tags_and_launches_nothing(cloud: Cloud, pairs: Any, code: str) -> None:
    cvm = sdk.client("cvm")
    refused(cloud, cvm, "RunInstances", code, Placement={"Zone": ZONE}, ImageId=IMAGE,
            TagSpecification=spec("instance", *pairs))
    assert api(cvm, "DescribeInstances")["TotalCount"] == 0


@pytest.mark.parametrize(("pairs", "code"), BAD[:2])
def test_other_creations_refuse_bad_tags(cloud: Cloud, pairs: Any, code: str) -> None:
    cvm = sdk.client("cvm")
    refused(cloud, cvm, "CreateKeyPair", code, KeyName="k", ProjectId=0, TagSpecification=spec("keypair", *pairs))
    refused(cloud, cvm, "CreateDisasterRecoverGroup", code, Name="g", Type="HOST",
            TagSpecification=spec("ps", *pairs))
    assert api(cvm, "DescribeKeyPairs")["TotalCount"] == 0


def test_good_tags_land_on_the_instance_and_other_resource_types_are_ignored(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    tags = spec("instance", ("team", "web"), ("env", "prod")) + spec("keypair", ("qcloud:x", "not read"))
    [instance_id] = api(cvm, "RunInstances", Placement={"Zone": ZONE}, ImageId=IMAGE,
                        TagSpecification=tags)["InstanceIdSet"]
    [instance] = api(cvm, "DescribeInstances", InstanceIds=[instance_id])["InstanceSet"]
    assert {t["Key"]: t["Value"] for t in instance["Tags"]} == {"team": "web", "env": "prod"}
