"""The :class:`Cloud` handle: what a test holds to look at and steer the fake world.

Every method first brings the world up to the clock's now (like a request does), under the world's lock.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

from mockcvm.dispatch import handle
from mockcvm.errors import MockcvmError
from mockcvm.faults import Fault
from mockcvm.hosts import HostMap
from mockcvm.journal import Call, Journal
from mockcvm.options import Money, Options, to_decimal
from mockcvm.protocol.messages import HttpRequest, HttpResponse
from mockcvm.world import World

if TYPE_CHECKING:
    from mockcvm.accounts import Account
    from mockcvm.services.billing.ledger import LedgerEntry
    from mockcvm.services.cvm.console import Console
    from mockcvm.services.monitor.control import Metrics


_LOOK_UP: Optional[str] = "\0look up"  # Cloud._handle: the service comes from the request's host


class Cloud:
    """One fake Tencent Cloud: accounts, regions, and every resource in them.

    Made fresh, and empty, by each outermost activation of ``mock_cvm``; everything in it is dropped when that
    activation stops. ``cloud.world`` is the internal state, for mockcvm's own tests and tools.
    """

    def __init__(self, options: Options) -> None:
        self.options = options
        self.world = World(options)
        self._world_hosts = HostMap(options)

    # -- the request path -------------------------------------------------------------------------------------

    def _handle(self, request: HttpRequest, service: Optional[str] = _LOOK_UP) -> HttpResponse:
        """Answer ``request``; a transport that already looked the host up passes the ``service`` it found."""
        if service is _LOOK_UP:
            service = self._world_hosts.lookup(request.url)[1]
        return handle(self.world, request, service)

    def _caught_up(self) -> World:
        self.world.catch_up()
        return self.world

    # -- accounts and credentials -----------------------------------------------------------------------------

    @property
    def default_account(self) -> str:
        """The uin that unregistered SecretIds map to."""
        return self.world.accounts.default.uin

    def register_credentials(self, secret_id: str, secret_key: str, account: Optional[str] = None) -> str:
        """Make ``secret_id`` (signed with ``secret_key``) act as ``account`` (a uin; default account if None).

        Needed with ``verify_signatures=True``; without it, any SecretId is accepted. Returns the uin.
        """
        with self.world.lock:
            return self.world.accounts.register(secret_id, secret_key, account).uin

    def _account(self, account: Optional[str]) -> Account:
        if account is not None and (not isinstance(account, str) or not account.isdigit()):
            raise MockcvmError(f"account must be a uin string of digits, got {account!r}")
        return self.world.accounts.get(account) if account else self.world.accounts.default

    # -- money --------------------------------------------------------------------------------------------------

    def balance(self, account: Optional[str] = None) -> Decimal:
        """The account's cash balance in yuan (exact); ``DescribeAccountBalance`` shows it in cents."""
        with self.world.lock:
            world = self._caught_up()
            return world.billing.balance(self._account(account).uin)

    def set_balance(self, amount: Money, account: Optional[str] = None) -> None:
        """Set the cash balance to ``amount`` **yuan** (a ``Decimal``, an ``int`` or a numeric ``str``; not a
        float). Below zero, the account is in arrears from now on. ``DescribeAccountBalance`` answers in cents:
        ``set_balance("4.50")`` shows as ``Balance == 450``."""
        value = to_decimal(amount, "amount")
        with self.world.lock:
            world = self._caught_up()
            world.billing.set_balance(self._account(account).uin, value)

    def top_up(self, amount: Money, account: Optional[str] = None) -> None:
        """Add ``amount`` **yuan** (> 0; a ``Decimal``, an ``int`` or a numeric ``str``). Lifting the balance above
        zero ends arrears. ``DescribeAccountBalance`` answers in cents."""
        value = to_decimal(amount, "amount")
        if value <= 0:
            raise ValueError(f"top_up amount must be more than 0 yuan, got {amount!r}")
        with self.world.lock:
            world = self._caught_up()
            world.billing.top_up(self._account(account).uin, value)

    # -- journal and faults -------------------------------------------------------------------------------------

    @property
    def journal(self) -> Journal:
        """The latest requests answered (``journal_size`` of them, default 1000), oldest first; counts of every
        call stay exact (``journal.count``)."""
        return self.world.journal

    def calls(self, action: Optional[str] = None, **filters: Any) -> list[Call]:
        return self.world.journal.calls(action, **filters)

    def assert_called(
        self,
        action: str,
        times: Optional[int] = None,
        *,
        params: Optional[dict[str, Any]] = None,
        region: Optional[str] = None,
        service: Optional[str] = None,
        ok: Optional[bool] = None,
    ) -> None:
        """Fail unless ``action`` was called (exactly ``times`` times, if given) under every condition given.

        ``params`` matches a subset: ``params={"InstanceIds": ["ins-1"]}`` matches calls whose ``InstanceIds`` is
        exactly that list, whatever else they sent (nested dicts match by subset too). The message names every
        condition it checked and lists the calls, marking which conditions each one met.
        """
        __tracebackhide__ = True  # pytest shows the test's line, not this one
        from mockcvm.journal import assert_called

        assert_called(self.world.journal, action, times, params=params, region=region, service=service, ok=ok)

    def inject(
        self,
        action: str,
        code: str,
        message: Optional[str] = None,
        *,
        times: Optional[int] = 1,
        probability: Optional[float] = None,
        service: Optional[str] = None,
    ) -> Fault:
        """Answer the next ``times`` calls of ``action`` (``"*"`` for any) with Tencent error ``code``.

        With ``probability=p`` every call fails with that chance (seeded by the ``seed`` option) instead.
        The refused calls change nothing. Use ``"RequestLimitExceeded"`` to test retry code.

        An action name that no faked service has (``service`` narrows the search) raises ``ValueError``
        (:class:`~mockcvm.errors.UnknownActionName`) naming the closest ones. Returns the
        :class:`~mockcvm.faults.Fault`, whose ``fired`` counts the calls it answered; under the pytest fixtures a
        fault with ``times=N`` that fired fewer than N times fails the test at teardown.
        """
        with self.world.lock:
            return self.world.faults.inject(
                action, code, message, times=times, probability=probability, service=service
            )

    # -- time ---------------------------------------------------------------------------------------------------

    def now(self) -> float:
        """The world's time (epoch seconds) after catching up with the clock."""
        with self.world.lock:
            return self._caught_up().now

    def catch_up(self) -> None:
        """Apply everything that fell due up to now (requests and control calls do this by themselves)."""
        self.world.catch_up()

    def dump(self) -> str:
        """The world as readable text (time, balances and when they run out, instances with state, tags and bin
        deadline, disks, elastic IPs, scheduled destroys, what is due next, the latest calls), after catching up
        with the clock. The pytest plugin adds it to failure reports."""
        from mockcvm.dump import dump_world

        with self.world.lock:
            return dump_world(self._caught_up())

    def ledger(self, account: Optional[str] = None) -> list[LedgerEntry]:
        """Every charge settled so far, oldest first (all accounts, or one): hourly pieces of postpaid resources
        (one row per resource and settlement hour, rounded to the cent) and up-front prepaid charges. For every
        account, ``balance == sum(payments) - sum(ledger amounts)`` (see ``cloud.world.billing.payments``)."""
        with self.world.lock:
            world = self._caught_up()
            return world.billing.ledger(self._account(account).uin if account is not None else None)

    @property
    def prices(self) -> dict[str, Decimal]:
        """The price table in use (yuan): the defaults, overridden by ``mock_cvm(prices={...})``."""
        return self.world.billing.prices()

    # -- snapshots --------------------------------------------------------------------------------------------

    def snapshot(self) -> bytes:
        """The whole world as bytes, after catching up with the clock: accounts, balances and the ledger, every
        resource, timers, what is scheduled, the journal, the position of the id source. :meth:`restore` brings
        it back, in this cloud or another; the bytes only load in the Python version that wrote them. The
        server's state file keeps its snapshots in the same format."""
        from mockcvm import snapshot

        with self.world.lock:
            return snapshot.dump(self._caught_up())

    def restore(self, data: bytes) -> None:
        """Replace this cloud's world with the one :meth:`snapshot` saved (its options come with it). The
        restored world's time is the snapshot's; it catches up when the clock is later, and never goes back.
        Restoring the same bytes again gives the same world again, so one prepared world can start many tests."""
        from mockcvm import snapshot

        world = snapshot.load(data)
        with self.world.lock:
            self.world = world
    # -- metrics ----------------------------------------------------------------------------------------------

    @property
    def metrics(self) -> Metrics:
        """The series GetMonitorData reads: ``cloud.metrics.set(resource_id, "CPUUsage", value)`` with a number
        (constant) or a function from epoch seconds to a number; ``cloud.metrics.clear(resource_id=None)``.
        Unset series read 0; an instance reports points only while it was RUNNING (docs/semantics.md, Metrics)."""
        from mockcvm.services.monitor.control import Metrics

        return Metrics(self.world)

    # -- CVM: console, seeding, transitions -------------------------------------------------------------------

    @property
    def console(self) -> Console:
        """What the Tencent Cloud console does and the API cannot: ``destroy(region, instance_ids,
        release="now" | "after_2h")`` and ``recover(region, instance_ids)``, each returning a per-instance
        result (``ok``, ``state``, ``reason``). Both catch up with the clock first."""
        from mockcvm.services.cvm.console import Console

        with self.world.lock:
            self._caught_up()
            return Console(self.world)

    def seed_instances(self, count: int, *, account: Optional[str] = None, **fields: Any) -> list[str]:
        """Add ``count`` settled instances at once (no RunInstances, nothing charged up front); returns their ids.

        ``fields``: ``region``, ``zone`` (default: the region's first), ``charge_type`` (POSTPAID_BY_HOUR,
        PREPAID, SPOTPAID), ``state`` (RUNNING, STOPPED, SHUTDOWN, LAUNCH_FAILED), ``tags`` (dict),
        ``created_time`` (epoch seconds or an aware datetime; default now), ``instance_type``, ``image_id``,
        ``name`` (numbered 1..count), ``period`` and ``renew_flag`` (PREPAID: ExpiredTime = created + period
        months), ``disable_api_termination``. Billing is told about each instance as after a launch.
        """
        from mockcvm.services.cvm.seeding import seed_instances

        with self.world.lock:
            world = self._caught_up()
            return seed_instances(world.cvm, count, uin=self._account(account).uin, **fields)

    def repair_task(self, instance_id: str, *, task_type_id: int = 101, detail: str = "",
                    auth_type: int = 2, account: Optional[str] = None) -> str:
        """Make a maintenance task on ``instance_id`` waiting for authorization (what Tencent does when hardware
        needs work); DescribeTaskInfo lists it and RepairTaskControl authorizes it. Returns its TaskId."""
        from mockcvm.services.cvm.tasks import create

        with self.world.lock:
            world = self._caught_up()
            return create(world, self._account(account).uin, instance_id, task_type_id, detail, auth_type)

    def settle(self, instance_ids: Optional[list[str]] = None) -> list[str]:
        """Settle the operations in flight now (those of ``instance_ids``, or all): a transitional state becomes
        its settled one and LatestOperationState SUCCESS; TERMINATING instances are released. Meant for
        ``transitions="manual"``; works under any policy. Returns the ids settled."""
        with self.world.lock:
            world = self._caught_up()
            if instance_ids is None:
                return world.cvm.settle() + world.vpc.settle()
            wanted = set(instance_ids)
            return world.cvm.settle([i for i in world.cvm.in_flight.subjects() if i.instance_id in wanted]) + (
                world.vpc.settle(wanted))
