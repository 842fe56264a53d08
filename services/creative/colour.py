"""Colour arithmetic: hex parsing, sRGB <-> CIELAB (D65), WCAG relative luminance and contrast."""

from __future__ import annotations

import numpy as np

RGB = tuple[int, int, int]
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883], dtype=np.float32)
_RGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]],
    dtype=np.float32,
)
_XYZ_TO_RGB = np.linalg.inv(_RGB_TO_XYZ).astype(np.float32)
_EPS = 216 / 24389
_KAPPA = 24389 / 27


def hex_to_rgb(value: str) -> RGB:
    text = value.strip().lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #RRGGBB colour: {value!r}")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def rgb_to_hex(rgb: RGB) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def srgb_to_linear(values: np.ndarray) -> np.ndarray:
    """sRGB in [0, 1] to linear light."""
    return np.where(values <= 0.04045, values / 12.92, ((values + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(values: np.ndarray) -> np.ndarray:
    values = np.clip(values, 0.0, 1.0)
    return np.where(values <= 0.0031308, values * 12.92, 1.055 * np.power(values, 1 / 2.4) - 0.055)


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) sRGB in [0, 1] to CIELAB (L in [0, 100])."""
    xyz = srgb_to_linear(rgb.astype(np.float32)) @ _RGB_TO_XYZ.T / _WHITE_D65
    f = np.where(xyz > _EPS, np.cbrt(xyz), (_KAPPA * xyz + 16) / 116)
    lab = np.empty_like(f)
    lab[..., 0] = 116 * f[..., 1] - 16
    lab[..., 1] = 500 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200 * (f[..., 1] - f[..., 2])
    return lab


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """CIELAB to sRGB in [0, 1] (out-of-gamut values clipped)."""
    fy = (lab[..., 0] + 16) / 116
    fx = fy + lab[..., 1] / 500
    fz = fy - lab[..., 2] / 200
    f = np.stack([fx, fy, fz], axis=-1)
    f3 = f**3
    xyz = np.where(f3 > _EPS, f3, (116 * f - 16) / _KAPPA)
    xyz[..., 1] = np.where(lab[..., 0] > _KAPPA * _EPS, f3[..., 1], lab[..., 0] / _KAPPA)
    return linear_to_srgb((xyz * _WHITE_D65) @ _XYZ_TO_RGB.T)


def relative_luminance(rgb: RGB | np.ndarray) -> float | np.ndarray:
    """WCAG 2.x relative luminance of 8-bit sRGB colour(s)."""
    arr = np.asarray(rgb, dtype=np.float64) / 255.0
    lin = np.where(arr <= 0.04045, arr / 12.92, ((arr + 0.055) / 1.055) ** 2.4)
    lum = lin[..., 0] * 0.2126 + lin[..., 1] * 0.7152 + lin[..., 2] * 0.0722
    return float(lum) if lum.ndim == 0 else lum


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio, 1 to 21."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (float(hi) + 0.05) / (float(lo) + 0.05)


def contrast_against_luminance(colour: RGB, luminance: float) -> float:
    lc = float(relative_luminance(colour))
    hi, lo = max(lc, luminance), min(lc, luminance)
    return (hi + 0.05) / (lo + 0.05)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear blend of two colours in sRGB, ``t`` = 0 gives ``a``."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )
