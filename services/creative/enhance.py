"""Product-photo clean-up without a model: denoise, white balance, auto-contrast and sharpen.

* Denoise: a self-guided filter (He et al., "Guided Image Filtering") per channel, which smooths
  flat areas and keeps edges; ``strength`` sets the radius and the edge threshold.
* White balance: gains in linear light that make the bright near-neutral pixels grey (grey-world
  when an image has none), limited to [0.5, 2].
* Auto-contrast: stretch the luminance between its 0.5th and 99.5th percentiles with one gain and
  offset for all channels, so hues are kept.
* Sharpen: unsharp mask.
Every step is optional; they run in the order above.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter
from pydantic import BaseModel, Field
from scipy.ndimage import uniform_filter

from .colour import linear_to_srgb, srgb_to_linear
from .style_transfer import to_float, to_image


class EnhanceOptions(BaseModel):
    """Which steps run and how strongly (0 turns a step off)."""

    denoise: float = Field(0.5, ge=0.0, le=1.0)
    white_balance: float = Field(1.0, ge=0.0, le=1.0)
    auto_contrast: float = Field(1.0, ge=0.0, le=1.0)
    sharpen: float = Field(0.5, ge=0.0, le=1.0)


def box_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean over (2r+1)^2 windows per channel, edges padded with the nearest pixel."""
    size = (2 * radius + 1, 2 * radius + 1) + (1,) * (values.ndim - 2)
    return uniform_filter(values, size=size, mode="nearest")


def guided_denoise(rgb: np.ndarray, strength: float) -> np.ndarray:
    """Edge-preserving smoothing; the radius (1-4 px) and edge threshold grow with ``strength``."""
    if strength <= 0:
        return rgb
    radius = max(1, round(1 + 3 * strength))
    eps = (0.02 + 0.06 * strength) ** 2
    mean = box_mean(rgb, radius)
    var = np.maximum(box_mean(rgb * rgb, radius) - mean * mean, 0.0)
    a = var / (var + eps)
    b = mean - a * mean
    return box_mean(a, radius) * rgb + box_mean(b, radius)


def white_balance(rgb: np.ndarray, strength: float) -> np.ndarray:
    """Make the bright near-neutral pixels neutral (white patch); grey-world when there are none.

    Product photos are mostly shot on white or grey backgrounds, which grey-world would tint
    whenever the product itself is strongly coloured; the brightest unclipped, low-saturation
    pixels are a better reference for the illuminant.
    """
    if strength <= 0:
        return rgb
    linear = srgb_to_linear(rgb).reshape(-1, 3)
    reference = linear
    hi, lo = rgb.reshape(-1, 3).max(1), rgb.reshape(-1, 3).min(1)
    luma = linear @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
    neutral = (hi < 0.995) & ((hi - lo) < 0.3 * np.maximum(hi, 1e-6)) & (luma > 0.05)
    if neutral.mean() >= 0.01:
        brightest = luma >= np.percentile(luma[neutral], 50)
        reference = linear[neutral & brightest]
    means = reference.mean(0)
    gains = np.clip(means.mean() / np.maximum(means, 1e-6), 0.5, 2.0) ** strength
    return linear_to_srgb(linear * gains).reshape(rgb.shape)


def auto_contrast(rgb: np.ndarray, strength: float, clip_percent: float = 0.5) -> np.ndarray:
    """Stretch luminance percentiles to [0, 1] with one gain for all channels."""
    if strength <= 0:
        return rgb
    luma = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    lo, hi = np.percentile(luma, [clip_percent, 100 - clip_percent])
    if hi - lo < 1e-3:
        return rgb
    stretched = (rgb - lo) / (hi - lo)
    return np.clip(rgb + (stretched - rgb) * strength, 0.0, 1.0)


def sharpen(image: Image.Image, strength: float) -> Image.Image:
    if strength <= 0:
        return image
    return image.filter(ImageFilter.UnsharpMask(radius=2, percent=int(40 + 160 * strength), threshold=2))


def enhance(image: Image.Image, options: EnhanceOptions | None = None) -> Image.Image:
    """Apply the enabled steps to an RGB image; the size is unchanged."""
    options = options or EnhanceOptions()
    rgb = to_float(image)
    rgb = np.clip(guided_denoise(rgb, options.denoise), 0.0, 1.0)
    rgb = white_balance(rgb, options.white_balance)
    rgb = auto_contrast(rgb, options.auto_contrast)
    return sharpen(to_image(rgb), options.sharpen)
