"""The compliance guard: a pure function that lists what a text must not say.

``check_text(text, attributes=None, language="en")`` looks for three things:

* absolute or superlative advertising claims (English and Chinese lexicons),
* statements contradicting the product's attributes: a colour, material, gender, brand or article
  type (heels for a pair of flats) that is not the product's (only for attributes that are given; a brand is also flagged when the
  attributes name no brand, because an unsupported brand is itself a false claim),
* PII: emails, phone numbers, URLs and postal addresses.

Every check runs on every text, so mixed-language copy is covered; ``language`` selects the
language of the messages. Each violation has a kind, a character span and a message.

Matching runs on the normalized text (``services.core.text_normalize``: NFKC, invisible characters
removed, confusable letters folded, so "b\u200best", "ｂｅｓｔ", Cyrillic "bеst" and "最\u200b好" are
caught) and every pattern is linear-time RE2; the spans and texts of the violations point into the
original text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, Literal

import re2
from pydantic import BaseModel, ConfigDict

from services.core.linear_regex import LinearPattern
from services.core.text_normalize import normalize

from .attributes import Language, ProductAttributes
from .lexicon_attributes import (
    ALLOWED_GENDER_WORDS,
    ARTICLE_FAMILIES,
    ARTICLE_TEXT_EXCLUDED,
    COLOUR_FAMILIES,
    GENDER_TERMS,
    GENERIC_ARTICLE_FAMILIES,
    MATERIAL_FAMILIES,
    MATERIAL_TEXT_EXCLUDED,
    MULTI_COLOUR_VALUES,
    TEXT_ONLY_EXCLUDED,
)
from .lexicon_brands import BRANDS, CASE_SENSITIVE_NAMES
from .lexicon_claims import ALL_CLAIMS, MEDICAL_CLAIMS
from .lexicon_products import MATERIALS as PRODUCT_MATERIALS
from .lexicon_products import MOTIFS, PATTERNS, PRODUCT_SPELLINGS, SIZES, THEMES
from .lexicon_words import COMMON_WORDS
from .pii import find_pii_spans_normalized
from .term_matching import Occupancy, TermMatch, TermMatcher, drop_overlaps, normalise_term

ViolationKind = Literal["absolute_claim", "medical_claim", "attribute_mismatch", "pii"]
VIOLATION_KINDS: tuple[ViolationKind, ...] = ("absolute_claim", "medical_claim", "attribute_mismatch", "pii")


class Violation(BaseModel):
    """One problem in a text: ``text[span[0]:span[1]] == violation.text``."""

    model_config = ConfigDict(frozen=True)

    kind: ViolationKind
    subtype: str  # claim | medical | colour | material | gender | brand | category | email | phone | url | address
    span: tuple[int, int]
    text: str
    message: str


# ------------------------------------------------------------------ vocabularies
_COLOURS = {normalise_term(k): v for k, v in COLOUR_FAMILIES.items()}
_MATERIALS = {normalise_term(k): v for k, v in MATERIAL_FAMILIES.items()}
_GENDERS = {normalise_term(k): v for k, v in GENDER_TERMS.items()}
_ARTICLES = {normalise_term(k): v for k, v in ARTICLE_FAMILIES.items()}
_BRAND_OF: dict[str, str] = {}
for _key, _names in BRANDS.items():
    for _name in _names:
        _BRAND_OF[_name if _name in CASE_SENSITIVE_NAMES else normalise_term(_name)] = _key


@lru_cache(maxsize=1)
def _matchers() -> dict[str, TermMatcher]:
    brand_names = [n for names in BRANDS.values() for n in names]
    return {
        "colour_value": TermMatcher(_COLOURS),
        "colour_text": TermMatcher(t for t in _COLOURS if t not in TEXT_ONLY_EXCLUDED),
        "material_value": TermMatcher(_MATERIALS),
        "material_text": TermMatcher(t for t in _MATERIALS if t not in MATERIAL_TEXT_EXCLUDED),
        "gender": TermMatcher(_GENDERS),
        "article_value": TermMatcher(_ARTICLES),
        "article_text": TermMatcher(t for t in _ARTICLES if t not in ARTICLE_TEXT_EXCLUDED),
        "brand": TermMatcher(
            [n for n in brand_names if n not in CASE_SENSITIVE_NAMES],
            [n for n in brand_names if n in CASE_SENSITIVE_NAMES],
        ),
    }


# A colour named right after these words describes something to wear the product with, not the product.
_STYLING = LinearPattern(
    r"(?:\bpair(?:s|ed)?\b|\bstyle (?:it|them) with\b|\bgoes? (?:well )?with\b|\bmatch(?:es)? with\b"
    r"|搭配|配上)"
    r"[^.!?;。！？；\n]{0,40}$",
    ignore_case=True,
)
# The longest styling phrase plus its 40 characters: only this much text before a match can matter.
_STYLING_WINDOW = 64


def _styled(text: str, start: int) -> bool:
    """True when the text just before ``start`` says what the product is worn with."""
    return _STYLING.search(text[max(0, start - _STYLING_WINDOW) : start]) is not None


_MESSAGES: dict[str, dict[Language, str]] = {
    "claim": {"en": "{reason}: '{span}'", "zh": "绝对化或最高级用语“{span}”（{reason}）"},
    "medical": {
        "en": "{reason}: '{span}' (ordinary goods must not claim to prevent, treat or cure)",
        "zh": "医疗或功效用语“{span}”（普通商品不得宣传疗效）",
    },
    "unsupported_name": {
        "en": "names '{span}', a brand-like name that the product attributes do not give",
        "zh": "文中出现商品属性中没有的品牌式名称“{span}”",
    },
    "colour": {
        "en": "says '{span}' but the product's colour is {value}",
        "zh": "文中颜色“{span}”与商品颜色{value}不符",
    },
    "material": {
        "en": "says '{span}' but the product's material is {value}",
        "zh": "文中材质“{span}”与商品材质{value}不符",
    },
    "gender": {
        "en": "says '{span}' but the product is for {value}",
        "zh": "文中适用人群“{span}”与商品性别{value}不符",
    },
    "category": {"en": "says '{span}' but the product is {value}", "zh": "文中品类“{span}”与商品品类{value}不符"},
    "brand": {
        "en": "mentions brand '{span}' but the product's brand is {value}",
        "zh": "文中品牌“{span}”与商品品牌{value}不符",
    },
    "brand_unknown": {
        "en": "mentions brand '{span}' but the product attributes name no brand",
        "zh": "文中提到品牌“{span}”，但商品属性没有品牌",
    },
    "pii": {
        "en": "contains personal data ({subtype}): '{span}'",
        "zh": "包含个人信息（{subtype}）：“{span}”",
    },
}


def _message(key: str, language: Language, **values: str) -> str:
    return _MESSAGES[key][language].format(**values)


def _families(value: str, matcher: TermMatcher, vocab: Mapping[str, frozenset[str]]) -> frozenset[str]:
    found: set[str] = set()
    for match in matcher.find(value):
        found |= vocab.get(match.term, frozenset())
    return frozenset(found)


def _as_attributes(attributes: ProductAttributes | Mapping[str, Any] | None) -> ProductAttributes | None:
    if attributes is None or isinstance(attributes, ProductAttributes):
        return attributes
    return ProductAttributes.model_validate(dict(attributes))


# ------------------------------------------------------------------ the checks
def _longest_first(
    spans: list[tuple[int, int, str]],
    text: str,
    language: Language,
    kind: str,
    subtype: str,
    skip: list[tuple[int, int]] | None = None,
) -> list[Violation]:
    """One violation per span, longest first; a span overlapping one already kept (or ``skip``) is dropped."""
    taken = Occupancy(skip or [])
    kept: list[Violation] = []
    for start, end, reason in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
        if not taken.free(start, end):
            continue
        taken.claim(start, end)
        kept.append(
            Violation.model_construct(
                kind=kind,
                subtype=subtype,
                span=(start, end),
                text=text[start:end],
                message=_message(subtype, language, reason=reason, span=text[start:end]),
            )
        )
    return kept


def find_claims(text: str, language: Language = "en") -> list[Violation]:
    spans = [(m.start, m.end, c.reason) for c in ALL_CLAIMS for m in c.pattern.finditer(text)]
    return _longest_first(spans, text, language, "absolute_claim", "claim")


def find_medical_claims(
    text: str, language: Language = "en", skip: list[tuple[int, int]] | None = None
) -> list[Violation]:
    spans = [(m.start, m.end, c.reason) for c in MEDICAL_CLAIMS for m in c.pattern.finditer(text)]
    return _longest_first(spans, text, language, "medical_claim", "medical", skip)


# A capitalised Latin word (letters, inner apostrophes, hyphens and ampersands), not inside another word.
_NAME = LinearPattern(r"[A-Z][A-Za-z'&-]*[A-Za-z]", not_before="A-Za-z0-9'&-", not_after="A-Za-z0-9")
_WORD_SPLIT = LinearPattern(r"[A-Za-z0-9]+(?:['&-][A-Za-z0-9]+)*")


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """Every word of the guard's vocabularies and of ordinary title and copy language."""
    vocab: set[str] = set(COMMON_WORDS)
    tables = (_COLOURS, _MATERIALS, _GENDERS, _ARTICLES, PRODUCT_SPELLINGS, PRODUCT_MATERIALS, PATTERNS, MOTIFS)
    for table in (*tables, THEMES, SIZES):
        for term in table:
            vocab.update(w.lower() for w in _WORD_SPLIT.findall(term))
            vocab.update(w.lower() for w in term.replace("-", " ").split())
    return frozenset(vocab)


