"""Measurements of the creative tools: time per image at default sizes and quality checks.

Everything runs in-process (no server): these are the ceilings the HTTP numbers compare with.
Quality checks need no real diffusion weights: determinism and batching invariance for the
pipeline, colour distance for style transfer, PSNR for denoising, cast error for white balance,
and contrast ratios and safe margins for banners.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..banner import BannerContent, BrandColours, compose_banner
from ..banner_layout import STANDARD_SIZES, BannerFormat, inside
from ..colour import rgb_to_lab
from ..diffusion import DiffusionEngine
from ..enhance import EnhanceOptions, enhance
from ..fonts import resolve_fonts
from ..style_transfer import style_transfer, to_float
from .samples import add_noise, product_photo, style_photo

TOOL_SIDE = 1080  # default size of a product picture for the model-free tools

EN_TEXT = ("Summer Sale: up to 50% off dresses", "New arrivals every week. Free shipping over $50.", "Shop now")
ZH_TEXT = ("夏季新品 限时五折", "全场包邮，每周上新。精选连衣裙、衬衫与运动鞋。", "立即购买")


def median_ms(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def psnr(a: Image.Image, b: Image.Image) -> float:
    mse = float(np.mean((np.asarray(a, np.float32) - np.asarray(b, np.float32)) ** 2))
    return round(10 * np.log10(255.0**2 / max(mse, 1e-9)), 2)


def lab_mean_distance(a: Image.Image, b: Image.Image) -> float:
    la = rgb_to_lab(to_float(a)).reshape(-1, 3).mean(0)
    lb = rgb_to_lab(to_float(b)).reshape(-1, 3).mean(0)
    return round(float(np.linalg.norm(la - lb)), 2)


def sample_banner(lang: str = "en", product: Image.Image | None = None) -> BannerContent:
    headline, sub, cta = EN_TEXT if lang == "en" else ZH_TEXT
    colours = BrandColours((31, 58, 95), (242, 153, 74)) if lang == "en" else BrandColours((200, 30, 40), (255, 210, 0))
    return BannerContent(headline, sub, cta, product or product_photo((600, 760)), colours)


# ------------------------------------------------------------------------------ timings
def tool_timings(engine: DiffusionEngine | None, repeats: int = 3, side: int = TOOL_SIDE) -> dict[str, float]:
    """Milliseconds per image for each tool (median of ``repeats``)."""
    content, style = product_photo((side, side)), style_photo((side, side))
    out: dict[str, float] = {
        "style_transfer_reinhard": median_ms(lambda: style_transfer(content, style, method="reinhard"), repeats),
        "style_transfer_histogram": median_ms(lambda: style_transfer(content, style, method="histogram"), repeats),
        "style_transfer_reinhard_texture": median_ms(
            lambda: style_transfer(content, style, method="reinhard", texture=0.5), repeats
        ),
        "enhance_all_steps": median_ms(lambda: enhance(content, EnhanceOptions()), repeats),
    }
    fonts = resolve_fonts()
    for name, (width, height) in STANDARD_SIZES.items():
        fmt = BannerFormat(name, width, height)
        out[f"compose_banner_{name}"] = median_ms(lambda f=fmt: compose_banner(f, sample_banner(), fonts), repeats)
    if engine is not None:
        out.update(diffusion_timings(engine, max(1, repeats - 1)))
    return out


def diffusion_timings(engine: DiffusionEngine, repeats: int) -> dict[str, float]:
    side, steps = engine.defaults.side, engine.defaults.steps
    one = [engine.resolve("studio photo of a red dress", None, None, None, None, None, 1, 1)]
    four = [engine.resolve(f"studio photo of product {i}", None, None, None, None, None, i, 1) for i in range(4)]
    source = product_photo((side, side))
    label = f"{side}px_{steps}steps"
    return {
        f"generate_image_{label}_batch1": median_ms(lambda: engine.generate(one), repeats),
        f"generate_image_{label}_batch4_per_image": round(median_ms(lambda: engine.generate(four), repeats) / 4, 1),
        f"restyle_{label}_strength0.6": median_ms(
            lambda: engine.restyle(
                source,
                "watercolour",
                negative_prompt=None,
                strength=0.6,
                steps=None,
                guidance_scale=None,
                seed=1,
                side=None,
            ),
            repeats,
        ),
    }


# ------------------------------------------------------------------------------ quality
def diffusion_checks(engine: DiffusionEngine) -> dict[str, Any]:
    """Same seed gives the same image; batching does not change an image (beyond float noise)."""
    job = engine.resolve("red dress on a beach", None, None, None, 2, None, 42, 1)
    first = np.asarray(engine.generate([job])[0][0].image, np.int16)
    again = np.asarray(engine.generate([job])[0][0].image, np.int16)
    others = [engine.resolve(f"other prompt {i}", None, None, None, 2, None, i, 1) for i in range(3)]
    batched = np.asarray(engine.generate([job, *others])[0][0].image, np.int16)
    return {
        "same_seed_max_pixel_diff": int(np.abs(first - again).max()),
        "batched_vs_single_max_pixel_diff": int(np.abs(first - batched).max()),
        "pipeline": type(engine.text2img).__name__,
        "img2img_shares_unet": engine.img2img.unet is engine.text2img.unet,
        "device": engine.device,
        "dtype": engine.dtype,
    }


def tool_checks(data_dir: Path | None = None) -> dict[str, Any]:
    content, style = product_photo(), style_photo()
    clean = product_photo((400, 400))
    noisy = add_noise(clean, 18)
    cast = product_photo((400, 400), cast=(22, 0, -22))
    denoised = enhance(noisy, EnhanceOptions(denoise=0.6, white_balance=0, auto_contrast=0, sharpen=0))
    balanced = enhance(cast, EnhanceOptions(denoise=0, white_balance=1, auto_contrast=0, sharpen=0))
    corner = (5, 5, 60, 60)  # background patch: neutral grey in the clean picture
    cast_before = np.ptp(np.asarray(cast.crop(corner), np.float32).reshape(-1, 3).mean(0))
    cast_after = np.ptp(np.asarray(balanced.crop(corner), np.float32).reshape(-1, 3).mean(0))
    return {
        "style_lab_mean_distance_before": lab_mean_distance(content, style),
        "style_lab_mean_distance_reinhard": lab_mean_distance(style_transfer(content, style), style),
        "style_lab_mean_distance_histogram": lab_mean_distance(
            style_transfer(content, style, method="histogram"), style
        ),
        "denoise_psnr_noisy_db": psnr(noisy, clean),
        "denoise_psnr_enhanced_db": psnr(denoised, clean),
        "white_balance_cast_before": round(float(cast_before), 1),
        "white_balance_cast_after": round(float(cast_after), 1),
        **banner_checks(),
    }


def banner_checks() -> dict[str, Any]:
    fonts = resolve_fonts()
    ratios, inside_safe, cjk = [], True, fonts.covers_cjk
    for lang in ("en", "zh") if cjk else ("en",):
        for background in ("flat", "gradient"):
            for name, (width, height) in STANDARD_SIZES.items():
                result = compose_banner(
                    BannerFormat(name, width, height), sample_banner(lang), fonts, background=background
                )
                ratios += [t.contrast for t in result.texts]
                inside_safe &= all(inside(t.box, result.safe_area) for t in result.texts)
                inside_safe &= result.product_box is None or inside(result.product_box, result.safe_area)
    return {
        "banner_min_contrast_ratio": round(min(ratios), 2),
        "banner_text_inside_safe_area": inside_safe,
        "banner_font_draws_chinese": cjk,
    }
