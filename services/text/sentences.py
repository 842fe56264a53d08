"""Sentence splitting for reviews (English and Chinese), tolerant of lower-case sentence starts."""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+|(?<=[。！？；])|\n+")
_ABBREVIATIONS = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|approx|mr|mrs|ms|dr|st|no)\.)$", re.IGNORECASE)
MIN_SENTENCE_CHARS = 2


def split_sentences(text: str) -> list[str]:
    """Sentences of a review, whitespace-normalised, with abbreviation splits merged back."""
    parts = [p.strip() for p in _BOUNDARY.split(text.strip()) if p and p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and (_ABBREVIATIONS.search(merged[-1]) or len(merged[-1]) < MIN_SENTENCE_CHARS):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return [" ".join(s.split()) for s in merged if len(s) >= MIN_SENTENCE_CHARS]


def word_count(sentence: str) -> int:
    cjk = len(re.findall(r"[\u4e00-\u9fff]", sentence))
    return len(re.findall(r"[A-Za-z0-9']+", sentence)) + (cjk + 1) // 2
