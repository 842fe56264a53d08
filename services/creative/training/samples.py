"""Sample images for evaluation, examples and tests, made here or read from the shared data sets.

* ``product_photo`` / ``style_photo``: synthetic studio-style product shot and a textured warm
  style reference, deterministic.
* ``fashion_items``: real Zalando article images from Fashion-MNIST (MIT, Zalando SE; read by its
  adapter), 28 x 28 grey levels, inverted to dark-on-white and upscaled so they look like
  catalogue cut-outs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from services.data.adapters.fashion_mnist import FASHION_CLASSES, load_split


def product_photo(size: tuple[int, int] = (320, 400), cast: tuple[int, int, int] = (0, 0, 0)) -> Image.Image:
    """A dress-like shape with a belt on a light grey studio background; ``cast`` adds a colour cast."""
    width, height = size
    rows = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    base = 225 + 20 * rows * np.ones((1, width, 3), np.float32)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    w, h = width, height
    draw.polygon([(w * 0.38, h * 0.1), (w * 0.62, h * 0.1), (w * 0.8, h * 0.9), (w * 0.2, h * 0.9)], fill=(180, 40, 60))
    draw.ellipse((w * 0.42, h * 0.02, w * 0.58, h * 0.14), fill=(60, 60, 70))
    draw.rectangle((w * 0.3, h * 0.5, w * 0.7, h * 0.55), fill=(240, 200, 60))
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    if any(cast):
        shifted = np.asarray(image, dtype=np.int16) + np.array(cast, dtype=np.int16)
        image = Image.fromarray(np.clip(shifted, 0, 255).astype(np.uint8), "RGB")
    return image


def style_photo(size: tuple[int, int] = (300, 200), seed: int = 7) -> Image.Image:
    """A warm sunset gradient with grain, as a style reference."""
    width, height = size
    rng = np.random.default_rng(seed)
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    top, bottom = np.array([250, 140, 40], np.float32), np.array([90, 20, 80], np.float32)
    pixels = top + (bottom - top) * ys + rng.normal(0, 12, (height, width, 3)).astype(np.float32)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def add_noise(image: Image.Image, sigma: float, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    noisy = np.asarray(image, dtype=np.float32) + rng.normal(0, sigma, (image.height, image.width, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")


def fashion_items(
    data_dir: Path, count: int = 4, side: int = 280, tint: tuple[int, int, int] = (40, 60, 120)
) -> list[tuple[str, Image.Image]]:
    """The first ``count`` test images of Fashion-MNIST as RGB catalogue-style pictures."""
    test = load_split(data_dir, "test")
    images, labels = test.images, test.labels
    items = []
    for index in range(count):
        ink = images[index].astype(np.float32)[..., None] / 255.0
        paper = np.array([246, 244, 240], np.float32)
        pixels = paper * (1 - ink) + np.array(tint, np.float32) * ink
        picture = Image.fromarray(pixels.astype(np.uint8), "RGB").resize((side, side), Image.Resampling.BICUBIC)
        items.append((FASHION_CLASSES[int(labels[index])], picture))
    return items
