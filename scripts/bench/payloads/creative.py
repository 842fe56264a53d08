"""Creative payloads: prompts and banner texts from catalog titles (the ingested Myntra styles),
product images from Fashion-MNIST (as colour product photos) for image tools."""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image

from .context import PayloadContext
from .text import catalog
from .vision import _test_images, encode_product

PHOTO_SIDE = 128


def _titles(ctx: PayloadContext, n: int, salt: int) -> list[str]:
    styles = catalog(ctx.data_dir)
    return [str(styles["title"].iloc[int(i)]) for i in ctx.rng(salt).integers(0, len(styles), size=n)]


def generate_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/generate_image``: an ad picture of one catalogue product, default size, few steps."""
    return [
        {"requests": [{"prompt": f"studio product photo of {title}, clean background", "steps": 4, "seed": i}]}
        for i, title in enumerate(_titles(ctx, n, 31))
    ]


def banner_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/compose_banner`` (not batched): headline from a title, a product photo, gradient background."""
    images = _test_images(ctx.data_dir)
    rng = ctx.rng(32)
    bodies = []
    for title in _titles(ctx, n, 33):
        photo = encode_product(images[int(rng.integers(0, len(images)))], PHOTO_SIDE)
        request = {"headline": title[:120], "cta": "Shop now", "product_image": photo, "formats": ["square"]}
        bodies.append({"request": request})
    return bodies


def product_photo_bytes(ctx: PayloadContext, n: int, side: int = PHOTO_SIDE) -> list[bytes]:
    """JPEG product photos for the multipart image tools (/enhance, /style_transfer, /restyle)."""
    images = _test_images(ctx.data_dir)
    picks = ctx.rng(34).integers(0, len(images), size=n)
    return [base64.b64decode(encode_product(images[int(i)], side)) for i in picks]


def blank_png(side: int = 64) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), (200, 180, 160)).save(buffer, format="PNG")
    return buffer.getvalue()
