"""Fixtures: tiny text models trained in seconds on the first rows of the real data sets, once per session.

Registered suite-wide in tests/conftest.py (pytest_plugins), so hardening tests can use them too.
"""

from __future__ import annotations

from pathlib import Path

import bentoml
import pytest

from services.text.training.abstractive import train_summarizer
from services.text.training.generator import train_generator
from services.text.training.quick_configs import TINY_GENERATOR, TINY_SUMMARIZER


@pytest.fixture(scope="session")
def text_reports(session_dir: Path) -> Path:
    return session_dir / "reports" / "text"


@pytest.fixture(scope="session")
def generator_model(shared_data: Path, text_reports: Path) -> bentoml.Model:
    return train_generator(TINY_GENERATOR, shared_data, text_reports)


@pytest.fixture(scope="session")
def summarizer_model(shared_data: Path, text_reports: Path) -> bentoml.Model:
    return train_summarizer(TINY_SUMMARIZER, shared_data, text_reports)
