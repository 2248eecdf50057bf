"""Launch templates through the real SDK: create, versions, default, delete, and RunInstances with a template."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mockcvm import Cloud, mock_cvm
from tests import sdk
from tests.cvm.helpers import IMAGE, ZONE, call_refused, describe, snapshot

pytestmark = pytest.mark.cloud_options(transitions="immediate")
BASE = {"Placement": {"Zone": ZONE}, "ImageId": IMAGE, "InstanceType": "S5.MEDIUM4", "InstanceName": "web"}


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def _template(cvm: Any, name: str = "web-template", **params: Any) -> str:
    return str(sdk.call(cvm, "CreateLaunchTemplate", LaunchTemplateName=name, **{**BASE, **params}).LaunchTemplateId)


def test_create_and_describe(cvm: Any) -> None:
    template_id = _template(cvm, LaunchTemplateVersionDescription="first")
    (info,) = sdk.call(cvm, "DescribeLaunchTemplates", LaunchTemplateIds=[template_id]).LaunchTemplateSet
    assert (info.LaunchTemplateName, info.DefaultVersionNumber, info.LatestVersionNumber,
            info.LaunchTemplateVersionCount) == ("web-template", 1, 1, 1)
    by_name = sdk.call(cvm, "DescribeLaunchTemplates",
                       Filters=[{"Name": "LaunchTemplateName", "Values": ["web-template"]}]).LaunchTemplateSet
    assert [t.LaunchTemplateId for t in by_name] == [template_id]
    (version,) = sdk.call(cvm, "DescribeLaunchTemplateVersions", LaunchTemplateId=template_id).LaunchTemplateVersionSet
    data = version.LaunchTemplateVersionData
    assert (version.IsDefaultVersion, version.LaunchTemplateVersionDescription, data.ImageId, data.InstanceType,
            data.InstanceName, data.InstanceChargeType) == (True, "first", IMAGE, "S5.MEDIUM4", "web",
                                                            "POSTPAID_BY_HOUR")


def test_run_instances_from_a_template_takes_the_request_members_first(cvm: Any) -> None:
    template_id = _template(cvm)
    ids = sdk.call(cvm, "RunInstances", LaunchTemplate={"LaunchTemplateId": template_id}).InstanceIdSet
    (shown,) = describe(cvm, list(ids))
    assert (shown.InstanceType, shown.InstanceName, shown.ImageId) == ("S5.MEDIUM4", "web", IMAGE)
    ids = sdk.call(cvm, "RunInstances", LaunchTemplate={"LaunchTemplateId": template_id},
                   InstanceType="S5.2XLARGE16", InstanceName="big").InstanceIdSet
    (shown,) = describe(cvm, list(ids))
    assert (shown.InstanceType, shown.InstanceName, shown.CPU) == ("S5.2XLARGE16", "big", 8)


def test_versions_default_and_deletion(cloud: Cloud, cvm: Any) -> None:
    template_id = _template(cvm)
    number = sdk.call(cvm, "CreateLaunchTemplateVersion", LaunchTemplateId=template_id, LaunchTemplateVersion=1,
                      Placement={"Zone": ZONE}, InstanceType="SA2.LARGE8").LaunchTemplateVersionNumber
    assert number == 2
    (second,) = sdk.call(cvm, "DescribeLaunchTemplateVersions", LaunchTemplateId=template_id,
                         LaunchTemplateVersions=[2]).LaunchTemplateVersionSet
    assert (second.LaunchTemplateVersionData.InstanceType, second.LaunchTemplateVersionData.ImageId,
            second.IsDefaultVersion) == ("SA2.LARGE8", IMAGE, False)  # built on version 1
    ids = sdk.call(cvm, "RunInstances", LaunchTemplate={"LaunchTemplateId": template_id,
                                                        "LaunchTemplateVersion": 2}).InstanceIdSet
    assert describe(cvm, list(ids))[0].InstanceType == "SA2.LARGE8"
    before = snapshot(cloud)
    assert call_refused(cvm, "DeleteLaunchTemplateVersions", LaunchTemplateId=template_id,
                        LaunchTemplateVersions=[1]).code == "InvalidParameterValue.LaunchTemplateDefaultVersion"
    assert call_refused(cvm, "ModifyLaunchTemplateDefaultVersion", LaunchTemplateId=template_id,
                        DefaultVersion=1).code == "InvalidParameterValue.LaunchTemplateIdVerSetAlready"
    assert snapshot(cloud) == before
    sdk.call(cvm, "ModifyLaunchTemplateDefaultVersion", LaunchTemplateId=template_id, DefaultVersion=2)
    sdk.call(cvm, "DeleteLaunchTemplateVersions", LaunchTemplateId=template_id, LaunchTemplateVersions=[1])
    versions = sdk.call(cvm, "DescribeLaunchTemplateVersions", LaunchTemplateId=template_id)
    assert [v.LaunchTemplateVersion for v in versions.LaunchTemplateVersionSet] == [2]
    sdk.call(cvm, "DeleteLaunchTemplate", LaunchTemplateId=template_id)
    assert sdk.call(cvm, "DescribeLaunchTemplates").TotalCount == 0
    assert call_refused(cvm, "RunInstances", LaunchTemplate={"LaunchTemplateId": template_id}).code == (
        "InvalidParameterValue.LaunchTemplateNotFound")


@pytest.mark.parametrize(
    ("params", "code"),
    [({"LaunchTemplateName": "x"}, "InvalidParameterValue.InvalidLaunchTemplateName"),
     ({"ImageId": "img-zzzzzzzz"}, "InvalidImageId.NotFound"),
     ({"InstanceType": "SR1.LARGE8"}, "ResourceNotFound.InvalidZoneInstanceType"),
     ({"LaunchTemplateVersionDescription": "x"}, "InvalidParameterValue.InvalidLaunchTemplateVersionDescription")],
)
def test_create_refusals(cloud: Cloud, cvm: Any, params: dict[str, Any], code: str) -> None:
    request = {"LaunchTemplateName": "web-template", **BASE, **params}
    assert call_refused(cvm, "CreateLaunchTemplate", **request).code == code
    assert len(cloud.world.templates.templates) == 0


def test_unknown_ids_and_versions(cvm: Any) -> None:
    template_id = _template(cvm)
    assert call_refused(cvm, "DescribeLaunchTemplates", LaunchTemplateIds=["lt-1"]).code == (
        "InvalidParameterValue.LaunchTemplateIdMalformed")
    assert call_refused(cvm, "DescribeLaunchTemplateVersions", LaunchTemplateId="lt-zzzzzzzz").code == (
        "InvalidParameterValue.LaunchTemplateNotFound")
    assert call_refused(cvm, "RunInstances", LaunchTemplate={"LaunchTemplateId": template_id,
                                                             "LaunchTemplateVersion": 9}).code == (
        "InvalidParameterValue.LaunchTemplateIdVerNotExisted")
    assert call_refused(cvm, "CreateLaunchTemplate", LaunchTemplateName="web-template", **BASE).code == (
        "InvalidParameterValue.InvalidLaunchTemplateName")


def test_templates_async() -> None:
    async def main() -> Any:
        client = sdk.client("cvm", asynchronous=True)
        created = await sdk.call(client, "CreateLaunchTemplate", LaunchTemplateName="async-template", **BASE)
        return await sdk.call(client, "RunInstances", LaunchTemplate={"LaunchTemplateId": created.LaunchTemplateId})

    with mock_cvm(transitions="immediate"):
        assert len(asyncio.run(main()).InstanceIdSet) == 1
