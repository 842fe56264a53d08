"""The embedded feedback store: one SQLite file in WAL mode with ``synchronous=FULL``, for one host.

``append`` returns only after its transaction is committed, and with ``synchronous=FULL`` a commit
in WAL mode is synced to disk, so an acknowledged event survives a SIGKILL or a power cut. One
writer at a time (``BEGIN IMMEDIATE``) makes ``seq`` (AUTOINCREMENT) follow commit order. WAL needs
shared memory on one host: never put the file on a network file system (use PostgreSQL there).
Leases are ``flock`` locks on files next to the database, released when the holder dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .store import (
    COLUMNS,
    AppendResult,
    CursorConflict,
    CursorState,
    FeedbackStore,
    FeedbackStoreError,
    LogEvent,
    RunRecord,
    StoredEvent,
    VariantCounts,
    run_dict,
    run_statements,
    run_values,
    stored,
    variant_deltas,
)

RUN_INSERT, RUN_SELECT = run_statements("model_updates", "?")

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    event TEXT NOT NULL,
    variant TEXT,
    ts REAL NOT NULL,
    item_title TEXT,
    item_price REAL,
    received_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS variant_stats (
    family TEXT NOT NULL,
    arm TEXT NOT NULL,
    views INTEGER NOT NULL DEFAULT 0,
    clicks INTEGER NOT NULL DEFAULT 0,
    add_to_cart INTEGER NOT NULL DEFAULT 0,
    purchases INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (family, arm)
);
CREATE TABLE IF NOT EXISTS cursors (
    name TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    updated_at REAL NOT NULL,
    pending INTEGER
);
CREATE TABLE IF NOT EXISTS model_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    from_seq INTEGER NOT NULL,
    to_seq INTEGER NOT NULL,
    decision TEXT NOT NULL,
    base_model TEXT NOT NULL,
    new_model TEXT,
    detail TEXT NOT NULL
)
"""


