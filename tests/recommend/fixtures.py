"""Fixtures: a small recommender trained in seconds on a sample of the real Online Retail II data.

Registered suite-wide in tests/conftest.py (pytest_plugins), so hardening tests can use them too.
"""

from __future__ import annotations

import json
from pathlib import Path

import bentoml
import pytest

from services.recommend.training.trainer import TrainConfig

QUICK = TrainConfig(search_trials=1, bootstrap_resamples=200, use_embeddings=False, num_threads=1, clusters=8)


@pytest.fixture(scope="session")
def recommend_model(shared_data: Path, session_dir: Path) -> bentoml.Model:
    from services.recommend.training.pipeline import run_training

    return run_training(QUICK, max_users=250, report_dir=session_dir / "reports" / "recommend")


@pytest.fixture(scope="session")
def catalog(recommend_model: bentoml.Model) -> dict[str, list[str]]:
    meta = json.loads((Path(recommend_model.path) / "recommender.json").read_text())
    return {"users": meta["user_ids"], "items": meta["item_ids"]}
