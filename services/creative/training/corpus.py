"""Text the tiny pipeline's tokenizer is trained on: the catalog titles of an ingested data set.

By default the shipped Myntra styles adapter (``myntra-fashion-product-styles``), ingested on first
use, as the text generator's training reads it. Empty titles are skipped. The data set's lineage
(name, source files with their SHA-256, licence) goes into the model's metadata.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.data.dataset import Dataset, ensure_adapter_dataset

TITLE_DATASET = "myntra-fashion-product-styles"


def load_titles(
    data_dir: Path | None = None, limit: int | None = None, *, data: Path | None = None
) -> tuple[list[str], dict[str, Any]]:
    """Catalog titles and their lineage: from the ingested data set ``data``, or else the shipped
    Myntra adapter ingested from the raw data sets under ``data_dir``."""
    dataset = Dataset.load(data or ensure_adapter_dataset(TITLE_DATASET, data_dir))
    titles: list[str] = []
    for value in dataset.catalog["title"]:
        title = value.strip() if isinstance(value, str) else ""
        if title:
            titles.append(title)
            if limit is not None and len(titles) >= limit:
                break
    return titles, {**dataset.lineage(), "column": "title"}
