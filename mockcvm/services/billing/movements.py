"""DescribeBillList: the account's money movements (收支明细), read from the payments and the ledger.

Every payment and every ledger row is one transaction, in the order it moved the balance (``movements``):

    opening balance, top-up          recharge / online       (+ cents)
    set_balance adjustment           return / compensate (+) or deduct / decompensate (-)
    hourly settlement row            deduct / hour_h, DeductMode hourh   (- cents)
    up-front charge                  deduct / trade, DeductMode trade    (- cents)
    refund of an up-front charge     return / trade                      (+ cents)

``Balance`` (and ``Cash``) is the balance in cents right after the transaction, so the last one of an account
equals DescribeAccountBalance's. Amounts are in cents, as the official docs say.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Union

from mockcvm import clock
from mockcvm.errors import InvalidParameterValue
from mockcvm.services.billing.bills import HOURLY_REASONS, PRODUCTS, _parse, shape
from mockcvm.services.billing.ledger import LedgerEntry, Payment

if TYPE_CHECKING:
    from mockcvm.world import World

#: PayType values the API knows; the movements mockcvm makes are recharge, return and deduct.
PAY_TYPES = frozenset({"all", "recharge", "return", "unblock", "agentin", "advanced", "cash", "deduct", "block",
                       "agentout", "repay", "repayment", "adj_refund", "adj_deduct"})
SUB_PAY_TYPES = frozenset({"all", "trade", "hour_h", "hour_d", "hour_m", "decompensate", "other", "panshi", "offline",
                           "online", "bank-enterprice", "transfer", "advanced", "hour", "month", "compensate"})
#: The longest query, as the docs say: StartTime and EndTime at most six months apart (183 days).
MAX_SPAN = 183 * 86400
MAX_LIMIT = 1000
TOTALS = {"recharge": "RechargeAmount", "return": "ReturnAmount", "deduct": "DeductAmount"}


@dataclass(frozen=True)
class Transaction:
    time: float
    action_type: str
    sub_pay_type: str
    deduct_mode: str
    pay_channel: str
    info: str
    cents: int
    balance: int
    bill_id: str


def cents(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _classify(move: Union[Payment, LedgerEntry]) -> tuple[str, str, str, str, str, int]:
    """(ActionType, SubPayType, DeductMode, PayChannel, OperationInfo, signed cents) of one movement."""
    if isinstance(move, Payment):
        amount = cents(move.amount)
        if move.kind == "set_balance":
            if amount < 0:
                return "deduct", "decompensate", "", "adjustment", "balance adjusted", amount
            return "return", "compensate", "", "adjustment", "balance adjusted", amount
        info = "opening balance" if move.kind == "opening" else "top-up"
        return "recharge", "online", "", "online", info, amount
    _code, product = PRODUCTS.get(move.resource_id.partition("-")[0] + "-", ("p_other", "Other"))
    amount = -cents(move.amount)
    if move.reason in HOURLY_REASONS:
        return "deduct", "hour_h", "hourh", "balance", f"{product} {move.resource_id} hourly settlement", amount
    if amount > 0:
        return "return", "trade", "trade", "balance", f"{product} {move.resource_id} refund: {move.reason}", amount
    return "deduct", "trade", "trade", "balance", f"{product} {move.resource_id} {move.reason}", amount


def transactions(world: World, uin: str) -> list[Transaction]:
    """Every movement of ``uin``, oldest first, with the balance after it."""
    balance = 0
    rows = []
    for number, move in enumerate(world.billing.movements(uin)):
        action_type, sub, mode, channel, info, amount = _classify(move)
        balance += amount
        stamp = clock.to_datetime(move.time).strftime("%Y%m%d%H%M%S")
        rows.append(Transaction(move.time, action_type, sub, mode, channel, info, amount, balance,
                                f"{stamp}{number:018d}"))
    return rows


def bill_list(world: World, uin: str, params: dict[str, Any]) -> dict[str, Any]:
    first, last = _parse(params.get("StartTime"), "StartTime"), _parse(params.get("EndTime"), "EndTime")
    if first > last:
        raise InvalidParameterValue("StartTime must not be after EndTime.")
    if last - first > MAX_SPAN:
        raise InvalidParameterValue("StartTime and EndTime must be at most six months apart.")
    offset, limit = params.get("Offset", 0), params.get("Limit", 0)
    if offset < 0 or not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameterValue(f"Offset must be >= 0 and Limit 1-{MAX_LIMIT}; got {offset}, {limit}.")
    pay_types = set(params.get("PayType") or [])
    sub_types = set(params.get("SubPayType") or [])
    if pay_types - PAY_TYPES:
        raise InvalidParameterValue(f"PayType {sorted(pay_types - PAY_TYPES)} unknown; expected some of "
                                    f"{sorted(PAY_TYPES)}.")
    if sub_types - SUB_PAY_TYPES:
        raise InvalidParameterValue(f"SubPayType {sorted(sub_types - SUB_PAY_TYPES)} unknown; expected some of "
                                    f"{sorted(SUB_PAY_TYPES)}.")
    with_zero = params.get("WithZeroAmount") == 1
    selected = [
        row for row in transactions(world, uin)
        if first <= row.time <= last
        and (not pay_types or "all" in pay_types or row.action_type in pay_types)
        and (not sub_types or "all" in sub_types or row.sub_pay_type in sub_types)
        and (with_zero or row.cents != 0)
    ]
    totals = dict.fromkeys(("ReturnAmount", "RechargeAmount", "BlockAmount", "UnblockAmount", "DeductAmount",
                            "AgentInAmount", "AdvanceRechargeAmount", "WithdrawAmount", "AgentOutAmount",
                            "AdvancePayAmount"), 0.0)
    for row in selected:
        totals[TOTALS[row.action_type]] += abs(row.cents)
    page = selected[offset : offset + limit]
    return {"TransactionList": [_render(row) for row in page], "Total": len(selected), **totals}


def _render(row: Transaction) -> dict[str, Any]:
    return shape("BillTransactionInfo", {
        "ActionType": row.action_type, "Amount": row.cents, "Balance": row.balance, "BillId": row.bill_id,
        "OperationInfo": row.info, "OperationTime": clock.spaced(row.time) + ".000", "Cash": row.balance,
        "Incentive": 0, "Freezing": 0, "PayChannel": row.pay_channel, "DeductMode": row.deduct_mode,
    })
