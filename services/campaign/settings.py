"""Settings of the campaign capability and its feedback loop.

Two families under the single ``ADSERVE_`` prefix: ``ADSERVE_CAMPAIGN_*`` (composition, variants,
bandit) and ``ADSERVE_FEEDBACK_*`` (what ``/feedback`` accepts and how often the service ships; where
the store is lives in ``services.core.feedback.settings``; the online recommender update is
recommend's job, ``services.recommend.training.update_settings``). Lists are given as JSON in the environment, e.g.
``ADSERVE_CAMPAIGN_COPY_VARIANTS='["neutral", "friendly"]'``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.core.settings import get_settings

ARM_NAME = re.compile(r"^[a-z0-9_]{1,24}$")
RewardEvent = Literal["click", "add_to_cart", "purchase"]


class CampaignSettings(BaseSettings):
    """How ``/campaign`` composes its dependencies and chooses variants."""

    model_config = SettingsConfigDict(env_prefix="ADSERVE_CAMPAIGN_", extra="ignore", frozen=True)

    # --- dependencies ----------------------------------------------------------------
    recommend_url: str | None = Field(
        None, description="URL of a recommend service served on its own (JSON); unset = BentoML wiring."
    )
    text_url: str | None = Field(None, description="URL of a text service served on its own (JSON).")
    creative_url: str | None = Field(None, description="URL of a creative service served on its own (JSON).")
    vision_url: str | None = Field(
        None, description="URL of a vision service (JSON); unset = no image check of the listings."
    )
    vision_timeout_s: float = Field(5.0, gt=0, le=120, description="Budget of the image classification call.")
    vision_min_score: float = Field(
        0.5, ge=0.0, le=1.0, description="Least probability of the top label for a category mismatch to be reported."
    )
    image_root: Path = Field(
        default_factory=lambda: get_settings().data_dir,
        description="Local product images (image_uri paths) are read only below this folder.",
    )
    recommend_timeout_s: float = Field(3.0, gt=0, le=120, description="Budget of the recommend call.")
    text_timeout_s: float = Field(10.0, gt=0, le=600, description="Budget of the description call (all items).")
    creative_timeout_s: float = Field(10.0, gt=0, le=600, description="Budget of the banner calls (all items).")
    dependency_api_key: SecretStr | None = Field(
        None, description="Key sent to the dependencies; default: the first of ADSERVE_API_KEYS."
    )
    deadline_s: float = Field(
        30.0, gt=0, le=3600, description="Deadline of one campaign: no dependency call gets more than the time left."
    )
    timeout_s: int = Field(60, ge=5, le=3600, description="Request timeout of the campaign service.")
    max_concurrency: int = Field(256, ge=1, le=4096)

    # --- request limits --------------------------------------------------------------
    max_k: int = Field(10, ge=1, le=50, description="Most products per campaign.")
    max_formats: int = Field(4, ge=1, le=8, description="Most banner formats per campaign.")

    # --- variants and the bandit ------------------------------------------------------
    copy_variants: tuple[str, ...] = Field(
        ("neutral", "friendly", "premium", "sporty"), description="Copy arms: tones of the text service."
    )
    creative_variants: tuple[str, ...] = Field(
        ("navy_gradient", "coral_flat", "forest_gradient"), description="Creative arms: banner styles."
    )
    exploration_floor: float = Field(
        0.02, ge=0.0, le=0.5, description="Lowest probability with which any arm is chosen."
    )
    reward_event: RewardEvent = Field("click", description="The event that counts as a success of a variant.")
    prior_alpha: float = Field(1.0, gt=0)
    prior_beta: float = Field(1.0, gt=0)
    stats_cache_s: float = Field(1.0, ge=0, le=300, description="How long variant counts are reused.")

    @field_validator("recommend_url", "text_url", "creative_url", "vision_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("dependency URLs must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("copy_variants", "creative_variants")
    @classmethod
    def _arm_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("at least one variant is needed")
        for arm in value:
            if not ARM_NAME.match(arm):
                raise ValueError(f"variant names are 1-24 characters a-z, 0-9 or _ (got {arm!r})")
        if len(set(value)) != len(value):
            raise ValueError("variant names must be unique")
        return value

    @model_validator(mode="after")
    def _floor_fits(self) -> CampaignSettings:
        for arms in (self.copy_variants, self.creative_variants):
            if self.exploration_floor * len(arms) > 1.0:
                raise ValueError("exploration_floor × number of variants must be at most 1")
        return self

    def dependency_key(self) -> str | None:
        if self.dependency_api_key is not None and self.dependency_api_key.get_secret_value():
            return self.dependency_api_key.get_secret_value()
        keys = get_settings().api_key_list()
        return keys[0] if keys else None


class FeedbackSettings(BaseSettings):
    """What ``/feedback`` accepts and how often the service ships (the store itself: ``FeedbackStoreSettings``)."""

    model_config = SettingsConfigDict(env_prefix="ADSERVE_FEEDBACK_", extra="ignore", frozen=True)

    max_events_per_request: int = Field(1000, ge=1, le=100_000)
    max_clock_skew_s: float = Field(300.0, ge=0, description="How far in the future an event time may be.")
    max_event_age_days: float = Field(400.0, gt=0, description="Oldest accepted event time.")
    ship_every_s: float = Field(
        0.0, ge=0, description="Ship to ADSERVE_FEEDBACK_S3_URI from the service this often; 0 = only by command."
    )
    check_items: bool = Field(
        True,
        description="Refuse events whose item is not in the recommender's catalog (asked of recommend, cached); "
        "false only where the feedback source is trusted to send catalog items.",
    )
    item_cache_s: float = Field(600.0, ge=0, le=86_400, description="How long a known item id is remembered.")


@lru_cache(maxsize=1)
def get_campaign_settings() -> CampaignSettings:
    return CampaignSettings()


@lru_cache(maxsize=1)
def get_feedback_settings() -> FeedbackSettings:
    return FeedbackSettings()
