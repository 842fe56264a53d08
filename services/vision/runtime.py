"""The served object: a classifier backend (default CNN or any Hugging Face image classifier), the
catalog index that belongs to it, and batch methods for classification, embeddings and similarity.

``VisionRuntime.classify_batch`` is also the in-process path used by the offline benchmark. The
backend is chosen from the BentoML model's ``format`` label (see ``artifacts.py``); the device is
CUDA when present (half precision when allowed), CPU otherwise.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import bentoml
import numpy as np
import torch
from PIL import Image
from safetensors.torch import load_file

from services.core.device import pick_device, pick_dtype

from .artifacts import CATALOG_DIR, FORMAT_CNN, WEIGHTS_FILE, detect_format, read_cnn_config
from .index import Match, SimilarityIndex, l2_normalise
from .net import FashionCNN
from .preprocess import FashionPreprocessor, ProcessorPreprocessor
from .settings import VisionSettings, get_vision_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prediction:
    label: str
    index: int
    score: float


@dataclass(frozen=True)
class SimilarHits:
    top_label: Prediction
    matches: list[Match]


class Backend(Protocol):
    labels: list[str]
    device: torch.device
    dtype: torch.dtype

    def preprocess(self, images: Sequence[Image.Image]) -> torch.Tensor: ...

    def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(logits, penultimate features), both 2-d."""
        ...


class CNNBackend:
    """The default :class:`FashionCNN` with its Fashion-MNIST preprocessing."""

    def __init__(self, model: FashionCNN, device: torch.device, dtype: torch.dtype) -> None:
        self.model = model.eval().to(device=device, dtype=dtype)
        self.labels = list(model.config.labels)
        self.device, self.dtype = device, dtype
        self._pre = FashionPreprocessor(model.config)

    @classmethod
    def from_folder(cls, folder: Path, device: torch.device, dtype: torch.dtype) -> CNNBackend:
        model = FashionCNN(read_cnn_config(folder))
        model.load_state_dict(load_file(str(folder / WEIGHTS_FILE)))
        return cls(model, device, dtype)

    def preprocess(self, images: Sequence[Image.Image]) -> torch.Tensor:
        return self._pre(images)

    def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = pixels.to(device=self.device, dtype=self.dtype)
        return self.model.forward_with_features(x)


class HFBackend:
    """Any ``AutoModelForImageClassification``; features are the classifier head's input."""

    def __init__(self, model: Any, processor: Any, device: torch.device, dtype: torch.dtype) -> None:
        self.model = model.eval().to(device=device, dtype=dtype)
        self.processor = processor
        id2label = getattr(model.config, "id2label", None) or {}
        self.labels = [str(id2label.get(i, f"LABEL_{i}")) for i in range(int(model.config.num_labels))]
        self.device, self.dtype = device, dtype
        self._pre = ProcessorPreprocessor(processor)
        self._head = getattr(model, "classifier", None)
        if not isinstance(self._head, torch.nn.Module):
            self._head = None

    @classmethod
    def from_folder(cls, folder: Path, device: torch.device, dtype: torch.dtype) -> HFBackend:
        from transformers import AutoImageProcessor, AutoModelForImageClassification

        model = AutoModelForImageClassification.from_pretrained(folder)
        processor = AutoImageProcessor.from_pretrained(folder, backend="pil")
        return cls(model, processor, device, dtype)

    def preprocess(self, images: Sequence[Image.Image]) -> torch.Tensor:
        return self._pre(images)

    def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = pixels.to(device=self.device, dtype=self.dtype)
        if self._head is not None:
            captured: list[torch.Tensor] = []
            handle = self._head.register_forward_pre_hook(lambda _m, args: captured.append(args[0]))
            try:
                logits = self.model(pixel_values=x).logits
            finally:
                handle.remove()
            return logits, captured[-1].flatten(1)
        out = self.model(pixel_values=x, output_hidden_states=True)
        hidden = out.hidden_states[-1]
        feats = hidden[:, 0] if hidden.dim() == 3 else hidden.flatten(2).mean(-1)
        return out.logits, feats


