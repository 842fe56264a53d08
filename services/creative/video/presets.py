"""Named style presets: small reference pictures made here (colour gradients with grain).

A preset stands in for a style image: the transfer reads only its colour statistics and detail
energy. Each is drawn deterministically from two colours and a grain strength.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import numpy as np
from PIL import Image

PresetName = Literal["sunset", "ocean", "forest", "pastel", "noir", "vintage"]
PRESETS: dict[str, tuple[tuple[int, int, int], tuple[int, int, int], float]] = {
    "sunset": ((250, 140, 40), (90, 20, 80), 12.0),
    "ocean": ((40, 170, 200), (5, 30, 70), 8.0),
    "forest": ((150, 180, 70), (20, 50, 30), 10.0),
    "pastel": ((250, 215, 225), (190, 220, 250), 4.0),
    "noir": ((235, 235, 235), (12, 12, 12), 14.0),
    "vintage": ((235, 205, 150), (85, 55, 35), 16.0),
}


@lru_cache(maxsize=len(PRESETS))
def preset_image(name: str, size: int = 256) -> Image.Image:
    """The reference picture of preset ``name`` (``KeyError`` for an unknown name)."""
    top, bottom, grain = PRESETS[name]
    rng = np.random.default_rng(sorted(PRESETS).index(name))
    ys = np.linspace(0, 1, size, dtype=np.float32)[:, None, None]
    xs = np.linspace(0, 1, size, dtype=np.float32)[None, :, None]
    mix = 0.8 * ys + 0.2 * xs
    pixels = np.array(top, np.float32) * (1 - mix) + np.array(bottom, np.float32) * mix
    pixels = pixels + rng.normal(0, grain, (size, size, 3)).astype(np.float32)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
