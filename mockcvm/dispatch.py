"""The one request path: ``handle(world, http_request) -> http_response``.

Every transport (requests, httpx, a test calling it directly) comes through :func:`handle`. It brings the world
up to now, reads the call (protocol), checks it in the documented order (action, version, auth, region, injected
faults, parameters), runs the registered handler, records the call in the journal and wraps the answer in the
Tencent envelope. Nothing raised inside reaches the caller as a Python exception: a refusal is an ApiError and
its envelope; anything else is an ``InternalError`` envelope, kept in ``world.internal_errors`` for the test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional

from mockcvm.errors import (
    ApiError,
    AuthFailure,
    InvalidAction,
    MockcvmMessage,
    NoSuchVersion,
    NotImplementedByMockcvm,
    UnsupportedRegion,
)
from mockcvm.journal import Call
from mockcvm.protocol import envelope, schema
from mockcvm.protocol.messages import ApiCall, HttpRequest, HttpResponse
from mockcvm.protocol.parse import parse
from mockcvm.regions import REGIONS

if TYPE_CHECKING:
    from mockcvm.accounts import Account
    from mockcvm.world import World

#: Services whose every action needs a region (the others accept one but do not need it).
REGIONAL = frozenset({"cvm", "vpc", "cbs"})


@dataclass
class Context:
    """What a handler gets besides its parameters."""

    world: World
    account: Account
    region: str
    request_id: str
    call: ApiCall

    @property
    def now(self) -> float:
        return self.world.timeline.now


Handler = Callable[[Context, dict[str, Any]], dict[str, Any]]
_HANDLERS: dict[tuple[str, str], Handler] = {}


def action(service: str, name: str) -> Callable[[Handler], Handler]:
    """Register the handler of ``service``'s action ``name``; the name must exist in the official schema."""

    def register(handler: Handler) -> Handler:
        if not schema.has_action(service, name):
            raise LookupError(f"{service} has no action {name} in its API description")
        if (service, name) in _HANDLERS:
            raise LookupError(f"{service}:{name} is registered twice")
        _HANDLERS[(service, name)] = handler
        return handler

    return register


def implemented_actions() -> list[tuple[str, str]]:
    """Every (service, action) mockcvm answers, sorted."""
    _load_handlers()
    return sorted(_HANDLERS)


def _load_handlers() -> None:
    import mockcvm.services  # noqa: F401  (importing the package registers every handler)


def handle(world: World, request: HttpRequest, service: Optional[str]) -> HttpResponse:
    _load_handlers()
    with world.lock:
        world.catch_up()
        request_id = world.ids.uuid4()
        call: Optional[ApiCall] = None
        account = world.accounts.default
        try:
            call = parse(request, service)
            account = _authenticate(world, call)
            fields = _serve(world, call, account, request_id)
            answer = envelope.success(fields, request_id)
        except ApiError as error:
            language = call.language if call else request.headers.get("x-tc-language", "en-US")
            _record(world, call, account, request_id, error.wire_code)
            return envelope.failure(error.wire_code, error.message_for(language), request_id)
        except Exception as exc:  # a bug in mockcvm: answer like the real API would, and keep it for the test
            import traceback

            world.internal_errors.append(traceback.format_exc())
            _record(world, call, account, request_id, "InternalError")
            failed = MockcvmMessage(
                f"mockcvm failed on this request ({type(exc).__name__}: {exc}); please report it.",
                message_zh="mockcvm 处理该请求时出错，请报告此问题。",
            )
            language = call.language if call else request.headers.get("x-tc-language", "en-US")
            return envelope.failure("InternalError", failed.message_for(language), request_id)
        _record(world, call, account, request_id, None)
        return answer


def _authenticate(world: World, call: ApiCall) -> Account:
    if call.service not in schema.SERVICES:
        raise NotImplementedByMockcvm(
            f"mockcvm does not implement the {call.service} service; it fakes {', '.join(schema.SERVICES)}.",
            message_zh=f"mockcvm 未实现 {call.service} 服务。",
        )
    if not schema.has_action(call.service, call.action):
        raise InvalidAction(
            f"The action `{call.action}` does not exist in {call.service}.",
            message_zh=f"接口 `{call.action}` 在 {call.service} 中不存在。",
        )
    expected_version = schema.version_of(call.service)
    if call.version != expected_version:
        raise NoSuchVersion(
            f"{call.service} has no version {call.version!r}; mockcvm serves {expected_version}."
        )
    if not world.options.verify_signatures:
        return world.accounts.for_secret_id(call.secret_id)
    from mockcvm.protocol import signing  # hashlib and hmac only load for tests that verify signatures

    credentials = world.accounts.credentials(call.secret_id)
    if credentials is None:
        raise AuthFailure(
            f"The SecretId {call.secret_id!r} is not registered; call cloud.register_credentials() first.",
            code="AuthFailure.SecretIdNotFound",
        )
    signing.check_timestamp(call, world.timeline.now)
    signing.verify(call, credentials.secret_key)
    signing.check_replay(world, call, world.timeline.now)
    return world.accounts.get(credentials.uin)


def _serve(world: World, call: ApiCall, account: Account, request_id: str) -> dict[str, Any]:
    region = call.region
    if region and region not in REGIONS:
        raise UnsupportedRegion(f"The region {region!r} is not supported.")
    if not region and call.service in REGIONAL:
        raise UnsupportedRegion(f"{call.service}:{call.action} needs a region (X-TC-Region).")
    world.faults.check(call.service, call.action)
    params = schema.validate(call.service, call.action, call.params, call.flattened)
    call.params = params
    handler = _HANDLERS.get((call.service, call.action))
    if handler is None:
        world.unimplemented.append(f"{call.service}:{call.action}")
        raise NotImplementedByMockcvm(
            f"mockcvm does not implement {call.service}:{call.action} yet; see the README for what it fakes.",
            message_zh=f"mockcvm 尚未实现 {call.service}:{call.action}。",
        )
    context = Context(world, account, region or world.options.region, request_id, call)
    return handler(context, params)


def _record(world: World, call: Optional[ApiCall], account: Account, request_id: str, error: Optional[str]) -> None:
    world.journal.record(
        Call(
            time=world.timeline.now,
            service=call.service if call else "",
            region=call.region if call else "",
            action=call.action if call else "",
            params=call.params if call else {},
            error=error,
            request_id=request_id,
            account=account.uin,
            body=call.signing.get("payload") if call and not call.flattened else None,
        )
    )
