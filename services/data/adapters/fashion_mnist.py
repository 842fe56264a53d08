"""The Fashion-MNIST adapter's code: its IDX reader and the conversion to image files and a catalog.

``load_split`` reads the official gzip IDX files (numpy only) as labelled image arrays, the fast
path the default vision model trains and is evaluated on. ``convert`` turns them into the data
contract (through ``fashion-mnist.yaml``): each of the 70,000 images is written as a PNG (``images/<split>/<label>/<n>.png``, 28×28 grayscale,
pixels unchanged) and listed in ``catalog.csv`` with its category (the class name) and its
split as an attribute, so training keeps the official train/test split.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image

from ..labelled_images import LabelledImages

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


def load_split(data_dir: Path, split: Split) -> LabelledImages:
    """Load ``train`` (60,000) or ``test`` (10,000) from ``<data_dir>/fashion-mnist``."""
    folder = fashion_dir(data_dir)
    image_file, label_file = _FILES[split]
    images = _read_idx(folder / image_file, _IMAGE_MAGIC)
    labels = _read_idx(folder / label_file, _LABEL_MAGIC).astype(np.int64)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{split}: {images.shape[0]} images but {labels.shape[0]} labels")
    return LabelledImages(split, images, labels)


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


def convert(data_dir: Path, out: Path) -> None:
    rows = []
    for split in ("train", "test"):
        data = load_split(data_dir, split)
        for label in range(len(FASHION_CLASSES)):
            (out / "images" / split / str(label)).mkdir(parents=True, exist_ok=True)
        for n, (image, label) in enumerate(zip(data.images, data.labels, strict=True)):
            rel = f"images/{split}/{int(label)}/{n}.png"
            Image.fromarray(image, mode="L").save(out / rel, optimize=False, compress_level=1)
            name = FASHION_CLASSES[int(label)]
            rows.append((f"fmnist-{split}-{n:05d}", name, name, rel, split))
    with (out / "catalog.csv").open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["item_id", "title", "category", "image_uri", "split"])
        writer.writerows(rows)
