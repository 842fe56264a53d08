"""Model-free style transfer by colour and texture statistics.

* Reinhard: match the mean and standard deviation of each CIELAB channel of the content image to
  those of the style image (Reinhard et al., "Color Transfer between Images", 2001, in Lab).
* Histogram matching: map each RGB channel through the content CDF onto the style CDF, with the
  step between neighbouring levels capped so that large flat areas do not blotch at their edges.
* Texture: scale the content's fine-detail layer (luminance minus a blur) so its energy follows
  the style's, which carries some of the style's grain or smoothness.
``strength`` blends the result with the content (0 gives the content back, 1 the full transfer).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from PIL import Image, ImageFilter

from .colour import lab_to_rgb, rgb_to_lab

Method = Literal["reinhard", "histogram"]
STATS_SIDE = 512  # the style's statistics are measured on a copy at most this large


def to_float(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0


def to_image(array: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(array * 255.0 + 0.5, 0, 255).astype(np.uint8), "RGB")


def thumbnail(image: Image.Image, side: int = STATS_SIDE) -> Image.Image:
    copy = image.convert("RGB")
    copy.thumbnail((side, side), Image.Resampling.BILINEAR)
    return copy


def lab_moments(lab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each Lab channel."""
    flat = lab.reshape(-1, 3)
    return flat.mean(0), flat.std(0)


def reinhard_lab(
    c_lab: np.ndarray, c_mean: np.ndarray, c_std: np.ndarray, s_mean: np.ndarray, s_std: np.ndarray
) -> np.ndarray:
    """Lab pixels moved from the moments ``(c_mean, c_std)`` to ``(s_mean, s_std)``, back in sRGB.

    The content moments are parameters so that a video can pass moments smoothed over time.
    """
    out = (c_lab - c_mean) * (s_std / np.maximum(c_std, 1e-3)) + s_mean
    out[..., 0] = np.clip(out[..., 0], 0.0, 100.0)
    return lab_to_rgb(out)


def reinhard(content: np.ndarray, style: np.ndarray) -> np.ndarray:
    """Content recoloured so that its Lab channel means and spreads are those of the style."""
    c_lab = rgb_to_lab(content)
    return reinhard_lab(c_lab, *lab_moments(c_lab), *lab_moments(rgb_to_lab(style)))


def limit_slope(lut: np.ndarray, counts: np.ndarray, max_slope: float) -> np.ndarray:
    """Cap the step between neighbouring levels of a monotone LUT, keeping its pixel-weighted mean.

    A content level holding many pixels (a flat studio background) makes plain histogram matching
    jump across many output levels between it and its neighbours, which shows as blotches along
    edges; capping the step keeps neighbouring content levels close in the output.
    """
    steps = np.clip(np.diff(lut), 0.0, max_slope)
    capped = np.concatenate([[0.0], np.cumsum(steps)])
    weights = counts / max(1, counts.sum())
    return capped + float(((lut - capped) * weights).sum())


def match_histograms(content: np.ndarray, style: np.ndarray, max_slope: float = 10.0) -> np.ndarray:
    """Per-channel histogram matching of 8-bit levels (content CDF -> style quantiles), slope-capped."""
    out = np.empty_like(content)
    levels = np.arange(256, dtype=np.float64)
    for ch in range(3):
        c_vals = np.clip(content[..., ch] * 255 + 0.5, 0, 255).astype(np.uint8)
        s_vals = np.clip(style[..., ch] * 255 + 0.5, 0, 255).astype(np.uint8)
        c_counts = np.bincount(c_vals.ravel(), minlength=256).astype(np.float64)
        s_cdf = np.cumsum(np.bincount(s_vals.ravel(), minlength=256)).astype(np.float64)
        c_cdf = np.cumsum(c_counts)
        # each content level goes to the style quantile at the middle of its own probability mass
        c_mid = (c_cdf - c_counts / 2) / c_cdf[-1]
        lut = np.interp(c_mid, s_cdf / s_cdf[-1], levels)
        lut = limit_slope(lut, c_counts, max_slope)
        out[..., ch] = (np.clip(lut, 0, 255) / 255.0).astype(np.float32)[c_vals]
    return out


def detail_energy(image: Image.Image, radius: float = 2.0) -> float:
    """Standard deviation of luminance minus its Gaussian blur (fine texture), in [0, 1] units."""
    grey = image.convert("L")
    base = np.asarray(grey.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32)
    return float((np.asarray(grey, dtype=np.float32) - base).std() / 255.0)


def texture_gain(c_energy: float, s_energy: float, amount: float) -> float:
    """Gain of the detail layer that moves ``c_energy`` toward ``s_energy`` by ``amount`` (1 = no change)."""
    if amount <= 0 or c_energy < 1e-4:
        return 1.0
    return float(np.clip(s_energy / c_energy, 0.25, 4.0)) ** amount


def scale_detail(result: np.ndarray, gain: float) -> np.ndarray:
    """``result`` with its detail layer (minus a Gaussian blur) multiplied by ``gain``."""
    if gain == 1.0:
        return result
    blurred = to_float(to_image(result).filter(ImageFilter.GaussianBlur(2.0)))
    return blurred + (result - blurred) * gain


def transfer_texture(result: np.ndarray, content: Image.Image, style: Image.Image, amount: float) -> np.ndarray:
    """Rescale the detail layer of ``result`` toward the style's detail energy by ``amount``."""
    gain = texture_gain(detail_energy(thumbnail(content)), detail_energy(thumbnail(style)), amount)
    return scale_detail(result, gain)


def style_transfer(
    content: Image.Image,
    style: Image.Image,
    *,
    method: Method = "reinhard",
    strength: float = 1.0,
    texture: float = 0.0,
) -> Image.Image:
    """Content image in the colours (and optionally texture) of the style image."""
    if not 0.0 <= strength <= 1.0 or not 0.0 <= texture <= 1.0:
        raise ValueError("strength and texture must be between 0 and 1")
    base = to_float(content)
    style_stats = to_float(thumbnail(style))
    moved = reinhard(base, style_stats) if method == "reinhard" else match_histograms(base, style_stats)
    moved = transfer_texture(moved, content, style, texture)
    return to_image(base + (moved - base) * strength)
