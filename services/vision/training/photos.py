"""Product 'photos' made from data-set images: light background, colour tint, any size, JPEG.

Used to measure how the served preprocessing copes with shop-style uploads (evaluation) and as
the large-input case of the offline benchmark.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageOps

BACKGROUND = (250, 248, 245)
INK = (40, 30, 90)


def photo_like(array: np.ndarray, size: int = 512) -> Image.Image:
    """A 28x28 dark-background product as a ``size`` x ``size`` RGB photo on a light background."""
    gray = Image.fromarray(array, mode="L").resize((size, size), Image.Resampling.BICUBIC)
    return ImageOps.colorize(ImageOps.invert(gray), black=INK, white=BACKGROUND)


def as_jpeg_upload(img: Image.Image, quality: int = 90) -> Image.Image:
    """The image after a JPEG encode/decode round trip, as the service would receive it."""
    buffer = io.BytesIO()
    img.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    decoded = Image.open(buffer)
    decoded.load()
    return decoded
