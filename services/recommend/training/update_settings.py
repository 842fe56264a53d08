"""Settings of the online recommender update (``ADSERVE_RECOMMEND_UPDATE_*``).

The update is recommend's own offline job (``python -m scripts.cli recommend update``, an ECS
scheduled task in production): it reads the feedback store (``ADSERVE_FEEDBACK_*``), folds new
positives into the served model and moves its alias; serving picks the new version up with
``ManagedModel``'s alias refresh.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PositiveEvent = Literal["click", "add_to_cart", "purchase"]


class UpdateSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ADSERVE_RECOMMEND_UPDATE_", extra="ignore", frozen=True)

    every_s: float = Field(0.0, ge=0, description="`recommend update --every`: run this often; 0 = once.")
    alias: str | None = Field(
        None, description="Alias moved to an accepted model; default: the alias of ADSERVE_RECOMMEND_MODEL."
    )
    epochs: int = Field(5, ge=1, le=100)
    holdout_fraction: float = Field(0.2, gt=0, lt=1)
    replay_ratio: float = Field(2.0, ge=0, le=50, description="Historical pairs replayed per new pair.")
    max_drop: float = Field(0.02, ge=0, le=1, description="Largest accepted drop of the held-out metric.")
    metric: Literal["auc", "precision@10", "recall@10", "ndcg@10"] = "auc"
    min_holdout_users: int = Field(5, ge=1)
    max_events: int = Field(200_000, ge=1, description="Events folded in per run at most.")
    positive_events: tuple[PositiveEvent, ...] = ("click", "add_to_cart", "purchase")


@lru_cache(maxsize=1)
def get_update_settings() -> UpdateSettings:
    return UpdateSettings()
