"""A loopback HTTP server that counts the connections it accepts: the network guard's tests want 0."""

from __future__ import annotations

import socket
import threading
from typing import Iterator

import pytest


class CountingServer:
    """Answers every connection with a tiny HTTP 200 and counts them."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self._lock = threading.Lock()
        self._hits = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def hits(self) -> int:
        with self._lock:
            return self._hits

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._hits += 1
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    @staticmethod
    def _answer(connection: socket.socket) -> None:
        with connection:
            connection.settimeout(2)
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            except OSError:
                pass

    def close(self) -> None:
        self._listener.close()


@pytest.fixture(scope="module")
def server() -> Iterator[CountingServer]:
    counting = CountingServer()
    yield counting
    counting.close()
