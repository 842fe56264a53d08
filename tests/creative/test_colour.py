"""WCAG contrast and CIELAB conversions against known values."""

from __future__ import annotations

import numpy as np
import pytest

from services.creative.colour import contrast_ratio, hex_to_rgb, lab_to_rgb, rgb_to_hex, rgb_to_lab


def test_wcag_reference_values() -> None:
    assert contrast_ratio((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    assert contrast_ratio((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    # #777777 on white is the classic "just below AA" grey
    assert contrast_ratio(hex_to_rgb("#777777"), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(hex_to_rgb("#767676"), (255, 255, 255)) >= 4.5


def test_lab_of_known_colours_and_round_trip() -> None:
    white = rgb_to_lab(np.array([1.0, 1.0, 1.0], np.float32))
    assert white == pytest.approx([100.0, 0.0, 0.0], abs=0.05)
    red = rgb_to_lab(np.array([1.0, 0.0, 0.0], np.float32))
    assert red == pytest.approx([53.24, 80.09, 67.20], abs=0.1)
    rng = np.random.default_rng(0)
    rgb = rng.random((50, 50, 3)).astype(np.float32)
    assert np.abs(lab_to_rgb(rgb_to_lab(rgb)) - rgb).max() < 1e-3


def test_hex_round_trip_and_errors() -> None:
    assert rgb_to_hex(hex_to_rgb("#1f3a5f")) == "#1F3A5F"
    with pytest.raises(ValueError):
        hex_to_rgb("#12345")
