"""pytest plugin for mockcvm: fixtures, the ``mockcvm`` marker, ini defaults, the world in failure reports.

Fixtures (function scope unless said):

- ``cvm``: an active, fresh, empty fake cloud (:class:`mockcvm.Cloud`) for the test; stopped afterwards.
- ``cvm_module`` / ``cvm_session``: the same, shared by every test of the module / the session (each
  pytest-xdist worker has its own). A test uses one world; asking for two is an error that says so.
- ``cvm_clock``: a :class:`mockcvm.testing_clock.CvmClock` that froze time; ``tick``, ``move_to``, ``now``.
  When a test uses both, the clock is frozen first, so the world starts at the clock's now. With
  ``sleep="advance"`` (marker or ini), ``time.sleep`` and ``asyncio.sleep`` move it instead of waiting.
- ``cvm_client``, ``vpc_client``, ``cbs_client``, ``tag_client``, ``billing_client``, ``sts_client`` (one per
  faked service) and their ``*_async_client`` twins: SDK clients for the region of the world the test uses,
  with throwaway credentials. ``tc_client(service, region=None, async_=False)`` makes any of them.

Options come from the ini file (``mockcvm_<option>``), then from ``@pytest.mark.mockcvm(**options)`` markers
on the module, the class and the test, the closest winning per option.

At teardown a world checks that every fault injected with ``times=N`` fired N times (turn it off with
``assert_faults_fired=False``) and, with ``strict=True``, that no unimplemented action was called.

Nothing from mockcvm, the SDK or the time libraries is imported until a fixture is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Generator, Iterator, Optional

import pytest

from pytest_mockcvm import clients
from pytest_mockcvm.clients import SECRET_ID, SECRET_KEY, WORLD_FIXTURES
from pytest_mockcvm.server import cvm_server  # noqa: F401  (registers the fixture)

if TYPE_CHECKING:
    from mockcvm.cloud import Cloud
    from mockcvm.testing_clock import CvmClock

__all__ = ["SECRET_ID", "SECRET_KEY", "WORLD_FIXTURES"]

MARKER = "mockcvm"

#: Options the marker takes besides those of ``mock_cvm``.
PLUGIN_OPTIONS = ("clock_start", "sleep", "clock_library", "assert_faults_fired")

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
    "prepaid_refunds": ("bool", "TerminateInstances refunds prepaid instances (default true)"),
    "balance": ("text", "starting cash balance of every account, in yuan"),
    "clock_start": ("text", "where cvm_clock starts, ISO 8601 UTC (default: now)"),
    "sleep": ("text", "under cvm_clock, 'advance': time.sleep and asyncio.sleep move the clock; 'real' (default)"),
    "clock_library": ("text", "cvm_clock's time library: time-machine (default when installed) or freezegun"),
    "assert_faults_fired": ("bool", "fail a test whose injected faults did not all fire (default true)"),
}

_INI_CACHE = pytest.StashKey[dict[str, tuple[Any, str]]]()
_CALL_FAILED = pytest.StashKey[bool]()
_IN_FRONT = pytest.StashKey[list[Any]]()
#: World fixtures that outlive a test, so a later world may sit in front of them.
_SHARED_WORLDS = ("cvm_module", "cvm_session")


def pytest_addoption(parser: pytest.Parser) -> None:
    for name, (_, text) in INI_OPTIONS.items():
        parser.addini(f"mockcvm_{name}", f"mockcvm: {text}", type="string", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mockcvm(**options): options of the mockcvm fixtures (any mock_cvm option, clock_start, sleep, "
        "assert_faults_fired); "
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


def _plugin_option(options: dict[str, tuple[Any, str]], name: str, default: Any) -> Any:
    """A plugin option's value, checked; a bad one fails the test naming where it was set."""
    value, source = options.get(name, (default, ""))
    if name == "sleep" and value not in ("real", "advance"):
        pytest.fail(f"mockcvm option sleep={value!r} from {source}: use 'real' or 'advance'", pytrace=False)
    if name == "clock_library" and value not in (None, "time-machine", "freezegun"):
        pytest.fail(f"mockcvm option clock_library={value!r} from {source}: use 'time-machine' or 'freezegun'",
                    pytrace=False)
    if name == "assert_faults_fired" and not isinstance(value, bool):
        pytest.fail(f"mockcvm option assert_faults_fired={value!r} from {source}: use True or False", pytrace=False)
    return value


