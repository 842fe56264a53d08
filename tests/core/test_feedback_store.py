"""The feedback store contract on both backends (SQLite, PostgreSQL on a real server) and its faults.

* the same contract tests run against SQLite and PostgreSQL;
* many writers: 4 processes × 2,000 events with resends; two writers SIGKILLed mid-stream and
  started again (they resend everything); PostgreSQL itself SIGKILLed and restarted while the
  others write: no acknowledged event lost, none stored or counted twice;
* shipping: two shippers at once while writers write, and a shipper that crashes between its
  uploads and its cursor move: every event lands in S3 exactly once.
"""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pydantic import SecretStr

from services.core.feedback import CursorConflict, FeedbackStore, LogEvent, RunRecord, open_store
from services.core.feedback.settings import FeedbackStoreSettings
from services.core.feedback.shipping import CURSOR as SHIP_CURSOR
from services.core.feedback.shipping import ship_to_s3
from services.core.settings import PlatformSettings
from tests.support.bento_server import PROJECT_ROOT
from tests.support.postgres_server import PostgresServer
from tests.support.s3_server import TEST_CREDENTIALS, S3Server

WRITERS, EVENTS = 4, 2000


def _settings(backend: str, tmp_path: Path, dsn: str, **extra: object) -> FeedbackStoreSettings:
    if backend == "postgres":
        return FeedbackStoreSettings(dsn=SecretStr(dsn), **extra)  # type: ignore[arg-type]
    return FeedbackStoreSettings(dir=tmp_path / "feedback", **extra)  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> FeedbackStoreSettings:
    dsn = request.getfixturevalue("postgres_dsn") if backend == "postgres" else ""
    return _settings(backend, tmp_path, dsn)


@pytest.fixture
def store(settings: FeedbackStoreSettings) -> Iterator[FeedbackStore]:
    with open_store(settings) as opened:
        yield opened


def _event(n: int, event: str = "click", variant: str | None = "friendly/coral_flat") -> LogEvent:
    return LogEvent(f"u_{n % 7}", f"item{n % 11}", event, time.time(), variant, f"ev-{n:08d}")


def test_idempotent_appends_and_counters(store: FeedbackStore) -> None:
    batch = [_event(1, "view"), _event(2, "view"), _event(3)]
    assert store.append(batch).accepted == 3
    again = store.append([*batch, _event(4, "purchase", "premium/navy_gradient"), _event(4, "purchase")])
    assert (again.accepted, again.duplicates) == (1, 4)  # a duplicate inside one batch counts once too
    counts = store.variant_counts()
    assert counts["copy"]["friendly"].views == 2 and counts["copy"]["friendly"].clicks == 1
    assert counts["copy"]["premium"].purchases == 1 and counts["creative"]["navy_gradient"].purchases == 1
    seqs = [e.seq for e in store.read()]
    assert store.count() == 4 and len(seqs) == 4 and seqs == sorted(set(seqs))  # gaps allowed, order kept
    assert store.last_seq() == seqs[-1]


def test_cursors_move_forward_by_compare_and_set(store: FeedbackStore) -> None:
    store.append([_event(n) for n in range(10)])
    store.read()  # numbers the events (PostgreSQL sequences them when they are read)
    assert store.plan_batch("job", 0, 4).pending == 4
    assert store.plan_batch("job", 0, 9).pending == 4  # one planned batch at a time
    assert store.advance_cursor("job", 0, 4) and store.cursor_state("job").pending is None
    assert not store.advance_cursor("job", 0, 6)
    with pytest.raises(ValueError, match="forward"):
        store.advance_cursor("job", 4, 3)
    store.finish_run("job", RunRecord(4, 8, "promote", "m:1", "m:2", {"n": 1}), move_cursor=True)
    with pytest.raises(CursorConflict):
        store.finish_run("job", RunRecord(4, 9, "promote", "m:1", "m:3", {}), move_cursor=True)
    assert store.cursor("job") == 8 and [u["new_model"] for u in store.updates()] == ["m:2"]


def test_one_lease_holder_at_a_time(store: FeedbackStore, settings: FeedbackStoreSettings) -> None:
    with open_store(settings) as other, store.lease("ship") as first, other.lease("ship") as second:
        assert (first, second) == (True, False)
    with other.lease("ship") as again:
        assert again


# ---------------------------------------------------------------------- many writers, faults
def _writer(name: str, acks: Path, settings: FeedbackStoreSettings) -> subprocess.Popen[bytes]:
    target = ["--dsn", settings.dsn.get_secret_value()] if settings.dsn else ["--sqlite", str(settings.folder)]
    args = ["--writer", name, "--count", str(EVENTS), "--acks", str(acks), *target]
    return subprocess.Popen([sys.executable, "-m", "tests.support.feedback_writer", *args], cwd=PROJECT_ROOT)


def _acked(path: Path) -> set[str]:
    return set(path.read_text().split()) if path.exists() else set()