def _attribute_words(attrs: ProductAttributes) -> set[str]:
    values = [attrs.title, attrs.brand, attrs.colour, attrs.material, attrs.gender, attrs.season, attrs.usage]
    values += list(attrs.category) + list(attrs.extra.values()) + list(attrs.extra.keys())
    words: set[str] = set()
    for value in values:
        if value:
            lowered = normalize(value).text.lower()
            words.update(_WORD_SPLIT.findall(lowered))
            words.update(lowered.replace("-", " ").split())
    return words


def unsupported_title_words(title: str, attrs: ProductAttributes) -> list[str]:
    """Words of a generated title that are neither in the attributes nor ordinary title words.

    Stricter than the prose check (every word counts, whatever its case, two letters and up), and
    gender words count when the attributes give no gender: a title states facts, all of them given.
    """
    known, given = _known_words(), _attribute_words(attrs)
    out: list[str] = []
    for word in _WORD_SPLIT.findall(normalize(title).text):
        lowered = word.lower()
        if (len(lowered) < 2 and not lowered.isdigit()) or lowered in given:
            continue
        if lowered in known and lowered not in _GENDERS:
            continue
        if lowered in _GENDERS and attrs.gender is not None:
            continue
        if lowered.endswith("s") and (lowered[:-1] in given or (lowered[:-1] in known and lowered not in _GENDERS)):
            continue
        out.append(word)
    return out


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start].rstrip(" \t\"'(")
    return not before or before[-1] in ".!?:;\n。！？"


