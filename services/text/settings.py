"""Settings of the text capability (env prefix ``ADSERVE_TEXT_``): request limits and sampling caps."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Hard ceilings: configuration may lower a limit, never raise it above these.
HARD_MAX_NEW_TOKENS = 96
HARD_MAX_REVIEWS = 1000
HARD_MAX_REVIEW_CHARS = 10_000
HARD_MAX_TOTAL_CHARS = 400_000


class TextSettings(BaseSettings):
    """Limits enforced per request while it is parsed (a 4xx with a message beyond them)."""

    model_config = SettingsConfigDict(env_prefix="ADSERVE_TEXT_", extra="ignore", frozen=True)

    max_items_per_request: int = Field(16, ge=1, le=256, description="Products per /generate_description call.")
    max_products_per_request: int = Field(8, ge=1, le=64, description="Products per /summarize_reviews call.")
    max_reviews_per_product: int = Field(200, ge=1, le=HARD_MAX_REVIEWS)
    max_review_chars: int = Field(4000, ge=50, le=HARD_MAX_REVIEW_CHARS)
    max_total_chars: int = Field(100_000, ge=1000, le=HARD_MAX_TOTAL_CHARS, description="All reviews of a product.")
    max_check_chars: int = Field(20_000, ge=100, le=200_000, description="Text sent to /check_compliance.")

    max_new_tokens: int = Field(48, ge=1, le=HARD_MAX_NEW_TOKENS, description="Cap on generated title tokens.")
    description_max_new_tokens: int = Field(
        96, ge=8, le=512, description="Tokens of a model-written description (models trained on descriptions)."
    )
    min_temperature: float = Field(0.05, gt=0.0, le=1.0)
    max_temperature: float = Field(1.5, ge=0.1, le=3.0)
    min_top_p: float = Field(0.1, gt=0.0, le=1.0)
    resample_attempts: int = Field(3, ge=1, le=8, description="Candidates tried when the guard finds violations.")
    repetition_penalty: float = Field(
        1.3, ge=1.0, le=3.0, description="Divides the logits of tokens already generated (1 = off)."
    )
    no_repeat_ngram_size: int = Field(2, ge=0, le=8, description="No n-gram of generated tokens twice (0 = off).")

    abstractive_max_input_tokens: int = Field(256, ge=16, le=1024)
    abstractive_max_new_tokens: int = Field(24, ge=4, le=128)
    abstractive_num_beams: int = Field(2, ge=1, le=8)

    device: Literal["auto", "cpu", "cuda"] = Field("auto", description="auto: CUDA with fp16 when present.")


@lru_cache(maxsize=1)
def get_text_settings() -> TextSettings:
    return TextSettings()
