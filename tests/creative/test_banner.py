"""Banners: standard and custom sizes, text inside the safe area, WCAG contrast, Chinese glyphs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from services.creative.banner import BannerContent, BrandColours, compose_banner
from services.creative.banner_layout import STANDARD_SIZES, BannerFormat, box_size, inside
from services.creative.colour import contrast_ratio
from services.creative.fonts import FontFace, FontSet, FontUnavailableError, draws_glyph, resolve_fonts
from services.creative.training.evaluation import sample_banner
from services.creative.training.samples import fashion_items, product_photo

FORMATS = [BannerFormat(name, w, h) for name, (w, h) in STANDARD_SIZES.items()] + [
    BannerFormat("custom", 728, 90),
    BannerFormat("custom", 160, 600),
]


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return resolve_fonts()


def test_a_cjk_font_is_installed(fonts: FontSet) -> None:
    assert fonts.covers_cjk, "no CJK font: apt-get install fonts-noto-cjk (or set ADSERVE_CREATIVE_FONT_PATH)"
    assert draws_glyph(fonts.bold, "购")


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f"{f.name}-{f.width}x{f.height}")
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("background", ["flat", "gradient"])
def test_text_fits_the_safe_area_with_enough_contrast(
    fonts: FontSet, fmt: BannerFormat, lang: str, background: str
) -> None:
    result = compose_banner(fmt, sample_banner(lang), fonts, background=background)
    assert result.image.size == (fmt.width, fmt.height)
    roles = [t.role for t in result.texts]
    assert roles[0] == "headline" and "cta" in roles
    for text in result.texts:
        assert inside(text.box, result.safe_area), (text.role, text.box, result.safe_area)
        assert text.contrast >= 4.5, (text.role, text.contrast)
    if result.product_box is not None:
        assert inside(result.product_box, result.safe_area)


def test_pixels_outside_the_safe_area_are_background_only(fonts: FontSet) -> None:
    for fmt in FORMATS:
        content = sample_banner("en")
        result = compose_banner(fmt, content, fonts, background="flat")
        pixels = np.asarray(result.image, np.int16)
        left, top, right, bottom = result.safe_area
        outside = np.ones(pixels.shape[:2], bool)
        outside[top:bottom, left:right] = False
        assert (np.abs(pixels[outside] - np.array(content.colours.primary)).max(axis=1) == 0).all(), fmt


def test_measured_contrast_matches_the_drawn_pixels(fonts: FontSet) -> None:
    fmt = BannerFormat("square", 1080, 1080)
    colours = BrandColours((240, 240, 235), (200, 200, 190))  # light brand: dark text expected
    content = BannerContent("Fresh linen", "Breathable summer shirts", "Shop", product_photo(), colours)
    result = compose_banner(fmt, content, fonts, background="flat")
    head = result.texts[0]
    assert contrast_ratio(head.colour, (240, 240, 235)) >= 4.5
    glyphs = np.asarray(result.image.crop(head.box), np.int16).reshape(-1, 3)
    darkest = glyphs[glyphs.sum(1).argmin()]
    assert tuple(int(v) for v in darkest) == head.colour


def test_product_keeps_its_aspect_ratio(fonts: FontSet, shared_data: Path) -> None:
    tall = product_photo((300, 600))
    _, square = fashion_items(shared_data, 1)[0]
    for product in (tall, square):
        content = BannerContent("Headline", None, None, product, BrandColours((20, 20, 60)))
        for fmt in FORMATS:
            result = compose_banner(fmt, content, fonts, background="flat")
            assert result.product_box is not None
            w, h = box_size(result.product_box)
            assert abs(w / h - product.width / product.height) < 0.03 * (product.width / product.height) + 2 / h


def test_busy_background_gets_a_scrim_until_text_is_legible(fonts: FontSet) -> None:
    rng = np.random.default_rng(1)
    noise = Image.fromarray(rng.integers(0, 256, (256, 256, 3), dtype=np.uint8), "RGB")
    for fmt in FORMATS[:4]:
        result = compose_banner(fmt, sample_banner("en"), fonts, background="generated", generated=noise)
        assert all(t.contrast >= 4.5 for t in result.texts)
        assert all(inside(t.box, result.safe_area) for t in result.texts)


def test_long_text_is_shortened_with_a_warning(fonts: FontSet) -> None:
    content = BannerContent("Big savings " * 12, "More words " * 30, "Buy", None, BrandColours((10, 10, 10)))
    result = compose_banner(BannerFormat("medium_rectangle", 300, 250), content, fonts, background="flat")
    assert result.warnings
    assert all(inside(t.box, result.safe_area) for t in result.texts)


def test_chinese_text_is_refused_without_a_cjk_font(fonts: FontSet) -> None:
    latin_only = FontSet(fonts.regular, fonts.bold, covers_cjk=False)
    with pytest.raises(FontUnavailableError, match="fonts-noto-cjk"):
        compose_banner(FORMATS[0], sample_banner("zh"), latin_only)


def test_missing_glyphs_are_detected() -> None:
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not dejavu.exists():
        pytest.skip("DejaVu Sans not installed")
    face = FontFace(str(dejavu), 0)
    assert draws_glyph(face, "A") and not draws_glyph(face, "中")


@pytest.mark.parametrize("size", [(64, 64), (64, 600), (600, 64), (4096, 64)])
def test_tiny_and_extreme_formats_drop_elements_rather_than_overflow(fonts: FontSet, size: tuple[int, int]) -> None:
    fmt = BannerFormat("custom", *size)
    for product in (None, product_photo((60, 300))):
        content = BannerContent(
            "Mid-season sale on dresses", "Free shipping", "Shop now", product, BrandColours((9, 9, 9))
        )
        result = compose_banner(fmt, content, fonts, background="gradient")
        assert result.image.size == size
        assert result.texts[0].role == "headline"
        assert all(inside(t.box, result.safe_area) and t.contrast >= 4.5 for t in result.texts)
