"""Fixtures of the creative tests: a tiny random diffusion model in the session store, test images."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from services.creative.settings import get_creative_settings

TINY_SAMPLE_SIZE = 8  # 64 x 64 native images: fast on two CPU cores


@pytest.fixture(autouse=True)
def _fresh_creative_settings() -> Iterator[None]:
    get_creative_settings.cache_clear()
    yield
    get_creative_settings.cache_clear()


@pytest.fixture(scope="session")
def tiny_model(shared_data: Path) -> str:
    """Build the tiny pipeline once per session; returns its model tag."""
    import torch

    from services.creative.corpus import load_titles
    from services.creative.tiny_pipeline import TinyConfig, create_tiny_model

    torch.set_num_threads(1)
    titles, lineage = load_titles(shared_data, limit=3000)
    model = create_tiny_model(
        titles, TinyConfig(sample_size=TINY_SAMPLE_SIZE, vocab_size=600), lineage=lineage
    )
    return str(model.tag)


@pytest.fixture(scope="session")
def engine(tiny_model: str):  # type: ignore[no-untyped-def]
    import bentoml

    from services.creative.diffusion import load_engine
    from services.creative.settings import CreativeSettings

    return load_engine(bentoml.models.get(tiny_model), CreativeSettings(default_steps=2, torch_threads=1))


def product_photo(size: tuple[int, int] = (320, 400), cast: tuple[int, int, int] = (0, 0, 0)) -> Image.Image:
    """A studio-style product shot: a dress-like shape with shading on a light background."""
    width, height = size
    rows = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    base = 225 + 20 * rows * np.ones((1, width, 3), np.float32)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [
            (width * 0.38, height * 0.1),
            (width * 0.62, height * 0.1),
            (width * 0.8, height * 0.9),
            (width * 0.2, height * 0.9),
        ],
        fill=(180, 40, 60),
    )
    draw.ellipse((width * 0.42, height * 0.02, width * 0.58, height * 0.14), fill=(60, 60, 70))
    draw.rectangle((width * 0.3, height * 0.5, width * 0.7, height * 0.55), fill=(240, 200, 60))
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    if any(cast):
        arr = np.asarray(image, dtype=np.int16) + np.array(cast, dtype=np.int16)
        image = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    return image


def style_photo(size: tuple[int, int] = (300, 200)) -> Image.Image:
    """A warm sunset-like gradient with texture, as a style reference."""
    width, height = size
    rng = np.random.default_rng(7)
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    top, bottom = np.array([250, 140, 40], np.float32), np.array([90, 20, 80], np.float32)
    pixels = top + (bottom - top) * ys + rng.normal(0, 12, (height, width, 3)).astype(np.float32)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def to_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()
