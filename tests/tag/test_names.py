"""Resources of every faked service under the six-part names real tools write, answered as given."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mockcvm import Cloud
from tests import sdk
from tests.release.helpers import ZONE, api, refused, run_instances

REGION = "ap-guangzhou"


@pytest.fixture
def tag(cloud: Cloud) -> Any:
    return sdk.client("tag")


def new_disk() -> str:
    [disk] = api(sdk.client("cbs"), "CreateDisks", Placement={"Zone": ZONE}, DiskChargeType="POSTPAID_BY_HOUR",
                 DiskType="CLOUD_PREMIUM", DiskSize=10)["DiskIdSet"]
    return str(disk)


def new_eip() -> str:
    [eip] = api(sdk.client("vpc"), "AllocateAddresses")["AddressSet"]
    return str(eip)


def tags_listed(tag: Any, resource: str) -> list[dict[str, Any]]:
    return list(api(tag, "GetResources", ResourceList=[resource])["ResourceTagMappingList"])


def pairs(mapping: dict[str, Any]) -> dict[str, str]:
    return {t["TagKey"]: t["TagValue"] for t in mapping["Tags"]}


def test_names_are_answered_as_given_and_listed_canonically(cloud: Cloud, tag: Any) -> None:
    eip, disk = new_eip(), new_disk()
    uin = cloud.default_account
    names = {
        f"qcs::vpc:{REGION}::eip/{eip}": ("eip", eip),
        f"qcs::cbs:{REGION}:uin/{uin}:instance/{disk}": ("volume", disk),
    }
    answer = api(tag, "TagResources", ResourceList=list(names), Tags=[{"TagKey": "team", "TagValue": "a"}])
    assert answer["FailedResources"] == []
    for given in names:
        [mapping] = tags_listed(tag, given)
        assert mapping["Resource"] == given
        assert pairs(mapping) == {"team": "a"}
    listed = [m["Resource"] for m in api(tag, "GetResources")["ResourceTagMappingList"]]
    assert listed == [f"qcs::cvm:{REGION}:uin/{uin}:{kind}/{rid}" for kind, rid in names.values()]
    # the services show the tags the Tag service set
    found = api(sdk.client("cbs"), "DescribeDisks", DiskIds=[disk])["DiskSet"][0]
    assert found["Tags"] == [{"Key": "team", "Value": "a"}]


def test_every_accepted_disk_spelling_reaches_the_same_disk(cloud: Cloud, tag: Any) -> None:
    disk = new_disk()
    spellings = [f"qcs::{s}:{REGION}::{p}/{disk}" for s, p in
                 (("cvm", "volume"), ("cbs", "volume"), ("cbs", "instance"), ("cbs", "disk"))]
    for n, text in enumerate(spellings):
        api(tag, "ModifyResourceTags", Resource=text, ReplaceTags=[{"TagKey": f"k{n}", "TagValue": "v"}])
    [mapping] = tags_listed(tag, spellings[0])
    assert [t["TagKey"] for t in mapping["Tags"]] == ["k0", "k1", "k2", "k3"]


def test_copy_instance_tags_form_reads_instance_tags(cloud: Cloud, tag: Any) -> None:
    [ins] = run_instances(sdk.client("cvm"), TagSpecification=[
        {"ResourceType": "instance", "Tags": [{"Key": "owner", "Value": "bob"}]}])
    [mapping] = tags_listed(tag, f"qcs::cvm:{REGION}::instance/{ins}")
    assert mapping["Resource"] == f"qcs::cvm:{REGION}::instance/{ins}"
    assert pairs(mapping) == {"owner": "bob"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (f"qcs::cos:{REGION}::bucket/b-1", "InvalidParameterValue.ServiceTypeInvalid"),
        (f"qcs::vpc:{REGION}::instance/ins-12345678", "InvalidParameterValue.ResourceIdInvalid"),
        (f"qcs::cbs:{REGION}::instance/ins-12345678", "InvalidParameterValue.ResourceIdInvalid"),
        (f"qcs::cvm:{REGION}::floppy/disk-12345678", "InvalidParameterValue.ResourcePrefixInvalid"),
        ("qcs::vpc:mars-1::eip/eip-12345678", "InvalidParameterValue.RegionInvalid"),
        ("qcs:vpc:eip/eip-12345678", "InvalidParameterValue.ResourceDescriptionError"),
    ],
)
def test_wrong_names_are_refused_with_the_part_that_is_wrong(cloud: Cloud, tag: Any, text: str, code: str) -> None:
    new_eip()
    message = refused(cloud, tag, "TagResources", code, ResourceList=[text], Tags=[{"TagKey": "a", "TagValue": "1"}])
    assert text in message


def test_the_async_client_tags_an_eip_by_its_vpc_name(cloud: Cloud) -> None:
    eip = new_eip()
    text = f"qcs::vpc:{REGION}:uin/{cloud.default_account}:eip/{eip}"

    async def scenario() -> Any:
        client = sdk.client("tag", asynchronous=True)
        await client.TagResources(sdk.request("tag", "TagResources", ResourceList=[text],
                                              Tags=[{"TagKey": "a", "TagValue": "1"}]))
        return await client.GetResources(sdk.request("tag", "GetResources", ResourceList=[text]))

    answer = asyncio.run(scenario())
    assert [m.Resource for m in answer.ResourceTagMappingList] == [text]
