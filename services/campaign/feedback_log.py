"""The durable feedback log: SQLite in WAL mode with ``synchronous=FULL``.

``append`` returns only after its transaction is committed, and with ``synchronous=FULL`` a commit
in WAL mode is synced to disk, so an acknowledged event survives a SIGKILL of the server or a power
cut. One transaction per request also keeps the per-variant counters (read by the bandit) exactly
in step with the events. ``event_id`` is unique: retries of an acknowledged request are no-ops.

Consumers (the online recommender update, the S3 shipper) keep their position in ``cursors``;
each online update run is recorded in ``model_updates``. Several processes may share one log.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    updated_at REAL NOT NULL
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
);
"""
COUNTER_COLUMN = {"view": "views", "click": "clicks", "add_to_cart": "add_to_cart", "purchase": "purchases"}
FAMILIES = ("copy", "creative")


@dataclass(frozen=True)
class LogEvent:
    """An event as stored; ``ts`` is seconds since the epoch (UTC)."""

    user: str
    item: str
    event: str
    ts: float
    variant: str | None = None
    event_id: str | None = None
    item_title: str | None = None
    item_price: float | None = None


@dataclass(frozen=True)
class StoredEvent(LogEvent):
    seq: int = 0
    received_at: float = 0.0


@dataclass(frozen=True)
class AppendResult:
    accepted: int
    duplicates: int
    last_seq: int


@dataclass(frozen=True)
class VariantCounts:
    views: int = 0
    clicks: int = 0
    add_to_cart: int = 0
    purchases: int = 0

    def of(self, event: str) -> int:
        return int(getattr(self, COUNTER_COLUMN[event]))


class FeedbackLogError(RuntimeError):
    """The log cannot guarantee durability (for example WAL mode refused by the file system)."""


class FeedbackLog:
    """Thread-safe handle on one SQLite event log (one writer at a time, readers never blocked)."""

    def __init__(self, path: Path, busy_timeout_ms: int = 10_000) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            str(path), timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
        )
        self._conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        mode = self._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise FeedbackLogError(f"{path}: SQLite refused WAL mode (got {mode!r}); use a local file system")
        self._conn.execute("PRAGMA synchronous=FULL")
        with self._transaction() as conn:
            for statement in filter(str.strip, SCHEMA.split(";")):
                conn.execute(statement)

    # ------------------------------------------------------------------ plumbing
    @contextmanager
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
        """Store the events in one transaction; returns after the commit is on disk."""
        accepted = duplicates = 0
        now = time.time()
        with self._transaction() as conn:
            for e in events:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO events (event_id, user_id, item_id, event, variant, ts, item_title,"
                    " item_price, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                if cursor.rowcount == 0:
                    duplicates += 1
                    continue
                accepted += 1
                if e.variant:
                    self._count(conn, e.variant, e.event)
            last = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
        return AppendResult(accepted, duplicates, int(last))

    @staticmethod
    def _count(conn: sqlite3.Connection, variant: str, event: str) -> None:
        column = COUNTER_COLUMN[event]
        for family, arm in zip(FAMILIES, variant.split("/", 1), strict=True):
            conn.execute("INSERT OR IGNORE INTO variant_stats (family, arm) VALUES (?, ?)", (family, arm))
            conn.execute(
                f"UPDATE variant_stats SET {column} = {column} + 1 WHERE family = ? AND arm = ?", (family, arm)
            )

    # ------------------------------------------------------------------ reading
    def read(self, after_seq: int = 0, limit: int = 10_000) -> list[StoredEvent]:
        rows = self._query(
            "SELECT seq, event_id, user_id, item_id, event, variant, ts, item_title, item_price, received_at"
            " FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
            (after_seq, limit),
        )
        return [
            StoredEvent(
                seq=r[0],
                event_id=r[1],
                user=r[2],
                item=r[3],
                event=r[4],
                variant=r[5],
                ts=r[6],
                item_title=r[7],
                item_price=r[8],
                received_at=r[9],
            )
            for r in rows
        ]

    def event_ids(self) -> set[str]:
        return {r[0] for r in self._query("SELECT event_id FROM events")}

    def count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM events")[0][0])

    def last_seq(self) -> int:
        return int(self._query("SELECT COALESCE(MAX(seq), 0) FROM events")[0][0])

    def variant_counts(self) -> dict[str, dict[str, VariantCounts]]:
        """``{family: {arm: counts}}`` for every arm that has received an event."""
        out: dict[str, dict[str, VariantCounts]] = {family: {} for family in FAMILIES}
        for family, arm, views, clicks, carts, purchases in self._query(
            "SELECT family, arm, views, clicks, add_to_cart, purchases FROM variant_stats"
        ):
            out.setdefault(family, {})[arm] = VariantCounts(views, clicks, carts, purchases)
        return out

    # ------------------------------------------------------------------ consumers
    def cursor(self, name: str) -> int:
        rows = self._query("SELECT seq FROM cursors WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else 0

    def set_cursor(self, name: str, seq: int) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO cursors (name, seq, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at",
                (name, seq, time.time()),
            )

    def record_update(
        self, from_seq: int, to_seq: int, decision: str, base_model: str, new_model: str | None, detail: dict[str, Any]
    ) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO model_updates (at, from_seq, to_seq, decision, base_model, new_model, detail)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (time.time(), from_seq, to_seq, decision, base_model, new_model, json.dumps(detail, default=str)),
            )

    def updates(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = self._query(
            "SELECT at, from_seq, to_seq, decision, base_model, new_model, detail FROM model_updates"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        keys = ("at", "from_seq", "to_seq", "decision", "base_model", "new_model")
        return [{**dict(zip(keys, r[:6], strict=True)), "detail": json.loads(r[6])} for r in rows]
