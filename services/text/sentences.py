"""Sentence splitting for reviews (English and Chinese), tolerant of lower-case sentence starts.

Linear in the review: the boundaries are one RE2 pattern, and the abbreviation check looks only at
the last few characters of the sentence being built.
"""

from __future__ import annotations

from services.core.linear_regex import LinearPattern

# A boundary is whitespace after sentence-final punctuation (and closing quotes), the point right
# after Chinese sentence-final punctuation, or a line break.
_BOUNDARY = LinearPattern(r"[.!?][\"')\]]*[\s\p{Z}]+|[。！？；]|\n+")
_ABBREVIATIONS = LinearPattern(
    r"(?:e\.g|i\.e|etc|vs|approx|mr|mrs|ms|dr|st|no)\.$", not_before=r"\p{L}\p{N}_", ignore_case=True
)
_ABBREVIATION_TAIL = 8  # the longest abbreviation and the character before it
_CJK = LinearPattern(r"[\x{4e00}-\x{9fff}]")
_WORD = LinearPattern(r"[A-Za-z0-9']+")
MIN_SENTENCE_CHARS = 2


def _split(text: str) -> list[str]:
    parts: list[str] = []
    cursor = 0
    for found in _BOUNDARY.finditer(text):
        # What is removed: the closing quotes and whitespace after . ! ? (the mark stays with its
        # sentence), nothing after Chinese punctuation, the line breaks themselves.
        first = found.text[0]
        if first == "\n":
            sep_start = found.start
        elif first in "。！？；":
            sep_start = found.end
        else:
            sep_start = found.start + 1
        parts.append(text[cursor:sep_start])
        cursor = found.end
    parts.append(text[cursor:])
    return parts


def _abbreviation_at_end(pieces: list[str]) -> bool:
    """Does the sentence ``" ".join(pieces)`` end with an abbreviation such as "e.g." or "no."?"""
    tail = pieces[-1][-_ABBREVIATION_TAIL:]
    if len(tail) < _ABBREVIATION_TAIL and len(pieces) > 1:
        tail = (pieces[-2][-_ABBREVIATION_TAIL:] + " " + tail)[-_ABBREVIATION_TAIL:]
    return _ABBREVIATIONS.search(tail) is not None


def split_sentences(text: str) -> list[str]:
    """Sentences of a review, whitespace-normalised, with abbreviation splits merged back."""
    parts = [p.strip() for p in _split(text.strip()) if p and p.strip()]
    merged: list[list[str]] = []
    for part in parts:
        last = merged[-1] if merged else None
        if last is not None and (_abbreviation_at_end(last) or sum(map(len, last)) < MIN_SENTENCE_CHARS):
            last.append(part)
        else:
            merged.append([part])
    sentences = (" ".join(" ".join(pieces).split()) for pieces in merged)
    return [s for s in sentences if len(s) >= MIN_SENTENCE_CHARS]


def word_count(sentence: str) -> int:
    cjk = len(_CJK.findall(sentence))
    return len(_WORD.findall(sentence)) + (cjk + 1) // 2