class SqliteFeedbackStore(FeedbackStore):
    """Thread-safe handle on one SQLite event log (one writer at a time, readers never blocked)."""

    def __init__(self, path: Path, busy_timeout_ms: int = 10_000) -> None:
        self.path = path
        self.location = str(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            str(path), timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
        )
        self._conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        # Switching a new file to WAL takes an exclusive lock for which SQLite does not call its busy
        # handler, so several processes opening one new log at once retry here within the same budget.
        deadline = time.monotonic() + busy_timeout_ms / 1000
        while True:
            try:
                self._open_schema()
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.02)

    def _open_schema(self) -> None:
        mode = self._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise FeedbackStoreError(f"{self.path}: SQLite refused WAL mode (got {mode!r}); use a local file system")
        self._conn.execute("PRAGMA synchronous=FULL")
        with self._transaction() as conn:
            for statement in SCHEMA.split(";"):
                conn.execute(statement)
            columns = {r[1] for r in conn.execute("PRAGMA table_info(cursors)")}
            if "pending" not in columns:  # a log written before pending batches existed
                conn.execute("ALTER TABLE cursors ADD COLUMN pending INTEGER")

    # ------------------------------------------------------------------ plumbing
    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def pragma(self, name: str) -> Any:
        return self._query(f"PRAGMA {name}")[0][0]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # ------------------------------------------------------------------ writing
    def append(self, events: Sequence[LogEvent]) -> AppendResult:
        accepted: list[tuple[str | None, str]] = []
        now = time.time()
        with self._transaction() as conn:
            for e in events:
                cursor = conn.execute(
                    f"INSERT OR IGNORE INTO events ({COLUMNS.removeprefix('seq, ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        e.event_id or uuid.uuid4().hex,
                        e.user,
                        e.item,
                        e.event,
                        e.variant,
                        e.ts,
                        e.item_title,
                        e.item_price,
                        now,
                    ),
                )
                if cursor.rowcount:
                    accepted.append((e.variant, e.event))
            for family, arm, column, n in variant_deltas(accepted):
                conn.execute("INSERT OR IGNORE INTO variant_stats (family, arm) VALUES (?, ?)", (family, arm))
                conn.execute(
                    f"UPDATE variant_stats SET {column} = {column} + ? WHERE family = ? AND arm = ?", (n, family, arm)
                )
            last = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
        return AppendResult(len(accepted), len(events) - len(accepted), int(last))

    # ------------------------------------------------------------------ reading
    def read(self, after_seq: int = 0, limit: int = 10_000, upto_seq: int | None = None) -> list[StoredEvent]:
        upto = upto_seq if upto_seq is not None else 2**62
        rows = self._query(
            f"SELECT {COLUMNS} FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?", (after_seq, upto, limit)
        )
        return [stored(r) for r in rows]

    def event_ids(self) -> set[str]:
        return {r[0] for r in self._query("SELECT event_id FROM events")}

    def count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM events")[0][0])

    def last_seq(self) -> int:
        return int(self._query("SELECT COALESCE(MAX(seq), 0) FROM events")[0][0])

    def variant_counts(self) -> dict[str, dict[str, VariantCounts]]:
        out: dict[str, dict[str, VariantCounts]] = {"copy": {}, "creative": {}}
        for family, arm, views, clicks, carts, purchases in self._query(
            "SELECT family, arm, views, clicks, add_to_cart, purchases FROM variant_stats"
        ):
            out.setdefault(family, {})[arm] = VariantCounts(views, clicks, carts, purchases)
        return out

    # ------------------------------------------------------------------ consumers
    def cursor_state(self, name: str) -> CursorState:
        rows = self._query("SELECT seq, pending FROM cursors WHERE name = ?", (name,))
        return CursorState(int(rows[0][0]), rows[0][1]) if rows else CursorState()

    @staticmethod
    def _at(conn: sqlite3.Connection, name: str) -> CursorState:
        row = conn.execute("SELECT seq, pending FROM cursors WHERE name = ?", (name,)).fetchone()
        return CursorState(int(row[0]), row[1]) if row else CursorState()

    def plan_batch(self, name: str, expected: int, pending: int) -> CursorState:
        with self._transaction() as conn:
            state = self._at(conn, name)
            if state.seq != expected or state.pending is not None:
                return state
            conn.execute(
                "INSERT INTO cursors (name, seq, updated_at, pending) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(name) DO UPDATE SET pending = excluded.pending, updated_at = excluded.updated_at",
                (name, expected, time.time(), pending),
            )
            return CursorState(expected, pending)

    def _move(self, conn: sqlite3.Connection, name: str, expected: int, seq: int) -> bool:
        if seq <= expected:
            raise ValueError(f"cursors only move forward ({expected} -> {seq})")
        if self._at(conn, name).seq != expected:
            return False
        conn.execute(
            "INSERT INTO cursors (name, seq, updated_at, pending) VALUES (?, ?, ?, NULL)"
            " ON CONFLICT(name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at, pending = NULL",
            (name, seq, time.time()),
        )
        return True

    def advance_cursor(self, name: str, expected: int, seq: int) -> bool:
        with self._transaction() as conn:
            return self._move(conn, name, expected, seq)

    def finish_run(self, name: str, run: RunRecord, move_cursor: bool) -> None:
        with self._transaction() as conn:
            if move_cursor and not self._move(conn, name, run.from_seq, run.to_seq):
                raise CursorConflict(f"cursor {name!r} is no longer at {run.from_seq}")
            conn.execute(RUN_INSERT, run_values(run))

    def updates(self, limit: int = 20) -> list[dict[str, Any]]:
        return [run_dict(r) for r in self._query(RUN_SELECT, (limit,))]

    @contextlib.contextmanager
    def lease(self, name: str) -> Iterator[bool]:
        lock_path = self.path.with_name(f"{self.path.name}.{name}.lease")
        with lock_path.open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
