"""Vision payloads: real product images of the Fashion-MNIST test split, base64 in JSON.

At the default side (28 px) images are sent as the data set stores them (grayscale PNG); a larger
``image_side`` turns each into a colour product photo on a light background (JPEG), the shape of
what shops upload.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from .context import PayloadContext

NATIVE_SIDE = 28


@cache
def _test_images(data_dir: Path) -> np.ndarray:
    from services.data.adapters.fashion_mnist import load_split

    return load_split(data_dir, "test").images


def encode_product(array: np.ndarray, side: int) -> str:
    """Base64 of one product image: PNG at the native side, else a tinted JPEG photo."""
    buffer = io.BytesIO()
    if side <= NATIVE_SIDE:
        Image.fromarray(array, mode="L").save(buffer, format="PNG")
    else:
        gray = Image.fromarray(array, mode="L").resize((side, side), Image.Resampling.BICUBIC)
        photo = ImageOps.colorize(ImageOps.invert(gray), black=(40, 30, 90), white=(250, 248, 245))
        photo.save(buffer, format="JPEG", quality=90)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _images(ctx: PayloadContext, n: int, salt: int) -> list[str]:
    images = _test_images(ctx.data_dir)
    picks = ctx.rng(salt).choice(len(images), size=n, replace=n > len(images))
    return [encode_product(images[i], ctx.image_side) for i in picks]


def classify_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/classify``: one image per request, top 3 labels."""
    return [{"images": [{"image": img, "top_k": 3}]} for img in _images(ctx, n, 11)]


def embed_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/embed``: one image per request."""
    return [{"images": [{"image": img}]} for img in _images(ctx, n, 12)]


def similar_products_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/similar_products`` (not batched): one image and k=10."""
    return [{"image": img, "k": 10} for img in _images(ctx, n, 13)]
