"""Example outputs as PNG: style transfer, enhancement, banners (English and Chinese), generation.

Contact sheets are kept small (about 1200 px wide) so they can be copied to ``docs/creative``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from ..banner import compose_banner
from ..banner_layout import STANDARD_SIZES, BannerFormat
from ..diffusion import DiffusionEngine
from ..enhance import EnhanceOptions, enhance
from ..fonts import resolve_fonts
from ..style_transfer import style_transfer
from .evaluation import sample_banner
from .samples import add_noise, fashion_items, product_photo, style_photo

SHEET_HEIGHT = 260


def contact_sheet(
    images: list[tuple[str, Image.Image]], height: int = SHEET_HEIGHT, max_width: int = 1200
) -> Image.Image:
    """Images side by side at one height, captioned; scaled down to ``max_width``."""
    fonts = resolve_fonts()
    caption = fonts.regular.at(16)
    scaled = [
        (label, img.convert("RGB").resize((max(1, round(img.width * height / img.height)), height)))
        for label, img in images
    ]
    pad = 8
    width = sum(img.width for _, img in scaled) + pad * (len(scaled) + 1)
    sheet = Image.new("RGB", (width, height + 2 * pad + 24), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    x = pad
    for label, img in scaled:
        sheet.paste(img, (x, pad))
        draw.text((x, height + pad + 4), label, font=caption, fill=(40, 40, 40))
        x += img.width + pad
    if sheet.width > max_width:
        ratio = max_width / sheet.width
        sheet = sheet.resize((max_width, round(sheet.height * ratio)), Image.Resampling.LANCZOS)
    return sheet


def style_transfer_example(data_dir: Path | None) -> Image.Image:
    content = product_photo((360, 450))
    if data_dir is not None:
        content = fashion_items(data_dir, 1, side=420)[0][1]
    style = style_photo((420, 300))
    return contact_sheet(
        [
            ("content", content),
            ("style", style),
            ("reinhard (Lab)", style_transfer(content, style, method="reinhard")),
            ("histogram", style_transfer(content, style, method="histogram")),
            ("reinhard + texture 0.5", style_transfer(content, style, method="reinhard", texture=0.5)),
        ]
    )


def enhance_example() -> Image.Image:
    raw = add_noise(product_photo((400, 500), cast=(24, 4, -24)), 16)
    return contact_sheet(
        [
            ("input: noise + warm cast", raw),
            ("denoise only", enhance(raw, EnhanceOptions(white_balance=0, auto_contrast=0, sharpen=0))),
            ("all steps", enhance(raw)),
        ]
    )


def banner_example(lang: str, background: str) -> Image.Image:
    fonts = resolve_fonts()
    images = [
        (
            f"{name} {w}x{h}",
            compose_banner(BannerFormat(name, w, h), sample_banner(lang), fonts, background=background).image,
        )
        for name, (w, h) in STANDARD_SIZES.items()
    ]
    return contact_sheet(images, height=320)


def generation_example(engine: DiffusionEngine) -> Image.Image:
    prompts = ["studio photo of a red dress", "sneakers on a beach", "leather bag, soft light", "summer sale banner"]
    jobs = [engine.resolve(p, None, None, None, None, None, i, 1) for i, p in enumerate(prompts)]
    images = [(f"seed {i}", out[0].image) for i, out in enumerate(engine.generate(jobs))]
    return contact_sheet(images, height=min(160, engine.defaults.side))


def write_examples(out_dir: Path, engine: DiffusionEngine | None, data_dir: Path | None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = {
        "style_transfer.png": style_transfer_example(data_dir),
        "enhance.png": enhance_example(),
        "banners_en_gradient.png": banner_example("en", "gradient"),
    }
    if resolve_fonts().covers_cjk:
        figures["banners_zh_flat.png"] = banner_example("zh", "flat")
    if engine is not None:
        figures["generate_tiny_pipeline.png"] = generation_example(engine)
    paths = []
    for name, image in figures.items():
        path = out_dir / name
        # 256-colour palette: a third of the bytes, no visible loss at contact-sheet size
        image.quantize(256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
        paths.append(path)
    return paths
