"""Text wrapping and fitting: the largest font size whose wrapped lines fit a box.

English wraps at spaces; Chinese (and other CJK) wraps between any two characters, except that
closing punctuation stays on the line of the character before it. A word wider than the box is
split between characters. When nothing fits at the smallest size, the last line ends in "…".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import ImageFont

from .fonts import FontFace

_CJK_RANGES = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_CLOSING = re.escape("，。、；：！？）》」』】〉…,.;:!?)%")
_TOKEN = re.compile(rf"\s+|[{_CJK_RANGES}][{_CLOSING}]*|[^\s{_CJK_RANGES}]+[{_CLOSING}]*")
ELLIPSIS = "…"


@dataclass(frozen=True)
class FittedText:
    lines: list[str]
    size: int
    font: ImageFont.FreeTypeFont
    line_height: int
    truncated: bool

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)

    def width(self) -> int:
        return max((round(self.font.getlength(line)) for line in self.lines), default=0)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _split_long(token: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    parts: list[str] = []
    current = ""
    for char in token:
        if current and font.getlength(current + char) > max_width:
            parts.append(current)
            current = char
        else:
            current += char
    if current:
        parts.append(current)
    return parts


def wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Greedy line breaking; no line is wider than ``max_width`` (unless one character is)."""
    lines: list[str] = []
    current = ""
    space = False
    for tok in tokens(text):
        if tok.isspace():
            space = bool(current)
            continue
        joiner = " " if space and current else ""
        space = False
        if font.getlength(current + joiner + tok) <= max_width:
            current += joiner + tok
            continue
        if current:
            lines.append(current)
        pieces = _split_long(tok, font, max_width) if font.getlength(tok) > max_width else [tok]
        lines.extend(pieces[:-1])
        current = pieces[-1]
    if current:
        lines.append(current)
    return lines


def line_height(font: ImageFont.FreeTypeFont, spacing: float) -> int:
    ascent, descent = font.getmetrics()
    return max(1, round((ascent + descent) * spacing))


def _ellipsize(line: str, font: ImageFont.FreeTypeFont, max_width: float) -> str:
    while line and font.getlength(line.rstrip() + ELLIPSIS) > max_width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


def fit_text(
    text: str,
    face: FontFace,
    max_width: int,
    max_height: int,
    *,
    max_size: int,
    min_size: int,
    max_lines: int = 3,
    spacing: float = 1.0,
) -> FittedText:
    """Largest size in [min_size, max_size] whose wrapped text fits ``max_width`` x ``max_height``."""
    min_size = max(1, min(min_size, max_size))

    def attempt(size: int) -> FittedText | None:
        font = face.at(size)
        lines = wrap(text, font, max_width)
        pitch = line_height(font, spacing)
        widest = max((font.getlength(line) for line in lines), default=0.0)
        if len(lines) <= max_lines and pitch * len(lines) <= max_height and widest <= max_width:
            return FittedText(lines, size, font, pitch, truncated=False)
        return None

    lo, hi, best = min_size, max_size, None
    while lo <= hi:
        mid = (lo + hi) // 2
        fitted = attempt(mid)
        if fitted is not None:
            best, lo = fitted, mid + 1
        else:
            hi = mid - 1
    if best is not None:
        return best
    font = face.at(min_size)
    pitch = line_height(font, spacing)
    room = max(1, min(max_lines, max_height // pitch))
    lines = wrap(text, font, max_width)
    kept = lines[:room]
    if len(lines) > room:
        kept[-1] = _ellipsize(kept[-1], font, max_width)
    return FittedText(kept, min_size, font, pitch, truncated=True)


def fits(fitted: FittedText, max_width: int, max_height: int) -> bool:
    return fitted.height <= max_height and fitted.width() <= max_width
