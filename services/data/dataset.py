"""Reading an ingested data set folder (``data ingest`` output) for training.

Every training command takes ``--data DIR``: recommend reads interactions, catalog and users,
the text generator the catalog, the summarizer the reviews, vision the catalog's images and
categories. A data set ingested under another pseudonymization key is refused, since its user ids
would never match the ones serving computes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from services.core.settings import get_settings

from .contract import CORE_COLUMNS, category_levels
from .ingest import MANIFEST


class DatasetError(ValueError):
    """The folder is not an ingested data set, lacks a table the command needs, or has another key."""


@dataclass
class Dataset:
    path: Path
    manifest: dict[str, Any] = field(repr=False)

    @classmethod
    def load(cls, path: Path, *, check_key: bool = True) -> Dataset:
        manifest_file = path / MANIFEST
        if not manifest_file.is_file():
            raise DatasetError(f"{path}: not an ingested data set (no {MANIFEST}); run `data ingest` first")
        manifest = json.loads(manifest_file.read_text())
        if check_key and manifest.get("tables", {}).get("interactions") is not None:
            expected = get_settings().hmac_key_fingerprint()
            if manifest.get("pii_key_fingerprint") != expected:
                raise DatasetError(
                    f"{path}: ingested under the pseudonymization key of fingerprint "
                    f"{manifest.get('pii_key_fingerprint')}, this environment's key has {expected}; "
                    "ingest again with the serving key (ADSERVE_PII_HMAC_KEY)"
                )
        return cls(path, manifest)

    @property
    def name(self) -> str:
        return str(self.manifest["name"])

    def has(self, table: str) -> bool:
        return (self.path / f"{table}.parquet").is_file()

    def table(self, name: str) -> pd.DataFrame:
        if not self.has(name):
            raise DatasetError(f"{self.path}: the data set has no {name} table (map one in the mapping file)")
        return pd.read_parquet(self.path / f"{name}.parquet")

    @cached_property
    def catalog(self) -> pd.DataFrame:
        return self.table("catalog")

    @cached_property
    def interactions(self) -> pd.DataFrame:
        return self.table("interactions")

    @cached_property
    def users(self) -> pd.DataFrame:
        return self.table("users")

    @cached_property
    def reviews(self) -> pd.DataFrame:
        return self.table("reviews")

    def lineage(self) -> dict[str, Any]:
        """What model metadata records about the data a model was trained on."""
        return {
            "dataset": self.name,
            "path": str(self.path),
            "attribution": self.manifest.get("attribution", ""),
            "license": self.manifest.get("license", ""),
            "sources": self.manifest.get("sources", {}),
            "tables": self.manifest.get("tables", {}),
            "ingested": self.manifest.get("created"),
        }


def item_attributes(catalog: pd.DataFrame) -> list[dict[str, str]]:
    """Per catalog row, its attributes (every non-contract column with a value) as text."""
    columns = [c for c in catalog.columns if c not in CORE_COLUMNS["catalog"]]
    records = catalog[columns].to_dict("records") if columns else [{} for _ in range(len(catalog))]
    return [
        {k: str(v) for k, v in rec.items() if v is not None and not (isinstance(v, float) and v != v)}
        for rec in records
    ]


def user_attributes(users: pd.DataFrame) -> list[dict[str, str]]:
    columns = [c for c in users.columns if c != "user_id"]
    records = users[columns].to_dict("records") if columns else [{} for _ in range(len(users))]
    return [
        {k: str(v) for k, v in rec.items() if v is not None and not (isinstance(v, float) and v != v)}
        for rec in records
    ]


def categories(catalog: pd.DataFrame) -> list[list[str]]:
    if "category" not in catalog.columns:
        return [[] for _ in range(len(catalog))]
    return [category_levels(c) for c in catalog["category"]]


def adapter_dataset_dir(name: str) -> Path:
    return get_settings().var_dir / "data" / name


def ensure_adapter_dataset(name: str, data_dir: Path | None = None) -> Path:
    """The shipped data set ``name`` (``var/data/<name>``), ingested through its adapter on first use."""
    from .adapters import adapter_path
    from .ingest import ingest
    from .mapping import load_mapping

    folder = adapter_dataset_dir(name)
    if not (folder / MANIFEST).is_file():
        mapping_file = adapter_path(name)
        ingest(load_mapping(mapping_file), folder, data_dir=data_dir, mapping_file=mapping_file)
    return folder
