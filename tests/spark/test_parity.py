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


@pytest.fixture(scope="module")
def lakes(spark, raw_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The shipped sample cleaned into a lake by each engine."""
    root = tmp_path_factory.mktemp("lakes")
    for engine in ("pandas", "spark"):
        manifest = build_lake(str(raw_sample), str(root / engine), engine, spark)  # type: ignore[arg-type]
        assert manifest.engine == engine
    return {engine: str(root / engine) for engine in ("pandas", "spark")}


def test_shipped_sample_same_counts_rows_and_features(lakes: dict[str, str]) -> None:
    spark_manifest = lake_io.read_manifest(lakes["spark"])
    assert spark_manifest.removed == lake_io.read_manifest(lakes["pandas"]).removed
    # The sample exercises the rules that remove rows on the shipped data.
    for rule in ("missing_customer", "cancellation", "non_product_code", "price_outlier", "duplicate"):
        assert spark_manifest.removed[rule] > 0, rule
    _assert_same_lake(lakes["pandas"], lakes["spark"])
    spark_lake = Path(lakes["spark"])
    assert (spark_lake / "_SUCCESS").exists() and (spark_lake / "manifest.json").exists()
    days = sorted(p.name for p in (spark_lake / "interactions").iterdir() if not p.name.startswith("."))
    assert len(days) == spark_manifest.partitions and days[0].startswith("date=20")

    # Features as training computes them from the cleaned rows.
    from services.recommend.features import description_tokens, item_catalog, user_table

    clean, _ = lake_io.read_interactions(lakes["spark"])
    items = lake_io.read_items(lakes["spark"])
    expected = item_catalog(clean).sort_values("item_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(items[["item_id", "title", "price"]], expected)
    assert items["tokens"].map(list).tolist() == items["title"].map(description_tokens).tolist()
    users = user_table(clean).sort_values("user_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(lake_io.read_users(lakes["spark"]), users)


def test_training_reads_the_lake_whichever_engine_wrote_it(lakes: dict[str, str], session_dir: Path) -> None:
    from services.recommend.training.data import load_lake_training_data
    from services.recommend.training.pipeline import run_training
    from services.recommend.training.trainer import TrainConfig

    from_pandas = load_lake_training_data(lakes["pandas"])
    from_spark = load_lake_training_data(lakes["spark"])
    pd.testing.assert_frame_equal(from_pandas.lines, from_spark.lines)
    pd.testing.assert_frame_equal(from_pandas.catalog, from_spark.catalog)
    pd.testing.assert_frame_equal(from_pandas.users, from_spark.users)
    assert from_pandas.cleaning == from_spark.cleaning
    assert from_spark.lineage["source"].endswith("raw_sample.parquet")
    assert from_spark.lineage["engine"] == "spark" and "tokens" not in from_spark.catalog
    # The trainer's columns, as an ingested data set gives them.
    assert {"user_id", "item_id", "title", "price", "ts", "weight", "event", "invoice", "country"} <= set(
        from_spark.lines
    )
    assert set(from_spark.lines["event"]) == {"purchase"} and from_spark.lines["weight"].eq(1.0).all()

    cfg = TrainConfig(search_trials=1, bootstrap_resamples=100, use_embeddings=False, num_threads=1, clusters=4)
    model = run_training(cfg, max_users=120, report_dir=session_dir / "reports" / "lake", lake=lakes["spark"])
    assert model.info.metadata["lineage"]["lake"] == lakes["spark"]
    assert model.info.metadata["cleaning"] == from_spark.cleaning["removed"]
    with pytest.raises(ValueError, match="not both"):
        run_training(cfg, data=session_dir, lake=lakes["spark"])


def test_incomplete_lake_and_other_key_are_refused(lakes: dict[str, str], tmp_path: Path) -> None:
    import shutil

    from services.data.spark.manifest import LakeManifest
    from services.recommend.training.data import load_lake_training_data

    copy = tmp_path / "lake"
    shutil.copytree(lakes["spark"], copy)
    manifest = LakeManifest.from_json((copy / "manifest.json").read_text())
    manifest.key_fingerprint = "0" * 16
    (copy / "manifest.json").write_text(manifest.to_json())
    with pytest.raises(ValueError, match="another key"):
        load_lake_training_data(str(copy))
    (copy / "_SUCCESS").unlink()
    with pytest.raises(lake_io.LakeNotReadyError, match="incomplete"):
        load_lake_training_data(str(copy))


def test_missing_columns_are_named_by_both_engines(spark, tmp_path: Path) -> None:
    source = tmp_path / "partial.csv"
    source.write_text("Invoice,StockCode,Quantity\n1,10001,2\n")
    for engine in ("pandas", "spark"):
        with pytest.raises(ValueError, match=r"lacks the columns \[") as error:
            build_lake(str(source), str(tmp_path / engine), engine, spark)  # type: ignore[arg-type]
        named = str(error.value).split("columns ", 1)[1].split("]", 1)[0]
        for column in ("Description", "InvoiceDate", "Price", "Customer ID", "Country"):
            assert f"'{column}'" in named, (engine, column)


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


OTHER_MAPPING = """\
name: bookshop-orders
description: a bookshop's order export with its own column names and event values (test data)
tables:
  interactions:
    source: orders.csv
    columns: {user_id: reader, item_id: isbn, title: book, quantity: copies, price: unit_eur,
              timestamp: ordered, order_id: basket, event: status}
    attributes: {country: shop}
    events: {paid: purchase, refunded: cancel}
    timestamp_format: "%d.%m.%Y %H:%M"
cleaning:
  item_id_pattern: '^97[89]\\d{10}$'
  excluded_title_words: [GIFTCARD]
  price_outlier_factor: 5
"""


def test_another_export_with_its_own_mapping_gives_the_same_lake(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """No column name of the shipped data set: a bookshop's CSV through its own mapping file."""
    rows = ["reader,isbn,book,copies,unit_eur,ordered,basket,status,shop"]
    for n in range(120):
        isbn = f"97800000000{n % 12:02d}"
        title = f"  book   number {n % 12}" if n % 5 else f"Book Number {n % 12}"
        price = 99.0 if n == 7 else 10.0 + n % 12
        reader = "" if n == 3 else f"R{n % 9}"
        status = "refunded" if n % 17 == 0 else "paid"
        rows.append(
            f"{reader},{isbn},{title},{1 + n % 3},{price},{1 + n % 28:02d}.03.2025 1{n % 10}:00,B{n // 2},{status},{'DE' if n % 4 else 'AT'}"
        )
    rows.append(rows[2])  # a duplicate line
    rows.append("R2,GIFT-10,GIFTCARD 10,1,10.0,06.03.2025 10:00,B90,paid,DE")  # not a product
    (tmp_path / "orders.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "mapping.yaml").write_text(OTHER_MAPPING)
    source = str(tmp_path / "orders.csv")
    manifests = {
        engine: build_lake(source, str(tmp_path / engine), engine, spark, mapping_file=tmp_path / "mapping.yaml")  # type: ignore[arg-type]
        for engine in ("pandas", "spark")
    }
    removed = manifests["spark"].removed
    assert removed == manifests["pandas"].removed
    for rule in ("missing_customer", "cancellation", "non_product_code", "price_outlier", "duplicate"):
        assert removed[rule] > 0, (rule, removed)
    _assert_same_lake(str(tmp_path / "pandas"), str(tmp_path / "spark"))
    clean, _ = lake_io.read_interactions(str(tmp_path / "spark"))
    assert set(clean["country"]) == {"DE", "AT"} and clean["item_id"].str.startswith("978").all()
