"""Find vocabulary terms in text: whole words for Latin script, substrings for Chinese, longest first.

The alternation of terms is one RE2 pattern (linear in the text, whatever the vocabulary); a Latin
term must not touch a letter or digit on either side (RE2's ASCII ``\\b``, with ``_`` read as a
separator as before). Overlaps are resolved in time linear in the matched characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import re2

from services.core.linear_regex import LinearPattern

_UNDERSCORE_AS_SEPARATOR = str.maketrans("_", "\x00")
_SEPARATORS = LinearPattern(r"[\s-]+")


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int
    text: str
    term: str  # the vocabulary entry, lower-cased for case-insensitive terms


def _boundary_pattern(term: str) -> str:
    body = r"[\s-]+".join(re2.escape(part) for part in term.replace("-", " ").split(" "))
    head = r"\b" if _is_latin(term[0]) else ""
    tail = r"\b" if _is_latin(term[-1]) else ""
    return f"{head}{body}{tail}"


class TermMatcher:
    """Compiled alternation of terms; ``find`` returns non-overlapping matches, longest term first."""

    def __init__(self, terms: Iterable[str], case_sensitive: Iterable[str] = ()) -> None:
        exact = set(case_sensitive)
        folded = sorted({t.lower() for t in terms if t not in exact}, key=len, reverse=True)
        exact_variants = sorted(exact | {t.upper() for t in exact}, key=len, reverse=True)
        self._folded = LinearPattern("|".join(map(_boundary_pattern, folded)), ignore_case=True) if folded else None
        self._exact = LinearPattern("|".join(map(_boundary_pattern, exact_variants))) if exact_variants else None
        self._exact_lookup = {t.upper(): t for t in exact} | {t: t for t in exact}

    def find(self, text: str, skip: list[tuple[int, int]] | None = None) -> list[TermMatch]:
        found: list[TermMatch] = []
        subject = text.translate(_UNDERSCORE_AS_SEPARATOR)
        if self._folded is not None:
            found += [
                TermMatch(m.start, m.end, text[m.start : m.end], normalise_term(text[m.start : m.end]))
                for m in self._folded.finditer(subject)
            ]
        if self._exact is not None:
            for m in self._exact.finditer(subject):
                written = text[m.start : m.end]
                found.append(TermMatch(m.start, m.end, written, self._exact_lookup.get(written, written)))
        return drop_overlaps(found, skip or [])


def normalise_term(term: str) -> str:
    """Lower case with spaces and hyphens folded to one space: the key used by the vocabularies."""
    lowered = term.strip().lower()
    parts: list[str] = []
    cursor = 0
    for sep in _SEPARATORS.finditer(lowered):
        parts.append(lowered[cursor : sep.start])
        cursor = sep.end
    parts.append(lowered[cursor:])
    return " ".join(parts)


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


class Occupancy:
    """Which characters are already claimed: checks and claims cost the span's length, not the count."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._taken = bytearray()
        for start, end in spans:
            self.claim(start, end)

    def free(self, start: int, end: int) -> bool:
        return not any(self._taken[start:end])

    def claim(self, start: int, end: int) -> None:
        if end > len(self._taken):
            self._taken.extend(bytes(end - len(self._taken)))
        self._taken[start:end] = b"\x01" * (end - start)


def drop_overlaps(matches: list[TermMatch], skip: list[tuple[int, int]]) -> list[TermMatch]:
    """Longest matches win; anything overlapping a kept match or a skipped span is dropped."""
    kept: list[TermMatch] = []
    taken = Occupancy(skip)
    for match in sorted(matches, key=lambda m: (-(m.end - m.start), m.start)):
        if taken.free(match.start, match.end):
            kept.append(match)
            taken.claim(match.start, match.end)
    return sorted(kept, key=lambda m: m.start)
