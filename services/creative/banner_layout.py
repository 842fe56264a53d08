"""Banner geometry: standard ad sizes, safe areas and the split between product and text.

Boxes are ``(left, top, right, bottom)`` in pixels, right and bottom exclusive. The safe area is
inset by 6 % of the shorter side (at least 8 px); tall story formats also keep the top 12 % and
the bottom 16 % free, where apps draw their own controls.
"""

from __future__ import annotations

from dataclasses import dataclass

Box = tuple[int, int, int, int]

STANDARD_SIZES: dict[str, tuple[int, int]] = {
    "square": (1080, 1080),
    "landscape": (1200, 628),
    "story": (1080, 1920),
    "medium_rectangle": (300, 250),
}


@dataclass(frozen=True)
class BannerFormat:
    name: str
    width: int
    height: int

    @property
    def aspect(self) -> float:
        return self.width / self.height


@dataclass(frozen=True)
class Layout:
    canvas: Box
    safe: Box
    product: Box | None
    text: Box
    horizontal: bool  # product beside the text (wide formats) rather than above it


def box_size(box: Box) -> tuple[int, int]:
    return box[2] - box[0], box[3] - box[1]


def inside(inner: Box, outer: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def safe_area(width: int, height: int) -> Box:
    margin = max(8, round(0.06 * min(width, height)))
    top = bottom = margin
    if height / width >= 1.6:
        top, bottom = max(margin, round(0.12 * height)), max(margin, round(0.16 * height))
    return margin, top, width - margin, height - bottom


def plan_layout(fmt: BannerFormat, has_product: bool) -> Layout:
    """Where the product and the text go for one format."""
    safe = safe_area(fmt.width, fmt.height)
    sw, sh = box_size(safe)
    gap = max(6, round(0.04 * min(sw, sh)))
    canvas = (0, 0, fmt.width, fmt.height)
    if not has_product:
        return Layout(canvas, safe, None, safe, horizontal=False)
    if fmt.aspect >= 1.4:
        split = safe[0] + round(sw * 0.55)
        text = (safe[0], safe[1], split - gap // 2, safe[3])
        product = (split + gap - gap // 2, safe[1], safe[2], safe[3])
        return Layout(canvas, safe, product, text, horizontal=True)
    share = 0.5 if fmt.aspect <= 0.75 else 0.46
    split = safe[1] + round(sh * share)
    product = (safe[0], safe[1], safe[2], split - gap // 2)
    text = (safe[0], split + gap - gap // 2, safe[2], safe[3])
    return Layout(canvas, safe, product, text, horizontal=False)


def contain(image_size: tuple[int, int], box: Box) -> Box:
    """The largest box of the image's aspect ratio centred in ``box`` (no distortion)."""
    bw, bh = box_size(box)
    iw, ih = image_size
    scale = min(bw / iw, bh / ih)
    w, h = max(1, int(iw * scale)), max(1, int(ih * scale))
    left, top = box[0] + (bw - w) // 2, box[1] + (bh - h) // 2
    return left, top, left + w, top + h
