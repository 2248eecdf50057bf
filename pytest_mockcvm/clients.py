"""SDK clients bound to the fake world a test uses: ``<service>_client``, ``<service>_async_client``, ``tc_client``.

The services come from the API descriptions mockcvm ships (``mockcvm/schema/<service>.json``), read without
importing mockcvm, so a service added there gets its fixtures with nothing else to change.

A world fixture's value is a :class:`mockcvm.Cloud`, or an object with a ``cloud`` attribute (the Cloud it
serves) and an ``endpoint`` (``host:port``) plus a ``url`` whose scheme says http or https: clients of such a
world are sent to that endpoint, as a process outside the test would be.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

import pytest

if TYPE_CHECKING:
    from mockcvm.cloud import Cloud

#: Throwaway credentials of the client fixtures (registered with the cloud: ``verify_signatures=True`` works).
SECRET_ID = "AKIDmockcvmPYTESTfixture0000000000"
SECRET_KEY = "mockcvmPYTESTfixturesecretkey00000"

#: The fixtures that each give a fake world, in the order they are looked for. A test uses at most one; the
#: client fixtures follow it (``cvm`` when the test names none).
WORLD_FIXTURES = ("cvm", "cvm_module", "cvm_session", "cvm_server")


def faked_services() -> tuple[str, ...]:
    """The services mockcvm fakes, from the API descriptions it ships (nothing is imported)."""
    spec = importlib.util.find_spec("mockcvm")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - mockcvm is always there
        return ()
    schema_dir = Path(next(iter(spec.submodule_search_locations))) / "schema"
    return tuple(sorted(path.stem for path in schema_dir.glob("*.json")))


def world_fixture_of(request: pytest.FixtureRequest) -> str:
    """The name of the world fixture the test uses (``cvm`` if none); a test naming two fails here."""
    used = [name for name in WORLD_FIXTURES if name in request.fixturenames]
    if len(used) > 1:
        pytest.fail(two_worlds_message(used), pytrace=False)
    return used[0] if used else "cvm"


def two_worlds_message(used: list[str]) -> str:
    return (
        f"this test uses {len(used)} fake clouds ({', '.join(used)}). Each is a separate world and only the one "
        "started last answers the SDK, so the others would silently see nothing. Ask for one of them; the "
        "client fixtures (cvm_client, vpc_client, ..., tc_client) follow whichever it is."
    )


def cloud_of(world: Any) -> Cloud:
    """The Cloud behind a world fixture's value."""
    cloud = getattr(world, "cloud", None)
    return cloud if cloud is not None and not callable(cloud) else world  # type: ignore[no-any-return]


def make_client(world: Any, service: str, region: Optional[str] = None, *, async_: bool = False,
                profile: Any = None) -> Any:
    """A tencentcloud SDK client of ``service`` for ``world``, with the fixtures' throwaway credentials."""
    __tracebackhide__ = True
    from tencentcloud.common import credential

    from mockcvm.protocol.schema import SERVICES, version_of

    if service not in SERVICES:
        pytest.fail(f"tc_client({service!r}): mockcvm fakes {', '.join(SERVICES)}", pytrace=False)
    cloud = cloud_of(world)
    cloud.register_credentials(SECRET_ID, SECRET_KEY)
    module_name = f"tencentcloud.{service}.v{version_of(service).replace('-', '')}.{service}_client"
    if async_:
        module_name += "_async"
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        if async_ and importlib.util.find_spec(module_name[: -len("_async")]) is not None:
            pytest.fail(f"the installed tencentcloud SDK has no async client for {service}", pytrace=False)
        pytest.fail(
            f"the {service} client needs its SDK package: pip install tencentcloud-sdk-python-{service}"
            + (" httpx" if async_ else ""),
            pytrace=False,
        )
    client_class = _client_class(module, service)
    if profile is None:
        profile = _server_profile(world)
    cred = credential.Credential(SECRET_ID, SECRET_KEY)
    where = cloud.options.region if region is None else region
    return client_class(cred, where, profile) if profile is not None else client_class(cred, where)


def _client_class(module: Any, service: str) -> Any:
    named = getattr(module, f"{service.capitalize()}Client", None)
    if named is not None:
        return named
    for value in vars(module).values():  # pragma: no cover - every SDK module so far follows the naming
        if isinstance(value, type) and value.__name__.endswith("Client") and value.__module__ == module.__name__:
            return value
    raise LookupError(f"{module.__name__} has no client class")  # pragma: no cover


def _server_profile(world: Any) -> Any:
    endpoint = getattr(world, "endpoint", None)
    if not isinstance(endpoint, str):
        return None
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile

    scheme = str(getattr(world, "url", "http://")).split(":", 1)[0]
    return ClientProfile(httpProfile=HttpProfile(endpoint=endpoint, protocol=scheme))


def close_async_clients(clients: list[Any]) -> None:
    """Close the httpx clients of async SDK clients made outside a running event loop."""
    import asyncio

    for client in clients:
        http_client = getattr(client, "http_client", None)
        if http_client is None or getattr(http_client, "is_closed", True):
            continue
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(client.close())


class ClientFactory:
    """``tc_client(service, region=None, *, async_=False, profile=None)``: an SDK client of any faked service,
    bound to the fake world the test uses. Async clients are closed after the test."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request
        self._async_clients: list[Any] = []

    def __call__(self, service: str, region: Optional[str] = None, *, async_: bool = False,
                 profile: Any = None) -> Any:
        __tracebackhide__ = True
        world = self._request.getfixturevalue(world_fixture_of(self._request))
        client = make_client(world, service, region, async_=async_, profile=profile)
        if async_:
            self._async_clients.append(client)
        return client

    def close(self) -> None:
        close_async_clients(self._async_clients)
        self._async_clients.clear()


def _service_fixture(service: str, async_: bool) -> tuple[str, Callable[..., Any]]:
    kind = "async " if async_ else ""
    name = f"{service}_{'async_' if async_ else ''}client"

    def fixture(tc_client: ClientFactory) -> Iterator[Any]:
        yield tc_client(service, async_=async_)

    fixture.__name__ = name
    fixture.__doc__ = (
        f"The SDK's {kind}{service.capitalize()}Client for the region of the fake world the test uses "
        "(cvm, cvm_module or cvm_session), with throwaway credentials."
        + (" Await its methods." if async_ else "")
    )
    return name, pytest.fixture(name=name)(fixture)


def service_fixtures() -> dict[str, Any]:
    """``<service>_client`` and ``<service>_async_client`` for every faked service, by name."""
    made: dict[str, Any] = {}
    for service in faked_services():
        for async_ in (False, True):
            name, fixture = _service_fixture(service, async_)
            made[name] = fixture
    return made


@pytest.fixture
def tc_client(request: pytest.FixtureRequest) -> Iterator[ClientFactory]:
    """Make SDK clients of any faked service, bound to the fake world the test uses:
    ``tc_client("vpc")``, ``tc_client("cbs", region="ap-shanghai")``, ``tc_client("cvm", async_=True)``."""
    factory = ClientFactory(request)
    try:
        yield factory
    finally:
        factory.close()
