"""The feedback-store interface: what writers (campaign) and readers (jobs) may rely on.

* ``append`` is idempotent on ``event_id`` and returns only after the commit is durable;
* every stored event gets a ``seq``; a reader that saw ``seq = n`` will never see a new event with
  ``seq <= n`` later (sequence order is commit order), so ``read(after_seq)`` plus a cursor is a
  complete, ordered stream;
* cursors only move forward, by compare-and-set (``advance_cursor``), optionally together with a
  pending batch (``plan_batch``) so that a job that crashed retries exactly the same batch;
* ``finish_run`` records a job run and moves its cursor in one transaction;
* ``lease`` gives one holder at a time per name across processes (a job's mutual exclusion).
"""

from __future__ import annotations

import abc
import json
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class CursorState:
    """Where a consumer stands: everything up to ``seq`` is done; ``pending`` is a planned batch end."""

    seq: int = 0
    pending: int | None = None


@dataclass(frozen=True)
class RunRecord:
    """One run of a job over the events ``from_seq + 1 .. to_seq``."""

    from_seq: int
    to_seq: int
    decision: str
    base_model: str
    new_model: str | None
    detail: dict[str, Any]


RUN_COLUMNS = ("at", "from_seq", "to_seq", "decision", "base_model", "new_model", "detail")


def run_statements(table: str, marker: str) -> tuple[str, str]:
    """The INSERT of one run into ``table`` and the SELECT of its latest runs (``LIMIT marker``);
    ``marker`` is the driver's parameter placeholder (``?``, ``%s``)."""
    columns = ", ".join(RUN_COLUMNS)
    insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(marker for _ in RUN_COLUMNS)})"
    return insert, f"SELECT {columns} FROM {table} ORDER BY id DESC LIMIT {marker}"


def run_values(run: RunRecord) -> tuple[Any, ...]:
    """The values of ``RUN_COLUMNS`` for a run finished now (``detail`` as JSON text)."""
    detail = json.dumps(run.detail, default=str)
    return (time.time(), run.from_seq, run.to_seq, run.decision, run.base_model, run.new_model, detail)


def run_dict(row: Sequence[Any]) -> dict[str, Any]:
    """A stored run as ``updates`` returns it (``detail`` decoded where the driver gives text)."""
    record = dict(zip(RUN_COLUMNS, row, strict=True))
    if isinstance(record["detail"], str):
        record["detail"] = json.loads(record["detail"])
    return record


class FeedbackStoreError(RuntimeError):
    """The store cannot guarantee durability (for example SQLite WAL refused by the file system)."""


class StoreUnavailable(FeedbackStoreError):
    """The store cannot be reached now (database down, restarting, pool exhausted): nothing was
    acknowledged, the caller may retry the same events (503)."""


class CursorConflict(RuntimeError):
    """The cursor is no longer where the caller read it: another run got there first."""


COLUMNS = "seq, event_id, user_id, item_id, event, variant, ts, item_title, item_price, received_at"


def stored(r: Sequence[Any]) -> StoredEvent:
    return StoredEvent(
        seq=int(r[0]),
        event_id=r[1],
        user=r[2],
        item=r[3],
        event=r[4],
        variant=r[5],
        ts=float(r[6]),
        item_title=r[7],
        item_price=r[8],
        received_at=float(r[9]),
    )


def variant_deltas(rows: Sequence[tuple[str | None, str]]) -> list[tuple[str, str, str, int]]:
    """``(family, arm, column, +n)`` for accepted ``(variant, event)`` pairs, in one fixed order
    (sorted, so that concurrent transactions lock counter rows in the same order: no deadlocks)."""
    out: dict[tuple[str, str, str], int] = {}
    for variant, event in rows:
        if not variant:
            continue
        for family, arm in zip(FAMILIES, variant.split("/", 1), strict=True):
            key = (family, arm, COUNTER_COLUMN[event])
            out[key] = out.get(key, 0) + 1
    return [(f, a, c, n) for (f, a, c), n in sorted(out.items())]


class FeedbackStore(abc.ABC):
    """A durable, multi-reader event log with per-variant counters, cursors and run records."""

    #: Where the store is, for logs (never contains a password).
    location: str

    # ------------------------------------------------------------------ writing
    @abc.abstractmethod
    def append(self, events: Sequence[LogEvent]) -> AppendResult:
        """Store the events in one transaction; returns after the commit is durable."""

    # ------------------------------------------------------------------ reading
    @abc.abstractmethod
    def read(self, after_seq: int = 0, limit: int = 10_000, upto_seq: int | None = None) -> list[StoredEvent]:
        """Events with ``after_seq < seq (<= upto_seq)`` in ``seq`` order, at most ``limit``."""

    @abc.abstractmethod
    def event_ids(self) -> set[str]: ...

    @abc.abstractmethod
    def count(self) -> int: ...

    @abc.abstractmethod
    def last_seq(self) -> int: ...

    @abc.abstractmethod
    def variant_counts(self) -> dict[str, dict[str, VariantCounts]]:
        """``{family: {arm: counts}}`` for every arm that has received an event."""

    # ------------------------------------------------------------------ consumers
    @abc.abstractmethod
    def cursor_state(self, name: str) -> CursorState: ...

    def cursor(self, name: str) -> int:
        return self.cursor_state(name).seq

    @abc.abstractmethod
    def plan_batch(self, name: str, expected: int, pending: int) -> CursorState:
        """Record ``pending`` as the end of the next batch unless one is planned already; returns the state."""

    @abc.abstractmethod
    def advance_cursor(self, name: str, expected: int, seq: int) -> bool:
        """Move the cursor from ``expected`` to ``seq`` (> expected) and clear its pending batch;
        False (nothing changed) when the cursor is not at ``expected`` any more."""

    @abc.abstractmethod
    def finish_run(self, name: str, run: RunRecord, move_cursor: bool) -> None:
        """In one transaction: move the cursor ``run.from_seq -> run.to_seq`` (when ``move_cursor``)
        and record the run. Raises ``CursorConflict`` (and records nothing) when the cursor moved."""

    @abc.abstractmethod
    def updates(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest run records, newest first."""

    @abc.abstractmethod
    def lease(self, name: str) -> AbstractContextManager[bool]:
        """``with store.lease(name) as held:`` - True for exactly one holder at a time (across processes);
        released when the block ends or the holder dies."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> FeedbackStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