def _title_case_after(text: str, end: int) -> bool:
    """Whether the next word is capitalised too (a title-case line, not a prose sentence)."""
    rest = text[end : end + 40].lstrip(" ")
    return bool(rest) and rest[0].isupper()


def find_unsupported_names(
    text: str, attrs: ProductAttributes, skip: list[tuple[int, int]], language: Language
) -> list[Violation]:
    """Capitalised words that are no ordinary word and not in the attributes: a brand the product may not have."""
    known = _known_words()
    given = _attribute_words(attrs)
    taken = Occupancy(skip)
    out: list[Violation] = []
    for match in _NAME.finditer(text):
        if len(match.text) < 3 or not taken.free(match.start, match.end):
            continue
        lowered = match.text.lower()
        parts = [p for p in lowered.replace("-", " ").replace("'", " ").split() if p]
        if lowered in given or lowered in known or all(p in given or p in known or len(p) < 3 for p in parts):
            continue
        if lowered.endswith("s") and (lowered[:-1] in known or lowered[:-1] in given):
            continue
        if _sentence_start(text, match.start) and not _title_case_after(text, match.end):
            continue  # "Mail me ...": the first word of a prose sentence is capitalised anyway
        out.append(
            Violation.model_construct(
                kind="attribute_mismatch",
                subtype="brand",
                span=(match.start, match.end),
                text=match.text,
                message=_message("unsupported_name", language, span=match.text),
            )
        )
    return out


def _brand_spans(text: str, attrs: ProductAttributes) -> list[tuple[int, int]]:
    """Where the product's own brand is written: colour or gender words inside it are not claims."""
    if not attrs.brand:
        return []
    pattern = _brand_pattern(normalize(attrs.brand).text)
    return [(m.start, m.end) for m in pattern.finditer(text)]


@lru_cache(maxsize=256)
def _brand_pattern(brand: str) -> LinearPattern:
    return LinearPattern(re2.escape(brand), not_before="A-Za-z0-9", not_after="A-Za-z0-9", ignore_case=True)


def _brand_key(brand: str | None) -> str | None:
    if not brand:
        return None
    exact = _BRAND_OF.get(brand)
    return exact or _BRAND_OF.get(normalise_term(brand))


