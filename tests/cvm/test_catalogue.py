"""The catalogue through the real SDK: images, instance types per zone, families, charge types, quotas, and the
image and instance-type checks of RunInstances."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from mockcvm import Cloud, mock_cvm
from mockcvm.errors import MockcvmError
from tests import sdk
from tests.cvm.helpers import IMAGE, ZONE, call_refused, describe, launch, snapshot

EXAMPLES = Path(__file__).resolve().parent / "data" / "cvm_examples_ids.json"


@pytest.fixture(scope="module")
def cvm() -> Iterator[Any]:
    with mock_cvm(transitions="immediate"):
        yield sdk.client("cvm")


def _filters(**named: Any) -> list[dict[str, Any]]:
    return [{"Name": name.replace("_", "-"), "Values": v if isinstance(v, list) else [v]} for name, v in named.items()]


# -- what the official examples name is in the catalogue ------------------------------------------------------------

def test_every_image_type_and_zone_of_the_official_examples_is_in_the_catalogue(cvm: Any) -> None:
    named = json.loads(EXAMPLES.read_text("utf-8"))
    found = sdk.call(cvm, "DescribeImages", ImageIds=named["images"][:100], Limit=100)
    assert sorted(i.ImageId for i in found.ImageSet) == sorted(named["images"])
    for region in sorted({re.sub(r"-\d+$", "", z) for z in named["zones"]}):
        client = sdk.client("cvm", region)
        zones = {z.Zone for z in sdk.call(client, "DescribeZones").ZoneSet}
        assert {z for z in named["zones"] if z.startswith(region + "-")} <= zones
    types = {t.InstanceType for t in sdk.call(cvm, "DescribeInstanceTypeConfigs").InstanceTypeConfigSet}
    assert set(named["instance_types"]) <= types


# -- DescribeImages ---------------------------------------------------------------------------------------------

def test_describe_images_pages_through_the_public_images(cvm: Any) -> None:
    first = sdk.call(cvm, "DescribeImages", Limit=5)
    rest = sdk.call(cvm, "DescribeImages", Offset=5, Limit=100)
    assert len(first.ImageSet) == 5 and first.TotalCount == rest.TotalCount >= 20
    ids = [i.ImageId for i in first.ImageSet + rest.ImageSet]
    assert len(set(ids)) == len(ids) == first.TotalCount
    assert all(i.ImageType == "PUBLIC_IMAGE" and i.ImageState == "NORMAL" for i in first.ImageSet)


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        (_filters(image_id="img-9qabwvbn"), lambda i: i.ImageId == "img-9qabwvbn" and i.OsName == "CentOS 7.6 64位"),
        (_filters(platform="ubuntu"), lambda i: i.Platform == "Ubuntu"),
        (_filters(image_name="Windows Server"), lambda i: "Windows Server" in i.ImageName),
        (_filters(image_type="PUBLIC_IMAGE"), lambda i: i.ImageType == "PUBLIC_IMAGE"),
        (_filters(image_family="ubuntu-22"), lambda i: i.ImageFamily == "ubuntu-22"),
    ],
)
def test_describe_images_filters(cvm: Any, filters: list[dict[str, Any]], check: Any) -> None:
    found = sdk.call(cvm, "DescribeImages", Filters=filters, Limit=100).ImageSet
    assert found and all(check(i) for i in found)


def test_private_and_cdc_filters_select_nothing_without_such_images(cvm: Any) -> None:
    for filters in (_filters(image_type="PRIVATE_IMAGE"), _filters(dedicated_cluster_id="cluster-12345678"),
                    _filters(tag_key="env")):
        assert sdk.call(cvm, "DescribeImages", Filters=filters).TotalCount == 0


def test_instance_type_keeps_the_images_of_its_architecture(cvm: Any) -> None:
    arm = sdk.call(cvm, "DescribeImages", InstanceType="SR1.LARGE8", Limit=100).ImageSet
    x86 = sdk.call(cvm, "DescribeImages", InstanceType="S5.MEDIUM4", Limit=100).ImageSet
    assert arm and all(i.Architecture == "arm64" for i in arm)
    assert x86 and all(i.Architecture == "x86_64" for i in x86)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"ImageIds": ["img-9qabwvbn"], "Filters": _filters(platform="x")},
         "InvalidParameter.InvalidParameterCoexistImageIdsFilters"),
        ({"ImageIds": ["ubuntu"]}, "InvalidImageId.Malformed"),
        ({"Filters": _filters(colour="red")}, "InvalidFilter"),
        ({"Filters": _filters(platform=["a", "b", "c", "d", "e", "f"])}, "InvalidParameterValue.LimitExceeded"),
        ({"Limit": 101}, "InvalidParameterValue.InvalidParameterValueLimit"),
        ({"InstanceType": "S5.MEDIUM3"}, "InvalidInstanceType.Malformed"),
    ],
)
def test_describe_images_refusals(cvm: Any, params: dict[str, Any], code: str) -> None:
    assert call_refused(cvm, "DescribeImages", **params).code == code


def test_unknown_image_ids_are_left_out(cvm: Any) -> None:
    found = sdk.call(cvm, "DescribeImages", ImageIds=["img-zzzzzzzz", IMAGE])
    assert [i.ImageId for i in found.ImageSet] == [IMAGE] and found.TotalCount == 1


def test_describe_images_async() -> None:
    async def main() -> Any:
        return await sdk.call(sdk.client("cvm", asynchronous=True), "DescribeImages", ImageIds=[IMAGE])

    with mock_cvm():
        assert asyncio.run(main()).ImageSet[0].ImageId == IMAGE


def test_describe_image_from_family(cvm: Any) -> None:
    image = sdk.call(cvm, "DescribeImageFromFamily", ImageFamily="ubuntu-22").Image
    assert image.ImageFamily == "ubuntu-22" and image.ImageState == "NORMAL"
    error = call_refused(cvm, "DescribeImageFromFamily", ImageFamily="no-such-family")
    assert error.code == "InvalidParameterValue.InvalidImageFamily" and "ubuntu-22" in error.message


def test_describe_import_image_os(cvm: Any) -> None:
    answer = sdk.call(cvm, "DescribeImportImageOs")
    assert "CentOS" in answer.ImportImageOsListSupported.Linux
    assert "Windows Server 2016" in answer.ImportImageOsListSupported.Windows
    assert {v.OsName for v in answer.ImportImageOsVersionSet} >= {"CentOS", "Ubuntu", "Debian"}


# -- instance types ---------------------------------------------------------------------------------------------

def test_instance_type_configs_by_zone_and_family(cvm: Any) -> None:
    found = sdk.call(cvm, "DescribeInstanceTypeConfigs",
                     Filters=_filters(zone="ap-guangzhou-6", instance_family="S6")).InstanceTypeConfigSet
    by_type = {t.InstanceType: t for t in found}
    assert {"S6.LARGE8", "S6.MEDIUM8", "S6.2XLARGE16"} <= set(by_type)
    assert all(t.Zone == "ap-guangzhou-6" and t.InstanceFamily == "S6" for t in found)
    assert (by_type["S6.2XLARGE16"].CPU, by_type["S6.2XLARGE16"].Memory, by_type["S6.2XLARGE16"].GPU) == (8, 16, 0)


def test_gpu_and_fpga_types_say_so(cvm: Any) -> None:
    found = sdk.call(cvm, "DescribeInstanceTypeConfigs",
                     Filters=_filters(instance_type="GN7.2XLARGE32")).InstanceTypeConfigSet
    assert found and all(t.GPU == 1 and t.GpuCount == 1 for t in found)
    fpga = sdk.call(cvm, "DescribeInstanceTypeConfigs", Filters=_filters(instance_family="FX4")).InstanceTypeConfigSet
    assert fpga and all(t.FPGA >= 1 for t in fpga)


def test_a_family_restricted_to_some_zones_is_listed_only_there(cvm: Any) -> None:
    zones = {t.Zone for t in sdk.call(cvm, "DescribeInstanceTypeConfigs",
                                      Filters=_filters(instance_type="SR1.LARGE8")).InstanceTypeConfigSet}
    assert zones == {"ap-guangzhou-6"}


def test_instance_type_configs_take_one_value_per_filter(cvm: Any) -> None:
    error = call_refused(cvm, "DescribeInstanceTypeConfigs", Filters=_filters(zone=[ZONE, "ap-guangzhou-4"]))
    assert error.code == "InvalidFilterValue.LimitExceeded"
    assert call_refused(cvm, "DescribeInstanceTypeConfigs", Filters=_filters(cpu="4")).code == "InvalidFilter"


def test_instance_type_configs_async() -> None:
    async def main() -> Any:
        client = sdk.client("cvm", asynchronous=True)
        return await sdk.call(client, "DescribeInstanceTypeConfigs", Filters=_filters(instance_type="S5.MEDIUM4"))

    with mock_cvm():
        assert {t.Zone for t in asyncio.run(main()).InstanceTypeConfigSet} == {
            "ap-guangzhou-3", "ap-guangzhou-4", "ap-guangzhou-6", "ap-guangzhou-7"}


def test_zone_instance_config_infos_show_status_and_the_price_billing_charges(cvm: Any) -> None:
    rows = sdk.call(cvm, "DescribeZoneInstanceConfigInfos", Filters=_filters(
        zone="ap-guangzhou-6", instance_charge_type="POSTPAID_BY_HOUR", instance_type="S5.MEDIUM4",
    )).InstanceTypeQuotaSet
    assert len(rows) == 1
    row = rows[0]
    assert (row.Status, row.StatusCategory, row.Cpu, row.Memory) == ("SELL", "EnoughStock", 2, 4)
    assert row.Price.ChargeUnit == "HOUR" and row.Price.UnitPrice == 0.5
    prepaid = sdk.call(cvm, "DescribeZoneInstanceConfigInfos", Filters=_filters(
        zone="ap-guangzhou-6", instance_charge_type="PREPAID", instance_type="S5.MEDIUM4")).InstanceTypeQuotaSet[0]
    assert prepaid.Price.ChargeUnit == "MONTH" and prepaid.Price.OriginalPrice == 200.0


def test_zone_instance_config_infos_sort_keys(cvm: Any) -> None:
    rows = sdk.call(cvm, "DescribeZoneInstanceConfigInfos", Filters=_filters(
        zone="ap-guangzhou-6", instance_family="S5", instance_charge_type="PREPAID",
        sort_keys="cpu:desc")).InstanceTypeQuotaSet
    cpus = [r.Cpu for r in rows]
    assert cpus == sorted(cpus, reverse=True) and len(cpus) > 5
    error = call_refused(cvm, "DescribeZoneInstanceConfigInfos", Filters=_filters(sort_keys="price:up"))
    assert error.code == "InvalidFilter"


def test_instance_families(cvm: Any) -> None:
    families = {f.InstanceFamily: f.InstanceFamilyName for f in
                sdk.call(cvm, "DescribeInstanceFamilyConfigs").InstanceFamilyConfigSet}  # the SDK asks for zh-CN
    assert families["S5"] == "标准型S5" and "GN7" in families and "S1" not in families  # S1 is previous-gen
    english = sdk.client("cvm", language="en-US")
    assert {f.InstanceFamily: f.InstanceFamilyName for f in sdk.call(
        english, "DescribeInstanceFamilyConfigs").InstanceFamilyConfigSet}["S5"] == "Standard S5"


def test_internet_charge_types(cvm: Any) -> None:
    configs = sdk.call(cvm, "DescribeInternetChargeTypeConfigs").InternetChargeTypeConfigSet
    kinds = [c.InternetChargeType for c in configs]
    assert kinds == ["BANDWIDTH_PREPAID", "TRAFFIC_POSTPAID_BY_HOUR", "BANDWIDTH_POSTPAID_BY_HOUR", "BANDWIDTH_PACKAGE"]


def test_bandwidth_configs_of_a_prepaid_bandwidth_instance(cvm: Any) -> None:
    (prepaid,) = launch(cvm, InstanceChargeType="PREPAID", InstanceChargePrepaid={"Period": 1},
                        InternetAccessible={"InternetChargeType": "BANDWIDTH_PREPAID", "InternetMaxBandwidthOut": 50})
    (config,) = sdk.call(cvm, "DescribeInstanceInternetBandwidthConfigs", InstanceId=prepaid).InternetBandwidthConfigSet
    assert config.InternetAccessible.InternetMaxBandwidthOut == 50 and config.EndTime > config.StartTime
    (postpaid,) = launch(cvm)
    error = call_refused(cvm, "DescribeInstanceInternetBandwidthConfigs", InstanceId=postpaid)
    assert error.code == "UnsupportedOperation.InstanceChargeType"
    error = call_refused(cvm, "DescribeInstanceInternetBandwidthConfigs", InstanceId="ins-zzzzzzzz")
    assert error.code == "InvalidInstanceId.NotFound"


def test_account_quota_counts_the_instances_per_zone(cvm: Any) -> None:
    before = sdk.call(cvm, "DescribeAccountQuota", Filters=_filters(zone="ap-guangzhou-7"))
    launch(cvm, 2, Placement={"Zone": "ap-guangzhou-7"})
    after = sdk.call(cvm, "DescribeAccountQuota", Filters=_filters(zone="ap-guangzhou-7"))
    (was,) = before.AccountQuotaOverview.AccountQuota.PostPaidQuotaSet
    (now,) = after.AccountQuotaOverview.AccountQuota.PostPaidQuotaSet
    assert now.UsedQuota == was.UsedQuota + 2 and now.RemainingQuota == was.RemainingQuota - 2
    assert after.AccountQuotaOverview.Region == "ap-guangzhou" and after.AppId > 0
    only_images = sdk.call(cvm, "DescribeAccountQuota", Filters=_filters(quota_type="ImageQuotaSet"))
    quota = only_images.AccountQuotaOverview.AccountQuota
    assert quota.ImageQuotaSet[0].TotalQuota > 0 and quota.PostPaidQuotaSet == [] and quota.PrePaidQuotaSet == []


# -- RunInstances checks ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("params", "code", "hint"),
    [
        ({"ImageId": "img-zzzzzzzz"}, "InvalidImageId.NotFound", "catalogue="),
        ({"InstanceType": "S5.MEDIUM3"}, "InvalidParameterValue.InstanceTypeNotFound", "catalogue="),
        ({"InstanceType": "SR1.LARGE8"}, "ResourceNotFound.InvalidZoneInstanceType", "catalogue="),
        ({"InstanceType": "SR1.LARGE8", "Placement": {"Zone": "ap-guangzhou-6"}},
         "InvalidParameterValue.InvalidImageForGivenInstanceType", "arm64"),
    ],
)
def test_run_instances_refuses_what_is_not_sold(cloud: Cloud, params: dict[str, Any], code: str, hint: str) -> None:
    cvm = sdk.client("cvm")
    before = snapshot(cloud)
    error = call_refused(cvm, "RunInstances", **{"Placement": {"Zone": ZONE}, "ImageId": IMAGE,
                                                "InstanceType": "S5.MEDIUM4", **params})
    assert error.code == code and hint in error.message
    assert snapshot(cloud) == before


def test_the_instance_shows_the_catalogue_shape_and_os(cvm: Any) -> None:
    (instance_id,) = launch(cvm, InstanceType="SA2.LARGE8", ImageId="img-dkwyg6sr")
    (shown,) = describe(cvm, [instance_id])
    assert (shown.CPU, shown.Memory, shown.OsName) == (4, 8, "Ubuntu Server 20.04 LTS 64位")


def test_an_arm_image_launches_on_an_arm_type(cvm: Any) -> None:
    (instance_id,) = launch(cvm, InstanceType="SR1.LARGE8", ImageId="img-34vaef8f",
                            Placement={"Zone": "ap-guangzhou-6"})
    assert describe(cvm, [instance_id])[0].InstanceType == "SR1.LARGE8"


# -- the catalogue option ---------------------------------------------------------------------------------------

EXTRA = {
    "images": [{"ImageId": "img-mine0001", "OsName": "My Linux 1.0", "Platform": "Other Linux"}],
    "instance_types": [{"InstanceType": "X1.LARGE8", "CPU": 4, "Memory": 8, "Zones": ["ap-guangzhou-3"],
                        "HourlyPrice": "0.80", "MonthlyPrice": "300"},
                       {"InstanceType": "S5.MEDIUM4", "SoldOutZones": ["ap-guangzhou-4"]}],
}


@pytest.mark.cloud_options(catalogue=EXTRA, transitions="immediate")
def test_the_catalogue_option_adds_images_and_types_billed_at_their_price(cloud: Cloud) -> None:
    cvm = sdk.client("cvm")
    (instance_id,) = launch(cvm, ImageId="img-mine0001", InstanceType="X1.LARGE8")
    (shown,) = describe(cvm, [instance_id])
    assert (shown.OsName, shown.CPU) == ("My Linux 1.0", 4)
    assert str(cloud.world.billing.rate(cloud.world.accounts.default.uin, instance_id, "instance")) == "0.80"
    rows = sdk.call(cvm, "DescribeZoneInstanceConfigInfos", Filters=_filters(instance_type="S5.MEDIUM4",
                                                                             zone="ap-guangzhou-4")).InstanceTypeQuotaSet
    assert {r.Status for r in rows} == {"SOLD_OUT"}
    error = call_refused(cvm, "RunInstances", Placement={"Zone": "ap-guangzhou-4"}, ImageId=IMAGE,
                         InstanceType="S5.MEDIUM4")
    assert error.code == "ResourceInsufficient.ZoneSoldOutForSpecifiedInstance"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("everything", "must be a dict"),
        ({"imagez": []}, "unknown key(s) imagez"),
        ({"images": [{"ImageId": "ubuntu", "OsName": "x"}]}, "must look like img-1a2b3c4d"),
        ({"images": [{"ImageId": "img-abcdefgh"}]}, "needs an OsName"),
        ({"instance_types": [{"InstanceType": "big"}]}, "must look like S5.MEDIUM4"),
        ({"instance_types": [{"InstanceType": "X1.LARGE8", "Zones": ["mars-1"]}]}, "unknown zone(s)"),
        ({"instance_types": [{"InstanceType": "X1.LARGE8", "CPU": -1}]}, "whole number >= 0"),
    ],
)
def test_a_bad_catalogue_option_says_what_is_wrong(value: Any, words: str) -> None:
    with pytest.raises(MockcvmError, match=re.escape(words)):
        mock_cvm(catalogue=value)
