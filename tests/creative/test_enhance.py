"""Enhancement steps each do what they say, on synthetic and real catalogue pictures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from services.creative.enhance import EnhanceOptions, auto_contrast, enhance
from services.creative.style_transfer import to_float
from services.creative.training.evaluation import psnr
from services.creative.training.samples import add_noise, fashion_items, product_photo

ONLY = {
    "denoise": EnhanceOptions(denoise=0.6, white_balance=0, auto_contrast=0, sharpen=0),
    "white_balance": EnhanceOptions(denoise=0, white_balance=1, auto_contrast=0, sharpen=0),
    "sharpen": EnhanceOptions(denoise=0, white_balance=0, auto_contrast=0, sharpen=1),
}


def high_frequency(image: Image.Image) -> float:
    grey = np.asarray(image.convert("L"), np.float32)
    return float(np.abs(np.diff(grey, axis=0)).mean() + np.abs(np.diff(grey, axis=1)).mean())


def test_denoise_raises_psnr_and_keeps_edges() -> None:
    clean = product_photo((300, 300))
    noisy = add_noise(clean, 18)
    out = enhance(noisy, ONLY["denoise"])
    assert psnr(out, clean) > psnr(noisy, clean) + 3
    blurred = noisy.filter(ImageFilter.BoxBlur(3))  # plain blur of the same radius: edges smeared
    edge_rows = np.asarray(out, np.float32)[150, 40:80], np.asarray(blurred, np.float32)[150, 40:80]
    assert np.ptp(edge_rows[0]) >= np.ptp(edge_rows[1])


def test_white_balance_removes_a_colour_cast() -> None:
    for cast in [(22, 0, -22), (-15, 0, 25)]:
        out = enhance(product_photo(cast=cast), ONLY["white_balance"])
        patch = np.asarray(out, np.float32)[5:40, 5:40].reshape(-1, 3).mean(0)
        before = np.asarray(product_photo(cast=cast), np.float32)[5:40, 5:40].reshape(-1, 3).mean(0)
        assert np.ptp(patch) < 0.25 * np.ptp(before)


def test_white_balance_leaves_a_neutral_picture_alone() -> None:
    clean = product_photo()
    out = enhance(clean, ONLY["white_balance"])
    assert np.abs(np.asarray(out, np.int16) - np.asarray(clean, np.int16)).mean() < 1.5


def test_auto_contrast_stretches_a_flat_picture() -> None:
    flat = to_float(product_photo()) * 0.5 + 0.25
    out = auto_contrast(flat, 1.0)
    assert np.ptp(out) > np.ptp(flat) * 1.5
    assert out.min() >= 0 and out.max() <= 1


def test_sharpen_adds_high_frequency_energy() -> None:
    soft = product_photo().filter(ImageFilter.GaussianBlur(2))
    assert high_frequency(enhance(soft, ONLY["sharpen"])) > high_frequency(soft) * 1.1


def test_all_steps_off_is_identity_and_size_is_kept(shared_data: Path) -> None:
    off = EnhanceOptions(denoise=0, white_balance=0, auto_contrast=0, sharpen=0)
    image = product_photo((123, 77))
    assert np.array_equal(np.asarray(enhance(image, off)), np.asarray(image))
    for _, item in fashion_items(shared_data, 3):
        out = enhance(add_noise(item, 12))
        assert out.size == item.size and out.mode == "RGB"
