"""Handlers of key pairs, in-place instance operations and the InquiryPrice* quotes."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action
from mockcvm.services.cvm import instance_ops, pricing
from mockcvm.services.cvm.keypairs import KEY_PAIR


@action("cvm", "CreateKeyPair")
def create_key_pair(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    key_pair, private_key = ctx.world.keypairs.create(ctx.account.uin, ctx.region, params, private=True)
    return {"KeyPair": {**KEY_PAIR.render(key_pair), "PrivateKey": private_key}}


@action("cvm", "ImportKeyPair")
def import_key_pair(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    key_pair, _ = ctx.world.keypairs.create(ctx.account.uin, ctx.region, params, private=False)
    return {"KeyId": key_pair.key_id}


@action("cvm", "DescribeKeyPairs")
def describe_key_pairs(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    total, page = ctx.world.keypairs.key_pairs.describe(
        ctx.account.uin, ctx.region, params.get("KeyIds"), params.get("Filters"), params.get("Offset"),
        params.get("Limit"))
    return {"TotalCount": total, "KeyPairSet": [KEY_PAIR.render(k) for k in page]}


@action("cvm", "DeleteKeyPairs")
def delete_key_pairs(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.keypairs.delete(ctx.account.uin, ctx.region, params["KeyIds"])
    return {}


@action("cvm", "ModifyKeyPairAttribute")
def modify_key_pair_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    ctx.world.keypairs.modify(ctx.account.uin, ctx.region, params)
    return {}


@action("cvm", "AssociateInstancesKeyPairs")
def associate_instances_key_pairs(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    instance_ops.associate_key_pairs(ctx.world.cvm, ctx.account.uin, ctx.region, params, ctx.request_id, True)
    return {}


@action("cvm", "DisassociateInstancesKeyPairs")
def disassociate_instances_key_pairs(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    instance_ops.associate_key_pairs(ctx.world.cvm, ctx.account.uin, ctx.region, params, ctx.request_id, False)
    return {}


@action("cvm", "ResetInstancesPassword")
def reset_instances_password(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    instance_ops.reset_password(ctx.world.cvm, ctx.account.uin, ctx.region, params, ctx.request_id)
    return {}


@action("cvm", "ResetInstance")
def reset_instance(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    instance_ops.reset_instance(ctx.world.cvm, ctx.account.uin, ctx.region, params, ctx.request_id)
    return {}


@action("cvm", "ResetInstancesType")
def reset_instances_type(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    instance_ops.reset_type(ctx.world.cvm, ctx.account.uin, ctx.region, params, ctx.request_id)
    return {}


@action("cvm", "ModifyInstancesProject")
def modify_instances_project(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    instance_ops.modify_project(ctx.world.cvm, ctx.account.uin, ctx.region, params, ctx.request_id)
    return {}


@action("cvm", "DescribeInstanceVncUrl")
def describe_instance_vnc_url(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"InstanceVncUrl": instance_ops.vnc_url(ctx.world.cvm, ctx.account.uin, ctx.region, params["InstanceId"])}


@action("cvm", "InquiryPriceRunInstances")
def inquiry_price_run_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"Price": pricing.run_instances(ctx.world.cvm, ctx.account.uin, ctx.region, params)}


@action("cvm", "InquiryPriceRenewInstances")
def inquiry_price_renew_instances(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"Price": pricing.renew_instances(ctx.world.cvm, ctx.account.uin, ctx.region, params)}


@action("cvm", "InquiryPriceResetInstance")
def inquiry_price_reset_instance(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"Price": pricing.reset_instance(ctx.world.cvm, ctx.account.uin, ctx.region, params)}


@action("cvm", "InquiryPriceResetInstancesType")
def inquiry_price_reset_instances_type(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"Price": pricing.reset_instances_type(ctx.world.cvm, ctx.account.uin, ctx.region, params)}


@action("cvm", "InquiryPriceModifyInstancesChargeType")
def inquiry_price_modify_instances_charge_type(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return {"Price": pricing.modify_charge_type(ctx.world.cvm, ctx.account.uin, ctx.region, params)}
