"""Banner backgrounds: a flat brand colour, a diagonal brand gradient, or a generated image."""

from __future__ import annotations

import numpy as np
from PIL import Image

from .colour import RGB, mix


def make_background(
    size: tuple[int, int],
    kind: str,
    primary: RGB,
    secondary: RGB | None,
    generated: Image.Image | None = None,
) -> Image.Image:
    if kind == "generated" and generated is not None:
        return cover(generated.convert("RGB"), size)
    if kind == "gradient":
        return diagonal_gradient(size, primary, secondary or mix(primary, (0, 0, 0), 0.35))
    return Image.new("RGB", size, primary)


def diagonal_gradient(size: tuple[int, int], start: RGB, end: RGB) -> Image.Image:
    """Top-left ``start`` to bottom-right ``end``."""
    width, height = size
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    t = ((xs / max(1, width - 1)) + (ys / max(1, height - 1))) / 2.0
    a, b = np.array(start, np.float32), np.array(end, np.float32)
    pixels = a + (b - a) * t[..., None]
    return Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), "RGB")


def cover(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Scale to cover ``size`` and centre-crop (for backgrounds; products are never cropped)."""
    width, height = size
    scale = max(width / image.width, height / image.height)
    resized = image.resize(
        (max(width, round(image.width * scale)), max(height, round(image.height * scale))),
        Image.Resampling.LANCZOS,
    )
    left, top = (resized.width - width) // 2, (resized.height - height) // 2
    return resized.crop((left, top, left + width, top + height))