class VisionRuntime:
    """Thread-safe batch inference over PIL images; ``index`` is None when the model has no catalog."""

    def __init__(
        self, backend: Backend, *, tag: str, index: SimilarityIndex | None = None, micro_batch: int = 64
    ) -> None:
        self.backend = backend
        self.tag = tag
        self.index = index
        self.micro_batch = max(1, micro_batch)
        self._lock = threading.Lock()

    @property
    def labels(self) -> list[str]:
        return self.backend.labels

    @torch.inference_mode()
    def run(self, images: Sequence[Image.Image]) -> tuple[np.ndarray, np.ndarray]:
        """(class probabilities, raw features) as float32 arrays, one row per image."""
        probs: list[np.ndarray] = []
        feats: list[np.ndarray] = []
        with self._lock:
            for start in range(0, len(images), self.micro_batch):
                pixels = self.backend.preprocess(images[start : start + self.micro_batch])
                logits, features = self.backend.forward(pixels)
                probs.append(torch.softmax(logits.float(), dim=-1).cpu().numpy())
                feats.append(features.float().cpu().numpy())
        if not probs:
            return np.zeros((0, len(self.labels)), np.float32), np.zeros((0, 0), np.float32)
        return np.concatenate(probs), np.concatenate(feats)

    def classify_batch(self, images: Sequence[Image.Image], top_k: int | Sequence[int] = 1) -> list[list[Prediction]]:
        """Top-k labels per image, best first; ``top_k`` is one value or one per image."""
        ks = [top_k] * len(images) if isinstance(top_k, int) else list(top_k)
        if len(ks) != len(images):
            raise ValueError(f"{len(ks)} top_k values for {len(images)} images")
        probs, _ = self.run(images)
        results: list[list[Prediction]] = []
        for row, k in zip(probs, ks, strict=True):
            order = np.argsort(-row, kind="stable")[: max(1, min(k, len(row)))]
            results.append([Prediction(self.labels[i], int(i), float(row[i])) for i in order])
        return results

    def embed_batch(self, images: Sequence[Image.Image]) -> np.ndarray:
        """L2-normalised embeddings (n, dim), float32."""
        _, feats = self.run(images)
        return l2_normalise(feats) if len(feats) else feats

    def similar(self, images: Sequence[Image.Image], k: int) -> list[SimilarHits]:
        """Catalog products nearest to each image, with the image's top label (one forward pass)."""
        if self.index is None:
            raise LookupError(f"model {self.tag} has no catalog index")
        probs, feats = self.run(images)
        matches = self.index.search(feats, k)
        return [
            SimilarHits(Prediction(self.labels[int(row.argmax())], int(row.argmax()), float(row.max())), found)
            for row, found in zip(probs, matches, strict=True)
        ]


def build_backend(model: bentoml.Model, settings: VisionSettings) -> Backend:
    device = pick_device(settings.device, "ADSERVE_VISION_DEVICE")
    dtype = pick_dtype(device, settings.fp16)
    folder = Path(model.path)
    if detect_format(model) == FORMAT_CNN:
        return CNNBackend.from_folder(folder, device, dtype)
    return HFBackend.from_folder(folder, device, dtype)


def load_runtime(model: bentoml.Model, settings: VisionSettings | None = None) -> VisionRuntime:
    """ManagedModel loader: BentoML model → ready :class:`VisionRuntime` (warmed up once)."""
    settings = settings or get_vision_settings()
    if settings.torch_threads:
        torch.set_num_threads(settings.torch_threads)
    backend = build_backend(model, settings)
    catalog = Path(model.path) / CATALOG_DIR
    index = SimilarityIndex.load(catalog) if SimilarityIndex.exists(catalog) else None
    runtime = VisionRuntime(backend, tag=str(model.tag), index=index, micro_batch=settings.micro_batch)
    runtime.run([Image.new("RGB", (32, 32))])  # warm-up: first-call allocations happen before traffic
    if index is not None and index.dim != runtime.embed_batch([Image.new("L", (28, 28))]).shape[1]:
        raise ValueError(f"catalog of {model.tag} has dimension {index.dim}, the model's embeddings differ")
    log.info(
        "vision model %s on %s (%s), %d labels, catalog: %s",
        model.tag,
        backend.device,
        str(backend.dtype).removeprefix("torch."),
        len(backend.labels),
        f"{len(index)} products" if index is not None else "none",
    )
    return runtime
