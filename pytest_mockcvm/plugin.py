"""pytest plugin for mockcvm: fixtures, the ``mockcvm`` marker, ini defaults, the world in failure reports.

Fixtures (function scope unless said):

- ``cvm``: an active, fresh, empty fake cloud (:class:`mockcvm.Cloud`) for the test; stopped afterwards.
- ``cvm_module`` / ``cvm_session``: the same, shared by every test of the module / the session (each
  pytest-xdist worker has its own).
- ``cvm_clock``: a :class:`mockcvm.testing_clock.CvmClock` that froze time; ``tick``, ``move_to``, ``now``.
  When a test uses both, the clock is frozen first, so the world starts at the clock's now.
- ``cvm_client`` / ``cvm_async_client``: the SDK's ``CvmClient`` (sync, requests) and the async one (httpx),
  for the cloud's default region (``ap-guangzhou`` unless the ``region`` option says otherwise), with
  throwaway credentials.

Options come from the ini file (``mockcvm_<option>``), then from ``@pytest.mark.mockcvm(**options)`` markers
on the module, the class and the test, the closest winning per option.

Nothing from mockcvm, the SDK or the time libraries is imported until a fixture is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Generator, Iterator, Optional

import pytest

if TYPE_CHECKING:
    from mockcvm.cloud import Cloud
    from mockcvm.testing_clock import CvmClock

MARKER = "mockcvm"

#: Options the marker takes besides those of ``mock_cvm``.
PLUGIN_OPTIONS = ("clock_start",)

#: Throwaway credentials of the client fixtures (registered with the cloud: ``verify_signatures=True`` works).
SECRET_ID = "AKIDmockcvmPYTESTfixture0000000000"
SECRET_KEY = "mockcvmPYTESTfixturesecretkey00000"

#: ini options: name -> (kind, help). The kind says how the text is read.
INI_OPTIONS: dict[str, tuple[str, str]] = {
    "region": ("text", "default region of the fake and of cvm_client (mock_cvm region=)"),
    "transitions": ("text", "transition policy: default, immediate or manual (mock_cvm transitions=)"),
    "verify_signatures": ("bool", "check request signatures against registered credentials"),
    "strict": ("bool", "fail a test at teardown if it called an action mockcvm does not implement"),
    "allow_hosts": ("list", "hosts (space separated) the network guard lets through"),
    "allow_loopback": ("bool", "leave loopback and Unix sockets open at the socket level (default true)"),
    "journal_size": ("int", "how many of the latest calls the journal keeps (counts stay exact)"),
    "scope": ("text", "activation scope: process (default) or thread"),
    "seed": ("int", "seed of every id and of probabilistic fault injection"),
    "postpaid_terminate_to_bin": ("bool", "TerminateInstances puts postpaid instances in the bin for 2 h"),
    "balance": ("text", "starting cash balance of every account, in yuan"),
    "clock_start": ("text", "where cvm_clock starts, ISO 8601 UTC (default: now)"),
}

_INI_CACHE = pytest.StashKey[dict[str, tuple[Any, str]]]()
_CLOUD_FIXTURES = ("cvm", "cvm_module", "cvm_session")


def pytest_addoption(parser: pytest.Parser) -> None:
    for name, (_, text) in INI_OPTIONS.items():
        parser.addini(f"mockcvm_{name}", f"mockcvm: {text}", type="string", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mockcvm(**options): options of the mockcvm fixtures (any mock_cvm option, and clock_start); "
        "the closest marker wins per option",
    )


# -- options -------------------------------------------------------------------------------------------------


def _ini_options(config: pytest.Config) -> dict[str, tuple[Any, str]]:
    """The ini defaults: name -> (value, where it came from). Read once per session."""
    cached = config.stash.get(_INI_CACHE, None)
    if cached is not None:
        return cached
    found: dict[str, tuple[Any, str]] = {}
    for name, (kind, _) in INI_OPTIONS.items():
        key = f"mockcvm_{name}"
        text = str(config.getini(key)).strip()
        if text:
            found[name] = (_read_ini(key, kind, text), f"ini option {key}")
    config.stash[_INI_CACHE] = found
    return found


def _read_ini(key: str, kind: str, text: str) -> Any:
    if kind == "bool":
        lowered = text.lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
        pytest.fail(f"ini option {key} = {text!r}: write true or false", pytrace=False)
    if kind == "int":
        if text.lstrip("-").isdigit():
            return int(text)
        pytest.fail(f"ini option {key} = {text!r}: write a whole number", pytrace=False)
    if kind == "list":
        return text.split()
    return text


def _gather(request: pytest.FixtureRequest, node: Any) -> dict[str, tuple[Any, str]]:
    """Options for ``node``: ini defaults, then markers from the farthest to the closest (closest wins)."""
    options = dict(_ini_options(request.config))
    markers = list(node.iter_markers(MARKER)) if node is not None else []
    if not markers:
        return options
    from mockcvm.options import OPTION_NAMES

    valid = (*OPTION_NAMES, *PLUGIN_OPTIONS)
    for marker in reversed(markers):  # iter_markers yields the closest first
        if marker.args:
            pytest.fail(
                f"@pytest.mark.mockcvm takes options by name only, got positional {marker.args!r}; "
                'write e.g. @pytest.mark.mockcvm(transitions="immediate"). '
                f"The options are: {', '.join(valid)}",
                pytrace=False,
            )
        unknown = sorted(set(marker.kwargs) - set(valid))
        if unknown:
            pytest.fail(
                f"@pytest.mark.mockcvm got unknown option(s) {', '.join(unknown)}. "
                f"The options are: {', '.join(valid)}",
                pytrace=False,
            )
        for name, value in marker.kwargs.items():
            options[name] = (value, "@pytest.mark.mockcvm")
    return options


def _make_mock(options: dict[str, tuple[Any, str]]) -> Any:
    from mockcvm.core import MockCvm
    from mockcvm.errors import MockcvmError

    values = {name: value for name, (value, _) in options.items() if name not in PLUGIN_OPTIONS}
    try:
        return MockCvm(**values)
    except MockcvmError as exc:
        problem = f"mockcvm options: {exc}"
    for name, value in values.items():  # name the option at fault and where it was set
        try:
            MockCvm(**{name: value})
        except MockcvmError as single:
            problem = f"mockcvm option {name}={value!r} from {options[name][1]}: {single}"
            break
    pytest.fail(problem, pytrace=False)


def _activate(request: pytest.FixtureRequest, node: Any, fixture: str) -> Generator[Cloud, None, None]:
    options = _gather(request, node)
    if fixture == "cvm":
        if "cvm_clock" in request.fixturenames:
            request.getfixturevalue("cvm_clock")  # freeze first: the world starts at the clock's now
        elif options.get("clock_start", (None, ""))[1] == "@pytest.mark.mockcvm":
            pytest.fail(
                "@pytest.mark.mockcvm(clock_start=...) sets where cvm_clock starts, but this test does not "
                "use cvm_clock; add cvm_clock to the test's arguments (or drop clock_start)",
                pytrace=False,
            )
    mock = _make_mock(options)
    cloud: Cloud = mock.start()
    try:
        yield cloud
    finally:
        problem = ""
        try:
            mock.stop()
        except AssertionError as exc:
            problem = str(exc)
        if problem:
            pytest.fail(
                f"{problem}\n(mockcvm strict mode is on for {fixture}: those calls were answered with "
                "UnsupportedOperation. Turn it off with @pytest.mark.mockcvm(strict=False).)",
                pytrace=False,
            )


# -- fixtures ------------------------------------------------------------------------------------------------


@pytest.fixture
def cvm(request: pytest.FixtureRequest) -> Iterator[Cloud]:
    """An active, fresh, empty fake Tencent Cloud for this test (a :class:`mockcvm.Cloud`).

    Options: ini ``mockcvm_*`` then ``@pytest.mark.mockcvm(...)``, closest wins. Dropped after the test; with
    ``strict=True`` the test errors at teardown if it called an action mockcvm does not implement.
    """
    yield from _activate(request, request.node, "cvm")


@pytest.fixture(scope="module")
def cvm_module(request: pytest.FixtureRequest) -> Iterator[Cloud]:
    """One fake cloud shared by every test of the module (options: ini, then the module's ``pytestmark``)."""
    yield from _activate(request, request.node, "cvm_module")


@pytest.fixture(scope="session")
def cvm_session(request: pytest.FixtureRequest) -> Iterator[Cloud]:
    """One fake cloud for the whole session, per pytest-xdist worker (options: ini only)."""
    yield from _activate(request, None, "cvm_session")


@pytest.fixture
def cvm_clock(request: pytest.FixtureRequest) -> Iterator[CvmClock]:
    """Frozen time the test moves: ``tick(seconds | timedelta)``, ``move_to(datetime | str)``, ``now()``.

    Starts at ``clock_start`` (marker or ini) or at the current second. Works through freezegun, or drives
    time-machine when a travel is active or the test uses time-machine's ``time_machine`` fixture. Only
    forward: the fake never undoes. Time is unfrozen after the test (a freeze or travel it adopted keeps
    running).
    """
    from mockcvm.testing_clock import CvmClock, freezegun_active, time_machine_active

    start, source = _gather(request, request.node).get("clock_start", (None, ""))
    if source != "@pytest.mark.mockcvm" and (freezegun_active() or time_machine_active()):
        start = None  # a suite-wide default does not move a freeze or travel the test chose itself
    prefer = "time-machine" if "time_machine" in request.fixturenames else None
    clock = CvmClock.start(start, prefer=prefer)
    try:
        yield clock
    finally:
        clock.stop()


@pytest.fixture
def cvm_client(cvm: Cloud) -> Any:
    """The SDK's sync ``CvmClient`` (``cvm_client``) for the cloud's region, with throwaway credentials."""
    from tencentcloud.common import credential
    from tencentcloud.cvm.v20170312 import cvm_client as module

    cvm.register_credentials(SECRET_ID, SECRET_KEY)
    return module.CvmClient(credential.Credential(SECRET_ID, SECRET_KEY), cvm.options.region)


@pytest.fixture
def cvm_async_client(cvm: Cloud) -> Iterator[Any]:
    """The async ``CvmClient`` (``cvm_client_async``, on httpx) for the cloud's region; await its methods."""
    from tencentcloud.common import credential
    from tencentcloud.cvm.v20170312 import cvm_client_async as module

    cvm.register_credentials(SECRET_ID, SECRET_KEY)
    client = module.CvmClient(credential.Credential(SECRET_ID, SECRET_KEY), cvm.options.region)
    yield client
    _close_async_client(client)


def _close_async_client(client: Any) -> None:
    import asyncio

    http_client = getattr(client, "http_client", None)
    if http_client is None or getattr(http_client, "is_closed", True):
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(client.close())


# -- failure reports -----------------------------------------------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    funcargs: dict[str, Any] = getattr(item, "funcargs", None) or {}
    for name in _CLOUD_FIXTURES:
        cloud = funcargs.get(name)
        dump: Optional[Callable[[], str]] = getattr(cloud, "dump", None)
        if dump is None:  # absent, or a user's own fixture of the same name
            continue
        try:
            text = dump()
        except Exception as exc:  # noqa: BLE001 - never hide the failure being reported
            text = f"(the world could not be dumped: {type(exc).__name__}: {exc})"
        report.sections.append((f"mockcvm world ({name})", text))
        return
