"""Cost budgets per request, read from ``ADSERVE_BUDGET_*`` environment variables.

Field limits bound each value on its own; a budget bounds what one request costs in total:

* ``max_image_pixels``: decoded image pixels of all images of a request together (vision batches,
  the creative tools' uploads and a banner's product image). Checked on the declared sizes in the
  image headers, before anything is decoded.
* ``max_diffusion_work``: images x denoising steps x output pixels of one request (``/generate_image``
  summed over its items, ``/restyle``, generated banner backgrounds). A size left unset counts at
  the largest allowed side (the model's native size is not known while a request is validated).
* ``max_banner_renders`` and ``max_banner_pixels``: banner formats one ``/compose_banner`` renders,
  and their pixels together.
* ``max_campaign_renders``: a campaign's fan-out, k products x banner formats.

Past a budget the request is answered 422 naming the limit and the value: validators raise
``check`` (a pydantic ``budget_exceeded`` error, turned into 422 by the middleware), handlers
raise ``enforce`` (BentoML's ``UnprocessableEntity``).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Literal

from bentoml.exceptions import UnprocessableEntity
from PIL import Image, UnidentifiedImageError
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .text_types import budget_error

BudgetName = Literal[
    "max_image_pixels", "max_diffusion_work", "max_banner_renders", "max_banner_pixels", "max_campaign_renders"
]


class BudgetSettings(BaseSettings):
    """What one request may cost at most; every budget is a count, compared with ``>``."""

    model_config = SettingsConfigDict(env_prefix="ADSERVE_BUDGET_", extra="ignore", frozen=True)

    max_image_pixels: int = Field(
        64 * 1024 * 1024, ge=1, description="Decoded image pixels per request, all images together."
    )
    max_diffusion_work: int = Field(
        128 * 1024 * 1024, ge=1, description="Images x steps x output pixels per request (diffusion)."
    )
    max_banner_renders: int = Field(8, ge=1, description="Banner formats rendered by one request.")
    max_banner_pixels: int = Field(
        32 * 1024 * 1024, ge=1, description="Pixels of all banners one request renders, together."
    )
    max_campaign_renders: int = Field(24, ge=1, description="Campaign fan-out: k products x banner formats.")


@lru_cache(maxsize=1)
def get_budget_settings() -> BudgetSettings:
    return BudgetSettings()


def env_name(budget: BudgetName) -> str:
    return f"ADSERVE_BUDGET_{budget.upper()}"


def over(budget: BudgetName, value: int) -> int | None:
    """The limit when ``value`` is over it, else None."""
    limit = int(getattr(get_budget_settings(), budget))
    return limit if value > limit else None


def check(budget: BudgetName, value: int, what: str) -> None:
    """In a validator: a ``budget_exceeded`` error (422) when ``value`` is over the budget."""
    limit = over(budget, value)
    if limit is not None:
        raise budget_error(env_name(budget), value, limit, what)


def enforce(budget: BudgetName, value: int, what: str) -> None:
    """In a handler: ``UnprocessableEntity`` (422) when ``value`` is over the budget."""
    limit = over(budget, value)
    if limit is not None:
        raise UnprocessableEntity(f"{what} is {value}, over the limit {env_name(budget)} = {limit}")


def declared_pixels(source: bytes | Path) -> int:
    """Width x height from an image header, without decoding it (0 when there is no readable header;
    the decoder then refuses the file with its own message)."""
    try:
        with Image.open(source if isinstance(source, Path) else io.BytesIO(source)) as img:
            width, height = img.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return 0
    return max(0, width) * max(0, height)
