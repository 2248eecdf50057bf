"""The ledger: every charge and every payment, as a test reads them from ``cloud.ledger()``.

Hourly charges are derived when the ledger is read, from the rate segments (one row per segment and settlement
hour, with the amount the settlement debited); up-front charges are kept as they happen. Payments (the opening
balance, top-ups, ``set_balance`` adjustments) are kept apart, so that for every account

    balance == sum(payment amounts) - sum(ledger amounts)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class LedgerEntry:
    """One charge: ``amount`` yuan taken from ``account`` for ``resource_id`` at ``time`` (epoch seconds).

    ``reason`` is ``"instance"`` (CPU and memory of a postpaid instance, hourly), ``"prepaid"``/``"renew"`` and the
    like for up-front charges, or whatever the service that set the rate named it (``"disk"``, ``"eip_idle"``).
    """

    time: float
    account: str
    resource_id: str
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class Payment:
    """Money put into an account: ``kind`` is ``"opening"``, ``"top_up"`` or ``"set_balance"`` (the adjustment)."""

    time: float
    account: str
    amount: Decimal
    kind: str
