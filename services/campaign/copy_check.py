"""Compliance of generated copy, checked again by the campaign before it is shown.

The text service already guards its output; the campaign re-checks with the same pure function
(``services.text.compliance.check_text``) so that a misconfigured or older text service cannot
put an absolute claim or personal data into a campaign. A title with a problem is replaced by the
catalog title; sentences of the description with a problem are dropped. Generated copy must also
be about the product: a title sharing no content word with the catalog title (a generator trained
on another catalog can drift to other products) is replaced, and its description dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from services.text.compliance import check_text

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
_WORD = re.compile(r"[a-z]{3,}")
_FILLER = frozenset({"the", "and", "for", "with", "set", "pack", "of", "new", "meet", "this", "product"})


def _content_words(text: str) -> set[str]:
    return {w.rstrip("s") for w in _WORD.findall(text.lower()) if w not in _FILLER}


def about_product(title: str, catalog_title: str) -> bool:
    """True when the title shares at least one content word with the catalog title (Latin script only)."""
    catalog = _content_words(catalog_title)
    if not catalog or not _WORD.search(title.lower()):
        return True  # nothing to compare (e.g. Chinese copy): the guard's other checks apply
    return bool(catalog & _content_words(title))


def display_title(catalog_title: str) -> str:
    """'WORLD'S BEST T-LIGHT HOLDER' -> "World's Best T-Light Holder" (catalog titles are upper case)."""

    def word(w: str) -> str:
        return "-".join(p[:1].upper() + p[1:].lower() for p in w.split("-"))

    return " ".join(word(w) for w in catalog_title.split())


@dataclass
class CheckedCopy:
    title: str
    description: str | None
    generated: bool
    problems: list[str] = field(default_factory=list)


def check_copy(title: str, description: str | None, fallback_title: str, language: str) -> CheckedCopy:
    problems: list[str] = []
    title_violations = check_text(title, None, language)  # type: ignore[arg-type]
    problems += [f"title: {v.message}" for v in title_violations]
    on_topic = about_product(title, fallback_title)
    if not on_topic:
        problems.append("title: not about this product (no word in common with the catalog title)")
        description = None
    generated = not title_violations and on_topic and bool(title.strip())
    kept: list[str] = []
    for sentence in filter(None, (s.strip() for s in _SENTENCE_END.split(description or ""))):
        violations = check_text(sentence, None, language)  # type: ignore[arg-type]
        if violations:
            problems += [f"description: {v.message}" for v in violations]
        else:
            kept.append(sentence)
    separator = "" if language == "zh" else " "
    return CheckedCopy(
        title=title.strip() if generated else fallback_title,
        description=separator.join(kept) or None,
        generated=generated,
        problems=problems,
    )
