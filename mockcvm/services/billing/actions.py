"""Billing handlers. Every amount of DescribeAccountBalance is in CENTS (fen), as the official docs say."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mockcvm.dispatch import Context, action

CENT = Decimal("0.01")


def to_cents(yuan: Decimal) -> int:
    return int(yuan.quantize(CENT, rounding=ROUND_HALF_UP) * 100)


@action("billing", "DescribeAccountBalance")
def describe_account_balance(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    cents = to_cents(ctx.world.billing.balance(ctx.account.uin))
    cash = max(cents, 0)
    owed = max(-cents, 0)
    return {
        "Balance": cents,  # "same as RealBalance", kept for old clients
        "Uin": int(ctx.account.uin),
        "RealBalance": float(cents),  # = Cash + Income + Present - Freeze - Owe
        "CashAccountBalance": float(cash),
        "IncomeIntoAccountBalance": 0.0,
        "PresentAccountBalance": 0.0,
        "FreezeAmount": 0.0,
        "OweAmount": float(owed),
        "CreditAmount": 0.0,
        "CreditBalance": float(cents),  # = Cash + Income + Present + Credit - Owe
        "RealCreditBalance": float(cents),  # = CreditBalance - Freeze
        "TempCredit": 0.0,
        "TempAmountInfoList": [],
    }
