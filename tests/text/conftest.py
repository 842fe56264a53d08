"""Unit-test helpers of the text tests; the tiny models are in tests/text/fixtures.py."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import numpy as np
import pytest

from .fixtures import TINY_GENERATOR, TINY_SUMMARIZER

__all__ = ["TINY_GENERATOR", "TINY_SUMMARIZER"]


def _hash_embed(texts: list[str]) -> np.ndarray:
    """Deterministic bag-of-words vectors: a fast stand-in for MiniLM in unit tests."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in re.findall(r"[a-z]+", text.lower()):
            out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
        norm = np.linalg.norm(out[row])
        out[row] = out[row] / norm if norm else out[row]
    return out


@pytest.fixture
def hash_embed() -> Callable[[list[str]], np.ndarray]:
    return _hash_embed
