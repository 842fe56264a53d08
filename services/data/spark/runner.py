"""Build the lake with the configured engine: pandas (embedded default) or Spark (local session).

``build_lake(source, lake, engine)`` takes the same inputs whichever engine runs: the raw
transactions (the shipped Parquet file by default, or any CSV/Parquet path or ``s3://`` URI), the
lake root, and the pseudonymization key from the platform settings. Both engines write the same
lake (``manifest``) with the same ids, rows, counts and features.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow.parquet as pq

from services.core.settings import get_settings

from . import lake as lake_io
from .manifest import LakeManifest
from .settings import DataSettings, Engine, get_data_settings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from services.data.mapping import Mapping

ADAPTER = "online-retail-ii"
"""The adapter whose mapping the lake is built with when none is given (the shipped data)."""


def lake_mapping(mapping_file: Path | None = None) -> Mapping:
    """The mapping file ``mapping_file`` (a user's own export), or the shipped adapter's."""
    from services.data.adapters import adapter_path
    from services.data.mapping import load_mapping

    return load_mapping(mapping_file or adapter_path(ADAPTER))


def default_source(mapping: Mapping | None = None) -> str:
    mapping = mapping or lake_mapping()
    source = mapping.tables["interactions"].source
    if source is None:
        raise ValueError(f"mapping {mapping.name!r}: its interactions table has no source file")
    return mapping.resolve(source, data_dir=get_settings().data_dir)


def source_columns(mapping: Mapping | None = None) -> list[str]:
    spec = (mapping or lake_mapping()).tables["interactions"]
    return list(
        dict.fromkeys([*spec.columns.values(), *spec.attributes.values(), *(p.column for p in spec.event_patterns)])
    )


def load_raw(source: str, mapping: Mapping | None = None) -> pd.DataFrame:
    """The interactions export from a CSV or Parquet file, local or on S3, with the mapped columns checked.

    CSV fields are read as text (only empty fields are missing, as Spark's CSV reader does), except
    the user id, quantity and price, whose numbers the contract parses.
    """
    mapping = mapping or lake_mapping()
    spec = mapping.tables["interactions"]
    columns = source_columns(mapping)
    numeric = {spec.columns.get(c, c) for c in ("user_id", "quantity", "price")}
    fs, path = lake_io.filesystem(source)
    if source.rstrip("/").lower().endswith((".csv", ".csv.gz")):
        text = {c: str for c in columns if c not in numeric}
        with fs.open_input_stream(path, compression="detect") as stream:
            frame = pd.read_csv(stream, dtype=text, keep_default_na=False, na_values=[""])
    else:
        frame = pq.read_table(path, filesystem=fs).to_pandas()
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{source} lacks the columns {missing} named by mapping {mapping.name!r} (has {list(frame.columns)})"
        )
    return frame.loc[:, columns]


def clean_transactions(  # type: ignore[no-untyped-def]
    raw: pd.DataFrame, hmac_key: bytes, outlier_factor: float | None, mapping: Mapping | None = None
):
    """The contract's cleaning (``services.data.cleaning``, the mapping's options) in the lake's columns."""
    import numpy as np

    from services.core.privacy import pseudonymize
    from services.data.cleaning import clean_interactions
    from services.data.validation import ValidationReport, apply_mapping

    mapping = mapping or lake_mapping()
    report = ValidationReport(mapping.name)
    frame = apply_mapping("interactions", raw, mapping.tables["interactions"], "source", report)
    if frame is None or not report.ok:
        raise ValueError(report.table())
    options = mapping.cleaning
    if outlier_factor is not None:
        options = options.model_copy(update={"price_outlier_factor": outlier_factor})
    lines, cleaning = clean_interactions(frame, options)
    keys = {u: pseudonymize(u, hmac_key) for u in lines["user_id"].unique()}
    clean = pd.DataFrame(
        {
            "user_id": lines["user_id"].map(keys).to_numpy(),
            "item_id": lines["item_id"].to_numpy(),
            "title": lines["title"].to_numpy(),
            "quantity": lines["quantity"].to_numpy(dtype=np.int64),
            "price": lines["price"].to_numpy(dtype=np.float64),
            "ts": lines["timestamp"].to_numpy(),
            "country": lines["country"].fillna("Unspecified").astype(str).to_numpy(),
            "invoice": lines["order_id"].to_numpy(),
        }
    )
    return clean, cleaning


def pandas_lake(
    source: str, lake: str, hmac_key: bytes, outlier_factor: float | None, mapping: Mapping | None = None
) -> LakeManifest:

    from services.recommend.features import description_tokens, item_catalog, user_table

    started = time.perf_counter()
    mapping = mapping or lake_mapping()
    clean, report = clean_transactions(load_raw(source, mapping), hmac_key, outlier_factor, mapping)
    items = item_catalog(clean)
    items["tokens"] = items["title"].map(description_tokens)
    users = user_table(clean)
    manifest = LakeManifest(
        engine="pandas",
        source=source,
        rows_in=report.rows_in,
        removed=dict(report.removed),
        filled_descriptions=report.filled_descriptions,
        rows_out=report.rows_out,
        users=report.users,
        items=report.items,
        partitions=int(clean["ts"].dt.normalize().nunique()),
        key_fingerprint=get_settings().hmac_key_fingerprint(),
    )
    manifest.seconds = round(time.perf_counter() - started, 2)
    manifest.written_at = datetime.now(UTC).isoformat(timespec="seconds")
    lake_io.write_lake(lake, clean, items, users, manifest)
    return manifest


def spark_session(settings: DataSettings | None = None) -> SparkSession:
    """A local Spark session (``ADSERVE_DATA_SPARK_MASTER``, default ``local[2]``) set up like the EMR job."""
    from pyspark.sql import SparkSession

    settings = settings or get_data_settings()
    builder = (
        SparkSession.builder.master(settings.spark_master)
        .appName("adserve-data-lake")
        .config("spark.driver.memory", settings.spark_driver_memory)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(settings.spark_shuffle_partitions))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
    )
    if settings.spark_jars:
        builder = builder.config("spark.jars", settings.spark_jars)
        # s3:// as on EMR, through the s3a connector, against ADSERVE_S3_ENDPOINT_URL when set.
        builder = builder.config("spark.hadoop.fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem")
        endpoint = get_settings().s3_endpoint_url
        if endpoint:
            builder = builder.config("spark.hadoop.fs.s3a.endpoint", endpoint).config(
                "spark.hadoop.fs.s3a.path.style.access", "true"
            )
    return builder.getOrCreate()


