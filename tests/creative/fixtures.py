"""Fixtures: a tiny random diffusion model in the session store, and its engine.

Registered suite-wide in tests/conftest.py (pytest_plugins), so hardening tests can use them too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TINY_SAMPLE_SIZE = 8  # 64 x 64 native images: fast on two CPU cores


@pytest.fixture(scope="session")
def tiny_model(shared_data: Path) -> str:
    """Build the tiny pipeline once per session; returns its model tag."""
    import torch

    from services.creative.training.corpus import load_titles
    from services.creative.training.tiny_pipeline import TinyConfig, create_tiny_model

    torch.set_num_threads(1)
    titles, lineage = load_titles(shared_data, limit=3000)
    model = create_tiny_model(titles, TinyConfig(sample_size=TINY_SAMPLE_SIZE, vocab_size=600), lineage=lineage)
    return str(model.tag)


@pytest.fixture(scope="session")
def engine(tiny_model: str):  # type: ignore[no-untyped-def]
    import bentoml

    from services.creative.diffusion import load_engine
    from services.creative.settings import CreativeSettings

    return load_engine(bentoml.models.get(tiny_model), CreativeSettings(default_steps=2, torch_threads=1))
