"""Reading and writing the Parquet lake from Python (pyarrow), on local disk or S3.

The pandas engine writes the lake here; training reads it here whichever engine wrote it. The
layout and manifest are in ``manifest``; ``s3://`` goes through pyarrow's own S3 client with the
platform's S3 settings (``ADSERVE_S3_ENDPOINT_URL``, ``ADSERVE_S3_REGION``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs

from services.core.settings import get_settings

from .manifest import CLEAN_COLUMNS, INTERACTIONS, ITEMS, MANIFEST, PARTITION, SUCCESS, USERS, LakeManifest, join

# Rows are read back in one order whatever engine or partitioning wrote them (training is deterministic).
ROW_ORDER = ["ts", "invoice", "item_id", "user_id", "quantity", "price", "title", "country"]


class LakeNotReadyError(FileNotFoundError):
    """No lake at the path, or one whose writer has not finished (no ``_SUCCESS``)."""


def filesystem(uri: str) -> tuple[pafs.FileSystem, str]:
    """The filesystem of ``uri`` and the path on it (``s3://bucket/prefix`` → ``bucket/prefix``)."""
    if uri.startswith("s3://"):
        settings = get_settings()
        endpoint = settings.s3_endpoint_url
        options: dict[str, object] = {"region": settings.s3_region}
        if endpoint:
            scheme, _, host = endpoint.partition("://")
            options |= {"endpoint_override": host or scheme, "scheme": scheme if host else "https"}
        return pafs.S3FileSystem(**options), uri.removeprefix("s3://").rstrip("/")
    if "://" in uri:
        raise ValueError(f"unsupported lake or input location {uri!r} (a local path or s3://bucket/prefix)")
    return pafs.LocalFileSystem(), str(Path(uri).resolve())


def _write_bytes(fs: pafs.FileSystem, path: str, data: bytes) -> None:
    with fs.open_output_stream(path) as out:
        out.write(data)


def _exists(fs: pafs.FileSystem, path: str) -> bool:
    return fs.get_file_info(path).type != pafs.FileType.NotFound


def write_lake(
    lake: str, clean: pd.DataFrame, items: pd.DataFrame, users: pd.DataFrame, manifest: LakeManifest
) -> None:
    """Interactions partitioned by date, the item and user tables, the manifest, then ``_SUCCESS``."""
    fs, root = filesystem(lake)
    fs.create_dir(root, recursive=True)
    if _exists(fs, join(root, SUCCESS)):
        fs.delete_file(join(root, SUCCESS))
    for table in (INTERACTIONS, ITEMS, USERS):
        fs.delete_dir_contents(join(root, table), missing_dir_ok=True)
    rows = clean.loc[:, list(CLEAN_COLUMNS)].assign(**{PARTITION: clean["ts"].dt.strftime("%Y-%m-%d")})
    ds.write_dataset(
        pa.Table.from_pandas(rows, preserve_index=False),
        join(root, INTERACTIONS),
        filesystem=fs,
        format="parquet",
        partitioning=[PARTITION],
        partitioning_flavor="hive",
        basename_template="part-{i}.parquet",
        existing_data_behavior="overwrite_or_ignore",
    )
    for name, frame in ((ITEMS, items), (USERS, users)):
        ds.write_dataset(
            pa.Table.from_pandas(frame, preserve_index=False),
            join(root, name),
            filesystem=fs,
            format="parquet",
            basename_template="part-{i}.parquet",
            existing_data_behavior="overwrite_or_ignore",
        )
    _write_bytes(fs, join(root, MANIFEST), manifest.to_json().encode())
    _write_bytes(fs, join(root, SUCCESS), b"")


def read_manifest(lake: str) -> LakeManifest:
    fs, root = filesystem(lake)
    if not _exists(fs, join(root, SUCCESS)):
        state = (
            "is incomplete (no _SUCCESS: still being written, or its writer failed)"
            if _exists(fs, root)
            else "does not exist"
        )
        raise LakeNotReadyError(f"the lake at {lake} {state}")
    with fs.open_input_stream(join(root, MANIFEST)) as stream:
        return LakeManifest.from_json(stream.read().decode())


def _read_table(lake: str, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    fs, root = filesystem(lake)
    dataset = ds.dataset(join(root, name), filesystem=fs, format="parquet", partitioning="hive")
    return dataset.to_table(columns=columns).to_pandas()


def read_interactions(lake: str) -> tuple[pd.DataFrame, LakeManifest]:
    """The cleaned rows (the pandas path's columns and types) in a fixed order, and the manifest."""
    manifest = read_manifest(lake)
    frame = _read_table(lake, INTERACTIONS, list(CLEAN_COLUMNS))
    if len(frame) != manifest.rows_out:
        raise ValueError(f"the lake at {lake} holds {len(frame):,} rows; its manifest says {manifest.rows_out:,}")
    frame = frame.astype({"quantity": "int64", "price": "float64"})
    frame["ts"] = frame["ts"].astype("datetime64[us]")
    return frame.sort_values(ROW_ORDER, kind="stable").reset_index(drop=True), manifest


def read_items(lake: str) -> pd.DataFrame:
    read_manifest(lake)
    return _read_table(lake, ITEMS).sort_values("item_id").reset_index(drop=True)


def read_users(lake: str) -> pd.DataFrame:
    read_manifest(lake)
    return _read_table(lake, USERS).sort_values("user_id").reset_index(drop=True)
