"""The durable log of catalog items added at run time, shared by every worker and replica.

``POST /catalog_items`` writes one JSON document per call (``{"at": …, "items": [...]}``) before
it answers, so an acknowledged addition survives a restart and reaches every process: each worker
polls the log (``ADSERVE_RECOMMEND_CATALOG_POLL_S``) and folds the items its served model lacks
into it, which also carries the additions over to a newly swapped-in model version (an item the
new version was trained with is left as trained).

Where the log lives is ``ADSERVE_RECOMMEND_CATALOG_LOG``: a local folder (default
``var/catalog-additions``, for one host) or ``s3://bucket/prefix`` (every replica of a
deployment), written with ``If-None-Match`` so a document is never overwritten. Document names
sort by time (``<epoch ms>-<uuid>.json``); the log holds at most ``catalog_log_max_items`` items.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.core.artifact_store import ArtifactStore
from services.core.settings import PlatformSettings, get_settings

from .schemas import CatalogItem
from .settings import RecommendSettings, get_recommend_settings

log = logging.getLogger(__name__)


class CatalogLogError(RuntimeError):
    """The log could not be written or read (the addition is not acknowledged)."""


class CatalogLogFull(CatalogLogError):
    """The log holds its maximum number of items."""


@dataclass
class CatalogLog:
    """Append-only documents in a folder or an S3 prefix; ``read_new`` returns the unseen ones in order."""

    location: str
    max_items: int
    platform: PlatformSettings = field(default_factory=get_settings)
    _seen: set[str] = field(default_factory=set)
    _items: dict[str, CatalogItem] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _store: ArtifactStore | None = None  # one S3 client for every poll

    @classmethod
    def from_settings(
        cls, settings: RecommendSettings | None = None, platform: PlatformSettings | None = None
    ) -> CatalogLog:
        settings = settings or get_recommend_settings()
        platform = platform or get_settings()
        location = settings.catalog_log or str(platform.var_dir / "catalog-additions")
        return cls(location, settings.catalog_log_max_items, platform)

    @property
    def on_s3(self) -> bool:
        return self.location.startswith("s3://")

    def _s3(self, name: str = "") -> tuple[ArtifactStore, str, str]:
        """The store, the bucket and the key of ``name`` (the prefix itself, with a slash, for ``""``)."""
        if self._store is None:
            self._store = ArtifactStore(self.platform)
        bucket, _, prefix = self.location.removeprefix("s3://").partition("/")
        prefix = prefix.strip("/")
        return self._store, bucket, f"{prefix}/{name}" if prefix else name

    # ------------------------------------------------------------------ writing
    def append(self, items: Sequence[CatalogItem]) -> str:
        """Write one document with ``items``; returns its name once it is stored."""
        self.read_new()
        with self._lock:
            fresh = {i.item_id for i in items} - set(self._items)
            if len(self._items) + len(fresh) > self.max_items:
                raise CatalogLogFull(
                    f"the catalog-additions log holds {len(self._items)} items and at most {self.max_items}; "
                    "add the items to the catalog and ingest it again"
                )
        name = f"{int(time.time() * 1000):015d}-{uuid.uuid4().hex}.json"
        body = json.dumps({"at": time.time(), "items": [i.model_dump(mode="json") for i in items]}).encode()
        try:
            self._write(name, body)
        except Exception as exc:
            raise CatalogLogError(f"catalog additions not stored in {self.location}: {exc}") from exc
        return name

    def _write(self, name: str, body: bytes) -> None:
        if self.on_s3:
            store, bucket, key = self._s3(name)
            store.call(
                f"s3://{bucket}/{key}",
                lambda: store.client.put_object(
                    Bucket=bucket, Key=key, Body=body, ContentType="application/json", IfNoneMatch="*"
                ),
            )
            return
        folder = Path(self.location)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{name}.tmp"
        with tmp.open("wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / name)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)  # the rename itself survives a power cut
        finally:
            os.close(fd)

    # ------------------------------------------------------------------ reading
    def _names(self) -> list[str]:
        if self.on_s3:
            store, bucket, prefix = self._s3()
            names: list[str] = []
            pages = store.client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
            for page in store.call(f"list {self.location}", lambda: list(pages)):
                names += [o["Key"].rsplit("/", 1)[-1] for o in page.get("Contents", [])]
            return sorted(n for n in names if n.endswith(".json"))
        folder = Path(self.location)
        return sorted(p.name for p in folder.glob("*.json")) if folder.is_dir() else []

    def _read(self, name: str) -> dict[str, Any]:
        if self.on_s3:
            store, bucket, key = self._s3(name)
            obj = store.call(f"s3://{bucket}/{key}", lambda: store.client.get_object(Bucket=bucket, Key=key))
            return dict(json.loads(obj["Body"].read()))
        return dict(json.loads((Path(self.location) / name).read_text()))

    def read_new(self) -> list[CatalogItem]:
        """Items of the documents not read before, in write order (the first entry of an id wins)."""
        with self._lock:
            new: list[CatalogItem] = []
            for name in self._names():
                if name in self._seen:
                    continue
                try:
                    doc = self._read(name)
                    items = [CatalogItem.model_validate(i) for i in doc.get("items", [])]
                except (OSError, ValueError) as exc:  # a document that cannot be used is logged and skipped
                    log.warning("catalog additions %s/%s skipped: %s", self.location, name, exc)
                    self._seen.add(name)
                    continue
                self._seen.add(name)
                for item in items:
                    if item.item_id not in self._items:
                        self._items[item.item_id] = item
                        new.append(item)
            return new

    def items(self) -> list[CatalogItem]:
        """Every item of the log read so far, in write order."""
        with self._lock:
            return list(self._items.values())
