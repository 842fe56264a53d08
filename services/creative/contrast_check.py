"""Worst-case WCAG contrast of a text colour over a region of an image, and text colour choice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from .banner_layout import Box
from .colour import RGB, contrast_against_luminance, relative_luminance

BODY_TEXT_RATIO = 4.5
UI_COMPONENT_RATIO = 3.0
WHITE: RGB = (255, 255, 255)
NEAR_BLACK: RGB = (17, 17, 17)


@dataclass(frozen=True)
class RegionTone:
    """Darkest and lightest pixels of a region (by relative luminance)."""

    darkest: RGB
    lightest: RGB
    l_min: float
    l_max: float

    def worst(self, colour: RGB) -> tuple[float, RGB]:
        """The lowest contrast of ``colour`` against any pixel of the region, and that pixel."""
        lc = float(relative_luminance(colour))
        if self.l_min <= lc <= self.l_max:
            return 1.0, colour
        low = contrast_against_luminance(colour, self.l_min)
        high = contrast_against_luminance(colour, self.l_max)
        return (low, self.darkest) if low <= high else (high, self.lightest)


def region_tone(image: Image.Image, box: Box) -> RegionTone:
    """Darkest and lightest pixels inside ``box``; an empty box (text that drew no ink) is measured
    as the single pixel at its corner, clamped into the image."""
    left, top, right, bottom = box
    if right <= left or bottom <= top:
        x = min(max(left, 0), image.width - 1)
        y = min(max(top, 0), image.height - 1)
        box = (x, y, x + 1, y + 1)
    pixels = np.asarray(image.convert("RGB").crop(box), dtype=np.uint8).reshape(-1, 3)
    lum = relative_luminance(pixels)
    lo, hi = int(np.argmin(lum)), int(np.argmax(lum))
    as_rgb = lambda i: (int(pixels[i, 0]), int(pixels[i, 1]), int(pixels[i, 2]))  # noqa: E731
    return RegionTone(as_rgb(lo), as_rgb(hi), float(lum[lo]), float(lum[hi]))


def best_colour(tone: RegionTone, candidates: Sequence[RGB], minimum: float) -> tuple[RGB, float]:
    """The first candidate reaching ``minimum`` over the whole region, else the highest-contrast one."""
    scored = [(tone.worst(c)[0], c) for c in candidates]
    for ratio, colour in scored:
        if ratio >= minimum:
            return colour, ratio
    ratio, colour = max(scored, key=lambda item: item[0])
    return colour, ratio