def spark_location(uri: str, settings: DataSettings) -> str:
    """A path Spark can open: local paths made absolute; ``s3://`` only with the connector jars configured."""
    if uri.startswith("s3://"):
        if not settings.spark_jars:
            raise ValueError(
                f"{uri}: a local Spark session reads and writes S3 only through the hadoop-aws (s3a) connector; "
                "set ADSERVE_DATA_SPARK_JARS to its jars (EMR Serverless has S3 built in)"
            )
        return uri
    return str(Path(uri).resolve())


def spark_lake(
    source: str,
    lake: str,
    hmac_key: bytes,
    outlier_factor: float | None,
    spark: SparkSession | None = None,
    mapping: Mapping | None = None,
) -> LakeManifest:
    from .contract import InteractionsMapping
    from .job import write_lake

    settings = get_data_settings()
    source_at, lake_at = spark_location(source, settings), spark_location(lake, settings)
    job_mapping = InteractionsMapping.from_mapping((mapping or lake_mapping()).model_dump(mode="json"))
    return write_lake(spark or spark_session(settings), source_at, lake_at, hmac_key, job_mapping, outlier_factor)


def build_lake(
    source: str | None = None,
    lake: str | None = None,
    engine: Engine | None = None,
    spark: SparkSession | None = None,
    mapping_file: Path | None = None,
) -> LakeManifest:
    """Clean ``source`` (default: the mapping's interactions file) into ``lake`` (default
    ``ADSERVE_DATA_LAKE``) with ``engine``; ``mapping_file``: a user's mapping (default: the shipped data's)."""
    settings = get_data_settings()
    engine = engine or settings.engine
    mapping = lake_mapping(mapping_file)
    source = source or default_source(mapping)
    lake = lake or settings.lake_root()
    key = get_settings().hmac_key()
    if engine == "spark":
        return spark_lake(source, lake, key, settings.outlier_factor, spark, mapping)
    if engine == "pandas":
        return pandas_lake(source, lake, key, settings.outlier_factor, mapping)
    raise ValueError(f"unknown data engine {engine!r} (pandas or spark)")
