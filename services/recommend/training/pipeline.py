"""End-to-end training entry point used by the CLI and the test suite: an ingested data set or a lake → BentoML model."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from pathlib import Path

import bentoml
import pandas as pd

from services.core.metadata import metadata_safe
from services.core.settings import get_settings

from ..artifacts import PII_KEY_FINGERPRINT, save_model
from .data import load_lake_training_data, load_training_data
from .reports import metrics_table, quality_markdown, write_report
from .trainer import TrainConfig, train_pipeline

log = logging.getLogger(__name__)


def subsample(clean: pd.DataFrame, max_users: int, seed: int = 0) -> pd.DataFrame:
    """The purchases of a random subset of users (fast test models)."""
    users = clean["user_id"].drop_duplicates().sample(frac=1.0, random_state=seed).head(max_users)
    return clean[clean["user_id"].isin(set(users))].reset_index(drop=True)


def run_training(
    cfg: TrainConfig,
    *,
    max_users: int | None = None,
    report_dir: Path | None = None,
    data: Path | None = None,
    embed: bool = True,
    lake: str | None = None,
) -> bentoml.Model:
    """Train on the data set folder ``data`` (default: the shipped default data set) or on the lake ``lake``."""
    if data is not None and lake is not None:
        raise ValueError("train on a data set (data) or a lake (lake), not both")
    settings = get_settings()
    t0 = time.perf_counter()
    training = load_lake_training_data(lake) if lake is not None else load_training_data(data)
    cleaning = training.cleaning
    clean = training.lines
    print(f"data set {training.name}: {len(clean):,} interactions, {len(training.catalog):,} items", flush=True)
    catalog = training.catalog
    if max_users:
        clean = subsample(clean, max_users, cfg.seed)
        # Items only the other users interacted with leave with them; items no one interacted with stay.
        catalog = catalog[
            catalog["item_id"].isin(set(clean["item_id"])) | ~catalog["item_id"].isin(set(training.lines["item_id"]))
        ]
    embed_fn = None
    if embed and cfg.use_embeddings:
        from services.core.embeddings import embed_texts

        def embed_fn(texts: list[str]):  # type: ignore[no-untyped-def]
            return embed_texts(texts, show_progress=True)

    result = train_pipeline(clean, cfg, embed_fn, catalog, training.users)
    result.report["cleaning"] = cleaning
    result.report["train_config"] = asdict(cfg)
    lineage = {
        **training.lineage,
        "rows_raw": cleaning.get("rows_in"),
        "rows_clean": cleaning.get("rows_out"),
        "users_sampled": max_users,
    }
    metadata = metadata_safe(
        {
            **result.recommender.metadata,
            "lineage": lineage,
            "cleaning": cleaning.get("removed", {}),
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
    print(quality_markdown(result.report["quality"], cfg.k), flush=True)
    print(metrics_table(result.report["metrics"], cfg.k), flush=True)
    print(f"best parameters: {result.report['best_params']}", flush=True)
    print(f"saved {model.tag}; report in {folder}", flush=True)
    return model
