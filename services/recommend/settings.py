"""Serving settings of the recommend service (``ADSERVE_RECOMMEND_*``): the faiss index of large catalogs."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RecommendSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ADSERVE_RECOMMEND_", extra="ignore", frozen=True)

    ann_min_items: int = Field(
        100_000, ge=1, description="Catalogs of at least this many items are served from a faiss index built at load."
    )
    ann_min_recall: float = Field(
        0.95, gt=0, le=1, description="Recall@10 against exact scoring the index must reach, else exact scoring."
    )
    ann_check_users: int = Field(200, ge=10, le=100_000, description="Users sampled to measure the index's recall.")
    ann_nlist: int | None = Field(None, ge=1, description="IVF lists; default the power of two at or below 4·sqrt(n).")
    ann_threads: int = Field(1, ge=1, le=256, description="faiss OpenMP threads per search.")
    ann_seed: int = 0


@lru_cache(maxsize=1)
def get_recommend_settings() -> RecommendSettings:
    return RecommendSettings()
