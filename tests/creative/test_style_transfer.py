"""Reinhard and histogram transfer move the content's colour statistics onto the style's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from services.creative.colour import rgb_to_lab
from services.creative.style_transfer import detail_energy, style_transfer, to_float
from services.creative.training.samples import fashion_items, product_photo, style_photo


def lab_stats(image: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    lab = rgb_to_lab(to_float(image)).reshape(-1, 3)
    return lab.mean(0), lab.std(0)


def test_reinhard_matches_lab_mean_and_spread_of_the_style() -> None:
    content, style = product_photo(), style_photo()
    out = style_transfer(content, style, method="reinhard")
    assert out.size == content.size and out.mode == "RGB"
    out_mean, out_std = lab_stats(out)
    style_mean, style_std = lab_stats(style)
    content_mean, _ = lab_stats(content)
    assert np.linalg.norm(out_mean - style_mean) < 0.25 * np.linalg.norm(content_mean - style_mean)
    _, content_std = lab_stats(content)
    assert out_std[:2] == pytest.approx(style_std[:2], abs=2.0)  # L and a; b is limited by the sRGB gamut
    assert np.abs(out_std - style_std).sum() < 0.5 * np.abs(content_std - style_std).sum()


def wasserstein(a: Image.Image, b: Image.Image, channel: int) -> float:
    """Mean distance between the sorted levels of one channel (1-D earth mover's distance)."""
    qa = np.quantile(np.asarray(a, np.float32)[..., channel], np.linspace(0, 1, 512))
    qb = np.quantile(np.asarray(b, np.float32)[..., channel], np.linspace(0, 1, 512))
    return float(np.abs(qa - qb).mean())


def test_histogram_matching_matches_channel_distributions() -> None:
    content, style = product_photo(), style_photo()
    out = style_transfer(content, style, method="histogram")
    for ch in range(3):
        assert wasserstein(out, style, ch) < 0.25 * wasserstein(content, style, ch)


def test_histogram_matching_keeps_neighbouring_levels_close() -> None:
    """No blotches along edges: an output step is at most 10 levels per input level."""
    content = np.asarray(product_photo(), np.int16)
    out = np.asarray(style_transfer(product_photo(), style_photo(), method="histogram"), np.int16)
    step_in = np.abs(np.diff(content, axis=1))
    step_out = np.abs(np.diff(out, axis=1))
    assert (step_out <= 10 * step_in + 2).all()


def test_strength_zero_returns_the_content_and_strength_blends() -> None:
    content, style = product_photo(), style_photo()
    same = np.asarray(style_transfer(content, style, strength=0.0), np.int16)
    assert np.abs(same - np.asarray(content, np.int16)).max() <= 1
    half = lab_stats(style_transfer(content, style, strength=0.5))[0]
    full = lab_stats(style_transfer(content, style, strength=1.0))[0]
    start = lab_stats(content)[0]
    assert np.linalg.norm(half - start) < np.linalg.norm(full - start)


def test_texture_moves_detail_energy_toward_the_style() -> None:
    content, style = product_photo(), style_photo()  # smooth content, grainy style
    plain = style_transfer(content, style, texture=0.0)
    textured = style_transfer(content, style, texture=1.0)
    assert detail_energy(textured) > detail_energy(plain)


def test_real_catalogue_images(shared_data: Path) -> None:
    (_, shoe), (_, pullover) = fashion_items(shared_data, 2)
    out = style_transfer(shoe, style_photo(), method="reinhard", strength=0.8)
    assert out.size == shoe.size
    assert lab_stats(out)[0][2] > lab_stats(shoe)[0][2] + 5  # bluish ink turned warm (b* up)
    assert style_transfer(pullover, shoe, method="histogram").size == pullover.size


def test_bad_strength_is_refused() -> None:
    with pytest.raises(ValueError):
        style_transfer(product_photo(), style_photo(), strength=1.5)
