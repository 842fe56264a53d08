"""Compliance of generated copy, checked again by the campaign before it is shown.

The text service already guards its output; the campaign re-checks with the same pure function
(``services.text.compliance.check_text``) so that a misconfigured or older text service cannot
put an absolute claim or personal data into a campaign. A title with a problem is replaced by the
catalog title; sentences of the description with a problem are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from services.text.compliance import check_text

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


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
    generated = not title_violations and bool(title.strip())
    problems += [f"title: {v.message}" for v in title_violations]
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
