"""One ingestion step: validate → clean → pseudonymize → a data set folder every training command reads.

The folder (written to a temporary sibling and renamed, so a failed run leaves nothing half-done):

* ``catalog.parquet``, ``users.parquet``, ``interactions.parquet``, ``reviews.parquet`` (those mapped)
* ``cleaning_report.json`` — rules and counts; ``validation.json`` — the validation report
* ``manifest.json`` — mapping, source files with SHA-256, row counts, the pseudonymization key's
  fingerprint, attribution and license

User ids are replaced by ``u_`` + 16 hex characters of HMAC-SHA256 under ``ADSERVE_PII_HMAC_KEY``
(``services.core.privacy.pseudonymize``, the same function and key serving uses), so raw customer
ids never reach the folder; review text is PII-scrubbed by cleaning.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from services.core.privacy import pseudonymize
from services.core.settings import get_settings

from .cleaning import CleaningReport, clean_all
from .contract import TABLES
from .mapping import Mapping, MappingError
from .validation import ValidationReport, validate

CONTRACT_VERSION = 1
MANIFEST = "manifest.json"


class InvalidDataError(ValueError):
    """Validation found problems (exit code 1); the report says which."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(f"{len(report.issues)} validation problem(s) in {report.mapping}")
        self.report = report


def _sha256(path: str) -> str | None:
    file = Path(path)
    if not file.is_file():
        return None
    digest = hashlib.sha256()
    with file.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run_conversion(mapping: Mapping, data_dir: Path, folder: Path) -> Path:
    """Run the adapter's conversion (``module:function(data_dir, out) -> None``) once into ``folder``."""
    assert mapping.convert is not None
    done = folder / ".done"
    if done.exists():
        return folder
    module_name, _, func_name = mapping.convert.partition(":")
    try:
        convert = getattr(importlib.import_module(module_name), func_name)
    except (ImportError, AttributeError) as exc:
        raise MappingError(f"{mapping.name}: conversion {mapping.convert!r} not found ({exc})") from None
    folder.mkdir(parents=True, exist_ok=True)
    convert(data_dir, folder)
    done.write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    return folder


def converted_dir(mapping: Mapping) -> Path:
    return get_settings().var_dir / "data" / "converted" / mapping.name


def _absolute_images(catalog: pd.DataFrame, source: str) -> pd.DataFrame:
    """Relative image URIs point next to the catalog file; stored absolute."""
    if "image_uri" not in catalog.columns or source.startswith("s3://"):
        return catalog
    base = Path(source).parent

    def absolute(uri: object) -> object:
        if not isinstance(uri, str) or "://" in uri or Path(uri).is_absolute():
            return uri
        return str((base / uri).resolve())

    return catalog.assign(image_uri=catalog["image_uri"].map(absolute))


def ingest(
    mapping: Mapping, out: Path, *, data_dir: Path | None = None, mapping_file: Path | None = None
) -> tuple[Path, CleaningReport, ValidationReport]:
    """Validate, clean and pseudonymize; write the data set folder ``out``. Raises ``InvalidDataError``."""
    settings = get_settings()
    data_dir = data_dir or settings.data_dir
    converted = run_conversion(mapping, data_dir, converted_dir(mapping)) if mapping.convert else None
    validated = validate(mapping, data_dir=data_dir, converted=converted)
    if not validated.report.ok:
        raise InvalidDataError(validated.report)
    frames, cleaning = clean_all(validated.frames, mapping)
    key = settings.hmac_key()
    for name in ("interactions", "users"):
        if name in frames:
            frame = frames[name]
            ids = frame["user_id"].astype("str")
            unique = {raw: pseudonymize(raw, key) for raw in ids.unique()}
            frames[name] = frame.assign(user_id=ids.map(unique).to_numpy())
    if "catalog" in frames and "catalog" in validated.files:
        frames["catalog"] = _absolute_images(frames["catalog"], validated.files["catalog"])

    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name in TABLES:
        if name in frames:
            frames[name].to_parquet(tmp / f"{name}.parquet", index=False)
    cleaning.write(tmp / "cleaning_report.json")
    validated.report.write(tmp / "validation.json")
    manifest: dict[str, Any] = {
        "contract_version": CONTRACT_VERSION,
        "name": mapping.name,
        "description": mapping.description,
        "attribution": mapping.attribution,
        "license": mapping.license,
        "mapping": {"file": str(mapping_file) if mapping_file else None, "content": mapping.model_dump(mode="json")},
        "sources": {name: {"file": file, "sha256": _sha256(file)} for name, file in validated.files.items()},
        "tables": {name: len(frames[name]) for name in TABLES if name in frames},
        "cleaning": asdict(cleaning),
        "pii_key_fingerprint": settings.hmac_key_fingerprint(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str))
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return out, cleaning, validated.report
