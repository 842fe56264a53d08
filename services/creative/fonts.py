"""Fonts for banners: resolved at run time, English and Chinese from one family.

Order: ``ADSERVE_CREATIVE_FONT_PATH`` / ``ADSERVE_CREATIVE_BOLD_FONT_PATH``, then font files under
``assets/fonts/``, then Debian's ``fonts-noto-cjk`` (Noto Sans CJK SC, SIL OFL), ``fonts-wqy-zenhei``
and ``fonts-droid-fallback``. Without a CJK font, DejaVu Sans (Latin only) is used and text with
Chinese characters raises ``FontUnavailableError`` instead of drawing empty boxes.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .settings import PROJECT_ASSETS, get_creative_settings

log = logging.getLogger(__name__)

INSTALL_HINT = "install the Debian package fonts-noto-cjk or set ADSERVE_CREATIVE_FONT_PATH to a CJK font"
CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")

# (regular, bold, preferred face name inside a collection)
SYSTEM_CANDIDATES: tuple[tuple[str, str, str], ...] = (
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "Noto Sans CJK SC",
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", ""),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "",
    ),
)
LATIN_FALLBACK = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "",
)


class FontUnavailableError(RuntimeError):
    """No installed font can draw the requested text."""


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int

    def at(self, size: int) -> ImageFont.FreeTypeFont:
        return _load(self.path, self.index, size)


@dataclass(frozen=True)
class FontSet:
    regular: FontFace
    bold: FontFace
    covers_cjk: bool

    def check_text(self, text: str) -> None:
        if not self.covers_cjk and CJK.search(text):
            raise FontUnavailableError(f"no installed font can draw Chinese text: {INSTALL_HINT}")


@lru_cache(maxsize=256)
def _load(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size=size, index=index)


def face_index(path: str, preferred: str) -> int:
    """Index of the face named ``preferred`` in a font collection (0 when absent or not a collection)."""
    if not preferred or not path.lower().endswith(".ttc"):
        return 0
    for index in range(32):
        try:
            if ImageFont.truetype(path, 12, index=index).getname()[0] == preferred:
                return index
        except OSError:
            break
    return 0


def draws_glyph(face: FontFace, char: str = "中") -> bool:
    """True when ``char`` renders differently from a code point no font has (the .notdef box)."""
    font = face.at(32)

    def render(text: str) -> bytes:
        canvas = Image.new("L", (64, 64), 0)
        ImageDraw.Draw(canvas).text((8, 8), text, font=font, fill=255)
        return canvas.tobytes()

    return render(char) != render("\U0010fffd")


def _asset_candidates() -> list[tuple[str, str, str]]:
    folder = PROJECT_ASSETS / "fonts"
    files = sorted(p for p in folder.glob("*") if p.suffix.lower() in {".ttf", ".otf", ".ttc"})
    regular = [p for p in files if "bold" not in p.name.lower()]
    bold = [p for p in files if "bold" in p.name.lower()]
    if not regular:
        return []
    return [(str(regular[0]), str((bold or regular)[0]), "")]


def _candidates() -> list[tuple[str, str, str]]:
    settings = get_creative_settings()
    found: list[tuple[str, str, str]] = []
    if settings.font_path is not None:
        if not settings.font_path.is_file():
            raise FontUnavailableError(f"ADSERVE_CREATIVE_FONT_PATH {settings.font_path} is not a file")
        bold = settings.bold_font_path or settings.font_path
        found.append((str(settings.font_path), str(bold), ""))
    found += _asset_candidates()
    found += [c for c in SYSTEM_CANDIDATES if Path(c[0]).is_file() and Path(c[1]).is_file()]
    return found


@lru_cache(maxsize=1)
def resolve_fonts() -> FontSet:
    """The first usable font family, preferring one that draws Chinese."""
    candidates = _candidates()
    for regular, bold, name in candidates:
        face = FontFace(regular, face_index(regular, name))
        if draws_glyph(face):
            return FontSet(face, FontFace(bold, face_index(bold, name)), covers_cjk=True)
        log.warning("font %s cannot draw Chinese; trying the next one", regular)
    for regular, bold, name in [*candidates, LATIN_FALLBACK]:
        if Path(regular).is_file() and Path(bold).is_file():
            log.warning("no CJK font found (%s); Chinese text will be refused", INSTALL_HINT)
            return FontSet(FontFace(regular, face_index(regular, name)), FontFace(bold, face_index(bold, name)), False)
    raise FontUnavailableError(f"no usable font file found: {INSTALL_HINT}")
