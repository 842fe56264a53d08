"""Parity of the Spark and pandas engines: counts per rule, cleaned rows, features and ids."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from services.core.privacy import pseudonymize
from services.core.settings import get_settings
from services.data.spark import lake as lake_io
from services.data.spark.runner import build_lake

pytestmark = pytest.mark.spark


def _lists(frame: pd.DataFrame) -> pd.DataFrame:
    if "tokens" in frame:
        frame = frame.assign(tokens=frame["tokens"].map(list))
    return frame


def _assert_same_lake(left: str, right: str) -> None:
    a, ma = lake_io.read_interactions(left)
    b, mb = lake_io.read_interactions(right)
    assert ma.cleaning_fields() == mb.cleaning_fields()
    assert (ma.partitions, ma.key_fingerprint) == (mb.partitions, mb.key_fingerprint)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(_lists(lake_io.read_items(left)), _lists(lake_io.read_items(right)))
    pd.testing.assert_frame_equal(lake_io.read_users(left), lake_io.read_users(right))


def test_shipped_sample_same_counts_rows_and_features(spark, raw_sample: Path, tmp_path: Path) -> None:
    pandas_manifest = build_lake(str(raw_sample), str(tmp_path / "pandas"), "pandas")
    spark_manifest = build_lake(str(raw_sample), str(tmp_path / "spark"), "spark", spark)
    assert spark_manifest.engine == "spark" and pandas_manifest.engine == "pandas"
    assert spark_manifest.removed == pandas_manifest.removed
    # The sample exercises the rules that remove rows on the shipped data.
    for rule in ("missing_customer", "cancellation", "non_product_code", "price_outlier", "duplicate"):
        assert spark_manifest.removed[rule] > 0, rule
    _assert_same_lake(str(tmp_path / "pandas"), str(tmp_path / "spark"))
    assert (tmp_path / "spark" / "_SUCCESS").exists()
    assert sorted(p.name for p in (tmp_path / "spark" / "interactions").iterdir())[0].startswith("date=")

    # Features as training computes them from the cleaned rows.
    from services.recommend.features import description_tokens, item_catalog, user_table

    clean, _ = lake_io.read_interactions(str(tmp_path / "spark"))
    items = lake_io.read_items(str(tmp_path / "spark"))
    expected = item_catalog(clean).sort_values("item_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(items[["item_id", "title", "price"]], expected)
    assert items["tokens"].map(list).tolist() == items["title"].map(description_tokens).tolist()
    users = user_table(clean).sort_values("user_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(lake_io.read_users(str(tmp_path / "spark")), users)


def test_edge_cases_same_as_pandas(spark, tmp_path: Path) -> None:
    """Missing values, spacing, ties, filled descriptions, outliers and duplicates on a hand-made table."""
    rows = [
        # Invoice, StockCode, Description, Quantity, InvoiceDate, Price, Customer ID, Country
        ("1", " 10001a ", " red  mug ", 2, "2010-01-01 10:00:00", 1.0, 12345.0, "France"),
        ("1", "10001A", "RED MUG", 2, "2010-01-01 10:00:00", 1.0, 12345.0, "France"),  # duplicate key
        ("2", "10001A", "red mug\u00a0", 1, "2010-01-02 10:00:00", 1.2, 12345.0, "Germany"),
        ("3", "10001A", None, 1, "2010-01-03 11:00:00", 1.1, 222.0, None),  # description filled
        ("4", "10001A", "Blue mug", 1, "2010-01-03 12:00:00", 50.0, 222.0, "Spain"),  # price outlier
        ("5", "10002", "TIE ONE", 1, "2010-01-04 09:00:00", 2.0, 222.0, "Spain"),
        ("6", "10002", "TIE TWO", 1, "2010-01-04 09:30:00", 2.0, 333.0, "Italy"),
        ("7", "10003", None, 1, "2010-01-05 09:00:00", 3.0, 333.0, "Italy"),  # no description anywhere
        ("C8", "10002", "TIE ONE", 1, "2010-01-05 09:00:00", 2.0, 333.0, "Italy"),
        ("9", "POST", "POSTAGE", 1, "2010-01-05 09:00:00", 18.0, 333.0, "Italy"),
        ("10", "10004", "Glass test tube", 1, "2010-01-05 09:00:00", 1.0, 333.0, "Italy"),
        ("11", "10002", "TIE ONE", 0, "2010-01-06 09:00:00", 2.0, 333.0, "Italy"),
        ("12", "10002", "TIE ONE", 1, "2010-01-06 09:00:00", 0.0, 333.0, "Italy"),
        ("14", "10002", "TIE ONE", 1, "2010-01-06 10:00:00", 2.0, math.nan, "Italy"),
        ("15", "10002", "   ", 1, "2010-01-07 10:00:00", 2.0, 444.0, "Italy"),
    ]
    columns = ["Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price", "Customer ID", "Country"]
    raw = pd.DataFrame(rows, columns=columns)
    source = tmp_path / "edge.parquet"
    raw.to_parquet(source, index=False)
    pandas_manifest = build_lake(str(source), str(tmp_path / "pandas"), "pandas")
    spark_manifest = build_lake(str(source), str(tmp_path / "spark"), "spark", spark)
    assert spark_manifest.cleaning_fields() == pandas_manifest.cleaning_fields()
    assert spark_manifest.filled_descriptions == 2  # row 3 (missing) and row 15 (blank, tie broken by first seen)
    assert all(spark_manifest.removed[r] for r in ("missing_customer", "cancellation", "missing_description"))
    _assert_same_lake(str(tmp_path / "pandas"), str(tmp_path / "spark"))


def test_pseudonyms_are_the_platform_ids(spark) -> None:
    from pyspark.sql import types as T

    from services.data.spark.pseudonym import pseudonymize as spark_pseudonymize

    key = get_settings().hmac_key()
    numbers = [12345.0, 13085.0, 0.0, 17.5, 99999.0]
    texts = [" 12345 ", "13085.0", "abc", "x.0", "", "Ünïcode-ïd"]
    pairs = [*zip(numbers, texts[:5], strict=True), (None, texts[5])]
    frame = spark.createDataFrame(pairs, "n double, t string")
    long_key = bytes(np.arange(100, dtype=np.uint8))  # longer than the hash block: hashed first, as HMAC does
    got = frame.select(
        spark_pseudonymize(frame["n"], T.DoubleType(), key).alias("n"),
        spark_pseudonymize(frame["t"], T.StringType(), key).alias("t"),
        spark_pseudonymize(frame["t"], T.StringType(), long_key).alias("t_long"),
    ).collect()
    for row, n, t in zip(got, [*numbers, None], texts, strict=True):
        if n is not None:
            assert row["n"] == pseudonymize(n, key)
        assert row["t"] == pseudonymize(t, key)
        assert row["t_long"] == pseudonymize(t, long_key)
