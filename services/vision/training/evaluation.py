"""Evaluation of a served vision model on the Fashion-MNIST test split, through the serving path.

Images go through :class:`VisionRuntime` exactly as uploads do (PIL in, preprocessing by the
model's own contract), so the numbers describe the service. Writes ``report.json`` (accuracy,
scikit-learn ``classification_report``, confusion matrix, precision@10 of the similarity index on
held-out queries) and PNG figures.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from sklearn.metrics import classification_report, confusion_matrix
from tqdm import tqdm

from services.data.labelled_images import LabelledImages

from ..index import SimilarityIndex, precision_at_k
from ..runtime import VisionRuntime
from .photos import as_jpeg_upload, photo_like
from .plots import plot_confusion_matrix, plot_similar_examples, plot_training_curve

log = logging.getLogger(__name__)
CATALOG_STRIDE = 10  # every 10th test image is a held-out query, the other 9,000 form the catalog


def catalog_split(n: int, stride: int = CATALOG_STRIDE) -> tuple[np.ndarray, np.ndarray]:
    """(catalog indices, held-out query indices) of the test split."""
    idx = np.arange(n)
    return idx[idx % stride != 0], idx[idx % stride == 0]


def product_id(split: str, i: int) -> str:
    return f"fmnist-{split}-{i:05d}"


def to_pil(arrays: np.ndarray) -> list[Image.Image]:
    return [Image.fromarray(a, mode="L") for a in arrays]


def run_in_batches(
    runtime: VisionRuntime, images: np.ndarray, batch_size: int = 256, desc: str = "inference"
) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities, raw features) for uint8 images, with a progress bar."""
    probs: list[np.ndarray] = []
    feats: list[np.ndarray] = []
    for start in tqdm(range(0, len(images), batch_size), desc=desc, unit="batch", leave=False, disable=None):
        p, f = runtime.run(to_pil(images[start : start + batch_size]))
        probs.append(p)
        feats.append(f)
    return np.concatenate(probs), np.concatenate(feats)


def build_catalog(
    runtime: VisionRuntime, split: LabelledImages, indices: np.ndarray, labels: Sequence[str]
) -> SimilarityIndex:
    """Similarity index over ``split[indices]`` with demo product ids and category names."""
    _, feats = run_in_batches(runtime, split.images[indices], desc="catalog embeddings")
    ids = [product_id(split.name, int(i)) for i in indices]
    return SimilarityIndex(feats, ids, [labels[int(y)] for y in split.labels[indices]])


