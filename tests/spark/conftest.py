"""One local Spark session for every Spark test, and a sample of the shipped transactions.

The sample keeps every row of a subset of stock codes (one in 40, and those with price outliers) (so each item's median price, canonical
description and duplicates are those of the full data) plus every non-product code; the
benchmark (scripts/bench/spark_pipeline.py) runs the full data and its replicas.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from services.data.spark.settings import DataSettings


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    from services.data.spark.runner import spark_session

    session = spark_session(DataSettings(spark_master="local[2]", spark_shuffle_partitions=2, spark_driver_memory="1g"))
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def raw_sample(shared_data: Path, session_dir: Path) -> Path:
    raw = pd.read_parquet(shared_data / "online-retail-ii" / "online_retail_ii_2009_2010.parquet")
    codes = raw["StockCode"].astype(str).str.strip().str.upper()
    product = codes.str.match(r"^\d{5}[A-Za-z]{0,2}$")
    chosen = set(sorted(codes[product].unique())[::40])
    # Plus the codes with price outliers (the rule removes only 79 rows of the full data).
    kept = raw.assign(code=codes)[raw["Customer ID"].notna() & (raw["Quantity"] > 0) & (raw["Price"] > 0)]
    ratio = kept["Price"] / kept.groupby("code")["Price"].transform("median")
    chosen |= set(kept.loc[(ratio > 10) | (ratio < 0.1), "code"])
    sample = raw[codes.isin(chosen) | ~product].reset_index(drop=True)
    path = session_dir / "spark" / "raw_sample.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    sample.to_parquet(path, index=False)
    return path
