"""Fixtures: tiny text models trained in seconds on the first rows of the real data sets, once per session.

Registered suite-wide in tests/conftest.py (pytest_plugins), so hardening tests can use them too.
"""

from __future__ import annotations

from pathlib import Path

import bentoml
import pytest

from services.text.abstractive_training import SummarizerTrainConfig, train_summarizer
from services.text.generator_training import GeneratorTrainConfig, train_generator

TINY_GENERATOR = GeneratorTrainConfig(
    vocab_size=600,
    n_layer=1,
    n_embd=32,
    n_head=2,
    n_positions=96,
    steps=40,
    batch_size=16,
    learning_rate=5e-3,
    warmup_steps=5,
    max_rows=1500,
    eval_pairs=16,
    threads=1,
    show_progress=False,
)
TINY_SUMMARIZER = SummarizerTrainConfig(
    vocab_size=600,
    d_model=32,
    d_ff=64,
    num_layers=1,
    num_decoder_layers=1,
    num_heads=2,
    d_kv=16,
    max_source_tokens=64,
    steps=30,
    batch_size=16,
    warmup_steps=5,
    max_rows=1500,
    threads=1,
    show_progress=False,
)


@pytest.fixture(scope="session")
def text_reports(session_dir: Path) -> Path:
    return session_dir / "reports" / "text"


@pytest.fixture(scope="session")
def generator_model(shared_data: Path, text_reports: Path) -> bentoml.Model:
    return train_generator(TINY_GENERATOR, shared_data, text_reports)


@pytest.fixture(scope="session")
def summarizer_model(shared_data: Path, text_reports: Path) -> bentoml.Model:
    return train_summarizer(TINY_SUMMARIZER, shared_data, text_reports)
