"""Shipping the feedback log to S3 as Parquet files, in batches, from a durable cursor.

Each file holds the events after the cursor, at most ``ship_batch_size`` of them, under
``<prefix>/events/seq-<first seq>.parquet``; the cursor moves only after the upload succeeded. A
crash between upload and cursor move re-uploads the same key with the same first event (a superset
at worst), so no event is lost and none is split across two files.
"""

from __future__ import annotations

import io
import logging
from dataclasses import asdict

import pyarrow as pa
import pyarrow.parquet as pq

from services.core.artifact_store import ArtifactStore
from services.core.settings import PlatformSettings, get_settings

from .feedback_log import FeedbackLog, StoredEvent
from .settings import FeedbackSettings, get_feedback_settings

log = logging.getLogger(__name__)
CURSOR = "s3-shipping"
SCHEMA = pa.schema(
    [
        ("seq", pa.int64()),
        ("event_id", pa.string()),
        ("user", pa.string()),
        ("item", pa.string()),
        ("event", pa.string()),
        ("variant", pa.string()),
        ("ts", pa.timestamp("ms", tz="UTC")),
        ("item_title", pa.string()),
        ("item_price", pa.float64()),
        ("received_at", pa.timestamp("ms", tz="UTC")),
    ]
)


def to_parquet(events: list[StoredEvent]) -> bytes:
    rows = []
    for e in events:
        row = asdict(e)
        row["ts"] = int(e.ts * 1000)
        row["received_at"] = int(e.received_at * 1000)
        rows.append(row)
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def ship_to_s3(
    log_: FeedbackLog, settings: FeedbackSettings | None = None, platform: PlatformSettings | None = None
) -> list[str]:
    """Upload every event after the cursor; returns the S3 keys written."""
    settings = settings or get_feedback_settings()
    if settings.s3_uri is None:
        raise ValueError("set ADSERVE_FEEDBACK_S3_URI=s3://bucket/prefix to ship feedback")
    bucket, _, prefix = settings.s3_uri.removeprefix("s3://").partition("/")
    client = ArtifactStore(platform or get_settings()).client
    keys = []
    while events := log_.read(log_.cursor(CURSOR), settings.ship_batch_size):
        key = "/".join(p for p in (prefix.strip("/"), "events", f"seq-{events[0].seq:012d}.parquet") if p)
        client.put_object(Bucket=bucket, Key=key, Body=to_parquet(events), ContentType="application/vnd.apache.parquet")
        log_.set_cursor(CURSOR, events[-1].seq)
        keys.append(key)
        log.info(
            "shipped %d feedback events (seq %d-%d) to s3://%s/%s",
            len(events),
            events[0].seq,
            events[-1].seq,
            bucket,
            key,
        )
    return keys
