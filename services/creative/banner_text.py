"""Banner text arrangement: fitted headline, sub-headline and button stacked inside a text box.

Sizes scale with the banner's shorter side; the headline takes up to 62 % of the height left
after the button when there is a sub-headline. A sub-headline or button with no room left is
dropped with a warning rather than drawn outside the box. The stack is centred vertically; lines are left-aligned
beside a product (wide formats) and centred otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import ImageDraw

from .banner_layout import Box, box_size
from .fonts import FontSet
from .text_layout import FittedText, fit_text, fits, line_height

INK_SLACK = 2  # glyph ink may stick out of the advance width by a pixel on either side
MIN_BUTTON_HEIGHT = 12
MIN_FONT_SIZE = 6


@dataclass
class Block:
    role: str
    fitted: FittedText
    top: int = 0


@dataclass
class Arrangement:
    box: Box
    left_aligned: bool
    gap: int
    blocks: list[Block] = field(default_factory=list)
    label: FittedText | None = None
    button_box: Box | None = None
    warnings: list[str] = field(default_factory=list)

    def line_x(self, width: float) -> int:
        if self.left_aligned:
            return self.box[0]
        return self.box[0] + int((box_size(self.box)[0] - width) // 2)

    def line_origins(self, block: Block) -> list[tuple[tuple[int, int], str]]:
        """Drawing origins that align each line's ink (not its advance box) inside the text box."""
        origins = []
        for i, line in enumerate(block.fitted.lines):
            left, _, right, _ = block.fitted.font.getbbox(line)
            x = self.line_x(right - left) - int(left)
            origins.append(((x, block.top + i * block.fitted.line_height), line))
        return origins

    def ink(self, draw: ImageDraw.ImageDraw, block: Block) -> Box:
        return union([draw.textbbox(xy, line, font=block.fitted.font) for xy, line in self.line_origins(block)])


def union(boxes: list[Box]) -> Box:
    """The smallest box holding all ``boxes``; an empty box at the origin when there are none."""
    if not boxes:
        return (0, 0, 0, 0)
    return (
        int(min(b[0] for b in boxes)),
        int(min(b[1] for b in boxes)),
        int(max(b[2] for b in boxes)),
        int(max(b[3] for b in boxes)),
    )


def inset(box: Box, pad: int) -> Box:
    return box[0] + pad, box[1] + pad, box[2] - pad, box[3] - pad


def arrange(
    headline: str,
    subheadline: str | None,
    cta: str | None,
    fonts: FontSet,
    box: Box,
    *,
    short_side: int,
    left_aligned: bool,
    name: str,
) -> Arrangement:
    """Fit and stack the text elements in ``box``."""
    tw, th = box_size(box)
    tw -= INK_SLACK
    out = Arrangement(box, left_aligned, gap=max(4, round(0.03 * short_side)))
    button_h = 0
    if cta:
        button_h = min(max(20, round(th * 0.18)), max(20, round(short_side * 0.11)), int(th * 0.4))
        if button_h < MIN_BUTTON_HEIGHT:
            button_h = 0
            out.warnings.append(f"{name}: no room for the call to action; left out")
    room = th - (button_h + out.gap if button_h else 0)
    head_room = max(1, round(room * (0.62 if subheadline else 1.0)))
    head_min = max(9, round(short_side * 0.03))
    while head_min > MIN_FONT_SIZE and line_height(fonts.bold.at(head_min), 1.05) > head_room:
        head_min -= 1  # tiny formats: one line of a smaller headline rather than text past the box
    head = fit_text(
        headline,
        fonts.bold,
        tw,
        head_room,
        max_size=max(10, round(short_side * 0.11)),
        min_size=head_min,
        max_lines=3,
        spacing=1.05,
    )
    out.blocks.append(Block("headline", head))
    if head.truncated:
        out.warnings.append(f"{name}: headline shortened to fit")
    if subheadline:
        sub_room = room - head.height - out.gap
        sub = fit_text(
            subheadline,
            fonts.regular,
            tw,
            max(1, sub_room),
            max_size=max(8, min(round(head.size * 0.6), round(short_side * 0.055))),
            min_size=max(8, round(short_side * 0.025)),
            max_lines=3,
            spacing=1.1,
        )
        if sub_room > 0 and fits(sub, tw, sub_room):
            out.blocks.append(Block("subheadline", sub))
            if sub.truncated:
                out.warnings.append(f"{name}: sub-headline shortened to fit")
        else:
            out.warnings.append(f"{name}: no room for the sub-headline; left out")
    button_w = 0
    if cta and button_h:
        pad = round(button_h * 0.5)
        out.label = fit_text(
            cta, fonts.bold, max(1, tw - 2 * pad), round(button_h * 0.7),
            max_size=max(8, round(button_h * 0.42)), min_size=8, max_lines=1,
        )  # fmt: skip
        button_w = min(tw, out.label.width() + 2 * pad)
        if out.label.truncated:
            out.warnings.append(f"{name}: call to action shortened to fit")
    heights = [b.fitted.height for b in out.blocks] + ([button_h] if button_w else [])
    y = box[1] + max(0, (th - sum(heights) - out.gap * (len(heights) - 1)) // 2)
    for block in out.blocks:
        block.top = y
        y += block.fitted.height + out.gap
    if button_w:
        left = out.line_x(button_w)
        out.button_box = (left, y, left + button_w, y + button_h)
    return out
