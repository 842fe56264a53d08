"""The form of a text that the guard and the PII scanner match on, with a map back to the original.

``normalize(text)`` applies, character by character: Unicode NFKC (fullwidth "ｂｅｓｔ" -> "best",
"＠" -> "@", ligatures, no-break spaces), removal of invisible and format characters (zero-width
space and joiners, soft hyphen, word joiner, byte-order mark, variation selectors, bidi controls)
and of combining marks (so "bést" is "best"), and folding of the Cyrillic and Greek letters that
look like Latin ones ("bеst" with a Cyrillic е). ``Normalized.span`` maps a span of the
normalized text back to the original, so a violation always points at what the writer typed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Cyrillic and Greek letters drawn like Latin ones (the common confusables of UTS #39 for these scripts).
_CONFUSABLES = str.maketrans(
    {
        **dict(zip("аеорсухіјѕԁԛԝһӏ", "aeopcyxijsdqwhl", strict=True)),
        **dict(zip("АВЕКМНОРСТХУЅІЈ", "ABEKMHOPCTXYSIJ", strict=True)),
        **dict(zip("οαονρικτυ", "oaovpiktu", strict=True)),
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
    }
)
# Invisible characters outside the format category that are also dropped.
_INVISIBLE_EXTRA = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")


@dataclass(frozen=True, slots=True)
class Normalized:
    """``text`` is the normalized form; ``origin[i]`` is the original index of ``text[i]``."""

    original: str
    text: str
    origin: tuple[int, ...] | None  # None: the normalized text is the original

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span that produced ``text[start:end]`` (``end`` exclusive)."""
        if self.origin is None:
            return start, end
        if end <= start:
            at = self.origin[start] if start < len(self.origin) else len(self.original)
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """What one original character becomes (possibly nothing, possibly several characters)."""
    category = unicodedata.category(char)
    if category == "Cf" or char in _INVISIBLE_EXTRA or "\ufe00" <= char <= "\ufe0f":
        return ""
    decomposed = unicodedata.normalize("NFKD", char)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    if not kept:  # a lone combining mark
        return ""
    return unicodedata.normalize("NFKC", kept).translate(_CONFUSABLES)


def _is_plain(text: str) -> bool:
    return text.isascii() and text.isprintable()


def normalize(text: str) -> Normalized:
    if _is_plain(text):
        return Normalized(text, text, None)
    parts: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = char if char.isascii() else _fold(char)
        if folded:
            parts.append(folded)
            origin.extend([index] * len(folded))
    normalized = "".join(parts)
    if normalized == text:
        return Normalized(text, text, None)
    return Normalized(text, normalized, tuple(origin))
