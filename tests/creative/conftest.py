"""Fixtures of the creative tests: a tiny random diffusion model in the session store, test images."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image

from services.creative.settings import get_creative_settings

from .fixtures import TINY_SAMPLE_SIZE

__all__ = ["TINY_SAMPLE_SIZE"]


@pytest.fixture(autouse=True)
def _fresh_creative_settings() -> Iterator[None]:
    get_creative_settings.cache_clear()
    yield
    get_creative_settings.cache_clear()


def to_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()
