"""Launch templates: named, versioned sets of RunInstances parameters, and RunInstances with ``LaunchTemplate``
(the request's own members override the template's, member by member at the top level).

A template is a resource kind (``LAUNCH_TEMPLATE``) in a :class:`Store`; its versions live on it. A version keeps
the RunInstances members it was given, checked as RunInstances would check them (image, type, zone, key pairs)
except for the balance.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from mockcvm import clock
from mockcvm.compat import SLOTS
from mockcvm.engine.resources import Codes, Filter, Kind, Store, complete, neutral
from mockcvm.errors import ApiError
from mockcvm.protocol import schema
from mockcvm.services.cvm.keypairs import tags_of

if TYPE_CHECKING:
    from mockcvm.services.cvm.backend import CvmBackend
    from mockcvm.world import World

TEMPLATE_QUOTA = 30  # per region
VERSION_QUOTA = 30  # per template
#: Members of Create* that describe the template, not the instances it launches.
TEMPLATE_MEMBERS = ("LaunchTemplateName", "LaunchTemplateVersionDescription", "LaunchTemplateTagSpecification",
                    "LaunchTemplateId", "LaunchTemplateVersion", "DryRun", "TemplateDataModifyAction")
DATA_DEFAULTS = {"InstanceChargeType": "POSTPAID_BY_HOUR", "InstanceCount": 1, "DisableApiTermination": False}


@dataclass(eq=False, **SLOTS)
class Version:
    number: int
    description: str
    data: dict[str, Any]
    created_time: float


@dataclass(eq=False, **SLOTS)
class LaunchTemplate:
    template_id: str
    uin: str
    region: str
    name: str
    created_time: float
    created_by: str
    versions: dict[int, Version] = field(default_factory=dict)
    default_version: int = 1
    latest_version: int = 1
    tags: dict[str, str] = field(default_factory=dict)


LAUNCH_TEMPLATE: Kind[LaunchTemplate] = Kind(
    service="cvm",
    output="LaunchTemplateInfo",
    noun="launch template",
    id_attr="template_id",
    id_prefix="lt",
    codes=Codes(malformed="InvalidParameterValue.LaunchTemplateIdMalformed",
                not_found="InvalidParameterValue.LaunchTemplateNotFound",
                coexist="InvalidParameter.Coexist", unknown_filter="InvalidFilter",
                paging="InvalidParameterValue.Range"),
    render={
        "LaunchTemplateId": lambda t: t.template_id,
        "LaunchTemplateName": lambda t: t.name,
        "DefaultVersionNumber": lambda t: t.default_version,
        "LatestVersionNumber": lambda t: t.latest_version,
        "LaunchTemplateVersionCount": lambda t: len(t.versions),
        "CreatedBy": lambda t: t.created_by,
        "CreationTime": lambda t: clock.iso(t.created_time),
    },
    filters={"LaunchTemplateName": Filter(lambda t: t.name)},
    tags=lambda t: t.tags,
    max_values=5,
)


def render_version(template: LaunchTemplate, version: Version) -> dict[str, Any]:
    members = schema.members("cvm", "LaunchTemplateVersionData")
    data: dict[str, Any] = {}
    for name, member in members.items():
        if name in version.data:
            data[name] = complete("cvm", member, copy.deepcopy(version.data[name]))
        elif name in DATA_DEFAULTS:
            data[name] = DATA_DEFAULTS[name]
        elif member[3]:
            data[name] = neutral("cvm", member)
    return {
        "LaunchTemplateId": template.template_id, "LaunchTemplateVersion": version.number,
        "LaunchTemplateVersionDescription": version.description, "IsDefaultVersion":
            version.number == template.default_version, "CreatedBy": template.created_by,
        "CreationTime": clock.iso(version.created_time), "LaunchTemplateVersionData": data,
    }


def _description(text: Optional[str]) -> str:
    if text is None:
        return ""
    if not 2 <= len(text) <= 256:
        raise ApiError(f"`LaunchTemplateVersionDescription` must be 2 to 256 characters, got {len(text)}.",
                       code="InvalidParameterValue.InvalidLaunchTemplateVersionDescription")
    return text


class TemplateBackend:
    """The launch templates of one world."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.templates: Store[LaunchTemplate] = Store(LAUNCH_TEMPLATE)

    def _data(self, backend: CvmBackend, uin: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        """The RunInstances members of ``params``, checked as RunInstances checks them."""
        from mockcvm.services.cvm.launch import checked_plan

        data = {k: copy.deepcopy(v) for k, v in params.items() if k not in TEMPLATE_MEMBERS}
        checked_plan(backend, uin, region, data)
        return data

    def create(self, backend: CvmBackend, uin: str, region: str, params: dict[str, Any]) -> str:
        name = params["LaunchTemplateName"]
        if not 2 <= len(name) <= 128:
            raise ApiError(f"`LaunchTemplateName` must be 2 to 128 characters, got {len(name)}.",
                           code="InvalidParameterValue.InvalidLaunchTemplateName")
        existing = list(self.templates.in_region(uin, region))
        if any(t.name == name for t in existing):
            raise ApiError(f"A launch template named {name!r} already exists in {region}.",
                           code="InvalidParameterValue.InvalidLaunchTemplateName")
        if len(existing) >= TEMPLATE_QUOTA:
            raise ApiError(f"The account already holds {TEMPLATE_QUOTA} launch templates in {region}, the quota.",
                           code="LimitExceeded.LaunchTemplateQuota")
        description = _description(params.get("LaunchTemplateVersionDescription"))
        data = self._data(backend, uin, region, params)
        tags = tags_of({"TagSpecification": params.get("LaunchTemplateTagSpecification")}, "launchtemplate")
        if params.get("DryRun"):
            raise ApiError("The request would have succeeded (DryRun).", code="DryRunOperation")
        template_id = self.world.ids.short("lt")
        now = float(int(self.world.now))
        template = LaunchTemplate(template_id=template_id, uin=uin, region=region, name=name, created_time=now,
                                  created_by=uin, tags=tags)
        template.versions[1] = Version(1, description, data, now)
        self.templates.add(template)
        return template_id

    def create_version(self, backend: CvmBackend, uin: str, region: str, params: dict[str, Any]) -> int:
        template = self.templates.existing(uin, region, params["LaunchTemplateId"])
        base_number = params.get("LaunchTemplateVersion")
        base: dict[str, Any] = {}
        if base_number is not None:
            base = copy.deepcopy(self.version(template, base_number).data)
        if len(template.versions) >= VERSION_QUOTA:
            raise ApiError(f"The launch template {template.template_id} already has {VERSION_QUOTA} versions.",
                           code="LimitExceeded.LaunchTemplateVersionQuota")
        description = _description(params.get("LaunchTemplateVersionDescription"))
        data = self._data(backend, uin, region, {**base, **params})
        if params.get("DryRun"):
            raise ApiError("The request would have succeeded (DryRun).", code="DryRunOperation")
        number = template.latest_version + 1
        template.versions[number] = Version(number, description, data, float(int(self.world.now)))
        template.latest_version = number
        return number

    def version(self, template: LaunchTemplate, number: Optional[int]) -> Version:
        """Version ``number`` of ``template`` (its default when None)."""
        found = template.versions.get(template.default_version if number is None else int(number))
        if found is None:
            raise ApiError(f"The launch template {template.template_id} has no version {number}.",
                           code="InvalidParameterValue.LaunchTemplateIdVerNotExisted")
        return found

    def versions(self, uin: str, region: str, params: dict[str, Any]) -> tuple[LaunchTemplate, list[Version]]:
        template = self.templates.existing(uin, region, params["LaunchTemplateId"])
        numbers = params.get("LaunchTemplateVersions")
        if numbers:
            chosen = [self.version(template, n) for n in dict.fromkeys(numbers)]
        elif params.get("DefaultVersion"):
            chosen = [self.version(template, None)]
        else:
            low, high = params.get("MinVersion", 0), params.get("MaxVersion", VERSION_QUOTA)
            chosen = [v for n, v in sorted(template.versions.items()) if low <= n <= high]
        return template, chosen

    def set_default(self, uin: str, region: str, template_id: str, number: int) -> None:
        template = self.templates.existing(uin, region, template_id)
        self.version(template, number)
        if template.default_version == number:
            raise ApiError(f"Version {number} is already the default of {template_id}.",
                           code="InvalidParameterValue.LaunchTemplateIdVerSetAlready")
        template.default_version = number

    def delete_versions(self, uin: str, region: str, template_id: str, numbers: list[int]) -> None:
        template = self.templates.existing(uin, region, template_id)
        for number in numbers:
            self.version(template, number)
            if number == template.default_version:
                raise ApiError(f"Version {number} is the default of {template_id}; make another version the "
                               "default first (ModifyLaunchTemplateDefaultVersion).",
                               code="InvalidParameterValue.LaunchTemplateDefaultVersion")
        for number in numbers:
            template.versions.pop(number, None)

    def delete(self, uin: str, region: str, template_id: str) -> None:
        self.templates.remove(self.templates.existing(uin, region, template_id))

    def merged(self, uin: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        """RunInstances ``params`` with its ``LaunchTemplate`` applied: the template's members, then the request's."""
        reference = params.get("LaunchTemplate")
        if not reference:
            return params
        template_id = reference.get("LaunchTemplateId")
        if not template_id:
            raise ApiError("`LaunchTemplate.LaunchTemplateId` is required.", code="MissingParameter")
        template = self.templates.existing(uin, region, template_id)
        version = self.version(template, reference.get("LaunchTemplateVersion"))
        given = {k: v for k, v in params.items() if k != "LaunchTemplate"}
        return {**copy.deepcopy(version.data), **given}

    def uses_image(self, uin: str, region: str, image_id: str) -> Optional[str]:
        """A template of the account in ``region`` whose versions launch ``image_id`` (None if none does)."""
        for template in self.templates.in_region(uin, region):
            if any(v.data.get("ImageId") == image_id for v in template.versions.values()):
                return template.template_id
        return None