def _wait_for(condition: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _many_writers_with_faults(settings: FeedbackStoreSettings, tmp_path: Path, server: PostgresServer | None) -> None:
    acks = {f"w{i}": tmp_path / f"w{i}.acks" for i in range(WRITERS)}
    procs = {name: _writer(name, path, settings) for name, path in acks.items()}
    for name in ("w0", "w1"):  # SIGKILL two writers mid-stream
        _wait_for(lambda: len(_acked(acks[name])) >= 300)  # noqa: B023 (called at once)
        procs[name].kill()
        procs[name].wait(10)
    killed_at = {name: len(_acked(acks[name])) for name in ("w0", "w1")}
    assert all(n < EVENTS for n in killed_at.values()), killed_at
    if server is not None:  # SIGKILL the database while w2 and w3 write, then restart it
        _wait_for(lambda: all(len(_acked(acks[n])) >= 600 for n in ("w2", "w3")))
        assert procs["w2"].poll() is None and procs["w3"].poll() is None, "the writers finished too early"
        server.kill9()
        time.sleep(1.0)
        server.start()
    for name in ("w0", "w1"):  # restarted writers resend from their first event
        procs[name] = _writer(name, acks[name], settings)
    for proc in procs.values():
        assert proc.wait(180) == 0
    acknowledged = set().union(*(_acked(p) for p in acks.values()))
    with open_store(settings) as store:
        stored = store.event_ids()
        events = store.read(0, limit=10 * WRITERS * EVENTS)
        views = store.variant_counts()["creative"]["navy_gradient"].views
    lost = acknowledged - stored
    seqs = [e.seq for e in events]
    print(
        f"\n{'postgres' if server else 'sqlite'}: {len(acknowledged)} acknowledged, {len(stored)} stored, "
        f"{len(lost)} acknowledged but lost, {len(events) - len({e.event_id for e in events})} duplicates, "
        f"writers killed after {killed_at} acks"
    )
    assert not lost
    assert len(acknowledged) == WRITERS * EVENTS and stored == acknowledged
    assert len(events) == len(stored) and len(set(seqs)) == len(seqs) and seqs == sorted(seqs)
    assert views == len(stored)  # resent events are never counted twice


@pytest.mark.slow
def test_postgres_many_writers_kill9_of_writers_and_server(postgres_server: PostgresServer, tmp_path: Path) -> None:
    dsn = postgres_server.create_database(f"w_{uuid.uuid4().hex[:8]}")
    _many_writers_with_faults(FeedbackStoreSettings(dsn=SecretStr(dsn)), tmp_path, postgres_server)


@pytest.mark.slow
def test_sqlite_many_writer_processes_kill9(tmp_path: Path) -> None:
    _many_writers_with_faults(FeedbackStoreSettings(dir=tmp_path / "feedback"), tmp_path, None)


# ---------------------------------------------------------------------- shipping exactly once
def _shipped(s3_server: S3Server, bucket: str) -> list[str]:
    client, ids = s3_server.client(), []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            assert "/date=" in obj["Key"]
            body = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
            ids += pq.read_table(io.BytesIO(body)).column("event_id").to_pylist()
    return ids


@pytest.fixture
def lake(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> str:
    for key, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    bucket = f"lake-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(bucket)
    return bucket


def test_many_handles_opening_one_new_sqlite_log_at_once(tmp_path: Path) -> None:
    """Switching a new file to WAL is not covered by SQLite's busy handler: opening must retry it."""
    errors: list[BaseException] = []

    def open_and_write(settings: FeedbackStoreSettings, worker: int) -> None:
        try:
            with open_store(settings) as store:
                store.append([_event(worker * 100 + n) for n in range(5)])
        except BaseException as exc:
            errors.append(exc)

    for attempt in range(60):
        settings = _settings("sqlite", tmp_path / str(attempt), "")
        threads = [threading.Thread(target=open_and_write, args=(settings, w)) for w in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        with open_store(settings) as store:
            assert store.count() == 20
    assert not errors, errors


def test_two_shippers_at_once_ship_every_event_exactly_once(
    settings: FeedbackStoreSettings, lake: str, s3_server: S3Server
) -> None:
    ship = settings.model_copy(update={"s3_uri": f"s3://{lake}/feedback", "ship_batch_size": 37})
    platform = PlatformSettings(s3_endpoint_url=s3_server.endpoint)
    writing = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        with open_store(settings) as store:
            for start in range(0, 600, 20):
                store.append([_event(n) for n in range(start, start + 20)])
        writing.set()

    def shipper() -> None:
        try:
            with open_store(settings) as store:
                while not writing.is_set():
                    ship_to_s3(store, ship, platform)
                ship_to_s3(store, ship, platform)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=f) for f in (write, shipper, shipper)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    with open_store(settings) as store:
        ship_to_s3(store, ship, platform)  # whatever the last shipper left behind
        assert store.cursor(SHIP_CURSOR) == store.last_seq()
    ids = _shipped(s3_server, lake)
    assert len(ids) == 600 and set(ids) == {f"ev-{n:08d}" for n in range(600)}


def test_a_shipper_crashing_before_its_cursor_move_ships_nothing_twice(
    store: FeedbackStore,
    settings: FeedbackStoreSettings,
    lake: str,
    s3_server: S3Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ship = settings.model_copy(update={"s3_uri": f"s3://{lake}/feedback", "ship_batch_size": 50})
    platform = PlatformSettings(s3_endpoint_url=s3_server.endpoint)
    store.append([_event(n) for n in range(80)])

    def crash(*args: object) -> bool:
        raise SystemExit("crashed after the upload")

    with monkeypatch.context() as patch:
        patch.setattr(store, "advance_cursor", crash)
        with pytest.raises(SystemExit):
            ship_to_s3(store, ship, platform)
    assert store.cursor_state(SHIP_CURSOR).pending == 50 and len(_shipped(s3_server, lake)) == 50
    store.append([_event(n) for n in range(80, 120)])  # new events arrive before the retry
    ship_to_s3(store, ship, platform)
    ids = _shipped(s3_server, lake)
    assert len(ids) == 120 and set(ids) == {f"ev-{n:08d}" for n in range(120)}
