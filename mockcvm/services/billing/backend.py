"""Balances per account (yuan, exact decimals). Knows nothing of HTTP."""

from __future__ import annotations

from decimal import Decimal

from mockcvm.billing_prices import DEFAULT_PRICES
from mockcvm.errors import ApiError
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
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

    # -- hooks (docs/internals.md); the billing issue fills these in --------------------------------------------

    def instance_changed(self, instance: Instance) -> None:
        """Recompute what ``instance`` costs from now on (called after every change to it)."""

    def set_rate(self, uin: str, resource_id: str, reason: str, rate_per_hour: Decimal) -> None:
        """Charge ``resource_id`` ``rate_per_hour`` yuan from now on (0 stops charging)."""

    def charge_upfront(self, uin: str, amount: Decimal, resource_id: str, reason: str) -> None:
        """Take a prepaid price now; ``InvalidAccount.InsufficientBalance`` if the balance cannot cover it."""
        if self.balance(uin) < amount:
            raise ApiError(
                f"The balance cannot cover {amount} yuan for {resource_id} ({reason}); top up first.",
                code="InvalidAccount.InsufficientBalance",
            )
        self._balances[uin] = self.balance(uin) - amount

    def in_arrears(self, uin: str) -> bool:
        return self.balance(uin) < 0

    def price(self, name: str) -> Decimal:
        return dict(self.world.options.prices).get(name, DEFAULT_PRICES[name])
