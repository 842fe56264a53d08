"""Compliance of generated copy, checked again by the campaign before it is shown.

The text service already guards its output; the campaign re-checks with the same pure function
(``services.text.compliance.check_text``) so that a misconfigured or older text service cannot
put an absolute or medical claim, a contradiction of the product's attributes or personal data
into a campaign. A title with a problem is replaced by the
catalog title; sentences of the description with a problem are dropped. Generated copy must also
be about the product: a title sharing no content word with the catalog title (a generator trained
on another catalog can drift to other products) is replaced, and its description dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.core.linear_regex import LinearPattern
from services.text.attributes import ProductAttributes
from services.text.compliance import check_text
from services.text.sentences import split_sentences
from services.text.title_attributes import display_title as display_title

_WORD = LinearPattern(r"[a-z]{3,}")
_FILLER = frozenset({"the", "and", "for", "with", "set", "pack", "of", "new", "meet", "this", "product"})


def _content_words(text: str) -> set[str]:
    return {w.rstrip("s") for w in _WORD.findall(text.lower()) if w not in _FILLER}


def about_product(title: str, catalog_title: str) -> bool:
    """True when the title shares at least one content word with the catalog title (Latin script only)."""
    catalog = _content_words(catalog_title)
    if not catalog or not _WORD.search(title.lower()):
        return True  # nothing to compare (e.g. Chinese copy): the guard's other checks apply
    return bool(catalog & _content_words(title))


@dataclass
class CheckedCopy:
    title: str
    description: str | None
    generated: bool
    problems: list[str] = field(default_factory=list)


def check_copy(
    title: str,
    description: str | None,
    fallback_title: str,
    language: str,
    attributes: ProductAttributes | None = None,
) -> CheckedCopy:
    """The copy with what the guard finds removed; sentences are split whole (never mid-word)."""
    problems: list[str] = []
    title_violations = check_text(title, attributes, language)  # type: ignore[arg-type]
    problems += [f"title: {v.message}" for v in title_violations]
    on_topic = about_product(title, fallback_title)
    if not on_topic:
        problems.append("title: not about this product (no word in common with the catalog title)")
        description = None
    generated = not title_violations and on_topic and bool(title.strip())
    kept: list[str] = []
    for sentence in split_sentences(description or ""):
        violations = check_text(sentence, attributes, language)  # type: ignore[arg-type]
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
