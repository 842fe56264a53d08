"""Training images from the data contract: a catalog's images and categories, or an ImageFolder directory.

The default model's data set, Fashion-MNIST, comes as arrays from its adapter
(``services.data.adapters.fashion_mnist``); any other catalog with ``image_uri`` and ``category``
columns, or a folder of ``<class>/<image>`` files, is read here into the same labelled arrays.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from services.data.labelled_images import LabelledImages

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif")


@dataclass(frozen=True)
class CatalogImages:
    """Catalog images as model input (28×28, Fashion-MNIST style), labelled by category, split in two."""

    train: LabelledImages
    test: LabelledImages
    labels: list[str]
    test_ids: list[str]
    lineage: dict[str, object]


def _split_of(item_id: str, split: object, test_fraction: float) -> str:
    if split in ("train", "test"):
        return str(split)
    digest = hashlib.sha256(item_id.encode()).digest()
    return "test" if int.from_bytes(digest[:4], "big") / 2**32 < test_fraction else "train"


def _rows_from_dataset(path: Path) -> tuple[list[tuple[str, str, str, object]], dict[str, object]]:
    from services.data.contract import category_levels
    from services.data.dataset import Dataset

    dataset = Dataset.load(path, check_key=False)
    catalog = dataset.catalog
    if "image_uri" not in catalog.columns or "category" not in catalog.columns:
        raise ValueError(f"{path}: the catalog needs image_uri and category columns to train the classifier")
    split = catalog["split"] if "split" in catalog.columns else [None] * len(catalog)
    rows = [
        (str(i), str(uri), category_levels(cat)[-1], s)
        for i, uri, cat, s in zip(catalog["item_id"], catalog["image_uri"], catalog["category"], split, strict=True)
        if isinstance(uri, str) and category_levels(cat)
    ]
    return rows, dataset.lineage()


def _rows_from_folder(path: Path) -> tuple[list[tuple[str, str, str, object]], dict[str, object]]:
    """An ImageFolder: ``<class>/<image>``, or ``train/<class>/…`` and ``test/<class>/…``."""
    splits = [(s, path / s) for s in ("train", "test") if (path / s).is_dir()] or [(None, path)]
    rows = []
    for split, root in splits:
        for class_dir in sorted(p for p in root.iterdir() if p.is_dir()):
            for image in sorted(class_dir.iterdir()):
                if image.suffix.lower() in IMAGE_SUFFIXES:
                    item_id = (
                        f"{class_dir.name}/{image.stem}" if split is None else f"{split}/{class_dir.name}/{image.stem}"
                    )
                    rows.append((item_id, str(image), class_dir.name, split))
    return rows, {"dataset": path.name, "path": str(path), "format": "ImageFolder"}


def load_catalog_images(path: Path, *, test_fraction: float = 0.15, limit: int | None = None) -> CatalogImages:
    """Images and categories of an ingested data set's catalog, or of an ImageFolder directory.

    The split is the catalog's ``split`` attribute (``train``/``test``) where it has one, else a hash
    of the item id. Each image is converted like serving converts uploads (grayscale, dark
    background, product centred, 28×28).
    """
    from PIL import Image

    from ..preprocess import fashion_mnist_array

    rows, lineage = _rows_from_dataset(path) if (path / "manifest.json").is_file() else _rows_from_folder(path)
    if limit is not None:
        rows = rows[:limit]
    labels = sorted({r[2] for r in rows})
    if len(labels) < 2:
        raise ValueError(f"{path}: at least two categories with images are needed, found {labels}")
    index = {name: i for i, name in enumerate(labels)}
    parts: dict[str, tuple[list[np.ndarray], list[int], list[str]]] = {"train": ([], [], []), "test": ([], [], [])}
    for item_id, uri, label, split in rows:
        try:
            with Image.open(uri) as img:
                array = fashion_mnist_array(img)
        except OSError as exc:
            raise ValueError(f"{uri}: cannot read the image of item {item_id} ({exc})") from None
        images, ys, ids = parts[_split_of(item_id, split, test_fraction)]
        images.append(array)
        ys.append(index[label])
        ids.append(item_id)

    def split_of(name: str) -> LabelledImages:
        images, ys, _ = parts[name]
        stacked = np.stack(images) if images else np.zeros((0, 28, 28), np.uint8)
        return LabelledImages(name, stacked, np.asarray(ys, dtype=np.int64))

    train, test = split_of("train"), split_of("test")
    if len(train) == 0 or len(test) == 0:
        raise ValueError(f"{path}: both splits need images ({len(train)} train, {len(test)} test)")
    return CatalogImages(train, test, labels, parts["test"][2], {**lineage, "images": len(rows)})
