"""Banners designed for the product: patterned backgrounds in its palette, its photo framed with aspect kept."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from services.creative.banner import BannerContent, BrandColours, compose_banner
from services.creative.banner_background import PATTERNS, make_background
from services.creative.banner_layout import STANDARD_SIZES, BannerFormat, box_size, inside
from services.creative.fonts import FontSet, resolve_fonts

FORMATS = [BannerFormat(name, w, h) for name, (w, h) in STANDARD_SIZES.items()]
RED = BrandColours((158, 42, 43), (244, 199, 195), (242, 165, 65))


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return resolve_fonts()


def test_each_pattern_draws_a_visible_repeat_in_the_palette() -> None:
    flat = np.asarray(make_background((300, 250), "gradient", RED.primary, RED.secondary), np.int16)
    drawn = {kind: np.asarray(make_background((300, 250), kind, RED.primary, RED.secondary)) for kind in PATTERNS}
    for kind, pixels in drawn.items():
        assert np.abs(pixels.astype(np.int16) - flat).max() > 10, kind  # the pattern shows
        assert pixels[..., 0].mean() > pixels[..., 2].mean(), kind  # still a red palette
    assert len({arr.tobytes() for arr in drawn.values()}) == len(PATTERNS)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize("kind", PATTERNS)
def test_text_on_patterns_keeps_its_contrast(fonts: FontSet, fmt: BannerFormat, kind: str) -> None:
    content = BannerContent("红色复古波点马克杯", "A red mug with a retrospot pattern.", "Shop now", None, RED)
    result = compose_banner(fmt, content, fonts, background=kind)
    for text in result.texts:
        assert inside(text.box, result.safe_area) and text.contrast >= 4.5, (text.role, text.contrast)


@pytest.mark.parametrize("size", [(120, 480), (640, 200), (300, 300)])
def test_the_product_photo_is_framed_never_stretched(fonts: FontSet, size: tuple[int, int]) -> None:
    photo = Image.new("RGB", size, (20, 90, 160))
    for fmt in FORMATS:
        result = compose_banner(fmt, BannerContent("Blue Mug", None, "Shop", photo, RED), fonts, background="dots")
        assert result.product_box is not None and inside(result.product_box, result.safe_area)
        width, height = box_size(result.product_box)
        assert abs(width / height - size[0] / size[1]) < 0.03, (fmt.name, width, height)
        left, top = result.product_box[:2]
        mat = result.image.getpixel((left - 2, top + height // 2))
        assert mat == (255, 255, 255), "a white mat frames the photo"
