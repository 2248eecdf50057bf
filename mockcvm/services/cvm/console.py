"""What the Tencent Cloud console can do to instances and the API cannot: destroy with "release now" or
"release after 2 h", and recover a postpaid instance from the recycle bin.

Unlike the API, the console acts instance by instance: each gets a :class:`ConsoleResult` saying what happened,
or why nothing did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from mockcvm.engine.transitions import Refused
from mockcvm.errors import MockcvmError
from mockcvm.services.cvm import models
from mockcvm.services.cvm.destroy import apply_terminate
from mockcvm.services.cvm.lifecycle import RECOVER, terminate_operation
from mockcvm.services.cvm.models import INSTANCE_ID

if TYPE_CHECKING:
    from mockcvm.services.cvm.backend import CvmBackend
    from mockcvm.world import World

RELEASE_CHOICES = ("now", "after_2h")


@dataclass(frozen=True)
class ConsoleResult:
    """The outcome for one instance: ``ok``, the ``state`` it shows now (None once gone), or the ``reason``."""

    instance_id: str
    ok: bool
    state: Optional[str] = None
    reason: Optional[str] = None


class Console:
    """``cloud.console``: the console's destroy and recover, for one account (the default unless given)."""

    def __init__(self, world: World) -> None:
        self._world = world

    @property
    def _cvm(self) -> CvmBackend:
        return self._world.cvm

    def destroy(
        self, region: str, instance_ids: list[str], release: str = "now", account: Optional[str] = None
    ) -> dict[str, ConsoleResult]:
        """Destroy each instance as the console does. ``release="now"``: postpaid TERMINATING then gone;
        ``"after_2h"``: postpaid into the bin for 2 h. Prepaid instances go as with TerminateInstances (into the
        bin for 7 days; from the bin, gone). Destroy protection and transitional states refuse an instance."""
        if release not in RELEASE_CHOICES:
            raise MockcvmError(f"release={release!r}: use one of {', '.join(RELEASE_CHOICES)}")
        with self._world.lock:
            self._world.catch_up()
            return self._destroy(region, instance_ids, release, self._uin(account))

    def _find(self, uin: str, region: str, instance_id: str) -> Optional[models.Instance]:
        """The live instance, or None for an unknown, released or malformed id (the console shows none of them)."""
        return self._cvm.get(uin, region, instance_id) if INSTANCE_ID.match(instance_id) else None

    def _destroy(self, region: str, instance_ids: list[str], release: str, uin: str) -> dict[str, ConsoleResult]:
        results: dict[str, ConsoleResult] = {}
        for instance_id in instance_ids:
            instance = self._find(uin, region, instance_id)
            if instance is None:
                results[instance_id] = ConsoleResult(instance_id, False, reason=f"not found in {region}")
                continue
            if instance.disable_api_termination:
                results[instance_id] = ConsoleResult(
                    instance_id, False, instance.state, "destroy protection is on; turn it off first"
                )
                continue
            prepaid = instance.charge_type == models.PREPAID
            operation = terminate_operation(instance.state, prepaid, release == "after_2h")
            refusal = self._refusal(instance, operation)
            if refusal:
                results[instance_id] = ConsoleResult(instance_id, False, instance.state, refusal)
                continue
            step = self._cvm.lifecycle.step(operation, instance.state)
            keep_for = None if prepaid else self._world.options.duration("recycle_bin_short")
            apply_terminate(self._cvm, [(instance, step)], "", keep_for=keep_for)
            instance.latest_operation_request_id = None
            gone = instance.released
            results[instance_id] = ConsoleResult(instance_id, True, None if gone else instance.state)
        return results

    def recover(
        self, region: str, instance_ids: list[str], account: Optional[str] = None
    ) -> dict[str, ConsoleResult]:
        """Recover postpaid instances from the recycle bin: STOPPED, NOTISOLATED. Refused while the account is in
        arrears ("top up first"); prepaid instances are recovered with RenewInstances instead."""
        with self._world.lock:
            self._world.catch_up()
            return self._recover(region, instance_ids, self._uin(account))

    def _recover(self, region: str, instance_ids: list[str], uin: str) -> dict[str, ConsoleResult]:
        arrears = self._world.billing.in_arrears(uin)
        results: dict[str, ConsoleResult] = {}
        for instance_id in instance_ids:
            instance = self._find(uin, region, instance_id)
            if instance is None:
                results[instance_id] = ConsoleResult(instance_id, False, reason=f"not found in {region}")
                continue
            reason = None
            if arrears:
                reason = "the account is in arrears; top up first"
            elif instance.charge_type == models.PREPAID:
                reason = "prepaid instances are recovered by renewing them (RenewInstances)"
            else:
                reason = self._refusal(instance, RECOVER)
            if reason:
                results[instance_id] = ConsoleResult(instance_id, False, instance.state, reason)
                continue
            self._cvm.leave_bin(instance)
            instance.state = models.STOPPED
            instance.stop_charging_mode = models.KEEP_CHARGING
            self._cvm.instances.changed(instance, "instance-state")
            self._world.billing.instance_changed(instance)
            results[instance_id] = ConsoleResult(instance_id, True, instance.state)
        return results

    def _refusal(self, instance: models.Instance, operation: str) -> Optional[str]:
        if self._cvm.in_operation(instance):
            return f"{instance.latest_operation} is still in progress"
        try:
            self._cvm.lifecycle.step(operation, instance.state)
        except Refused:
            if operation == RECOVER:
                return f"not in the recycle bin (it is {instance.state})"
            return f"it is {instance.state}; wait until the operation in progress has finished"
        return None

    def _uin(self, account: Optional[str]) -> str:
        if account is not None and (not isinstance(account, str) or not account.isdigit()):
            raise MockcvmError(f"account must be a uin string of digits, got {account!r}")
        return account or self._world.accounts.default.uin

