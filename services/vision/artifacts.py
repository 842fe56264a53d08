"""Vision models as BentoML models: the two on-disk formats and how they are written.

* ``torch-cnn``: ``weights.safetensors`` (state dict), ``cnn_config.json`` (:class:`CNNConfig`),
  ``history.json`` (training curve).
* ``hf-image-classification``: any ``AutoModelForImageClassification`` folder written with
  ``save_pretrained`` plus its image processor.

Both may carry ``catalog/`` (a :class:`SimilarityIndex` built with the same model). The format is
the ``format`` label; loaders in ``runtime.py`` read it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import bentoml
from safetensors.torch import save_file

from services.core.metadata import metadata_safe

from .index import SimilarityIndex
from .net import CNNConfig, FashionCNN

FORMAT_CNN = "torch-cnn"
FORMAT_HF = "hf-image-classification"
WEIGHTS_FILE = "weights.safetensors"
CNN_CONFIG_FILE = "cnn_config.json"
HISTORY_FILE = "history.json"
CATALOG_DIR = "catalog"
DEFAULT_MODEL_NAME = "vision-classifier"


def detect_format(model: bentoml.Model) -> str:
    """The model's format from its label, else from the files it holds."""
    label = model.info.labels.get("format")
    if label in (FORMAT_CNN, FORMAT_HF):
        return label
    path = Path(model.path)
    if (path / CNN_CONFIG_FILE).is_file():
        return FORMAT_CNN
    if (path / "config.json").is_file():
        return FORMAT_HF
    raise ValueError(f"model {model.tag} is neither a vision CNN nor a Hugging Face image classifier")


def _labels(fmt: str, extra: dict[str, str] | None) -> dict[str, str]:
    return {"capability": "vision", "format": fmt, **(extra or {})}


def save_cnn_model(
    name: str,
    model: FashionCNN,
    *,
    metadata: dict[str, Any],
    history: list[dict[str, Any]] | None = None,
    index: SimilarityIndex | None = None,
    labels: dict[str, str] | None = None,
) -> bentoml.Model:
    """Write a trained CNN (weights, config, history, catalog) as a new BentoML model version."""
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    meta = metadata_safe(metadata)
    with bentoml.models.create(name, metadata=meta, labels=_labels(FORMAT_CNN, labels)) as bento_model:
        path = Path(bento_model.path)
        save_file(state, str(path / WEIGHTS_FILE))
        (path / CNN_CONFIG_FILE).write_text(model.config.model_dump_json(indent=2))
        (path / HISTORY_FILE).write_text(json.dumps(history or [], indent=2))
        if index is not None:
            index.save(path / CATALOG_DIR)
    return bento_model


def save_hf_model(
    name: str,
    model: Any,
    processor: Any,
    *,
    metadata: dict[str, Any],
    index: SimilarityIndex | None = None,
    labels: dict[str, str] | None = None,
) -> bentoml.Model:
    """Write a transformers image classifier and its processor as a new BentoML model version."""
    meta = metadata_safe(metadata)
    with bentoml.models.create(name, metadata=meta, labels=_labels(FORMAT_HF, labels)) as bento_model:
        path = Path(bento_model.path)
        model.save_pretrained(path)
        processor.save_pretrained(path)
        if index is not None:
            index.save(path / CATALOG_DIR)
    return bento_model


def read_cnn_config(folder: Path) -> CNNConfig:
    return CNNConfig.model_validate_json((folder / CNN_CONFIG_FILE).read_text())


def read_history(folder: Path) -> list[dict[str, Any]]:
    path = folder / HISTORY_FILE
    return json.loads(path.read_text()) if path.is_file() else []
