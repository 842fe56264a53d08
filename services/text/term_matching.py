"""Find vocabulary terms in text: whole words for Latin script, substrings for Chinese, longest first."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_LATIN = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int
    text: str
    term: str  # the vocabulary entry, lower-cased for case-insensitive terms


def _boundary_pattern(term: str) -> str:
    body = re.sub(r"\\[ -]", lambda _: r"[\s-]+", re.escape(term))
    head = r"(?<![A-Za-z0-9])" if _LATIN.match(term[0]) else ""
    tail = r"(?![A-Za-z0-9])" if _LATIN.match(term[-1]) else ""
    return f"{head}{body}{tail}"


class TermMatcher:
    """Compiled alternation of terms; ``find`` returns non-overlapping matches, longest term first."""

    def __init__(self, terms: Iterable[str], case_sensitive: Iterable[str] = ()) -> None:
        exact = set(case_sensitive)
        folded = sorted({t.lower() for t in terms if t not in exact}, key=len, reverse=True)
        exact_variants = sorted(exact | {t.upper() for t in exact}, key=len, reverse=True)
        self._folded = re.compile("|".join(_boundary_pattern(t) for t in folded), re.IGNORECASE) if folded else None
        self._exact = re.compile("|".join(_boundary_pattern(t) for t in exact_variants)) if exact_variants else None
        self._exact_lookup = {t.upper(): t for t in exact} | {t: t for t in exact}

    def find(self, text: str, skip: list[tuple[int, int]] | None = None) -> list[TermMatch]:
        found: list[TermMatch] = []
        if self._folded is not None:
            found += [
                TermMatch(m.start(), m.end(), m.group(0), normalise_term(m.group(0)))
                for m in self._folded.finditer(text)
            ]
        if self._exact is not None:
            found += [
                TermMatch(m.start(), m.end(), m.group(0), self._exact_lookup.get(m.group(0), m.group(0)))
                for m in self._exact.finditer(text)
            ]
        return drop_overlaps(found, skip or [])


def normalise_term(term: str) -> str:
    """Lower case with spaces and hyphens folded to one space: the key used by the vocabularies."""
    return re.sub(r"[\s-]+", " ", term.strip().lower())


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def drop_overlaps(matches: list[TermMatch], skip: list[tuple[int, int]]) -> list[TermMatch]:
    """Longest matches win; anything overlapping a kept match or a skipped span is dropped."""
    kept: list[TermMatch] = []
    taken = list(skip)
    for match in sorted(matches, key=lambda m: (-(m.end - m.start), m.start)):
        if not overlaps(match.start, match.end, taken):
            kept.append(match)
            taken.append((match.start, match.end))
    return sorted(kept, key=lambda m: m.start)
