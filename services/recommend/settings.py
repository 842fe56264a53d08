"""Serving settings of the recommend service (``ADSERVE_RECOMMEND_*``): the faiss index of large catalogs
and the log of catalog items added at run time."""

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

    catalog_log: str = Field(
        "",
        description="Where /catalog_items stores its additions: a folder, or s3://bucket/prefix shared by every "
        "replica; empty: <var_dir>/catalog-additions.",
    )
    catalog_log_max_items: int = Field(100_000, ge=1, le=10_000_000, description="Items the log may hold at most.")
    catalog_poll_s: float = Field(
        2.0, ge=0.05, le=3600, description="How often each worker folds the log's additions into its served model."
    )


@lru_cache(maxsize=1)
def get_recommend_settings() -> RecommendSettings:
    return RecommendSettings()
