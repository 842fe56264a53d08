"""The Spark job: a user's interactions export → contract columns (its mapping) → cleaned,
pseudonymized rows and features → the lake.

Runs in a local Spark session (``services.data.spark.runner``) or as an EMR Serverless job run
(``entry.py``, started by ``scripts/submit_spark.sh``). The mapping file's content comes as JSON
(``--mapping``, a file or object; ``contract.InteractionsMapping``). Input is CSV (``.csv``/``.csv.gz``) or
Parquet from any path Hadoop can open (a local folder or file, ``s3://`` on EMR); the output is
the lake described in ``manifest``: interactions partitioned by date, the item and user tables,
the manifest with the row counts per rule, then ``_SUCCESS``. Files are written through Hadoop's
``FileSystem``, so the same code writes local files and S3 objects.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import hmac
import os
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .cleaning import ROW, clean_rows, count_rules, mark_rules
from .contract import InteractionsMapping
from .features import item_table, user_table
from .manifest import CLEAN_COLUMNS, INTERACTIONS, ITEMS, MANIFEST, PARTITION, SUCCESS, USERS, LakeManifest, join

KEY_FINGERPRINT_MESSAGE = b"adserve/pii-hmac-key-fingerprint/v1"  # services.core.settings
MIN_KEY_BYTES = 32


def key_fingerprint(key: bytes) -> str:
    return hmac.new(key, KEY_FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()[:16]


def is_csv(source: str) -> bool:
    return source.rstrip("/").lower().endswith((".csv", ".csv.gz"))


def read_interactions(spark: SparkSession, source: str, mapping: InteractionsMapping) -> DataFrame:
    """The source in contract columns (CSV fields are read as text and cast like the pandas path)."""
    frame = spark.read.option("header", True).csv(source) if is_csv(source) else spark.read.parquet(source)
    return mapping.to_contract(frame)


class HadoopFiles:
    """Small files (manifest, marker) written and read through Hadoop's FileSystem of the lake's scheme."""

    def __init__(self, spark: SparkSession, root: str) -> None:
        sc = spark.sparkContext
        self._jvm = sc._jvm  # type: ignore[attr-defined]
        self._conf = sc._jsc.hadoopConfiguration()  # type: ignore[union-attr]
        self._fs = self._path(root).getFileSystem(self._conf)

    def _path(self, uri: str):  # type: ignore[no-untyped-def]
        return self._jvm.org.apache.hadoop.fs.Path(uri)

    def write(self, uri: str, data: bytes) -> None:
        out = self._fs.create(self._path(uri), True)
        try:
            out.write(bytearray(data))
        finally:
            out.close()

    def read(self, uri: str) -> bytes:
        stream = self._fs.open(self._path(uri))
        try:
            reader = self._jvm.java.io.ByteArrayOutputStream()
            self._jvm.org.apache.hadoop.io.IOUtils.copyBytes(stream, reader, 65536, False)
            return bytes(reader.toByteArray())
        finally:
            stream.close()

    def delete(self, uri: str) -> None:
        self._fs.delete(self._path(uri), False)


def write_lake(
    spark: SparkSession,
    source: str,
    lake: str,
    hmac_key: bytes,
    mapping: InteractionsMapping,
    outlier_factor: float | None = None,
) -> LakeManifest:
    """Clean ``source`` into ``lake`` with ``mapping`` (``outlier_factor`` overrides its cleaning option);
    returns the manifest written next to the data."""
    if outlier_factor is not None:
        mapping = dataclasses.replace(mapping, price_outlier_factor=outlier_factor)
    if len(hmac_key) < MIN_KEY_BYTES:
        raise ValueError(f"the pseudonymization key has {len(hmac_key)} bytes; at least {MIN_KEY_BYTES} needed")
    started = time.perf_counter()
    files = HadoopFiles(spark, lake)
    files.delete(join(lake, SUCCESS))  # readers never take a lake being rewritten for a complete one

    marked = mark_rules(read_interactions(spark, source, mapping), mapping).persist(StorageLevel.MEMORY_AND_DISK)
    counts = count_rules(marked)
    clean = clean_rows(marked, hmac_key).persist(StorageLevel.MEMORY_AND_DISK)
    totals = clean.agg(
        F.count(F.lit(1)).alias("rows"),
        F.countDistinct("user_id").alias("users"),
        F.countDistinct("item_id").alias("items"),
        F.countDistinct(F.to_date("ts")).alias("days"),
    ).first()
    assert totals is not None

    (
        clean.withColumn(PARTITION, F.date_format("ts", "yyyy-MM-dd"))
        .repartition(PARTITION)
        .sortWithinPartitions(ROW)
        .select(*CLEAN_COLUMNS, PARTITION)
        .write.mode("overwrite")
        .partitionBy(PARTITION)
        .parquet(join(lake, INTERACTIONS))
    )
    item_table(clean).coalesce(1).write.mode("overwrite").parquet(join(lake, ITEMS))
    user_table(clean).coalesce(1).write.mode("overwrite").parquet(join(lake, USERS))
    spark.catalog.clearCache()

    manifest = LakeManifest(
        engine="spark",
        source=source,
        rows_in=counts.rows_in,
        removed=counts.removed,
        filled_descriptions=counts.filled_descriptions,
        rows_out=int(totals["rows"]),
        users=int(totals["users"]),
        items=int(totals["items"]),
        partitions=int(totals["days"]),
        key_fingerprint=key_fingerprint(hmac_key),
        seconds=round(time.perf_counter() - started, 2),
        written_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),  # noqa: UP017 (EMR runs Python 3.9)
    )
    files.write(join(lake, MANIFEST), manifest.to_json().encode())
    files.write(join(lake, SUCCESS), b"")
    return manifest


def _key(spark: SparkSession, key_uri: str | None) -> bytes:
    if key_uri:
        return HadoopFiles(spark, key_uri).read(key_uri).strip()
    key = os.environ.get("ADSERVE_PII_HMAC_KEY", "").encode()
    if not key:
        raise SystemExit("no pseudonymization key: pass --hmac-key-uri or set ADSERVE_PII_HMAC_KEY")
    return key


def main(argv: Sequence[str] | None = None) -> int:
    """``spark-submit entry.py --input s3://.../raw.parquet --mapping s3://.../mapping.json --lake s3://.../lake
    --hmac-key-uri s3://.../key``."""
    parser = argparse.ArgumentParser(description="Clean an interactions export into the Parquet lake on Spark.")
    parser.add_argument("--input", required=True, help="CSV (.csv, .csv.gz) or Parquet file or folder")
    parser.add_argument("--mapping", required=True, help="the mapping file's content as JSON (file or object)")
    parser.add_argument("--lake", required=True, help="lake root folder (local path or s3://bucket/prefix)")
    parser.add_argument("--hmac-key-uri", help="object or file holding the pseudonymization key")
    parser.add_argument("--outlier-factor", type=float, default=None, help="override the mapping's factor")
    args = parser.parse_args(argv)
    spark = (
        SparkSession.builder.appName("adserve-data-lake")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
        .getOrCreate()
    )
    mapping = InteractionsMapping.from_json(HadoopFiles(spark, args.mapping).read(args.mapping).decode())
    manifest = write_lake(spark, args.input, args.lake, _key(spark, args.hmac_key_uri), mapping, args.outlier_factor)
    print(manifest.to_json(), file=sys.stdout, flush=True)
    return 0
