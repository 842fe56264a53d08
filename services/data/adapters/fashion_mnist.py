"""Conversion for the Fashion-MNIST adapter: the IDX files become image files and a catalog table.

Each of the 70,000 images is written as a PNG (``images/<split>/<label>/<n>.png``, 28×28 grayscale,
pixels unchanged) and listed in ``catalog.csv`` with its category (the class name) and its
split as an attribute, so training keeps the official train/test split.
"""

from __future__ import annotations

import csv
from pathlib import Path

from PIL import Image

from services.vision.training.data import FASHION_CLASSES, load_split


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
