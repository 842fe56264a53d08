"""The durable feedback log: WAL with synchronous=FULL, idempotency, counters, cursors, S3 Parquet shipping."""

from __future__ import annotations

import io
import threading
import time
import uuid
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from services.campaign.feedback_log import FeedbackLog, LogEvent
from services.campaign.settings import FeedbackSettings
from services.campaign.shipping import ship_to_s3
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
    log.set_cursor("job", first[-1].seq)
    assert [e.seq for e in log.read(log.cursor("job"))] == list(range(5, 11))
    log.record_update(0, 4, "skip", "m:1", None, {"reason": "test"})
    assert log.updates()[0]["detail"] == {"reason": "test"}


def test_ships_parquet_batches_to_s3_from_a_cursor(
    tmp_path: Path, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    bucket = f"feedback-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(bucket)
    log = FeedbackLog(tmp_path / "events.sqlite3")
    log.append([_event(i) for i in range(25)])
    settings = FeedbackSettings(s3_uri=f"s3://{bucket}/shop", ship_batch_size=10)
    platform = PlatformSettings(s3_endpoint_url=s3_server.endpoint)
    keys = ship_to_s3(log, settings, platform)
    assert keys == [f"shop/events/seq-{s:012d}.parquet" for s in (1, 11, 21)]
    log.append([_event(i) for i in range(25, 30)])
    assert ship_to_s3(log, settings, platform) == ["shop/events/seq-000000000026.parquet"]
    client = s3_server.client()
    shipped = []
    for key in [*keys, "shop/events/seq-000000000026.parquet"]:
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        shipped += pq.read_table(io.BytesIO(body)).to_pylist()
    assert [r["event_id"] for r in shipped] == [f"ev-{i:08d}" for i in range(30)]
    assert shipped[0]["variant"] == "friendly/coral_flat" and shipped[0]["ts"].tzinfo is not None
    assert ship_to_s3(log, settings, platform) == []
