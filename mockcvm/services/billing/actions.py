"""Billing handlers."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mockcvm.dispatch import Context, action

CENT = Decimal("0.01")


@action("billing", "DescribeAccountBalance")
def describe_account_balance(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    balance = ctx.world.billing.balance(ctx.account.uin).quantize(CENT, rounding=ROUND_HALF_UP)
    cents = int(balance * 100)
    return {
        "Balance": cents,
        "Uin": int(ctx.account.uin),
        "RealBalance": float(cents),
        "CashAccountBalance": float(cents),
        "IncomeIntoAccountBalance": 0.0,
        "PresentAccountBalance": 0.0,
        "FreezeAmount": 0.0,
        "OweAmount": float(-cents) if cents < 0 else 0.0,
        "CreditAmount": 0.0,
        "CreditBalance": 0.0,
        "RealCreditBalance": 0.0,
    }
