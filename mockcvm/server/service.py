"""The served cloud: one world behind the server, its clock, its state file, and the control operations.

An API request takes the same path as in-process (:meth:`Cloud._handle` -> ``dispatch.handle``); this module
only pins the clock for the length of the request, and, with a state file, logs the request before its answer
leaves if it changed the world. Control operations (clock, balance, console, faults, reset) are validated before
anything changes, applied, then logged the same way.
"""

from __future__ import annotations

import base64
import contextlib
import json
import random
from decimal import Decimal
from typing import Any, Callable, Iterator, Optional, Sequence, TypeVar

from mockcvm import snapshot
from mockcvm.clock import iso
from mockcvm.cloud import Cloud
from mockcvm.errors import ApiError, MockcvmError
from mockcvm.hosts import HostMap
from mockcvm.options import Options, to_decimal
from mockcvm.protocol import envelope
from mockcvm.protocol.messages import HttpRequest, HttpResponse
from mockcvm.server import view
from mockcvm.server.clock import ServerClock
from mockcvm.server.routing import service_for
from mockcvm.server.store import StateStore
from mockcvm.server.world import ServerWorld
from mockcvm.testing_clock import parse_moment

T = TypeVar("T")

#: Actions whose names start so only read the world: they are not logged in the state file.
READ_PREFIXES = ("Describe", "Inquiry", "Inquire", "Get", "Query", "List")


class BadControlCall(ValueError):
    """A control call the server refuses with 400 (its message says why); nothing changed."""


def is_read(action: str) -> bool:
    return action.startswith(READ_PREFIXES)


