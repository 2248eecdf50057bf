"""STS handlers."""

from __future__ import annotations

from typing import Any

from mockcvm.dispatch import Context, action


@action("sts", "GetCallerIdentity")
def get_caller_identity(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    uin = ctx.account.uin
    return {
        "AccountId": uin,
        "Arn": ctx.account.arn,
        "UserId": uin,
        "PrincipalId": uin,
        "Type": "RootAccount",
    }
