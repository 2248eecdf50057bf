"""The state file of ``mockcvm server --state FILE``: an SQLite database in WAL mode with ``synchronous=FULL``.

Three tables:

- ``meta``: the options the file was made with, the seed of the ids, and the server clock (offset or held
  instant), each updated in the transaction of the change it belongs to;
- ``log``: an append-only command log, one row per change acknowledged to a client (an API call that changed the
  world, a balance, console or fault call), with the world's time and the position of the random source at which
  it ran; the row is committed before the answer is sent;
- ``snapshot``: at most one compact snapshot of the whole world (``mockcvm.snapshot``) and the last log row it
  includes. Every ``COMPACT_EVERY`` rows the server writes a new snapshot and drops the rows it covers, so a restart
  replays a short log.

A restart loads the snapshot, replays the rows after it through the same request path at their own world time,
then sets the clock from ``meta``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from typing import Any, Optional

from mockcvm.errors import MockcvmError

COMPACT_EVERY = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, world_time REAL NOT NULL, words INTEGER NOT NULL,
    payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), upto INTEGER NOT NULL, data BLOB NOT NULL);
"""


#: ``--state-sync``: FULL fsyncs the log at every commit (an acknowledged change survives a power cut); NORMAL
#: writes it to the operating system at every commit and fsyncs at checkpoints (it survives ``kill -9`` of the
#: server, not a crash of the machine), for disks where an fsync costs milliseconds.
SYNC_MODES = ("full", "normal")


class StateStore:
    def __init__(self, path: str, sync: str = "full") -> None:
        if sync not in SYNC_MODES:
            raise MockcvmError(f"state sync {sync!r}: use one of {', '.join(SYNC_MODES)}")
        self.path = path
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={sync.upper()}")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise MockcvmError(f"{path} is not a mockcvm state file ({exc})") from None
        self._lock = threading.Lock()
        self._rows_since_snapshot: int = int(self._db.execute(
            "SELECT COUNT(*) FROM log WHERE seq > COALESCE((SELECT upto FROM snapshot), 0)"
        ).fetchone()[0])

    # -- meta -------------------------------------------------------------------------------------------------

    def meta(self, key: str) -> Optional[str]:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, **values: str) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._put_meta(values)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _put_meta(self, values: dict[str, str]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items()))

    # -- the log ----------------------------------------------------------------------------------------------

    def append(self, kind: str, world_time: float, words: int, payload: dict[str, Any], **meta: str) -> None:
        """Append one change (and any meta values that go with it) and commit: durable when this returns."""
        text = json.dumps(payload, separators=(",", ":"))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO log (kind, world_time, words, payload) VALUES (?, ?, ?, ?)",
                    (kind, world_time, words, text),
                )
                if meta:
                    self._put_meta(meta)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._rows_since_snapshot += 1

    @property
    def wants_snapshot(self) -> bool:
        return self._rows_since_snapshot >= COMPACT_EVERY

    def entries(self) -> list[tuple[str, float, int, dict[str, Any]]]:
        """The rows after the snapshot, oldest first: (kind, world_time, words, payload)."""
        rows = self._db.execute(
            "SELECT kind, world_time, words, payload FROM log "
            "WHERE seq > COALESCE((SELECT upto FROM snapshot), 0) ORDER BY seq"
        ).fetchall()
        return [(str(k), float(t), int(w), json.loads(p)) for k, t, w, p in rows]

    # -- snapshots --------------------------------------------------------------------------------------------

    def snapshot(self) -> Optional[bytes]:
        row = self._db.execute("SELECT data FROM snapshot WHERE id = 1").fetchone()
        return None if row is None else bytes(row[0])

    def write_snapshot(self, data: bytes, **meta: str) -> None:
        """Store ``data`` as the world up to the last log row, and drop the rows it covers, in one transaction."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                upto = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM log").fetchone()[0]
                self._db.execute("INSERT OR REPLACE INTO snapshot (id, upto, data) VALUES (1, ?, ?)", (upto, data))
                self._db.execute("DELETE FROM log WHERE seq <= ?", (upto,))
                if meta:
                    self._put_meta(meta)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._rows_since_snapshot = 0

    def reset(self, **meta: str) -> None:
        """Forget the world (a reset): no snapshot, no log; ``meta`` values are written in the same transaction."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM log")
                self._db.execute("DELETE FROM snapshot")
                self._put_meta(meta)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._rows_since_snapshot = 0

    def close(self) -> None:
        with self._lock:
            self._db.close()
