"""Running the app under uvicorn: :class:`ThreadedServer` for tests, :func:`serve_forever` for ``mockcvm server``."""

from __future__ import annotations

import socket
import threading
from typing import Any, Optional, Sequence

from mockcvm.cloud import Cloud
from mockcvm.errors import MockcvmError
from mockcvm.options import make_options
from mockcvm.server.app import App
from mockcvm.server.service import ServedCloud
from mockcvm.server.tls import Certificates, make_certificates, remove_certificates
from mockcvm.testing_clock import Moment, parse_moment


def _uvicorn() -> Any:
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - depends on the install
        raise MockcvmError("server mode needs uvicorn: pip install 'mockcvm[server]'") from None
    return uvicorn


class _Server:
    """The served cloud, its listening socket and the uvicorn server around the app (not yet running)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 4566,
        *,
        tls: bool = False,
        ca_out: Optional[str] = None,
        frozen: bool = False,
        start: Optional[Moment] = None,
        state: Optional[str] = None,
        state_sync: str = "full",
        credentials: Sequence[tuple[str, str, Optional[str]]] = (),
        **options: Any,
    ) -> None:
        uvicorn = _uvicorn()
        start_epoch = parse_moment(start, "start").timestamp() if start is not None else None
        self.served = ServedCloud(make_options(**options), frozen=frozen, start=start_epoch, state_path=state,
                                  state_sync=state_sync, credentials=credentials)
        self.certificates: Optional[Certificates] = make_certificates(ca_out) if tls else None
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it: no
        # 40 ms Nagle + delayed-ACK stall between the head and the body of an answer
        try:
            self.socket.bind((host, port))
        except OSError as exc:
            self.socket.close()
            self.served.close()
            raise MockcvmError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        self.socket.listen(2048)
        self.socket.set_inheritable(True)
        self.host, self.port = host, int(self.socket.getsockname()[1])
        config = uvicorn.Config(
            App(self.served),
            log_level="warning",
            access_log=False,
            lifespan="off",
            backlog=2048,
            timeout_keep_alive=30,
            ssl_certfile=self.certificates.cert_file if self.certificates else None,
            ssl_keyfile=self.certificates.key_file if self.certificates else None,
        )
        self.uvicorn = uvicorn.Server(config)

    @property
    def url(self) -> str:
        scheme = "https" if self.certificates else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"

    def run(self) -> None:
        self.uvicorn.run(sockets=[self.socket])

    def close(self) -> None:
        self.socket.close()
        self.served.close()
        if self.certificates is not None:
            remove_certificates(self.certificates)


class ThreadedServer:
    """``with ThreadedServer(port=0, **options) as server:`` a mockcvm server in a background thread.

    ``server.url`` (``http://127.0.0.1:PORT``), ``server.endpoint`` (``127.0.0.1:PORT``, for
    ``HttpProfile(endpoint=...)``), ``server.cloud`` (the :class:`~mockcvm.Cloud` of the served world, for the
    test's own checks), ``server.ca_file`` (with ``tls=True``). Options: every ``mock_cvm`` option, and ``host``,
    ``port`` (0: a free one), ``tls``, ``ca_out``, ``frozen``, ``start`` (where the clock starts), ``state`` (a
    state file), ``state_sync`` (``"full"`` or ``"normal"``), ``credentials`` (``[(secret_id, secret_key, uin or
    None)]``, kept through resets and restarts, unlike ``server.cloud.register_credentials``). Leaving the block
    stops the server and, with a state file, writes its snapshot.
    """

    def __init__(self, port: int = 0, **options: Any) -> None:
        self._options = dict(options, port=port)
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None

    def start(self) -> ThreadedServer:
        if self._server is not None:
            raise MockcvmError("this ThreadedServer is already running")
        server = _Server(**self._options)
        server.uvicorn.config.install_signal_handlers = False  # not the main thread: uvicorn must not touch them
        thread = threading.Thread(target=server.run, name=f"mockcvm-server-{server.port}", daemon=True)
        thread.start()
        while not server.uvicorn.started:
            if not thread.is_alive():
                server.close()
                raise MockcvmError("the mockcvm server thread stopped before it started")
            thread.join(0.005)
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None or thread is None:
            return
        server.uvicorn.should_exit = True
        thread.join(10)
        server.close()

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def _running(self) -> _Server:
        if self._server is None:
            raise MockcvmError("the ThreadedServer is not running: use it in a with block or call start()")
        return self._server

    @property
    def url(self) -> str:
        return self._running.url

    @property
    def endpoint(self) -> str:
        return self.url.split("://", 1)[1]

    @property
    def port(self) -> int:
        return self._running.port

    @property
    def cloud(self) -> Cloud:
        return self._running.served.cloud

    @property
    def served(self) -> ServedCloud:
        return self._running.served

    def tick(self, seconds: float) -> str:
        """Move the served world's clock forward (what ``POST /_mockcvm/clock {"tick": seconds}`` does); returns
        the new now (ISO 8601)."""
        return str(self.served.move_clock({"tick": seconds})["now"])

    def move_to(self, moment: str) -> str:
        """Move the clock forward to ``moment`` (ISO 8601); returns the new now."""
        return str(self.served.move_clock({"move_to": moment})["now"])

    def freeze(self, frozen: bool = True) -> None:
        """Hold the clock still (or let it flow on again)."""
        self.served.move_clock({"freeze": frozen})

    @property
    def ca_file(self) -> Optional[str]:
        certificates = self._running.certificates
        return certificates.ca_file if certificates else None

