"""The layout of the Parquet lake and its manifest, the same whichever engine wrote it.

::

    <lake>/interactions/date=YYYY-MM-DD/*.parquet   cleaned rows (user_id, item_id, title, quantity,
                                                     price, ts, country, invoice), one folder a day
    <lake>/items/*.parquet                           item_id, title, price (median), tokens
    <lake>/users/*.parquet                           user_id, country
    <lake>/manifest.json                             row counts per rule and what wrote the lake
    <lake>/_SUCCESS                                  written last: a lake without it is incomplete

Standard library only: the Spark job imports this on EMR Serverless too.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

LAKE_FORMAT = "adserve-lake/1"
INTERACTIONS = "interactions"
ITEMS = "items"
USERS = "users"
MANIFEST = "manifest.json"
SUCCESS = "_SUCCESS"
PARTITION = "date"
CLEAN_COLUMNS: tuple[str, ...] = ("user_id", "item_id", "title", "quantity", "price", "ts", "country", "invoice")


@dataclass
class LakeManifest:
    """Row counts per cleaning rule (``CleaningReport``'s fields) and the lake's provenance."""

    engine: str
    source: str
    rows_in: int
    removed: dict[str, int] = field(default_factory=dict)
    filled_descriptions: int = 0
    rows_out: int = 0
    users: int = 0
    items: int = 0
    partitions: int = 0
    key_fingerprint: str = ""
    seconds: float = 0.0
    written_at: str = ""
    format: str = LAKE_FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> LakeManifest:
        data: dict[str, Any] = json.loads(text)
        if data.get("format") != LAKE_FORMAT:
            raise ValueError(f"not an {LAKE_FORMAT} manifest (format {data.get('format')!r})")
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def cleaning_fields(self) -> dict[str, Any]:
        """The fields of ``services.data.cleaning.CleaningReport``."""
        return {
            "rows_in": self.rows_in,
            "removed": dict(self.removed),
            "filled_descriptions": self.filled_descriptions,
            "rows_out": self.rows_out,
            "users": self.users,
            "items": self.items,
        }


def join(root: str, *parts: str) -> str:
    return "/".join([root.rstrip("/"), *parts])
