"""Shipping the feedback store to S3: a Parquet lake partitioned by event date, every event exactly once.

One shipper at a time holds the store's ``s3-shipping`` lease (others return at once). A batch is
planned in the store before anything is uploaded (``plan_batch``: the cursor's ``pending`` end),
so a shipper that crashed after uploading retries exactly the same events under the same names.
Object names carry the batch range (``events/date=YYYY-MM-DD/seq-<first>-<last>.parquet``) and are
written with a conditional put (``If-None-Match: *``): an object that already exists is the same
batch, never overwritten. The cursor then moves forward by compare-and-set.
"""

from __future__ import annotations

import io
import logging
from collections import defaultdict
from dataclasses import asdict
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
from botocore.exceptions import ClientError

from services.core.artifact_store import ArtifactStore
from services.core.settings import PlatformSettings, get_settings

from .settings import FeedbackStoreSettings, get_store_settings
from .store import FeedbackStore, StoredEvent

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
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), buffer, compression="zstd")
    return buffer.getvalue()


def by_date(events: list[StoredEvent]) -> dict[str, list[StoredEvent]]:
    days: dict[str, list[StoredEvent]] = defaultdict(list)
    for e in events:
        days[datetime.fromtimestamp(e.ts, UTC).strftime("%Y-%m-%d")].append(e)
    return dict(sorted(days.items()))


def object_key(prefix: str, day: str, first: int, last: int) -> str:
    name = f"events/date={day}/seq-{first:012d}-{last:012d}.parquet"
    return f"{prefix.strip('/')}/{name}" if prefix.strip("/") else name


def ship_to_s3(
    store: FeedbackStore, settings: FeedbackStoreSettings | None = None, platform: PlatformSettings | None = None
) -> list[str]:
    """Upload every event after the cursor; returns the keys this call created ([] when another ships)."""
    settings = settings or get_store_settings()
    if settings.s3_uri is None:
        raise ValueError("set ADSERVE_FEEDBACK_S3_URI=s3://bucket/prefix to ship feedback")
    bucket, _, prefix = settings.s3_uri.removeprefix("s3://").partition("/")
    client = ArtifactStore(platform or get_settings()).client
    created: list[str] = []
    with store.lease(CURSOR) as held:
        if not held:
            log.info("another shipper holds the lease; nothing to do")
            return created
        while True:
            state = store.cursor_state(CURSOR)
            if state.pending is None:
                head = store.read(state.seq, settings.ship_batch_size)
                if not head:
                    return created
                state = store.plan_batch(CURSOR, state.seq, head[-1].seq)
                if state.pending is None:  # the cursor moved under us: the lease was lost
                    return created
            events = store.read(state.seq, settings.ship_batch_size, upto_seq=state.pending)
            for day, chunk in by_date(events).items():
                key = object_key(prefix, day, state.seq + 1, state.pending)
                try:
                    client.put_object(
                        Bucket=bucket,
                        Key=key,
                        Body=to_parquet(chunk),
                        ContentType="application/vnd.apache.parquet",
                        IfNoneMatch="*",
                    )
                    created.append(key)
                except ClientError as exc:
                    if exc.response.get("Error", {}).get("Code") not in ("PreconditionFailed", "412"):
                        raise
                    log.info("s3://%s/%s exists (a retried batch): kept", bucket, key)
            if not store.advance_cursor(CURSOR, state.seq, state.pending):
                return created
            log.info("shipped feedback events %d-%d to s3://%s/%s", state.seq + 1, state.pending, bucket, prefix)
