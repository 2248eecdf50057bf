"""The floor under the HTTP interceptions: while any activation is live, nothing leaves the machine.

Wrapped the way pytest-socket does it, on top of whatever the process had when the first activation started and
put back when the last one stops: ``socket.socket.connect``/``connect_ex`` (every client library, asyncio's
``sock_connect`` and ``create_connection`` included, ends there), ``socket.create_connection`` and
``socket.getaddrinfo`` (asyncio resolves through it too). The rules, for the activation that serves the calling
thread or task (or, where none does, the most permissive of the live ones):

- a Tencent Cloud host is never resolved (it is answered by the fake at the HTTP level, or not at all);
- a host in ``allow_hosts`` may be resolved and connected to, and so may the addresses it resolved to;
- loopback addresses, ``localhost`` and Unix sockets are open, unless ``allow_loopback=False``;
- anything else is refused with :class:`SocketGuardError` (a ``ConnectionError``, so clients report a network
  error) or, for a name, :class:`NameResolutionGuardError` (also a ``socket.gaierror``);
- while the HTTP layer passes a request it refused on to a wrapper it does not know (see ``refusing``), every
  connection is refused, loopback included: a wrapper cannot switch the HTTP guard off.

Connections opened before the activation started are not cut.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import socket
import threading
from typing import Any, Callable, Iterator, Optional

from mockcvm.errors import NetworkGuardError
from mockcvm.transports import activations


class SocketGuardError(NetworkGuardError):
    """A connection refused by mockcvm's socket guard."""


class NameResolutionGuardError(SocketGuardError, socket.gaierror):
    """A host name mockcvm's socket guard refused to resolve (also a ``socket.gaierror``)."""


#: Set while the HTTP layer hands a request it refused to a wrapper underneath: the refusal's message.
_REFUSING: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("mockcvm_refusing", default=None)
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
_resolved_lock = threading.Lock()
#: Addresses that names in allow_hosts resolved to while the guard was installed.
_resolved: set[str] = set()


@contextlib.contextmanager
def refusing(message: str) -> Iterator[None]:
    """Refuse every connection (loopback included) made in this thread or task inside the block."""
    token = _REFUSING.set(message)
    try:
        yield
    finally:
        _REFUSING.reset(token)


@contextlib.contextmanager
def not_refusing() -> Iterator[None]:
    """Inside a user's own HTTP mock: its passthroughs follow the socket rules only."""
    token = _REFUSING.set(None)
    try:
        yield
    finally:
        _REFUSING.reset(token)


class _Rules:
    def __init__(self) -> None:
        active = activations.current()
        chosen = [active] if active is not None else activations.live()
        self.allow_hosts = {h.split(":")[0] for a in chosen for h in a.cloud.options.allow_hosts}
        self.allow_loopback = any(a.allow_loopback for a in chosen)
        self.host_maps = [a.hosts for a in activations.live()]

    def is_tencent(self, host: str) -> bool:
        url = f"https://{host}/"
        return any(hosts.lookup(url)[0] for hosts in self.host_maps)


def _bare(host: Any) -> str:
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("idna", "replace")
    return str(host).strip("[]").split("%", 1)[0].rstrip(".").lower()


def _ip(host: str) -> Optional[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    address = _ip(host)
    if address is None:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return bool(address.is_loopback or address.is_unspecified)


def _message(what: str, host: str, rules: _Rules) -> str:
    if rules.is_tencent(host):
        return (
            f"mockcvm refused {what} {host}: a Tencent Cloud host is answered by the fake through requests or "
            "httpx, never reached over the network. This client does not go through either; use the SDK's "
            "clients (or requests/httpx) to call Tencent Cloud under mock_cvm."
        )
    if _is_loopback(host) or host == "a Unix socket":
        return (
            f"mockcvm refused {what} {host}: mock_cvm(allow_loopback=False) closes loopback and Unix sockets. "
            "Allow them again with allow_loopback=True (the default), or name the host in allow_hosts."
        )
    return (
        f"mockcvm refused {what} {host}: while mock_cvm is active nothing leaves the machine. If the code under "
        f"test must reach it, allow it with mock_cvm(allow_hosts=[{host!r}])."
    )


def _check_address(family: int, address: Any) -> None:
    if not activations.any_live():
        return
    refusal = _REFUSING.get()
    if refusal is not None:
        raise SocketGuardError(refusal)
    rules = _Rules()
    if family == getattr(socket, "AF_UNIX", None):
        if not rules.allow_loopback:
            raise SocketGuardError(_message("a connection to", "a Unix socket", rules))
        return
    if not isinstance(address, tuple) or not address:
        return  # not an internet address (AF_NETLINK, AF_PACKET, ...): nothing leaves the machine through it
    host = _bare(address[0])
    if rules.is_tencent(host):
        raise SocketGuardError(_message("a connection to", host, rules))
    if _is_loopback(host):
        if rules.allow_loopback or host in rules.allow_hosts:
            return
        raise SocketGuardError(_message("a connection to", host, rules))
    if host in rules.allow_hosts:
        return
    with _resolved_lock:
        if host in _resolved:
            return
    raise SocketGuardError(_message("a connection to", host, rules))


def _check_name(host: Any) -> bool:
    """Raise unless ``host`` may be resolved; True when its addresses are to be remembered as allowed."""
    if host is None or not activations.any_live():
        return False
    name = _bare(host)
    if not name:
        return False
    rules = _Rules()
    if rules.is_tencent(name):
        raise NameResolutionGuardError(socket.EAI_NONAME, _message("to resolve", name, rules))
    if _ip(name) is not None or _is_loopback(name):
        return False  # answered without leaving the machine; the connection is checked on its own
    if name in rules.allow_hosts:
        return True
    raise NameResolutionGuardError(socket.EAI_NONAME, _message("to resolve", name, rules))


def install() -> Callable[[], None]:
    """Wrap the socket functions; returns the function that puts back what it found."""
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo
    original_create_connection = socket.create_connection

    def connect(sock: socket.socket, address: Any) -> None:
        _check_address(sock.family, address)
        return original_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        _check_address(sock.family, address)
        return original_connect_ex(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        remember = _check_name(host)
        found = original_getaddrinfo(host, *args, **kwargs)
        if remember:
            with _resolved_lock:
                _resolved.update(_bare(info[4][0]) for info in found)
        return found

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        if isinstance(address, tuple) and address and activations.any_live():
            host = _bare(address[0])
            if _ip(host) is None and not _is_loopback(host):
                _check_name(host)
        return original_create_connection(address, *args, **kwargs)

    patches: list[tuple[Any, str, Any, Any]] = [
        (socket.socket, "connect", original_connect, connect),
        (socket.socket, "connect_ex", original_connect_ex, connect_ex),
        (socket, "getaddrinfo", original_getaddrinfo, getaddrinfo),
        (socket, "create_connection", original_create_connection, create_connection),
    ]
    for owner, name, _, replacement in patches:
        setattr(owner, name, replacement)

    def remove() -> None:
        for owner, name, original, replacement in reversed(patches):
            if getattr(owner, name) is replacement:  # else someone wrapped us: our wrapper stays, inert
                setattr(owner, name, original)
        with _resolved_lock:
            _resolved.clear()

    return remove