def find_brand_mismatches(
    text: str, attrs: ProductAttributes, own: list[tuple[int, int]], language: Language
) -> tuple[list[Violation], list[TermMatch]]:
    matchers = _matchers()
    own_key = _brand_key(attrs.brand)
    titled = {
        _BRAND_OF.get(m.term) or _BRAND_OF.get(normalise_term(m.term))
        for m in matchers["brand"].find(attrs.title or "")
    }
    found = matchers["brand"].find(text, skip=own)
    out: list[Violation] = []
    for match in found:
        key = _BRAND_OF.get(match.term) or _BRAND_OF.get(normalise_term(match.term))
        if key is None or key == own_key or key in titled:
            continue
        message = (
            _message("brand", language, span=match.text, value=str(attrs.brand))
            if attrs.brand
            else _message("brand_unknown", language, span=match.text)
        )
        out.append(
            Violation.model_construct(
                kind="attribute_mismatch",
                subtype="brand",
                span=(match.start, match.end),
                text=match.text,
                message=message,
            )
        )
    return out, found


def _attribute_mismatches(
    text: str,
    attrs: ProductAttributes,
    attribute: Literal["colour", "material"],
    vocab: Mapping[str, frozenset[str]],
    skip: list[tuple[int, int]],
    language: Language,
    excused: Callable[[int], bool] | None = None,
) -> list[Violation]:
    """Words of ``attribute`` in the text of no family of the product's value (nor of its title);
    ``excused(start)`` lets a match stand anyway."""
    value = getattr(attrs, attribute)
    matchers = _matchers()
    product = _families(value, matchers[f"{attribute}_value"], vocab) | _title_families(attrs, attribute)
    if not product:
        return []
    return [
        Violation.model_construct(
            kind="attribute_mismatch",
            subtype=attribute,
            span=(match.start, match.end),
            text=match.text,
            message=_message(attribute, language, span=match.text, value=value),
        )
        for match in matchers[f"{attribute}_text"].find(text, skip=skip)
        if not (vocab[match.term] & product or (excused is not None and excused(match.start)))
    ]


def find_colour_mismatches(
    text: str, attrs: ProductAttributes, skip: list[tuple[int, int]], language: Language
) -> list[Violation]:
    if attrs.colour is None or normalise_term(attrs.colour) in MULTI_COLOUR_VALUES:
        return []
    return _attribute_mismatches(
        text, attrs, "colour", _COLOURS, skip, language, excused=lambda start: _styled(text, start)
    )


def find_material_mismatches(
    text: str, attrs: ProductAttributes, skip: list[tuple[int, int]], language: Language
) -> list[Violation]:
    if attrs.material is None:
        return []
    return _attribute_mismatches(text, attrs, "material", _MATERIALS, skip, language)


def find_gender_mismatches(
    text: str, attrs: ProductAttributes, skip: list[tuple[int, int]], language: Language
) -> list[Violation]:
    allowed = ALLOWED_GENDER_WORDS.get(attrs.gender or "Unisex")
    if allowed is None:
        return []
    out: list[Violation] = []
    for match in _matchers()["gender"].find(text, skip=skip):
        if _GENDERS[match.term] in allowed:
            continue
        out.append(
            Violation.model_construct(
                kind="attribute_mismatch",
                subtype="gender",
                span=(match.start, match.end),
                text=match.text,
                message=_message("gender", language, span=match.text, value=str(attrs.gender)),
            )
        )
    return out


def _article_agrees(text_families: frozenset[str], product: frozenset[str]) -> bool:
    specific_text = text_families - GENERIC_ARTICLE_FAMILIES
    specific_product = product - GENERIC_ARTICLE_FAMILIES
    if not specific_text or not specific_product:  # a group word, or a product we only know the group of
        return bool(text_families & product)
    return bool(specific_text & specific_product)


def find_category_mismatches(
    text: str, attrs: ProductAttributes, skip: list[tuple[int, int]], language: Language
) -> list[Violation]:
    if not attrs.category:
        return []
    matchers = _matchers()
    product = _families(" | ".join(attrs.category), matchers["article_value"], _ARTICLES)
    if not product:
        return []
    named = _title_families(attrs, "article")  # "Mirror Mosaic T-Light Holder" may say "mirror"
    out: list[Violation] = []
    for match in matchers["article_text"].find(text, skip=skip):
        if _ARTICLES[match.term] & named:
            continue
        if _article_agrees(_ARTICLES[match.term], product) or _styled(text, match.start):
            continue
        out.append(
            Violation.model_construct(
                kind="attribute_mismatch",
                subtype="category",
                span=(match.start, match.end),
                text=match.text,
                message=_message("category", language, span=match.text, value=" > ".join(attrs.category)),
            )
        )
    return out


