"""What a prepaid instance gets back when TerminateInstances puts it in the recycle bin (docs/semantics.md,
"CVM catalogue and actions": the rules of Tencent's "销毁/退还实例" and "退费说明" pages, simplified):

- within five days of its creation (五天无理由退还): everything it paid up front;
- later (普通自助退还): what it paid minus what it used, the used part being its monthly price for every day
  started since creation, at 30 days a month; never below zero.

InquiryPriceTerminateInstances answers the same amount beforehand. Postpaid instances, instances already in the
bin, instances that paid nothing (seeded ones) and worlds made with ``prepaid_refunds=False`` get 0.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from mockcvm.services.cvm import models
from mockcvm.services.cvm.offers import MONTH, instance_price

if TYPE_CHECKING:
    from mockcvm.services.cvm.models import Instance
    from mockcvm.world import World

DAY = 86400.0
NO_REASON_DAYS = 5
CENT = Decimal("0.01")
REASON = "TerminateInstances refund"


def refund_of(world: World, instance: Instance) -> Decimal:
    """The refund TerminateInstances would give ``instance`` now (0 when none is due)."""
    if (not world.options.prepaid_refunds or instance.charge_type != models.PREPAID
            or instance.state == models.SHUTDOWN):
        return Decimal(0)
    paid = world.billing.paid_upfront(instance.uin, instance.instance_id)
    if paid <= 0:
        return Decimal(0)
    used_seconds = max(0.0, world.now - instance.created_time)
    if used_seconds < NO_REASON_DAYS * DAY:
        return paid
    days = math.ceil(used_seconds / DAY)
    used = instance_price(world, instance.instance_type, MONTH) * days / 30
    return max(Decimal(0), (paid - used).quantize(CENT, ROUND_HALF_UP))


def pay_refunds(world: World, refunds: dict[str, tuple[str, Decimal]]) -> None:
    """Book each instance's refund (instance id -> (account, amount)) in the ledger and the balance."""
    for instance_id, (uin, amount) in refunds.items():
        if amount > 0:
            world.billing.refund(uin, amount, instance_id, REASON)
