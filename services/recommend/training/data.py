"""The recommender's training data: an ingested data set (``services.data``), read as interaction lines.

``--data DIR`` names the data set (``data ingest`` output); without it, the shipped default
(``DEFAULT_DATASET``, ingested through its adapter into ``var/data/`` on first use) is used.
The lines keep the trainer's column names: ``user_id``, ``item_id``, ``title``, ``price``, ``ts``,
``weight`` (the event weight), ``invoice`` (order id, when the data has one) and the users'
``country`` when the users table has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from services.data.dataset import Dataset, ensure_adapter_dataset

DEFAULT_DATASET = "online-retail-ii"


def ensure_dataset(name: str = DEFAULT_DATASET) -> Path:
    """The shipped data set ``name``, ingested through its adapter the first time it is asked for."""
    return ensure_adapter_dataset(name)


@dataclass
class TrainingData:
    lines: pd.DataFrame
    catalog: pd.DataFrame
    users: pd.DataFrame | None
    dataset: Dataset


def load_training_data(path: Path | None = None) -> TrainingData:
    """Interactions as trainer lines, the catalog and the users of an ingested data set."""
    dataset = Dataset.load(path or ensure_dataset())
    inter = dataset.interactions
    catalog = dataset.catalog
    users = dataset.users if dataset.has("users") else None
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
    return TrainingData(lines, catalog, users, dataset)
