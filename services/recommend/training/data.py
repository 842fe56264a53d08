"""Reading the raw Online Retail II transactions (first sheet, 2009-2010; CC BY 4.0, D. Chen, UCI)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from services.core.settings import get_settings

DATASET = "online-retail-ii"
PARQUET = "online_retail_ii_2009_2010.parquet"
COLUMNS = ["Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price", "Customer ID", "Country"]


def dataset_path(data_dir: Path | None = None) -> Path:
    return (data_dir or get_settings().data_dir) / DATASET / PARQUET


def load_transactions(path: Path | None = None) -> pd.DataFrame:
    """The raw invoice lines, one row each, with the dataset's own column names."""
    path = path or dataset_path()
    if not path.exists():
        raise FileNotFoundError(f"Online Retail II not found at {path} (set ADSERVE_DATA_DIR)")
    frame = pd.read_parquet(path, columns=COLUMNS)
    return frame
