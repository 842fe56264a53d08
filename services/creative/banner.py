"""Banner composition: background, product and text drawn into one ad format.

The product keeps its aspect ratio inside its box; headline, sub-headline and call to action are
fitted (largest size that fits, wrapped) inside the safe area. Text takes the first colour whose
contrast against every background pixel behind it reaches 4.5:1 (WCAG AA for body text); when no
colour does (busy generated backgrounds), a scrim panel is laid behind the text until one does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from .banner_background import make_background
from .banner_layout import BannerFormat, Box, box_size, contain, plan_layout
from .banner_text import Arrangement, arrange, inset, union
from .colour import RGB, contrast_ratio
from .contrast_check import (
    BODY_TEXT_RATIO,
    NEAR_BLACK,
    UI_COMPONENT_RATIO,
    WHITE,
    best_colour,
    region_tone,
)
from .fonts import FontSet
from .text_layout import FittedText


@dataclass(frozen=True)
class BrandColours:
    primary: RGB
    secondary: RGB | None = None
    accent: RGB | None = None
    text: RGB | None = None


@dataclass(frozen=True)
class BannerContent:
    headline: str
    subheadline: str | None
    cta: str | None
    product: Image.Image | None
    colours: BrandColours


@dataclass(frozen=True)
class DrawnText:
    role: str
    box: Box
    font_size: int
    colour: RGB
    background: RGB
    contrast: float
    truncated: bool


@dataclass
class BannerResult:
    format: BannerFormat
    image: Image.Image
    safe_area: Box
    product_box: Box | None
    texts: list[DrawnText] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------ compose
def compose_banner(
    fmt: BannerFormat,
    content: BannerContent,
    fonts: FontSet,
    *,
    background: str = "gradient",
    generated: Image.Image | None = None,
) -> BannerResult:
    """Render one banner and report where each element went and its contrast ratio."""
    for text in (content.headline, content.subheadline or "", content.cta or ""):
        fonts.check_text(text)
    layout = plan_layout(fmt, content.product is not None)
    size = (fmt.width, fmt.height)
    colours = content.colours
    canvas = make_background(size, background, colours.primary, colours.secondary, generated)
    result = BannerResult(fmt, canvas, layout.safe, None)
    if content.product is not None and layout.product is not None:
        result.product_box = place_product(canvas, content.product, layout.product)

    draw = ImageDraw.Draw(canvas)

    def layout_text(box: Box) -> tuple[Arrangement, list[Box], Box]:
        plan = arrange(
            content.headline, content.subheadline, content.cta, fonts, box,
            short_side=min(size), left_aligned=layout.horizontal, name=fmt.name,
        )  # fmt: skip
        inks = [plan.ink(draw, block) for block in plan.blocks]
        return plan, inks, union(inks + ([plan.button_box] if plan.button_box else []))

    plan, inks, region = layout_text(layout.text)
    colour, ratio = choose_text_colour(canvas, region, colours)
    if ratio < BODY_TEXT_RATIO:
        # No colour reads over this background: leave room for a panel, then lay it behind the text.
        plan, inks, region = layout_text(inset(layout.text, plan.gap))
        colour = lay_scrim(canvas, expand(region, plan.gap, layout.text), region)
    result.warnings += plan.warnings
    base = canvas.copy()
    for block, ink in zip(plan.blocks, inks, strict=True):
        for xy, line in plan.line_origins(block):
            draw.text(xy, line, font=block.fitted.font, fill=colour)
        worst, against = region_tone(base, ink).worst(colour)
        result.texts.append(
            DrawnText(block.role, ink, block.fitted.size, colour, against, worst, block.fitted.truncated)
        )
    if plan.button_box is not None and plan.label is not None:
        result.texts.append(draw_button(canvas, plan.button_box, plan.label, colours, colour))
    return result


def place_product(canvas: Image.Image, product: Image.Image, box: Box) -> Box:
    """The product photo in a framed mat inside ``box``: scaled to fit, aspect kept, never cropped or stretched.

    A white mat with rounded corners and a soft shadow sets the photo off any background.
    """
    width, height = box_size(box)
    pad = max(3, round(min(width, height) * 0.04))
    shadow = max(2, round(min(width, height) * 0.02))
    inner = (box[0] + pad, box[1] + pad, box[2] - pad - shadow, box[3] - pad - shadow)
    target = contain(product.size, inner)
    mat = (target[0] - pad, target[1] - pad, target[2] + pad, target[3] + pad)
    radius = max(2, round(pad * 0.8))
    shade = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(shade).rounded_rectangle(
        (mat[0] + shadow, mat[1] + shadow, mat[2] + shadow - 1, mat[3] + shadow - 1), radius, fill=90
    )
    blurred = shade.filter(ImageFilter.GaussianBlur(shadow))
    shade = Image.new("L", canvas.size, 0)
    shade.paste(blurred.crop(box), box[:2])  # the shadow stays inside the product's box
    canvas.paste(Image.new("RGB", canvas.size, (0, 0, 0)), (0, 0), shade)
    ImageDraw.Draw(canvas).rounded_rectangle((mat[0], mat[1], mat[2] - 1, mat[3] - 1), radius, fill=(255, 255, 255))
    placed = product.convert("RGB").resize(box_size(target), Image.Resampling.LANCZOS)
    canvas.paste(placed, target[:2])
    return target


def expand(box: Box, pad: int, limit: Box) -> Box:
    return (
        max(limit[0], box[0] - pad),
        max(limit[1], box[1] - pad),
        min(limit[2], box[2] + pad),
        min(limit[3], box[3] + pad),
    )


def choose_text_colour(canvas: Image.Image, region: Box, colours: BrandColours) -> tuple[RGB, float]:
    tone = region_tone(canvas, region)
    candidates = [c for c in (colours.text, WHITE, NEAR_BLACK, colours.secondary, colours.primary) if c]
    return best_colour(tone, candidates, BODY_TEXT_RATIO)


def lay_scrim(canvas: Image.Image, box: Box, text_region: Box) -> RGB:
    """Darken (or lighten) a rounded panel behind the text until white (or near-black) text reaches 4.5:1."""
    original = canvas.crop(box)
    mean_luminance = float(np.asarray(original.convert("L"), dtype=np.float32).mean()) / 255.0
    text, panel = (WHITE, (0, 0, 0)) if mean_luminance < 0.5 else (NEAR_BLACK, (255, 255, 255))
    mask = Image.new("L", original.size, 0)
    radius = max(2, round(min(original.size) * 0.06))
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, original.width - 1, original.height - 1), radius, fill=255)
    for alpha in (0.45, 0.6, 0.75, 0.9, 1.0):
        blended = Image.blend(original, Image.new("RGB", original.size, panel), alpha)
        canvas.paste(Image.composite(blended, original, mask), box[:2])
        if region_tone(canvas, text_region).worst(text)[0] >= BODY_TEXT_RATIO:
            break
    return text


def draw_button(canvas: Image.Image, box: Box, label: FittedText, colours: BrandColours, text_colour: RGB) -> DrawnText:
    """A rounded button that stands out from the background (3:1), its label at 4.5:1 on it."""
    tone = region_tone(canvas, box)
    options = [c for c in (colours.accent, colours.secondary) if c]
    fill = next((c for c in options if tone.worst(c)[0] >= UI_COMPONENT_RATIO), text_colour)
    scored = [(contrast_ratio(c, fill), c) for c in (colours.primary, WHITE, NEAR_BLACK)]
    ratio, ink_colour = next(((r, c) for r, c in scored if r >= BODY_TEXT_RATIO), max(scored))
    draw = ImageDraw.Draw(canvas)
    radius = round((box[3] - box[1]) * 0.3)
    draw.rounded_rectangle((box[0], box[1], box[2] - 1, box[3] - 1), radius=radius, fill=fill)
    centre = ((box[0] + box[2]) // 2, (box[1] + box[3]) // 2)
    line = label.lines[0] if label.lines else ""
    left, top, right, bottom = draw.textbbox(centre, line, font=label.font, anchor="mm")
    draw.text(centre, line, font=label.font, fill=ink_colour, anchor="mm")
    ink = (int(left), int(top), int(right), int(bottom))
    return DrawnText("cta", ink, label.size, ink_colour, fill, ratio, label.truncated)