def classification_metrics(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, per-class precision/recall/F1/support and the confusion matrix (rows = true)."""
    ids = list(range(len(labels)))
    report = classification_report(
        y_true, y_pred, labels=ids, target_names=list(labels), output_dict=True, digits=4, zero_division=0
    )
    per_class = {name: {k: float(v) for k, v in report[name].items()} for name in labels}
    return {
        "accuracy": float((y_true == y_pred).mean()),
        "per_class": per_class,
        "macro_avg": {k: float(v) for k, v in report["macro avg"].items()},
        "weighted_avg": {k: float(v) for k, v in report["weighted avg"].items()},
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=ids).tolist(),
        "classification_report_text": classification_report(
            y_true, y_pred, labels=ids, target_names=list(labels), digits=4, zero_division=0
        ),
    }


def similarity_metrics(
    runtime: VisionRuntime, split: LabelledImages, class_names: Sequence[str], k: int = 10
) -> tuple[dict[str, Any], np.ndarray]:
    """precision@k by category of held-out queries against the model's own catalog index."""
    if runtime.index is None or runtime.index.categories is None:
        return {"available": False, "reason": "the model has no catalog index with categories"}, np.zeros(0)
    catalog_ids = set(runtime.index.product_ids)
    _, query_idx = catalog_split(len(split))
    query_idx = np.array([i for i in query_idx if product_id(split.name, int(i)) not in catalog_ids], dtype=np.int64)
    _, feats = run_in_batches(runtime, split.images[query_idx], desc="query embeddings")
    cats = [class_names[int(y)] for y in split.labels[query_idx]]
    precision = precision_at_k(runtime.index, feats, cats, k=k)
    return {
        "available": True,
        "k": k,
        "queries": len(query_idx),
        "catalog_size": len(runtime.index),
        "precision_at_k": precision,
    }, query_idx


def photo_accuracy(runtime: VisionRuntime, split: LabelledImages, n: int = 1000, size: int = 512) -> dict[str, Any]:
    """Accuracy on test images turned into colour JPEG photos on a light background (every 10th image)."""
    picks = np.arange(0, len(split), max(1, len(split) // n))[:n]
    correct = 0
    for start in tqdm(range(0, len(picks), 100), desc="photo inputs", unit="batch", leave=False, disable=None):
        chunk = picks[start : start + 100]
        photos = [as_jpeg_upload(photo_like(split.images[i], size)) for i in chunk]
        probs, _ = runtime.run(photos)
        correct += int((probs.argmax(1) == split.labels[chunk]).sum())
    return {
        "input": f"{size}x{size} RGB JPEG (q=90), product tinted on a light background",
        "images": len(picks),
        "accuracy": correct / max(1, len(picks)),
    }


def evaluate(
    runtime: VisionRuntime,
    test: LabelledImages,
    class_names: Sequence[str],
    out_dir: Path,
    *,
    history: Sequence[dict[str, Any]] = (),
    extra: dict[str, Any] | None = None,
    photo_images: int = 1000,
) -> dict[str, Any]:
    """Run the whole evaluation, write ``report.json`` and figures into ``out_dir``; returns the report."""
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    probs, _ = run_in_batches(runtime, test.images, desc="test split")
    predictions = probs.argmax(1)
    served = list(runtime.labels)
    report: dict[str, Any] = {
        "model": runtime.tag,
        "evaluated_at": datetime.now(UTC).isoformat(),
        "dataset": "fashion-mnist test split (official t10k, 10,000 images)",
        "test_size": len(test),
    }
    if served == list(class_names):
        report["classification"] = classification_metrics(test.labels, predictions, class_names)
        report["classification"]["photo_inputs"] = photo_accuracy(runtime, test, photo_images)
        plot_confusion_matrix(
            np.asarray(report["classification"]["confusion_matrix"]),
            class_names,
            out_dir / "confusion_matrix.png",
            f"{runtime.tag}: test accuracy {report['classification']['accuracy']:.4f}",
        )
    else:
        report["classification"] = {
            "available": False,
            "reason": f"model labels {served[:5]}… are not the 10 classes",
        }
    similarity, query_idx = similarity_metrics(runtime, test, class_names)
    report["similarity"] = similarity
    if similarity.get("available"):
        _similar_examples(runtime, test, class_names, query_idx, out_dir / "similar_examples.png")
    if history:
        report["training_history"] = list(history)
        plot_training_curve(history, out_dir / "training_curve.png", f"{runtime.tag}: training curve")
    report.update(extra or {})
    report["evaluation_seconds"] = round(time.perf_counter() - started, 2)
    (out_dir / "report.json").write_text(json.dumps(report, indent=2))
    log.info("evaluation report written to %s", out_dir / "report.json")
    return report


def _similar_examples(
    runtime: VisionRuntime,
    test: LabelledImages,
    class_names: Sequence[str],
    query_idx: np.ndarray,
    path: Path,
    per_class: int = 1,
    k: int = 8,
) -> None:
    assert runtime.index is not None
    picks = [int(query_idx[test.labels[query_idx] == c][0]) for c in range(len(class_names)) for _ in range(per_class)]
    hits = runtime.similar(to_pil(test.images[picks]), k)
    neighbours, titles = [], []
    for found in hits:
        rows = [int(m.product_id.rsplit("-", 1)[1]) for m in found.matches]
        neighbours.append([test.images[r] for r in rows])
        titles.append([f"{m.category}\n{m.score:.2f}" for m in found.matches])
    plot_similar_examples(
        [test.images[i] for i in picks],
        [f"query: {class_names[int(test.labels[i])]}" for i in picks],
        neighbours,
        titles,
        path,
        f"{runtime.tag}: nearest catalog products of held-out queries",
    )