def _activate(request: pytest.FixtureRequest, node: Any, fixture: str) -> Generator[Cloud, None, None]:
    options = _gather(request, node)
    if fixture == "cvm":
        if "cvm_clock" in request.fixturenames:
            request.getfixturevalue("cvm_clock")  # freeze first: the world starts at the clock's now
        else:
            for name, what in (("clock_start", "sets where cvm_clock starts"),
                               ("sleep", "says what sleeping does to cvm_clock"),
                               ("clock_library", "chooses cvm_clock's time library")):
                if options.get(name, (None, ""))[1] == "@pytest.mark.mockcvm":
                    pytest.fail(
                        f"@pytest.mark.mockcvm({name}=...) {what}, but this test does not use cvm_clock; "
                        f"add cvm_clock to the test's arguments (or drop {name})",
                        pytrace=False,
                    )
    check_faults = _plugin_option(options, "assert_faults_fired", True)
    mock = _make_mock(options)
    cloud: Cloud = mock.start()
    try:
        yield cloud
    finally:
        problems = []
        test_failed = fixture == "cvm" and request.node.stash.get(_CALL_FAILED, False)
        if check_faults and not test_failed:
            problems.extend(_unfired_faults(cloud, fixture))
        try:
            mock.stop()
        except AssertionError as exc:
            problems.append(
                f"{exc}\n(mockcvm strict mode is on for {fixture}: those calls were answered with "
                "UnsupportedOperation. Turn it off with @pytest.mark.mockcvm(strict=False).)"
            )
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)


def _unfired_faults(cloud: Cloud, fixture: str) -> list[str]:
    unfired = cloud.world.faults.unfired()
    if not unfired:
        return []
    lines = [f"mockcvm: {len(unfired)} injected fault(s) of {fixture} did not fire as often as asked:"]
    lines.extend(f"  {fault.describe()}: fired {fault.fired} of {fault.times} time(s)" for fault in unfired)
    lines.append(
        "The code under test made fewer of those calls than the test expected. Inject with times= the number "
        "of calls you expect, or turn this check off with @pytest.mark.mockcvm(assert_faults_fired=False) "
        "(ini: mockcvm_assert_faults_fired = false)."
    )
    return ["\n".join(lines)]


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

    Starts at ``clock_start`` (marker or ini) or at the current second. With ``sleep="advance"`` (marker or
    ini) ``time.sleep`` and ``asyncio.sleep`` move this clock instead of waiting; the default, ``"real"``,
    sleeps for real. Drives time-machine when it is installed (or a travel is active, or the test uses the
    ``time_machine`` fixture) and freezegun otherwise, or when a freezegun freeze is already active;
    ``clock_library`` (marker or ini) chooses. Only forward: the fake never undoes. Time is unfrozen after the
    test (a freeze or travel it adopted keeps running).
    """
    from mockcvm.testing_clock import CvmClock, freezegun_active, time_machine_active

    options = _gather(request, request.node)
    start, source = options.get("clock_start", (None, ""))
    if source != "@pytest.mark.mockcvm" and (freezegun_active() or time_machine_active()):
        start = None  # a suite-wide default does not move a freeze or travel the test chose itself
    prefer = "time-machine" if "time_machine" in request.fixturenames else _plugin_option(
        options, "clock_library", None)
    clock = CvmClock.start(start, prefer=prefer, sleep=_plugin_option(options, "sleep", "real"))
    try:
        yield clock
    finally:
        clock.stop()


tc_client = clients.tc_client
globals().update(clients.service_fixtures())  # cvm_client, cvm_async_client, vpc_client, ... for every service


# -- failure reports -----------------------------------------------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, None]:
    used = [name for name in WORLD_FIXTURES if name in getattr(item, "fixturenames", ())]
    if len(used) > 1:
        pytest.fail(clients.two_worlds_message(used), pytrace=False)
    outcome = yield
    if outcome.excinfo is None and used and used[0] in _SHARED_WORLDS:
        item.stash[_IN_FRONT] = _bring_to_front(getattr(item, "funcargs", {}).get(used[0]))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, Any, None]:
    from mockcvm.transports import activations

    in_front: list[Any] = item.stash.get(_IN_FRONT, [])
    for activation in reversed(in_front):
        activations.leave(activation)
    item.stash[_IN_FRONT] = []
    yield


def _bring_to_front(world: Any) -> list[Any]:
    """Make a shared world answer this test's requests: a world started later (a session world first used in the
    middle of a module) would otherwise answer them. Undone, innermost first, before the test's teardown."""
    from mockcvm.cloud import Cloud

    cloud = clients.cloud_of(world)
    if not isinstance(cloud, Cloud) or world is not cloud:  # a server world is reached over the network
        return []
    from mockcvm.transports import activations

    return [activations.enter(cloud, "process")]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    item.stash[_CALL_FAILED] = True
    funcargs: dict[str, Any] = getattr(item, "funcargs", None) or {}
    for name in WORLD_FIXTURES:
        if name not in funcargs:
            continue
        dump: Optional[Callable[[], str]] = getattr(clients.cloud_of(funcargs[name]), "dump", None)
        if dump is None:  # a user's own fixture of the same name
            continue
        try:
            text = dump()
        except Exception as exc:  # noqa: BLE001 - never hide the failure being reported
            text = f"(the world could not be dumped: {type(exc).__name__}: {exc})"
        report.sections.append((f"mockcvm world ({name})", text))
        return