class ServedCloud:
    def __init__(
        self,
        options: Options,
        *,
        frozen: bool = False,
        start: Optional[float] = None,
        state_path: Optional[str] = None,
        state_sync: str = "full",
        credentials: Sequence[tuple[str, str, Optional[str]]] = (),
    ) -> None:
        self.options = options
        self.credentials = tuple(credentials)
        self.clock = ServerClock(start, frozen)
        self.hosts = HostMap(options)
        self.cloud = Cloud(options)
        self.store = StateStore(state_path, state_sync) if state_path else None
        self._seed = options.seed if options.seed is not None else random.SystemRandom().randrange(1 << 62)
        self.replayed = 0
        if self.store is None:
            self.cloud.world = self._new_world()
        else:
            self._open_store(self.store)

    @property
    def world(self) -> ServerWorld:
        world = self.cloud.world
        assert isinstance(world, ServerWorld)
        return world

    @contextlib.contextmanager
    def _current(self) -> Iterator[ServerWorld]:
        """The served world, locked; a call that waited while a reset replaced the world gets the new one."""
        while True:
            world = self.world
            with world.lock:
                if world is self.cloud.world:
                    yield world
                    return

    def _new_world(self) -> ServerWorld:
        """A fresh world; the server's credentials are registered in it (before any replay needs them)."""
        world = ServerWorld(self.options, self.clock, self._seed)
        for secret_id, secret_key, uin in self.credentials:
            world.accounts.register(secret_id, secret_key, uin)
        return world

    # -- the API --------------------------------------------------------------------------------------------

    def api(self, request: HttpRequest) -> HttpResponse:
        """Answer one API request (never raises: every refusal is a Tencent envelope)."""
        with self._current() as world:
            moment = self.clock.now()
            world.pin(moment)
            try:
                try:
                    service = service_for(request, self.hosts)
                except ApiError as error:
                    world.catch_up()
                    return envelope.failure(error.wire_code, error.message, world.ids.uuid4())
                if self.store is None:
                    return self.cloud._handle(request, service)
                world.catch_up()  # here, so that what the request itself changes can be told apart
                words, fired, in_flight = world.random_words, _faults_fired(world), _in_flight(world)
                response = self.cloud._handle(request, service)
                call = world.journal._calls[-1]  # the call just answered (dispatch records every one)
                if (
                    (call.error is None and not is_read(call.action))
                    or _faults_fired(world) != fired  # it used up an injected fault
                    or _in_flight(world) != in_flight  # a read that settled what it showed (default policy)
                ):
                    self.store.append("api", moment, words, _request_payload(request, service))
                    self._maybe_compact()
                return response
            finally:
                world.unpin()

    # -- control operations ---------------------------------------------------------------------------------

    def read(self, what: Callable[[ServerWorld], T]) -> T:
        with self._current() as world:
            world.catch_up()
            return what(world)

    def clock_state(self) -> dict[str, Any]:
        return self.read(lambda world: {"now": iso(world.now), "frozen": self.clock.frozen})

    def state(self) -> dict[str, Any]:
        return self.read(lambda world: view.world_state(world, self.clock.frozen))

    def journal(self, limit: int) -> list[dict[str, Any]]:
        return self.read(lambda world: view.journal(list(world.journal)[-limit:] if limit else []))

    def move_clock(self, body: dict[str, Any]) -> dict[str, Any]:
        """``{"tick": seconds}``, ``{"move_to": "ISO 8601"}`` or ``{"freeze": true|false}``."""
        keys = set(body)
        if len(keys) != 1 or not keys <= {"tick", "move_to", "freeze"}:
            raise BadControlCall('send one of {"tick": seconds}, {"move_to": "2026-01-05T04:00:00Z"}, {"freeze": true}')
        with self._current() as world:
            world.catch_up()
            if "tick" in body:
                seconds = body["tick"]
                if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds != seconds:
                    raise BadControlCall(f"tick takes a number of seconds, got {seconds!r}")
                if seconds < 0 or seconds == float("inf"):
                    raise BadControlCall(f"tick must be a finite number of seconds >= 0, got {seconds!r}: time only "
                                         "moves forward")
                self.clock.tick(float(seconds))
            elif "move_to" in body:
                try:
                    target = parse_moment(body["move_to"], "move_to").timestamp()
                except (TypeError, ValueError) as exc:
                    raise BadControlCall(str(exc)) from None
                if target < world.now:
                    raise BadControlCall(
                        f"move_to {iso(target)} is earlier than now ({iso(world.now)}): time only moves forward; "
                        "the fake never undoes what happened"
                    )
                self.clock.move_to(max(target, self.clock.now()))
            else:
                if not isinstance(body["freeze"], bool):
                    raise BadControlCall(f"freeze takes true or false, got {body['freeze']!r}")
                self.clock.freeze(body["freeze"])
            world.catch_up()
            if self.store is not None:
                self.store.set_meta(clock=json.dumps(self.clock.state()))
            return {"now": iso(world.now), "frozen": self.clock.frozen}

    def reset(self) -> dict[str, Any]:
        """A fresh, empty world on the same options and clock."""
        with self._current():
            self.cloud.world = self._new_world()
            if self.store is not None:
                self.store.reset(started=repr(self.world.now), clock=json.dumps(self.clock.state()))
            return {"now": iso(self.world.now), "frozen": self.clock.frozen}

    def control(self, operation: str, body: dict[str, Any]) -> Any:
        """Run a logged control operation (balance, console/destroy, console/recover, faults)."""
        apply = _OPERATIONS[operation]
        with self._current() as world:
            moment = self.clock.now()
            world.pin(moment)
            try:
                words = world.random_words
                result = apply(self, body)
                if self.store is not None:
                    self.store.append(operation, moment, words, body)
                    self._maybe_compact()
                return result
            finally:
                world.unpin()

    def _balance(self, body: dict[str, Any]) -> dict[str, Any]:
        _only(body, {"set", "top_up", "uin"}, '{"set": "-1"} or {"top_up": "100"}, and optionally "uin"')
        uin = _uin(body.get("uin"))
        if ("set" in body) == ("top_up" in body):
            raise BadControlCall('send one of {"set": "<yuan>"} or {"top_up": "<yuan>"}')
        try:
            if "set" in body:
                self.cloud.set_balance(_yuan(body["set"]), uin)
            else:
                amount = _yuan(body["top_up"])
                if amount <= 0:
                    raise BadControlCall(f"top_up must be more than 0 yuan, got {body['top_up']!r}")
                self.cloud.top_up(amount, uin)
        except (MockcvmError, ValueError) as exc:
            raise BadControlCall(str(exc)) from None
        account = uin or self.cloud.default_account
        return {"uin": account, "balance": str(self.cloud.balance(account))}

    def _console(self, body: dict[str, Any], destroy: bool) -> dict[str, Any]:
        allowed = {"region", "instance_ids", "uin"} | ({"release"} if destroy else set())
        _only(body, allowed, '{"region": "ap-guangzhou", "instance_ids": ["ins-..."]'
              + (', "release": "now" | "after_2h"}' if destroy else "}"))
        region = body.get("region", self.options.region)
        ids = body.get("instance_ids")
        from mockcvm.regions import REGIONS

        if region not in REGIONS:
            raise BadControlCall(f"region {region!r} is not a region mockcvm knows")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise BadControlCall('instance_ids must be a non-empty list of instance ids, e.g. ["ins-1a2b3c4d"]')
        uin = _uin(body.get("uin"))
        try:
            console = self.cloud.console
            if destroy:
                results = console.destroy(region, ids, body.get("release", "now"), account=uin)
            else:
                results = console.recover(region, ids, account=uin)
        except MockcvmError as exc:
            raise BadControlCall(str(exc)) from None
        return {
            instance_id: {"ok": r.ok, "state": r.state, "reason": r.reason} for instance_id, r in results.items()
        }

    def _faults(self, body: dict[str, Any]) -> dict[str, Any]:
        _only(body, {"action", "code", "times", "message", "probability", "service"},
              '{"action": "RunInstances", "code": "RequestLimitExceeded", "times": 1}')
        action, code = body.get("action"), body.get("code")
        if not isinstance(action, str) or not action or not isinstance(code, str) or not code:
            raise BadControlCall('faults needs "action" (a name, or "*") and "code" (a Tencent error code)')
        for name, kinds in (("message", (str,)), ("service", (str,)), ("probability", (int, float)),
                            ("times", (int,))):
            value = body.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, kinds)):
                raise BadControlCall(f"{name} has the wrong type: {value!r}")
        try:
            fault = self.cloud.inject(
                action, code, body.get("message"), times=body.get("times", 1),
                probability=body.get("probability"), service=body.get("service"),
            )
        except MockcvmError as exc:
            raise BadControlCall(str(exc)) from None
        return {"action": fault.action, "code": fault.code, "times": fault.times, "probability": fault.probability}

    # -- the state file -------------------------------------------------------------------------------------

    def _open_store(self, store: StateStore) -> None:
        options_text = repr(self.options)
        made_with = store.meta("options")
        if made_with is None:
            self.cloud.world = self._new_world()
            store.set_meta(
                options=options_text, seed=str(self._seed), started=repr(self.world.now),
                clock=json.dumps(self.clock.state()),
            )
            return
        if made_with != options_text:
            raise MockcvmError(
                f"the state file {store.path} was made by a server with other options ({made_with}); start the "
                "server with the same options, or give a new --state file"
            )
        self._seed = int(store.meta("seed") or 0)
        clock_state = json.loads(store.meta("clock") or "{}")
        data = store.snapshot()
        if data is not None:
            world = snapshot.load(data)
            if not isinstance(world, ServerWorld):
                raise MockcvmError(f"the state file {store.path} holds a snapshot that is not a served world")
            world.server_clock = self.clock
            world.unpin()
        else:
            self.clock.hold_at(float(store.meta("started") or self.clock.now()))
            world = self._new_world()
        self.cloud.world = world
        for kind, moment, words, payload in store.entries():
            self.clock.hold_at(moment)
            world.pin(moment)
            source = world.ids._random
            skip = getattr(source, "skip_to", None)
            if skip is not None:
                skip(words)
            if kind == "api":
                self.cloud._handle(_request_from(payload), payload["service"])
            else:
                _OPERATIONS[kind](self, payload)
            world.unpin()
            self.replayed += 1
        self.clock.set_state(clock_state)
        world.catch_up()

    def _maybe_compact(self) -> None:
        if self.store is not None and self.store.wants_snapshot:
            self.store.write_snapshot(snapshot.dump(self.world), clock=json.dumps(self.clock.state()))

    def compact(self) -> None:
        """Write a snapshot now and drop the log it covers (the server does it on a clean stop)."""
        if self.store is not None:
            with self._current() as world:
                world.catch_up()
                self.store.write_snapshot(snapshot.dump(world), clock=json.dumps(self.clock.state()))

    def close(self) -> None:
        if self.store is not None:
            self.compact()
            self.store.close()
            self.store = None


