"""The production feedback store: PostgreSQL through psycopg 3 and a connection pool.

Many writers on many hosts append concurrently; ``append`` is one transaction (``INSERT … ON
CONFLICT (event_id) DO NOTHING`` plus the counter deltas) and returns after ``COMMIT``, so an
acknowledged event is durable (``synchronous_commit`` as configured on the server, on by default).

Sequence numbers: a ``BIGSERIAL`` assigned at insert time would not follow commit order (a slow
transaction can commit seq 10 after a reader saw seq 11 and moved its cursor past 10). So events
are inserted unsequenced and readers sequence them first: one sequencer at a time (a transaction
advisory lock) gives every committed unsequenced event the next numbers. Everything a reader can
see up to a ``seq`` is therefore final, and cursors never skip an event.

Counters are sharded (a random shard per transaction, summed on read) and updated in one sorted
order, so concurrent writers neither queue on one hot row nor deadlock. Leases are session
advisory locks on a connection of their own: released when the holder's session ends (crash, kill).
"""

from __future__ import annotations

import contextlib
import random
import time
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

from .store import (
    COLUMNS,
    COUNTER_COLUMN,
    AppendResult,
    CursorConflict,
    CursorState,
    FeedbackStore,
    LogEvent,
    RunRecord,
    StoredEvent,
    StoreUnavailable,
    VariantCounts,
    run_dict,
    run_statements,
    run_values,
    stored,
    variant_deltas,
)

