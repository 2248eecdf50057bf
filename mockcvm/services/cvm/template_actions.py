"""Handlers of the launch-template actions."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.services.cvm.templates import LAUNCH_TEMPLATE, render_version


@action("cvm", "CreateLaunchTemplate")
def create_launch_template(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    template_id = ctx.world.templates.create(ctx.world.cvm, ctx.account.uin, ctx.region, params)
    return {"LaunchTemplateId": template_id}


@action("cvm", "CreateLaunchTemplateVersion")
def create_launch_template_version(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    number = ctx.world.templates.create_version(ctx.world.cvm, ctx.account.uin, ctx.region, params)
    return {"LaunchTemplateVersionNumber": number}


@action("cvm", "DescribeLaunchTemplates")
def describe_launch_templates(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    total, page = ctx.world.templates.templates.describe(
        ctx.account.uin, ctx.region, params.get("LaunchTemplateIds"), params.get("Filters"), params.get("Offset"),
        params.get("Limit"))
    return {"TotalCount": total, "LaunchTemplateSet": [LAUNCH_TEMPLATE.render(t) for t in page]}


@action("cvm", "DescribeLaunchTemplateVersions")
def describe_launch_template_versions(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    backend = ctx.world.templates
    template, versions = backend.versions(ctx.account.uin, ctx.region, params)
    start, size = backend.templates.paging(params.get("Offset"), params.get("Limit"))
    page = versions[start:start + size]
    return {"TotalCount": len(versions), "LaunchTemplateVersionSet": [render_version(template, v) for v in page]}


@action("cvm", "ModifyLaunchTemplateDefaultVersion")
def modify_launch_template_default_version(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.templates.set_default(ctx.account.uin, ctx.region, params["LaunchTemplateId"],
                                    params["DefaultVersion"])
    return {}


@action("cvm", "DeleteLaunchTemplateVersions")
def delete_launch_template_versions(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.templates.delete_versions(ctx.account.uin, ctx.region, params["LaunchTemplateId"],
                                        params["LaunchTemplateVersions"])
    return {}


@action("cvm", "DeleteLaunchTemplate")
def delete_launch_template(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.templates.delete(ctx.account.uin, ctx.region, params["LaunchTemplateId"])
    return {}
