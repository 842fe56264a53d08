"""Evaluation report and figures, metrics helpers, the offline benchmark and the CLI entry points."""

from __future__ import annotations

import json
from pathlib import Path

import bentoml
import numpy as np
import pytest
from typer.testing import CliRunner

from scripts.bench.vision_ceiling import run_benchmark
from services.data.labelled_images import LabelledImages
from services.vision.runtime import load_runtime
from services.vision.training.evaluation import catalog_split, classification_metrics
from services.vision.training.pipeline import cpu_runtime_settings, evaluate_stored_model


def test_catalog_split_holds_out_every_tenth_image() -> None:
    catalog, queries = catalog_split(100)
    assert len(catalog) == 90 and len(queries) == 10 and not set(catalog) & set(queries)


def test_classification_metrics() -> None:
    y_true = np.array([0, 0, 1, 1, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 0])
    m = classification_metrics(y_true, y_pred, ["a", "b", "c"])
    assert m["accuracy"] == pytest.approx(4 / 6)
    assert m["per_class"]["b"]["recall"] == 1.0 and m["per_class"]["b"]["precision"] == pytest.approx(2 / 3)
    assert m["confusion_matrix"] == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert "f1-score" in m["per_class"]["a"]


def test_evaluate_writes_report_and_figures(tiny_cnn_model: bentoml.Model, shared_data: Path, tmp_path: Path) -> None:
    report = evaluate_stored_model(str(tiny_cnn_model.tag), shared_data, tmp_path, photo_images=100)
    on_disk = json.loads((tmp_path / "report.json").read_text())
    assert on_disk["model"] == str(tiny_cnn_model.tag) and on_disk["test_size"] == 10_000
    cls = report["classification"]
    assert 0.5 < cls["accuracy"] <= 1.0
    assert set(cls["per_class"]["Sneaker"]) == {"precision", "recall", "f1-score", "support"}
    assert np.asarray(cls["confusion_matrix"]).sum() == 10_000
    assert cls["photo_inputs"]["images"] == 100 and 0.0 <= cls["photo_inputs"]["accuracy"] <= 1.0
    sim = report["similarity"]
    assert sim["k"] == 10 and sim["queries"] == 1000 and 0.2 < sim["precision_at_k"]["overall"] <= 1.0
    assert len(report["training_history"]) == 2
    for name in ("confusion_matrix.png", "training_curve.png", "similar_examples.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"


def test_offline_benchmark_rows(tiny_cnn_model: bentoml.Model, fashion_test: LabelledImages) -> None:
    runtime = load_runtime(tiny_cnn_model, cpu_runtime_settings())
    rows = run_benchmark(runtime, fashion_test.images[:64], (1, 8), min_seconds=0.05)
    assert [(r["input"], r["batch_size"]) for r in rows] == [
        ("28x28 grayscale", 1),
        ("28x28 grayscale", 8),
        ("512x512 RGB photo", 1),
        ("512x512 RGB photo", 8),
    ]
    assert all(r["images_per_s"] > 0 for r in rows)


def test_cli_prepare_skips_a_present_model(tiny_cnn_model: bentoml.Model, monkeypatch: pytest.MonkeyPatch) -> None:
    from scripts.cli import app

    monkeypatch.setenv("ADSERVE_VISION_MODEL", str(tiny_cnn_model.tag))
    result = CliRunner().invoke(app, ["vision", "prepare"])
    assert result.exit_code == 0, result.output
    assert f"{tiny_cnn_model.tag} present" in result.output
