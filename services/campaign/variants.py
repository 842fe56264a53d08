"""The variants the bandit chooses between: copy tones (text service) and banner styles (creative service).

A variant id is ``"<copy>/<creative>"``; it is returned with every campaign item and sent back in
feedback events, which credit both arms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from services.creative.schemas import Colour

COPY_TONES = ("neutral", "friendly", "premium", "sporty")


@dataclass(frozen=True)
class BannerStyle:
    colours: Colour
    background: Literal["flat", "gradient"]


BANNER_STYLES: dict[str, BannerStyle] = {
    "navy_gradient": BannerStyle(Colour(primary="#1F3A5F", secondary="#3C6E9F", accent="#F2A541"), "gradient"),
    "coral_flat": BannerStyle(Colour(primary="#E4572E", secondary="#FFF3E6", accent="#1F3A5F"), "flat"),
    "forest_gradient": BannerStyle(Colour(primary="#2E5E4E", secondary="#6BA368", accent="#F4D35E"), "gradient"),
    "mono_flat": BannerStyle(Colour(primary="#222222", secondary="#F5F5F5", accent="#D7263D"), "flat"),
}

CALL_TO_ACTION: dict[str, dict[str, str]] = {
    "neutral": {"en": "Shop now", "zh": "立即购买"},
    "friendly": {"en": "Take a look", "zh": "来看看"},
    "premium": {"en": "Discover more", "zh": "探索更多"},
    "sporty": {"en": "Get yours", "zh": "马上拥有"},
}


def variant_id(copy: str, creative: str) -> str:
    return f"{copy}/{creative}"


def split_variant(variant: str) -> tuple[str, str]:
    copy, _, creative = variant.partition("/")
    return copy, creative


def check_arms(copy_arms: tuple[str, ...], creative_arms: tuple[str, ...]) -> None:
    """Refuse configured arms the services cannot render (raised at service start)."""
    unknown_copy = [a for a in copy_arms if a not in COPY_TONES]
    unknown_style = [a for a in creative_arms if a not in BANNER_STYLES]
    if unknown_copy:
        raise ValueError(f"unknown copy variants {unknown_copy}; choose from {list(COPY_TONES)}")
    if unknown_style:
        raise ValueError(f"unknown creative variants {unknown_style}; choose from {list(BANNER_STYLES)}")
