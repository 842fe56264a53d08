"""Fixtures of the campaign tests.

* ``retail`` - real Online Retail II purchases of ~300 customers, split at a date: what came
  before trains the base recommender, what came after is replayed as feedback;
* ``base_model`` - that recommender, saved as a ``recommend-lightfm`` version (seconds);
* ``text_generator`` - the tiny text generator the text tests use (their configuration);
* ``campaign_env`` - the environment of a campaign server pinned to these models.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import bentoml
import numpy as np
import pandas as pd
import pytest

from services.campaign.settings import get_campaign_settings, get_feedback_settings
from services.core.feedback import LogEvent
from services.core.feedback.settings import get_store_settings
from services.creative.settings import get_creative_settings
from services.recommend.training.update_settings import get_update_settings

CUTOFF_DAYS = 60
CACHED_SETTINGS = (
    get_campaign_settings,
    get_feedback_settings,
    get_store_settings,
    get_update_settings,
    get_creative_settings,
)
CUSTOMERS = 320


@dataclass(frozen=True)
class RetailSplit:
    before: pd.DataFrame
    after: pd.DataFrame

    def events(self, frame: pd.DataFrame | None = None, event: str = "purchase") -> list[LogEvent]:
        """Purchases as feedback events (titles and prices included for items the model may not know)."""
        frame = self.after if frame is None else frame
        return [
            LogEvent(
                user=r.user_id,
                item=r.item_id,
                event=event,
                ts=r.ts.timestamp(),
                event_id=f"retail-{i:08d}",
                item_title=r.title,
                item_price=float(r.price),
            )
            for i, r in enumerate(frame.itertuples())
        ]


@pytest.fixture(autouse=True)
def _fresh_campaign_settings() -> Iterator[None]:
    for cached in CACHED_SETTINGS:
        cached.cache_clear()
    yield
    for cached in CACHED_SETTINGS:
        cached.cache_clear()


@pytest.fixture(scope="session")
def retail(shared_data: Path) -> RetailSplit:
    from services.recommend.training.data import load_training_data

    lines = load_training_data().lines  # the online-retail-ii adapter, ingested once per session
    customers = lines["user_id"].unique()
    chosen = np.random.default_rng(3).choice(customers, size=CUSTOMERS, replace=False)
    clean = lines[lines["user_id"].isin(set(chosen))].reset_index(drop=True)
    cutoff = clean["ts"].max() - pd.Timedelta(days=CUTOFF_DAYS)
    return RetailSplit(
        clean[clean["ts"] < cutoff].reset_index(drop=True), clean[clean["ts"] >= cutoff].reset_index(drop=True)
    )


@pytest.fixture(scope="session")
def base_model(retail: RetailSplit) -> bentoml.Model:
    """A hybrid LightFM recommender on the purchases before the cutoff (no embeddings: seconds)."""
    from services.recommend.artifacts import save_model
    from services.recommend.training.trainer import DEFAULT_PARAMS, TrainConfig, build_recommender, fit, prepare

    cfg = TrainConfig(use_embeddings=False, num_threads=1, clusters=8)
    prep = prepare(retail.before, cfg, None)
    interactions = prep.interactions(retail.before)
    params = {**DEFAULT_PARAMS, "epochs": 15}
    lightfm = fit(interactions, params, cfg, prep.user_features, prep.item_features)
    metadata = {"params": params, "lineage": {"dataset": "Online Retail II", "cutoff_days": CUTOFF_DAYS}}
    recommender = build_recommender(lightfm, interactions, prep, metadata)
    return save_model(recommender, lightfm, metadata, labels={"purpose": "campaign-tests"})


@pytest.fixture(scope="session")
def text_generator(generator_model: bentoml.Model) -> bentoml.Model:
    """The tiny generator of the text tests (tests/text/fixtures.py), built once per session."""
    return generator_model


@pytest.fixture
def campaign_env(base_env: dict[str, str], base_model: bentoml.Model, tmp_path: Path) -> dict[str, str]:
    """A campaign server on the base recommender with its own feedback folder (no creative model needed)."""
    return {
        **base_env,
        "ADSERVE_RECOMMEND_MODEL": str(base_model.tag),
        "ADSERVE_FEEDBACK_DIR": str(tmp_path / "feedback"),
        "ADSERVE_CREATIVE_GPUS": "0",
        "ADSERVE_CAMPAIGN_STATS_CACHE_S": "0",
    }
