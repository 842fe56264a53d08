"""Fashion-MNIST reader: the IDX files (gzip) of the official train and test splits, with numpy only."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

FASHION_CLASSES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
Split = Literal["train", "test"]
_FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
_IMAGE_MAGIC = 2051
_LABEL_MAGIC = 2049


@dataclass(frozen=True)
class FashionSplit:
    """One split: ``images`` uint8 (n, 28, 28), dark background; ``labels`` int64 (n,)."""

    name: str
    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def subset(self, indices: np.ndarray) -> FashionSplit:
        return FashionSplit(self.name, self.images[indices], self.labels[indices])


def _read_idx(path: Path, magic: int) -> np.ndarray:
    """Parse one gzip IDX file, checking its magic number and declared shape."""
    with gzip.open(path, "rb") as fh:
        raw = fh.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: too short for an IDX header")
    found_magic = int.from_bytes(raw[0:4], "big")
    if found_magic != magic:
        raise ValueError(f"{path}: IDX magic {found_magic}, expected {magic}")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    offset = 4 + 4 * ndim
    data = np.frombuffer(raw, dtype=np.uint8, offset=offset)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {data.size} values, header declares {dims}")
    return data.reshape(dims)


def fashion_dir(data_dir: Path) -> Path:
    return data_dir / "fashion-mnist"


def load_split(data_dir: Path, split: Split) -> FashionSplit:
    """Load ``train`` (60,000) or ``test`` (10,000) from ``<data_dir>/fashion-mnist``."""
    folder = fashion_dir(data_dir)
    image_file, label_file = _FILES[split]
    images = _read_idx(folder / image_file, _IMAGE_MAGIC)
    labels = _read_idx(folder / label_file, _LABEL_MAGIC).astype(np.int64)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{split}: {images.shape[0]} images but {labels.shape[0]} labels")
    return FashionSplit(split, images, labels)


def lineage(data_dir: Path) -> dict[str, str]:
    """Data lineage recorded in model metadata: source, license and a SHA-256 of each file."""
    folder = fashion_dir(data_dir)
    info = {
        "dataset": "fashion-mnist",
        "source": "zalandoresearch/fashion-mnist (Debian dataset-fashion-mnist 0.0~git20200523.55506a9-1)",
        "license": "MIT, Copyright (c) 2017 Zalando SE",
    }
    for image_file, label_file in _FILES.values():
        for name in (image_file, label_file):
            info[f"sha256:{name}"] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    return info
