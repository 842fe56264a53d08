"""The recommender's training data: an ingested data set (``services.data``), read as interaction lines.

``--data DIR`` names the data set (``data ingest`` output); without it, the shipped default
(``DEFAULT_DATASET``, ingested through its adapter into ``var/data/`` on first use) is used.
``--lake URI`` reads the same tables from a Parquet lake instead (``services.data.spark``, written
by either engine; its reader refuses a lake without ``_SUCCESS`` or with missing rows).
The lines keep the trainer's column names: ``user_id``, ``item_id``, ``title``, ``price``, ``ts``,
``weight`` (the event weight), ``invoice`` (order id, when the data has one) and the users'
``country`` when the users table has one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from services.core.settings import get_settings
from services.data.contract import DEFAULT_EVENT_WEIGHTS
from services.data.dataset import Dataset, DatasetError, ensure_adapter_dataset

DEFAULT_DATASET = "online-retail-ii"


def ensure_dataset(name: str = DEFAULT_DATASET) -> Path:
    """The shipped data set ``name``, ingested through its adapter the first time it is asked for."""
    return ensure_adapter_dataset(name)


@dataclass
class TrainingData:
    lines: pd.DataFrame
    catalog: pd.DataFrame
    users: pd.DataFrame | None
    name: str
    cleaning: dict[str, Any] = field(default_factory=dict)
    """The counts of the cleaning rules (``services.data.cleaning.CleaningReport``'s fields)."""
    lineage: dict[str, Any] = field(default_factory=dict)
    """What model metadata records about the data (``Dataset.lineage`` or the lake's provenance)."""


def load_training_data(path: Path | None = None) -> TrainingData:
    """Interactions as trainer lines, the catalog and the users of an ingested data set."""
    dataset = Dataset.load(path or ensure_dataset())
    users = dataset.users if dataset.has("users") else None
    lines = training_lines(dataset.interactions, dataset.catalog, users)
    return TrainingData(
        lines, dataset.catalog, users, dataset.name, dataset.manifest.get("cleaning", {}), dataset.lineage()
    )


def load_lake_training_data(lake: str) -> TrainingData:
    """The same tables from a lake (local path or ``s3://``) written by either engine of ``services.data.spark``.

    The lake holds the clean order lines of the runner's adapter (all purchases once cancellations are
    removed), its item table (``tokens`` left out: the trainer makes its own text features) and its users.
    A lake whose ids were pseudonymized with another key is refused: serving would refuse the model.
    """
    from services.data.adapters import adapter_path
    from services.data.mapping import load_mapping
    from services.data.spark import lake as lake_io
    from services.data.spark.runner import ADAPTER, default_source

    clean, manifest = lake_io.read_interactions(lake)
    if manifest.key_fingerprint != get_settings().hmac_key_fingerprint():
        raise DatasetError(
            f"the lake at {lake} was pseudonymized with another key (fingerprint {manifest.key_fingerprint}); "
            "set ADSERVE_PII_HMAC_KEY to the key that wrote it"
        )
    mapping = load_mapping(adapter_path(ADAPTER))
    weights = {**DEFAULT_EVENT_WEIGHTS, **mapping.cleaning.event_weights}
    interactions = pd.DataFrame(
        {
            "user_id": clean["user_id"].to_numpy(),
            "item_id": clean["item_id"].to_numpy(),
            "timestamp": clean["ts"].to_numpy(),
            "event": "purchase",
            "quantity": clean["quantity"].to_numpy(np.float64),
            "weight": weights["purchase"],
            "price": clean["price"].to_numpy(np.float64),
            "title": clean["title"].to_numpy(),
            "order_id": clean["invoice"].to_numpy(),
        }
    )
    catalog = lake_io.read_items(lake).drop(columns=["tokens"], errors="ignore")
    users = lake_io.read_users(lake)
    shipped = manifest.source == default_source()
    lineage = {
        "dataset": f"lake ({mapping.name} mapping)",
        "lake": lake,
        "engine": manifest.engine,
        "source": manifest.source,
        "attribution": mapping.attribution if shipped else "",
        "license": mapping.license if shipped else "",
        "tables": {"catalog": len(catalog), "users": len(users), "interactions": len(interactions)},
        "written": manifest.written_at,
    }
    return TrainingData(
        training_lines(interactions, catalog, users),
        catalog,
        users,
        f"lake {lake} ({manifest.engine})",
        manifest.cleaning_fields(),
        lineage,
    )


def training_lines(inter: pd.DataFrame, catalog: pd.DataFrame, users: pd.DataFrame | None) -> pd.DataFrame:
    """Contract interactions as trainer lines: titles and prices filled from the catalog, the users' country."""
    lines = pd.DataFrame(
        {
            "user_id": inter["user_id"].to_numpy(),
            "item_id": inter["item_id"].to_numpy(),
            "title": inter["title"].to_numpy() if "title" in inter else None,
            "price": inter["price"].to_numpy(np.float64) if "price" in inter else np.nan,
            "ts": pd.to_datetime(inter["timestamp"]).to_numpy(),
            "weight": inter["weight"].to_numpy(np.float64),
            "event": inter["event"].to_numpy(),
        }
    )
    if "order_id" in inter:
        lines["invoice"] = inter["order_id"].to_numpy()
    by_item = catalog.set_index("item_id")
    lines["title"] = lines["title"].fillna(lines["item_id"].map(by_item["title"]))
    if "price" in by_item:
        lines["price"] = lines["price"].fillna(lines["item_id"].map(by_item["price"]))
    if users is not None and "country" in users.columns:
        lines["country"] = lines["user_id"].map(users.set_index("user_id")["country"]).fillna("Unspecified").to_numpy()
    return lines
