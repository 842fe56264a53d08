"""The end every text trainer shares: common metrics, the BentoML model, the loss curve and the report."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import bentoml

from services.core.metadata import metadata_safe

from .loop import LoopResult
from .reports import plot_loss_curve, report_dir, write_json

log = logging.getLogger(__name__)


def loop_metrics(result: LoopResult, eval_loss: float, threads: int, seconds: float) -> dict[str, Any]:
    """Held-out and final training loss, training and total time, threads used."""
    tail = result.losses[-50:]
    return {
        "held_out_loss": eval_loss,
        "final_train_loss": sum(tail) / max(1, len(tail)),
        "train_seconds": result.seconds,
        "threads": threads,
        "total_seconds": seconds,
    }


def model_metadata(
    *,
    architecture: str,
    model: Any,
    config: dict[str, Any],
    metrics: dict[str, Any],
    lineage: dict[str, Any],
    pairs: tuple[int, int],
    split: str,
    head: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The metadata every text model carries: how to use it (``head``), its size, settings, metrics and data."""
    return {
        **(head or {}),
        "architecture": architecture,
        "parameters": sum(p.numel() for p in model.parameters()),
        "config": config,
        "metrics": metrics,
        "data": {**lineage, "pairs_train": pairs[0], "pairs_held_out": pairs[1], **(data or {}), "split": split},
    }


def save_text_model(
    *,
    name: str,
    task: str,
    model: Any,
    tokenizer: Any,
    metadata: dict[str, Any],
    result: LoopResult,
    reports: Path | None,
    report_name: str,
    curve_title: str,
    extra_report: dict[str, Any] | None = None,
) -> bentoml.Model:
    """Save model + tokenizer (``save_pretrained``) as a BentoML model, then its loss curve and report."""
    with bentoml.models.create(
        name, metadata=metadata_safe(metadata), labels={"capability": "text", "task": task}
    ) as bento_model:
        model.save_pretrained(bento_model.path)
        tokenizer.save_pretrained(bento_model.path)
    out = report_dir(reports)
    eval_loss = float(metadata["metrics"]["held_out_loss"])
    plot_loss_curve(out / f"{report_name}_loss.png", result.losses, curve_title, eval_loss)
    write_json(out / f"{report_name}_report.json", {"model": str(bento_model.tag), **metadata, **(extra_report or {})})
    seconds = float(metadata["metrics"]["total_seconds"])
    log.info("saved %s in %.0fs (held-out loss %.3f)", bento_model.tag, seconds, eval_loss)
    return bento_model