RUN_INSERT, RUN_SELECT = run_statements("feedback_runs", "%s")

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS feedback_event_seq;
CREATE TABLE IF NOT EXISTS feedback_events (
    id BIGSERIAL PRIMARY KEY,
    seq BIGINT UNIQUE,
    event_id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    event TEXT NOT NULL,
    variant TEXT,
    ts DOUBLE PRECISION NOT NULL,
    item_title TEXT,
    item_price DOUBLE PRECISION,
    received_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_events_unsequenced ON feedback_events (id) WHERE seq IS NULL;
CREATE TABLE IF NOT EXISTS feedback_variant_stats (
    family TEXT NOT NULL,
    arm TEXT NOT NULL,
    shard SMALLINT NOT NULL,
    views BIGINT NOT NULL DEFAULT 0,
    clicks BIGINT NOT NULL DEFAULT 0,
    add_to_cart BIGINT NOT NULL DEFAULT 0,
    purchases BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (family, arm, shard)
);
CREATE TABLE IF NOT EXISTS feedback_cursors (
    name TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    pending BIGINT
);
CREATE TABLE IF NOT EXISTS feedback_runs (
    id BIGSERIAL PRIMARY KEY,
    at DOUBLE PRECISION NOT NULL,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL,
    decision TEXT NOT NULL,
    base_model TEXT NOT NULL,
    new_model TEXT,
    detail JSONB NOT NULL
)
"""
SCHEMA_LOCK = 0x5EED_F00D  # advisory lock keys of this module
SEQUENCER_LOCK = 0x5EED_5E0
SEQUENCE_BATCH = 50_000
SHARDS = 16
INSERT = f"""
INSERT INTO feedback_events ({COLUMNS.removeprefix("seq, ")})
SELECT e.*, %s FROM unnest(
    %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::float8[], %s::text[], %s::float8[]
) AS e
ON CONFLICT (event_id) DO NOTHING
RETURNING variant, event
"""


def safe_location(dsn: str) -> str:
    """The DSN without its password, for logs."""
    parts = conninfo_to_dict(dsn)
    return " ".join(f"{k}={v}" for k, v in sorted(parts.items()) if k != "password")


class PostgresFeedbackStore(FeedbackStore):
    """A pooled handle on the feedback tables of one PostgreSQL database (safe across threads)."""

    def __init__(
        self, dsn: str, min_size: int = 1, max_size: int = 8, timeout_s: float = 30.0, connect_timeout_s: float = 10.0
    ) -> None:
        self._dsn = dsn
        self.location = safe_location(dsn)
        self._connect_timeout_s = connect_timeout_s
        self._pool = ConnectionPool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout_s,
            kwargs={"connect_timeout": int(connect_timeout_s)},
            check=ConnectionPool.check_connection,
            open=True,
            name="feedback",
        )
        with self._pool.connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            for statement in SCHEMA.split(";"):
                conn.execute(statement)

    def close(self) -> None:
        self._pool.close()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._pool.connection() as conn:
            return conn.execute(sql, params).fetchall()

    # ------------------------------------------------------------------ writing
    def append(self, events: Sequence[LogEvent]) -> AppendResult:
        if not events:
            return AppendResult(0, 0, self.last_seq())
        columns: list[list[Any]] = [[] for _ in range(8)]
        for e in events:
            for column, value in zip(
                columns,
                (e.event_id or uuid.uuid4().hex, e.user, e.item, e.event, e.variant, e.ts, e.item_title, e.item_price),
                strict=True,
            ):
                column.append(value)
        shard = random.randrange(SHARDS)
        try:
            with self._pool.connection() as conn:  # commits when the block ends, or rolls back
                accepted = conn.execute(INSERT, (time.time(), *columns)).fetchall()
                for family, arm, column, n in variant_deltas(accepted):
                    conn.execute(
                        f"INSERT INTO feedback_variant_stats (family, arm, shard, {column}) VALUES (%s, %s, %s, %s)"
                        f" ON CONFLICT (family, arm, shard) DO UPDATE SET {column} = feedback_variant_stats.{column}"
                        f" + EXCLUDED.{column}",
                        (family, arm, shard, n),
                    )
            last = self.last_seq()
        except psycopg.OperationalError as exc:  # PoolTimeout included: nothing acknowledged
            raise StoreUnavailable(f"feedback store {self.location} unavailable: {type(exc).__name__}") from exc
        return AppendResult(len(accepted), len(events) - len(accepted), last)

    # ------------------------------------------------------------------ sequencing and reading
    def sequence(self) -> int:
        """Number every committed unsequenced event (one sequencer at a time); returns how many."""
        total = 0
        while True:
            with self._pool.connection() as conn:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (SEQUENCER_LOCK,))
                done = conn.execute(
                    "WITH todo AS (SELECT id FROM feedback_events WHERE seq IS NULL ORDER BY id LIMIT %s FOR UPDATE)"
                    " UPDATE feedback_events e SET seq = nextval('feedback_event_seq') FROM todo WHERE e.id = todo.id",
                    (SEQUENCE_BATCH,),
                ).rowcount
            total += done
            if done < SEQUENCE_BATCH:
                return total

    def read(self, after_seq: int = 0, limit: int = 10_000, upto_seq: int | None = None) -> list[StoredEvent]:
        self.sequence()
        rows = self._rows(
            f"SELECT {COLUMNS} FROM feedback_events WHERE seq > %s AND seq <= %s ORDER BY seq LIMIT %s",
            (after_seq, upto_seq if upto_seq is not None else 2**62, limit),
        )
        return [stored(r) for r in rows]

    def event_ids(self) -> set[str]:
        return {r[0] for r in self._rows("SELECT event_id FROM feedback_events")}

    def count(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM feedback_events")[0][0])

    def last_seq(self) -> int:
        return int(self._rows("SELECT COALESCE(MAX(seq), 0) FROM feedback_events")[0][0])

    def variant_counts(self) -> dict[str, dict[str, VariantCounts]]:
        sums = ", ".join(f"SUM({c})" for c in COUNTER_COLUMN.values())
        out: dict[str, dict[str, VariantCounts]] = {"copy": {}, "creative": {}}
        for family, arm, *counts in self._rows(
            f"SELECT family, arm, {sums} FROM feedback_variant_stats GROUP BY family, arm"
        ):
            out.setdefault(family, {})[arm] = VariantCounts(*(int(c) for c in counts))
        return out

    # ------------------------------------------------------------------ consumers
    def cursor_state(self, name: str) -> CursorState:
        rows = self._rows("SELECT seq, pending FROM feedback_cursors WHERE name = %s", (name,))
        return CursorState(int(rows[0][0]), rows[0][1]) if rows else CursorState()

    def plan_batch(self, name: str, expected: int, pending: int) -> CursorState:
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO feedback_cursors (name, seq, updated_at, pending) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (name) DO UPDATE SET pending = EXCLUDED.pending, updated_at = EXCLUDED.updated_at"
                " WHERE feedback_cursors.seq = %s AND feedback_cursors.pending IS NULL",
                (name, expected, time.time(), pending, expected),
            )
            row = conn.execute("SELECT seq, pending FROM feedback_cursors WHERE name = %s", (name,)).fetchone()
        assert row is not None
        return CursorState(int(row[0]), row[1])

    @staticmethod
    def _move(conn: psycopg.Connection[Any], name: str, expected: int, seq: int) -> bool:
        if seq <= expected:
            raise ValueError(f"cursors only move forward ({expected} -> {seq})")
        if expected == 0:
            sql = (
                "INSERT INTO feedback_cursors (name, seq, updated_at, pending) VALUES (%s, %s, %s, NULL)"
                " ON CONFLICT (name) DO UPDATE SET seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at,"
                " pending = NULL WHERE feedback_cursors.seq = 0"
            )
            return conn.execute(sql, (name, seq, time.time())).rowcount == 1
        sql = "UPDATE feedback_cursors SET seq = %s, updated_at = %s, pending = NULL WHERE name = %s AND seq = %s"
        return conn.execute(sql, (seq, time.time(), name, expected)).rowcount == 1

    def advance_cursor(self, name: str, expected: int, seq: int) -> bool:
        with self._pool.connection() as conn:
            return self._move(conn, name, expected, seq)

    def finish_run(self, name: str, run: RunRecord, move_cursor: bool) -> None:
        with self._pool.connection() as conn:
            if move_cursor and not self._move(conn, name, run.from_seq, run.to_seq):
                raise CursorConflict(f"cursor {name!r} is no longer at {run.from_seq}")
            conn.execute(RUN_INSERT, run_values(run))

    def updates(self, limit: int = 20) -> list[dict[str, Any]]:
        return [run_dict(r) for r in self._rows(RUN_SELECT, (limit,))]

    @contextlib.contextmanager
    def lease(self, name: str) -> Iterator[bool]:
        with psycopg.connect(self._dsn, autocommit=True, connect_timeout=int(self._connect_timeout_s)) as conn:
            row = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (f"feedback-lease:{name}",)).fetchone()
            held = bool(row and row[0])
            try:
                yield held
            finally:
                if held and not conn.closed:
                    with contextlib.suppress(psycopg.Error):
                        conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (f"feedback-lease:{name}",))
