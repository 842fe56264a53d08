"""A banner look designed from the product: palette from its colour (or a hash of its category), pattern from its pattern.

The product's own colour gives the hue when it names one ("red retrospot" is red); otherwise a
stable hash of the category and title picks one, so every product gets its own palette, the same
one on every call. A pattern in the attributes picks the matching background pattern (polka dots
are dots, stripes are stripes, gingham is a grid); otherwise the hash picks one.
"""

from __future__ import annotations

import colorsys
import zlib
from dataclasses import dataclass

from services.creative.banner_background import PATTERNS
from services.text.attributes import ProductAttributes
from services.text.lexicon_attributes import COLOUR_FAMILIES
from services.text.term_matching import normalise_term

# Family -> (primary, secondary): deep enough for white text, the secondary a light tint for the pattern.
_FAMILY_COLOURS: dict[str, tuple[str, str]] = {
    "red": ("#9E2A2B", "#F4C7C3"),
    "pink": ("#A23B72", "#F7D1E3"),
    "purple": ("#5E3C8C", "#DCCCF0"),
    "blue": ("#1F4E79", "#C9DDF2"),
    "green": ("#2E6B4F", "#CDE8D6"),
    "yellow": ("#8A6D1D", "#F6E7A8"),
    "orange": ("#A4481C", "#F8D3BB"),
    "brown": ("#6B4A2F", "#E8D5C0"),
    "beige": ("#7A6A55", "#EFE6D8"),
    "white": ("#5B6770", "#F2F2EE"),
    "black": ("#23262B", "#8C939C"),
    "grey": ("#44505C", "#D5DBE1"),
    "gold": ("#7D6222", "#EBD9A6"),
    "silver": ("#4E5A66", "#DDE2E7"),
    "bronze": ("#6E4A2A", "#E6CBB0"),
}
_FAMILY_ORDER = tuple(_FAMILY_COLOURS)
_PATTERN_OF = {
    "retrospot": "dots",
    "polka dot": "dots",
    "stripe": "stripes",
    "gingham": "grid",
    "check": "grid",
    "tartan": "grid",
    "lattice": "grid",
    "honeycomb": "grid",
}


@dataclass(frozen=True)
class ProductLook:
    primary: str
    secondary: str
    pattern: str  # one of services.creative.banner_background.PATTERNS


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02X}" for c in rgb)


def _colour_family(colour: str | None) -> str | None:
    if not colour:
        return None
    for part in colour.lower().replace(" and ", ",").split(","):
        families = COLOUR_FAMILIES.get(normalise_term(part.strip()))
        if families:
            return next((f for f in _FAMILY_ORDER if f in families), None)
    return None


def product_look(attrs: ProductAttributes, item_id: str) -> ProductLook:
    """The palette and pattern of one product's banner."""
    key = "|".join([*attrs.category, attrs.title or "", item_id]).lower()
    digest = zlib.crc32(key.encode())
    family = _colour_family(attrs.colour)
    if family is not None:
        primary, secondary = _FAMILY_COLOURS[family]
    else:
        hue = (digest % 360) / 360.0
        primary = _hex(colorsys.hsv_to_rgb(hue, 0.55, 0.45))
        secondary = _hex(colorsys.hsv_to_rgb(hue, 0.18, 0.96))
    written = (attrs.extra.get("pattern") or "").split(",")[0].strip().lower()
    pattern = _PATTERN_OF.get(written) or PATTERNS[(digest >> 9) % len(PATTERNS)]
    return ProductLook(primary, secondary, pattern)
