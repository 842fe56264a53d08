"""Reading a table's source file: CSV or Parquet, from a local path or ``s3://bucket/key``.

S3 goes through the platform's own client (``ArtifactStore.client``: same endpoint, region and
time-outs as the model store, ``ADSERVE_S3_*``). CSV is read as text (empty fields are missing,
the string ``NA`` stays a value); types are checked later, by validation, so a bad value is
reported with its row rather than failing the read.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd

from services.core.settings import PlatformSettings, get_settings


class SourceError(OSError):
    """A source file is missing, unreadable or not the format it claims (exit code 2)."""


def source_format(source: str, declared: str | None) -> str:
    if declared:
        return declared
    name = source.lower()
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
        return "csv"
    raise SourceError(f"{source}: cannot tell the format from the name; set 'format: csv' or 'format: parquet'")


def _s3_bytes(uri: str, settings: PlatformSettings) -> bytes:
    from botocore.exceptions import BotoCoreError, ClientError

    from services.core.artifact_store import ArtifactStore

    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not bucket or not key:
        raise SourceError(f"{uri}: an S3 source is s3://bucket/key")
    try:
        return ArtifactStore(settings).client.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as exc:
        raise SourceError(f"{uri}: {exc.response.get('Error', {}).get('Code', 'error')} from S3") from None
    except BotoCoreError as exc:
        raise SourceError(f"{uri}: S3 unreachable ({exc})") from None


def read_source(
    source: str,
    declared_format: str | None = None,
    csv_options: dict[str, Any] | None = None,
    settings: PlatformSettings | None = None,
) -> pd.DataFrame:
    """The raw table, with the file's own column names."""
    fmt = source_format(source, declared_format)
    handle: Any
    if source.startswith("s3://"):
        handle = io.BytesIO(_s3_bytes(source, settings or get_settings()))
        if fmt == "csv" and source.endswith(".gz"):
            csv_options = {"compression": "gzip", **(csv_options or {})}
    else:
        path = Path(source)
        if not path.is_file():
            raise SourceError(f"{source}: no such file")
        handle = path
    try:
        if fmt == "parquet":
            return pd.read_parquet(handle)
        options: dict[str, Any] = {"dtype": str, "keep_default_na": False, "na_values": [""], **(csv_options or {})}
        return pd.read_csv(handle, **options)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{source}: cannot read as {fmt} ({exc})") from None