_OPERATIONS: dict[str, Callable[[ServedCloud, dict[str, Any]], Any]] = {
    "balance": ServedCloud._balance,
    "console/destroy": lambda served, body: served._console(body, destroy=True),
    "console/recover": lambda served, body: served._console(body, destroy=False),
    "faults": ServedCloud._faults,
}
CONTROL_OPERATIONS = tuple(_OPERATIONS)


def _in_flight(world: ServerWorld) -> int:
    return len(getattr(world.cvm.in_flight, "_events", ()))


def _faults_fired(world: ServerWorld) -> int:
    return sum(fault.fired for fault in getattr(world.faults, "_faults", ()))


def _only(body: dict[str, Any], allowed: set[str], shape: str) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise BadControlCall(f"unknown field(s) {', '.join(unknown)}; send {shape}")


def _uin(value: Any) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str) or not value.isdigit():
        raise BadControlCall(f"uin must be a string of digits, got {value!r}")
    return value


def _yuan(value: Any) -> Decimal:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise BadControlCall(f"amounts are yuan as a string (\"100\", \"-1.50\") or an integer, got {value!r}")
    try:
        return to_decimal(value, "amount")
    except ValueError as exc:
        raise BadControlCall(str(exc)) from None


def _request_payload(request: HttpRequest, service: str) -> dict[str, Any]:
    return {
        "method": request.method, "url": request.url, "headers": request.headers, "service": service,
        "body": base64.b64encode(request.body).decode("ascii"),
    }


def _request_from(payload: dict[str, Any]) -> HttpRequest:
    return HttpRequest(
        method=payload["method"], url=payload["url"], headers=dict(payload["headers"]),
        body=base64.b64decode(payload["body"]),
    )