def unsupported_terms(summary: str, sources: str) -> list[str]:
    """Product types, colours and materials a summary names that its source texts never mention.

    An abstractive summary saying "dress" of reviews about a blouse, or "red" when no review names
    a red colour, states what nobody wrote.
    """
    matchers = _matchers()
    text, source = normalize(summary).text, normalize(sources).text
    found: list[str] = []
    for key, vocab in (("colour_text", _COLOURS), ("material_text", _MATERIALS), ("article_text", _ARTICLES)):
        said = matchers[key].find(source)
        source_families = frozenset().union(*(vocab[m.term] for m in said)) if said else frozenset()
        for match in matchers[key].find(text):
            families = vocab[match.term]
            agrees = (
                _article_agrees(families, source_families)
                if key == "article_text"
                else bool(families & source_families)
            )
            if not agrees:
                found.append(match.text)
    return found


def article_agreement(text: str, attrs: ProductAttributes) -> bool | None:
    """Whether the article words of ``text`` (a vision label, say) agree with the product's category.

    None when the category or the text names no article type the vocabulary knows.
    """
    if not attrs.category:
        return None
    matchers = _matchers()
    product = _families(" | ".join(attrs.category), matchers["article_value"], _ARTICLES)
    found = matchers["article_value"].find(normalize(text).text)
    if not product or not found:
        return None
    return any(_article_agrees(_ARTICLES[m.term], product) for m in found)


def names_article(title: str, attrs: ProductAttributes) -> bool | None:
    """Whether a title names the product's article type (None when the category is not in the vocabulary)."""
    if not attrs.category:
        return None
    matchers = _matchers()
    product = _families(" | ".join(attrs.category), matchers["article_value"], _ARTICLES)
    if not product:
        return None
    specific = product - GENERIC_ARTICLE_FAMILIES
    for match in matchers["article_value"].find(normalize(title).text):
        families = _ARTICLES[match.term]
        if families & (specific or product):
            return True
    return False


def _title_families(attrs: ProductAttributes, kind: str) -> frozenset[str]:
    """Families of the colour, material or article words the product's own catalogue title uses."""
    if not attrs.title:
        return frozenset()
    key, vocab = {"colour": ("colour_value", _COLOURS), "material": ("material_value", _MATERIALS)}.get(
        kind, ("article_value", _ARTICLES)
    )
    return _families(normalize(attrs.title).text, _matchers()[key], vocab)


def find_pii(text: str, language: Language = "en") -> list[Violation]:
    return [
        Violation.model_construct(
            kind="pii",
            subtype=s.kind,
            span=(s.start, s.end),
            text=s.text,
            message=_message("pii", language, subtype=s.kind, span=s.text),
        )
        for s in find_pii_spans_normalized(text)
    ]


def check_text(
    text: str,
    attributes: ProductAttributes | Mapping[str, Any] | None = None,
    language: Language = "en",
) -> list[Violation]:
    """All violations in ``text``, ordered by position; an empty list means the text is clean."""
    norm = normalize(text)
    violations = _check_normalized(norm.text, _as_attributes(attributes), language)
    if norm.origin is None:
        return violations
    out: list[Violation] = []
    for v in violations:
        start, end = norm.span(*v.span)
        out.append(v.model_copy(update={"span": (start, end), "text": text[start:end]}))
    return out


def _check_normalized(text: str, attrs: ProductAttributes | None, language: Language) -> list[Violation]:
    violations = find_claims(text, language) + find_pii(text, language)
    violations += find_medical_claims(text, language, [v.span for v in violations])
    if attrs is not None:
        own = _brand_spans(text, attrs)
        brand_violations, brand_matches = find_brand_mismatches(text, attrs, own, language)
        # Words inside brand names ("Red Tape", "Mother Earth") and inside PII are not product claims.
        skip = own + [(m.start, m.end) for m in brand_matches] + [v.span for v in violations if v.kind == "pii"]
        violations += brand_violations
        violations += find_unsupported_names(text, attrs, skip + [v.span for v in violations], language)
        violations += find_colour_mismatches(text, attrs, skip, language)
        violations += find_material_mismatches(text, attrs, skip, language)
        violations += find_gender_mismatches(text, attrs, skip, language)
        violations += find_category_mismatches(text, attrs, skip, language)
    return sorted(violations, key=lambda v: (v.span, v.kind))


def violation_kinds(violations: list[Violation]) -> set[str]:
    return {v.kind for v in violations}


__all__ = ["VIOLATION_KINDS", "Violation", "check_text", "drop_overlaps", "violation_kinds"]
