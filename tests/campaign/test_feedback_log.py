"""The embedded feedback store (SQLite): WAL with synchronous=FULL, idempotency, counters, cursors, S3 shipping."""

from __future__ import annotations

import io
import threading
import time
import uuid
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from services.core.feedback import LogEvent, RunRecord
from services.core.feedback.settings import FeedbackStoreSettings
from services.core.feedback.shipping import ship_to_s3
from services.core.feedback.sqlite import SqliteFeedbackStore as FeedbackLog
from services.core.settings import PlatformSettings
from tests.support.s3_server import TEST_CREDENTIALS, S3Server


def _event(i: int, event: str = "click", variant: str | None = "friendly/coral_flat") -> LogEvent:
    return LogEvent(
        user=f"u_{i % 7}", item=f"item{i % 11}", event=event, ts=time.time(), variant=variant, event_id=f"ev-{i:08d}"
    )


def test_durability_settings_and_visibility_to_other_connections(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "events.sqlite3")
    assert log.pragma("journal_mode") == "wal"
    assert log.pragma("synchronous") == 2  # FULL: every commit is synced before append() returns
    result = log.append([_event(1), _event(2)])
    assert (result.accepted, result.duplicates, result.last_seq) == (2, 0, 2)
    other = FeedbackLog(tmp_path / "events.sqlite3")  # e.g. the update job in another process
    assert other.event_ids() == {"ev-00000001", "ev-00000002"}


def test_retries_are_stored_once_and_counted_once(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "events.sqlite3")
    batch = [_event(1, "view"), _event(2, "view"), _event(3, "click")]
    assert log.append(batch).accepted == 3
    again = log.append([*batch, _event(4, "purchase", "premium/navy_gradient")])
    assert (again.accepted, again.duplicates) == (1, 3)
    counts = log.variant_counts()
    assert counts["copy"]["friendly"].views == 2 and counts["copy"]["friendly"].clicks == 1
    assert counts["creative"]["coral_flat"].views == 2
    assert counts["copy"]["premium"].purchases == 1 and counts["creative"]["navy_gradient"].purchases == 1
    assert log.append([LogEvent("u", "i", "view", time.time())]).accepted == 1  # no id, no variant
    assert log.count() == 5


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "events.sqlite3")

    def write(worker: int) -> None:
        for j in range(40):
            log.append([_event(worker * 1000 + j)])

    threads = [threading.Thread(target=write, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert log.count() == 240
    assert log.variant_counts()["copy"]["friendly"].clicks == 240


def test_cursors_read_in_order(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "events.sqlite3")
    log.append([_event(i) for i in range(10)])
    assert log.cursor("job") == 0
    first = log.read(0, limit=4)
    assert [e.seq for e in first] == [1, 2, 3, 4]
    assert log.advance_cursor("job", 0, first[-1].seq)
    assert not log.advance_cursor("job", 0, 7)  # compare-and-set: the cursor is at 4 now
    with pytest.raises(ValueError, match="forward"):
        log.advance_cursor("job", 4, 2)
    assert [e.seq for e in log.read(log.cursor("job"))] == list(range(5, 11))
    assert [e.seq for e in log.read(4, upto_seq=6)] == [5, 6]
    log.finish_run("job", RunRecord(4, 8, "promote", "m:1", "m:2", {"reason": "test"}), move_cursor=True)
    assert log.cursor("job") == 8 and log.updates()[0]["detail"] == {"reason": "test"}


def test_ships_parquet_batches_to_s3_from_a_cursor(
    tmp_path: Path, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    bucket = f"feedback-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(bucket)
    log = FeedbackLog(tmp_path / "events.sqlite3")
    log.append([_event(i) for i in range(25)])
    settings = FeedbackStoreSettings(s3_uri=f"s3://{bucket}/shop", ship_batch_size=10)
    platform = PlatformSettings(s3_endpoint_url=s3_server.endpoint)
    keys = ship_to_s3(log, settings, platform)
    day = time.strftime("%Y-%m-%d", time.gmtime())
    assert keys == [f"shop/events/date={day}/seq-{a:012d}-{b:012d}.parquet" for a, b in ((1, 10), (11, 20), (21, 25))]
    log.append([_event(i) for i in range(25, 30)])
    last = f"shop/events/date={day}/seq-000000000026-000000000030.parquet"
    assert ship_to_s3(log, settings, platform) == [last]
    client = s3_server.client()
    shipped = []
    for key in [*keys, last]:
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        shipped += pq.read_table(io.BytesIO(body)).to_pylist()
    assert [r["event_id"] for r in shipped] == [f"ev-{i:08d}" for i in range(30)]
    assert shipped[0]["variant"] == "friendly/coral_flat" and shipped[0]["ts"].tzinfo is not None
    assert ship_to_s3(log, settings, platform) == []
