"""Balances per account (yuan, exact decimals). Knows nothing of HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mockcvm.world import World


class BillingBackend:
    def __init__(self, world: World) -> None:
        self.world = world
        self._balances: dict[str, Decimal] = {}

    def balance(self, uin: str) -> Decimal:
        return self._balances.get(uin, self.world.options.balance)

    def set_balance(self, uin: str, amount: Decimal) -> None:
        self._balances[uin] = amount

    def top_up(self, uin: str, amount: Decimal) -> None:
        self._balances[uin] = self.balance(uin) + amount
