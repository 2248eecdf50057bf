"""The options of :func:`mockcvm.mock_cvm`, checked once, with errors that say what is accepted.

:class:`MockCvmOptions` declares them for type checkers and IDEs (``mock_cvm(**options)`` is typed with it), and
:data:`Money` is what every amount of yuan accepts: a ``Decimal``, an ``int`` or a numeric ``str``. Floats are
refused, since ``0.1 + 0.2`` is not an exact amount of money.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, Mapping, Optional, Sequence, TypedDict, Union

from mockcvm.errors import InvalidAmount, MockcvmError
from mockcvm.regions import REGIONS

TRANSITION_POLICIES = ("default", "immediate", "manual")
ACTIVATION_SCOPES = ("process", "thread")
#: How many of the latest calls the journal keeps by default (counts per action are kept for every call).
DEFAULT_JOURNAL_SIZE = 1000

#: An amount of money in yuan: exact, so no float. ``Decimal("12.34")``, ``12`` or ``"12.34"``.
Money = Union[Decimal, int, str]
#: The transition policies (``mock_cvm(transitions=...)``).
TransitionPolicy = Literal["default", "immediate", "manual"]
#: The durations ``mock_cvm(durations={...})`` can change.
DurationName = Literal[
    "transition", "recycle_bin", "recycle_bin_short", "arrears_grace", "arrears_release", "timer_min_lead"
]
#: The prices ``mock_cvm(prices={...})`` can change (yuan per unit).
PriceName = Literal["instance_hour", "instance_month", "disk_gb_hour", "eip_idle_hour"]


class MockCvmOptions(TypedDict, total=False):
    """Every option of :func:`mockcvm.mock_cvm` (and of ``@pytest.mark.mockcvm``), for type checkers and IDEs.

    All are optional; the defaults are those of :class:`Options`.
    """

    #: The default region (of the client fixtures too), e.g. ``"ap-guangzhou"``.
    region: str
    #: How transitional states (PENDING, STOPPING, ...) show: ``"default"``, ``"immediate"`` or ``"manual"``.
    transitions: TransitionPolicy
    #: Check request signatures against credentials registered with ``cloud.register_credentials``.
    verify_signatures: bool
    #: Fail at stop (a test's teardown) if an action mockcvm does not implement was called.
    strict: bool
    #: Hosts the network guard lets through.
    allow_hosts: Union[str, Sequence[str]]
    #: More hosts to answer as Tencent Cloud: a list, or ``{host: service}``.
    endpoints: Union[str, Sequence[str], Mapping[str, Optional[str]]]
    #: Seed of every id and of probabilistic faults.
    seed: Optional[int]
    #: Durations in seconds (or timedeltas), by name.
    durations: Mapping[DurationName, Union[float, timedelta]]
    #: Prices in yuan, by name.
    prices: Mapping[PriceName, Money]
    #: TerminateInstances puts postpaid instances in the recycle bin for 2 h.
    postpaid_terminate_to_bin: bool
    #: The starting cash balance of every account, in yuan.
    balance: Money
    #: Leave loopback and Unix sockets open to the code under test (the socket guard's floor).
    allow_loopback: bool
    #: How many of the latest calls the journal keeps (``assert_called`` counts every call regardless).
    journal_size: int
    #: ``"process"``: the activation answers every thread; ``"thread"``: only its own thread or task.
    scope: Literal["process", "thread"]
    #: TerminateInstances refunds prepaid instances (everything within 5 days, then what is unused).
    prepaid_refunds: bool
    #: Public images and instance types added to the built-in catalogue:
    #: ``{"images": [{"ImageId": ..., "OsName": ...}], "instance_types": [{"InstanceType": ..., ...}]}``.
    catalogue: Mapping[str, Any]

#: Durations in seconds; every one can be changed with ``mock_cvm(durations={...})``.
DEFAULT_DURATIONS: dict[str, float] = {
    "transition": 5.0,  # how long a transitional state shows under the default policy
    "recycle_bin": 7 * 86400.0,  # prepaid instances destroyed through the API stay in the bin this long
    "recycle_bin_short": 2 * 3600.0,  # console "release after 2 h", and postpaid_terminate_to_bin
    "arrears_grace": 2 * 3600.0,  # in arrears, instances keep running this long
    "arrears_release": 24 * 3600.0,  # after the arrears shutdown, release follows this long after (15 days: 1296000)
    "timer_min_lead": 300.0,  # an ActionTime must be more than this far ahead
}


@dataclass(frozen=True)
class Options:
    region: str = "ap-guangzhou"
    transitions: str = "default"
    verify_signatures: bool = False
    strict: bool = False
    allow_hosts: tuple[str, ...] = ()
    endpoints: tuple[tuple[str, Optional[str]], ...] = ()
    seed: Optional[int] = None
    durations: tuple[tuple[str, float], ...] = ()
    prices: tuple[tuple[str, Decimal], ...] = ()
    postpaid_terminate_to_bin: bool = False
    balance: Decimal = Decimal("1000000")
    allow_loopback: bool = True
    journal_size: int = DEFAULT_JOURNAL_SIZE
    scope: str = "process"
    prepaid_refunds: bool = True
    catalogue: Any = None  # mockcvm.services.cvm.catalogue.Extension: images and instance types added

    def duration(self, name: str) -> float:
        return dict(self.durations).get(name, DEFAULT_DURATIONS[name])

    @property
    def endpoint_services(self) -> dict[str, Optional[str]]:
        return dict(self.endpoints)


OPTION_NAMES = tuple(f.name for f in fields(Options))


def make_options(**given: Any) -> Options:
    """Check ``given`` and build :class:`Options`; raise :class:`MockcvmError` naming what is wrong."""
    unknown = sorted(set(given) - set(OPTION_NAMES))
    if unknown:
        raise MockcvmError(
            f"unknown mock_cvm option(s) {', '.join(unknown)}; the options are {', '.join(OPTION_NAMES)}"
        )
    values: dict[str, Any] = {}
    for name, value in given.items():
        values[name] = _CHECKS[name](value)
    return Options(**values)


def _region(value: Any) -> str:
    if value not in REGIONS:
        raise MockcvmError(f"region {value!r} is not a region mockcvm knows; use one of {', '.join(REGIONS)}")
    return str(value)


def _transitions(value: Any) -> str:
    if value not in TRANSITION_POLICIES:
        raise MockcvmError(f"transitions={value!r}: use one of {', '.join(TRANSITION_POLICIES)}")
    return str(value)


def _scope(value: Any) -> str:
    if value not in ACTIVATION_SCOPES:
        raise MockcvmError(f"scope={value!r}: use one of {', '.join(ACTIVATION_SCOPES)}")
    return str(value)


def _journal_size(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise MockcvmError(f"journal_size must be a whole number of calls >= 1, got {value!r}")
    return value


def _bool(name: str) -> Any:
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise MockcvmError(f"{name} must be True or False, got {value!r}")
        return value

    return check


def _hosts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    hosts = tuple(value)
    if not all(isinstance(h, str) and h for h in hosts):
        raise MockcvmError(f"allow_hosts must be host names, got {value!r}")
    return tuple(h.lower() for h in hosts)


def _endpoints(value: Union[dict[str, Optional[str]], list[str], str]) -> tuple[tuple[str, Optional[str]], ...]:
    from mockcvm.protocol.schema import SERVICES

    if isinstance(value, str):
        value = [value]
    pairs = list(value.items()) if isinstance(value, dict) else [(h, None) for h in value]
    for host, service in pairs:
        if not isinstance(host, str) or not host:
            raise MockcvmError(f"endpoints must be host names, got {host!r}")
        if service is not None and service not in SERVICES:
            raise MockcvmError(f"endpoints: {host!r} maps to {service!r}; services are {', '.join(SERVICES)}")
    return tuple((h.lower(), s) for h, s in pairs)


def _seed(value: Any) -> Optional[int]:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise MockcvmError(f"seed must be an int or None, got {value!r}")
    return value


def _durations(value: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, dict):
        raise MockcvmError(f"durations must be a dict of name -> seconds, got {value!r}")
    out = []
    for name, seconds in value.items():
        if name not in DEFAULT_DURATIONS:
            raise MockcvmError(f"unknown duration {name!r}; durations are {', '.join(DEFAULT_DURATIONS)}")
        if hasattr(seconds, "total_seconds"):
            seconds = seconds.total_seconds()
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise MockcvmError(f"duration {name!r} must be a number of seconds >= 0, got {seconds!r}")
        out.append((name, float(seconds)))
    return tuple(out)


def _prices(value: Any) -> tuple[tuple[str, Decimal], ...]:
    from mockcvm.billing_prices import DEFAULT_PRICES

    if not isinstance(value, dict):
        raise MockcvmError(f"prices must be a dict of name -> yuan, got {value!r}")
    out = []
    for name, amount in value.items():
        if name not in DEFAULT_PRICES:
            raise MockcvmError(f"unknown price {name!r}; prices are {', '.join(DEFAULT_PRICES)}")
        out.append((name, to_decimal(amount, f"price {name!r}")))
    return tuple(out)


def to_decimal(value: Money, what: str) -> Decimal:
    """Exact yuan from an int, a Decimal or a numeric string (floats are refused: they are not exact)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidAmount(f"{what} must be an int, a Decimal or a numeric string, got {value!r}")
    try:
        amount = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidAmount(f"{what} must be a number of yuan, got {value!r}") from None
    if not amount.is_finite():
        raise InvalidAmount(f"{what} must be finite, got {value!r}")
    return amount


def _balance(value: Any) -> Decimal:
    return to_decimal(value, "balance")


def _catalogue(value: Any) -> Any:
    from mockcvm.services.cvm.catalogue import make_extension

    return make_extension(value)


_CHECKS: dict[str, Any] = {
    "region": _region,
    "transitions": _transitions,
    "verify_signatures": _bool("verify_signatures"),
    "strict": _bool("strict"),
    "allow_hosts": _hosts,
    "endpoints": _endpoints,
    "seed": _seed,
    "durations": _durations,
    "prices": _prices,
    "postpaid_terminate_to_bin": _bool("postpaid_terminate_to_bin"),
    "balance": _balance,
    "allow_loopback": _bool("allow_loopback"),
    "journal_size": _journal_size,
    "scope": _scope,
    "prepaid_refunds": _bool("prepaid_refunds"),
    "catalogue": _catalogue,
}
