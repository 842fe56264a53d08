"""End-to-end training entry point used by the CLI and the test suite: raw data → BentoML model."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import bentoml
import pandas as pd

from services.core.archive_check import sha256_file
from services.core.settings import get_settings

from ..artifacts import PII_KEY_FINGERPRINT, save_model
from .cleaning import CleaningReport, clean_transactions
from .data import dataset_path, load_transactions
from .reports import metrics_table, write_report
from .trainer import TrainConfig, train_pipeline

log = logging.getLogger(__name__)


def _metadata_safe(value: Any) -> Any:
    """BentoML metadata takes basic types only: drop None, turn numpy scalars into Python ones."""
    if isinstance(value, dict):
        return {str(k): _metadata_safe(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_metadata_safe(v) for v in value if v is not None]
    if hasattr(value, "item"):
        return value.item()
    return value


def subsample(clean: pd.DataFrame, max_users: int, seed: int = 0) -> pd.DataFrame:
    """The purchases of a random subset of users (fast test models)."""
    users = clean["user_id"].drop_duplicates().sample(frac=1.0, random_state=seed).head(max_users)
    return clean[clean["user_id"].isin(set(users))].reset_index(drop=True)


def clean_from_lake(lake: str) -> tuple[pd.DataFrame, CleaningReport, Path]:
    """The cleaned rows and cleaning counts of a lake written by either engine (``services.data.spark``).

    Refuses a lake whose ids were pseudonymized with another key: serving would refuse the model.
    """
    from services.data.spark.lake import read_interactions

    clean, manifest = read_interactions(lake)
    if manifest.key_fingerprint != get_settings().hmac_key_fingerprint():
        raise ValueError(
            f"the lake at {lake} was pseudonymized with another key (fingerprint {manifest.key_fingerprint}); "
            "set ADSERVE_PII_HMAC_KEY to the key that wrote it"
        )
    return clean, CleaningReport(**manifest.cleaning_fields()), Path(manifest.source)


def run_training(
    cfg: TrainConfig,
    *,
    max_users: int | None = None,
    report_dir: Path | None = None,
    raw: pd.DataFrame | None = None,
    embed: bool = True,
    lake: str | None = None,
) -> bentoml.Model:
    """Train and save ``recommend-lightfm``: from the raw data (cleaned here) or from a lake (``lake``)."""
    settings = get_settings()
    t0 = time.perf_counter()
    source = dataset_path()
    if lake is not None:
        clean, cleaning, source = clean_from_lake(lake)
    else:
        raw = load_transactions(source) if raw is None else raw
        clean, cleaning = clean_transactions(raw, settings.hmac_key())
    print(cleaning.table(), flush=True)
    if max_users:
        clean = subsample(clean, max_users, cfg.seed)
    embed_fn = None
    if embed and cfg.use_embeddings:
        from services.core.embeddings import embed_texts

        def embed_fn(texts: list[str]):  # type: ignore[no-untyped-def]
            return embed_texts(texts, show_progress=True)

    result = train_pipeline(clean, cfg, embed_fn)
    result.report["cleaning"] = asdict(cleaning)
    result.report["train_config"] = asdict(cfg)
    lineage = {
        "dataset": "Online Retail II (UCI, D. Chen, CC BY 4.0)",
        "file": source.name,
        "sha256": sha256_file(source) if source.exists() else None,
        "rows_raw": cleaning.rows_in,
        "rows_clean": cleaning.rows_out,
        "users_sampled": max_users,
        "lake": lake,
    }
    metadata = _metadata_safe(
        {
            **result.recommender.metadata,
            "lineage": lineage,
            "cleaning": cleaning.removed,
            # Which key pseudonymized the training ids: serving refuses a model made with another key.
            PII_KEY_FINGERPRINT: settings.hmac_key_fingerprint(),
        }
    )
    folder = report_dir or settings.var_dir / "reports" / "recommend"
    write_report(result.report, folder, cfg.k)  # written first: a failed save keeps the evaluation
    model = save_model(result.recommender, result.model, metadata)
    result.report["model_tag"] = str(model.tag)
    result.report["total_seconds"] = round(time.perf_counter() - t0, 1)
    write_report(result.report, folder, cfg.k)
    print(metrics_table(result.report["metrics"], cfg.k), flush=True)
    print(f"best parameters: {result.report['best_params']}", flush=True)
    print(f"saved {model.tag}; report in {folder}", flush=True)
    return model
