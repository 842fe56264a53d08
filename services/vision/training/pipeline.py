"""End-to-end jobs behind the CLI: train the default model, import a Hugging Face classifier, and
evaluate a stored model. Each job records metrics and data lineage in the BentoML model metadata.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bentoml
import numpy as np
import torch

from services.data.adapters.fashion_mnist import FASHION_CLASSES, lineage, load_split
from services.data.labelled_images import LabelledImages

from ..artifacts import DEFAULT_MODEL_NAME, read_history, save_cnn_model, save_hf_model
from ..index import SimilarityIndex, precision_at_k
from ..net import CNNConfig, FashionCNN, count_parameters
from ..runtime import CNNBackend, HFBackend, VisionRuntime, load_runtime
from ..settings import VisionSettings
from .data import load_catalog_images
from .evaluation import build_catalog, catalog_split, evaluate, run_in_batches, similarity_metrics
from .trainer import TrainConfig, train_cnn

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainSummary:
    tag: str
    test_accuracy: float
    precision_at_10: float
    train_seconds: float
    parameters: int


def cpu_runtime_settings() -> VisionSettings:
    """Settings for offline jobs: CPU, full precision (evaluation must not depend on the host's GPU),
    and the torch thread count the job has already chosen."""
    return VisionSettings(device="cpu", fp16=False, torch_threads=torch.get_num_threads())


def train_default_model(
    data_dir: Path,
    train_cfg: TrainConfig,
    cnn_cfg: CNNConfig | None = None,
    *,
    name: str = DEFAULT_MODEL_NAME,
    catalog_limit: int | None = None,
    progress: bool = True,
) -> tuple[bentoml.Model, TrainSummary]:
    """Train the CNN, build its catalog index from the test split, and save a new model version."""
    cnn_cfg = cnn_cfg or CNNConfig(labels=list(FASHION_CLASSES))
    train, test = load_split(data_dir, "train"), load_split(data_dir, "test")
    log.info("training %s on %d images (%d parameters)", name, len(train), count_parameters(FashionCNN(cnn_cfg)))
    result = train_cnn(train, cnn_cfg, train_cfg, progress=progress)
    runtime = VisionRuntime(CNNBackend(result.model, torch.device("cpu"), torch.float32), tag=f"{name}:training")
    probs, _ = run_in_batches(runtime, test.images, desc="test accuracy")
    accuracy = float((probs.argmax(1) == test.labels).mean())
    catalog_idx, _ = catalog_split(len(test))
    if catalog_limit is not None:
        catalog_idx = catalog_idx[:catalog_limit]
    runtime.index = build_catalog(runtime, test, catalog_idx, cnn_cfg.labels)
    similarity, _ = similarity_metrics(runtime, test, cnn_cfg.labels)
    p_at_10 = float(similarity["precision_at_k"]["overall"])
    history = [h.model_dump() for h in result.history]
    metadata: dict[str, Any] = {
        "task": "product image classification (10 Fashion-MNIST categories) and visual similarity",
        "architecture": cnn_cfg.model_dump(),
        "parameters": count_parameters(result.model),
        "training": train_cfg.model_dump(),
        "train_images": result.train_size,
        "validation_images": result.val_size,
        "train_seconds": round(result.seconds, 1),
        "torch_threads": torch.get_num_threads(),
        "test_accuracy": accuracy,
        "similarity_precision_at_10": p_at_10,
        "catalog": f"fashion-mnist test split, {len(runtime.index)} images (every 10th held out as a query)",
        "data_lineage": lineage(data_dir),
    }
    model = save_cnn_model(name, result.model, metadata=metadata, history=history, index=runtime.index)
    summary = TrainSummary(str(model.tag), accuracy, p_at_10, result.seconds, count_parameters(result.model))
    log.info(
        "saved %s: test accuracy %.4f, precision@10 %.4f, trained in %.0fs",
        model.tag,
        accuracy,
        p_at_10,
        result.seconds,
    )
    return model, summary


def train_catalog_model(
    data: Path,
    train_cfg: TrainConfig,
    cnn_cfg: CNNConfig | None = None,
    *,
    name: str = DEFAULT_MODEL_NAME,
    catalog_limit: int | None = None,
    image_limit: int | None = None,
    progress: bool = True,
) -> tuple[bentoml.Model, TrainSummary]:
    """Train the CNN on a data set's catalog images and categories (or an ImageFolder directory).

    The held-out split gives the test accuracy; its items (every 10th kept out as a query) become
    the similarity index, under their catalog item ids and categories.
    """
    images = load_catalog_images(data, limit=image_limit)
    base = cnn_cfg or CNNConfig(labels=images.labels)
    cnn_cfg = base.model_copy(update={"labels": images.labels})
    train, test = images.train, images.test
    log.info("training %s on %d catalog images in %d categories", name, len(train), len(images.labels))
    result = train_cnn(train, cnn_cfg, train_cfg, progress=progress)
    runtime = VisionRuntime(CNNBackend(result.model, torch.device("cpu"), torch.float32), tag=f"{name}:training")
    probs, feats = run_in_batches(runtime, test.images, desc="test accuracy")
    accuracy = float((probs.argmax(1) == test.labels).mean())
    catalog_idx, query_idx = catalog_split(len(test))
    if catalog_limit is not None:
        catalog_idx = catalog_idx[:catalog_limit]
    categories = [images.labels[int(y)] for y in test.labels]
    runtime.index = SimilarityIndex(
        feats[catalog_idx], [images.test_ids[i] for i in catalog_idx], [categories[i] for i in catalog_idx]
    )
    p_at_10 = float(
        precision_at_k(runtime.index, feats[query_idx], [categories[i] for i in query_idx], k=10)["overall"]
    )
    history = [h.model_dump() for h in result.history]
    metadata: dict[str, Any] = {
        "task": f"product image classification ({len(images.labels)} catalog categories) and visual similarity",
        "architecture": cnn_cfg.model_dump(),
        "parameters": count_parameters(result.model),
        "training": train_cfg.model_dump(),
        "train_images": result.train_size,
        "validation_images": result.val_size,
        "train_seconds": round(result.seconds, 1),
        "torch_threads": torch.get_num_threads(),
        "test_accuracy": accuracy,
        "similarity_precision_at_10": p_at_10,
        "catalog": f"held-out catalog items, {len(runtime.index)} images (every 10th held out as a query)",
        "data_lineage": images.lineage,
    }
    model = save_cnn_model(name, result.model, metadata=metadata, history=history, index=runtime.index)
    summary = TrainSummary(str(model.tag), accuracy, p_at_10, result.seconds, count_parameters(result.model))
    log.info("saved %s: test accuracy %.4f, precision@10 %.4f", model.tag, accuracy, p_at_10)
    return model, summary


def import_hf_model(
    source: Path,
    *,
    name: str,
    data_dir: Path | None,
    catalog_limit: int | None = None,
    metadata: dict[str, Any] | None = None,
) -> bentoml.Model:
    """Save a local ``AutoModelForImageClassification`` folder as a vision model, with a catalog index
    built from the Fashion-MNIST test split when ``data_dir`` is given."""
    from transformers import AutoImageProcessor, AutoModelForImageClassification

    hf_model = AutoModelForImageClassification.from_pretrained(source)
    processor = AutoImageProcessor.from_pretrained(source, backend="pil")
    index = None
    meta: dict[str, Any] = {
        "source": str(source),
        "architecture": type(hf_model).__name__,
        **(metadata or {}),
    }
    if data_dir is not None:
        test = load_split(data_dir, "test")
        runtime = VisionRuntime(HFBackend(hf_model, processor, torch.device("cpu"), torch.float32), tag=name)
        catalog_idx, _ = catalog_split(len(test))
        if catalog_limit is not None:
            catalog_idx = catalog_idx[:catalog_limit]
        index = build_catalog(runtime, test, catalog_idx, FASHION_CLASSES)
        meta["catalog"] = f"fashion-mnist test split, {len(index)} images"
        meta["data_lineage"] = lineage(data_dir)
    model = save_hf_model(name, hf_model, processor, metadata=meta, index=index)
    log.info("imported %s as %s", source, model.tag)
    return model


def evaluate_stored_model(ref: str, data_dir: Path, out_dir: Path, *, photo_images: int = 1000) -> dict[str, Any]:
    """Evaluate a model from the local store (CPU, fp32) and write the report and figures."""
    model = bentoml.models.get(ref)
    runtime = load_runtime(model, cpu_runtime_settings())
    test = load_split(data_dir, "test")
    classes: list[str] = list(FASHION_CLASSES)
    served = list(runtime.labels)
    if sorted(served) == sorted(classes) and served != classes:
        # Trained from the catalog (the fashion-mnist adapter): same classes, the catalog's label order.
        order = {name: i for i, name in enumerate(served)}
        remap = np.array([order[name] for name in classes], dtype=np.int64)
        test, classes = LabelledImages(test.name, test.images, remap[test.labels]), served
    started = time.perf_counter()
    report = evaluate(
        runtime,
        test,
        classes,
        out_dir,
        history=read_history(Path(model.path)),
        extra={"model_metadata": _plain(model.info.metadata)},
        photo_images=photo_images,
    )
    log.info("evaluated %s in %.0fs", model.tag, time.perf_counter() - started)
    return report


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
