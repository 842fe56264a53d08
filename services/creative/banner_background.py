"""Banner backgrounds: a flat brand colour, a diagonal brand gradient, a patterned gradient, or a generated image.

The patterns (``dots``, ``stripes``, ``grid``, ``rings``) are drawn over the diagonal gradient of
the two colours in a tint of the secondary colour at low opacity, sized to the banner's shorter
side, so a product's palette and pattern read as its own without fighting the text (whose
contrast is checked against the finished background, a scrim laid behind it where needed).
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from .colour import RGB, mix

PATTERNS = ("dots", "stripes", "grid", "rings")
PATTERN_OPACITY = 0.16


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
    if kind in PATTERNS:
        base = diagonal_gradient(size, primary, mix(primary, (0, 0, 0), 0.3))
        return patterned(base, kind, secondary or mix(primary, (255, 255, 255), 0.6))
    return Image.new("RGB", size, primary)


def patterned(base: Image.Image, kind: str, ink: RGB) -> Image.Image:
    """``base`` with a repeating pattern in ``ink`` blended at ``PATTERN_OPACITY``."""
    width, height = base.size
    unit = max(12, round(min(width, height) / 9))
    layer = Image.new("L", base.size, 0)
    draw = ImageDraw.Draw(layer)
    if kind == "dots":
        radius = max(2, unit // 5)
        for row, y in enumerate(range(-unit, height + unit, unit)):
            offset = unit // 2 if row % 2 else 0
            for x in range(-unit + offset, width + unit, unit):
                draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    elif kind == "stripes":
        thick = max(2, unit // 3)
        for x in range(-height, width + height, unit):
            draw.line((x, height, x + height, 0), fill=255, width=thick)
    elif kind == "grid":
        thick = max(1, unit // 10)
        for x in range(0, width + unit, unit):
            draw.line((x, 0, x, height), fill=255, width=thick)
        for y in range(0, height + unit, unit):
            draw.line((0, y, width, y), fill=255, width=thick)
    else:  # rings: concentric circles from the top-right corner
        thick = max(2, unit // 6)
        for r in range(unit, int(1.5 * (width + height)), unit):
            draw.ellipse((width - r, -r, width + r, r), outline=255, width=thick)
    alpha = layer.point(lambda v: round(v * PATTERN_OPACITY))
    return Image.composite(Image.new("RGB", base.size, ink), base, alpha)


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
