"""Grounded descriptions: composed from the generated title and the given attributes only.

Every sentence is a template filled with attribute values, so a description can state nothing
the attributes do not support; the tone changes the wording around the facts, never the facts.
Sentences are added in order of importance until ``max_length`` characters would be exceeded.
Gift and homeware products (``gift_copy``) get their own sentences; apparel the ones below.

``template_copy`` is the rule-based path (title and description from the attributes, or the
reason there is none); ``title_problems`` says why a model-written title is not kept even when
the guard finds nothing: it repeats itself or does not name the product's article type.
"""

from __future__ import annotations

import re
from itertools import pairwise

from services.core.linear_regex import LinearPattern

from .attributes import Language, ProductAttributes, Tone
from .compliance import names_article, unsupported_title_words
from .gift_copy import gift_copy, gift_facts
from .sentences import split_sentences
from .zh_terms import ARTICLES, COLOURS, GENDERS, MATERIALS, SEASONS, USAGES, zh, zh_or_none

_PAIR_WORDS = (
    "shoes",
    "sandals",
    "heels",
    "flats",
    "flip flops",
    "jeans",
    "trousers",
    "shorts",
    "pants",
    "capris",
    "leggings",
    "socks",
    "sunglasses",
    "briefs",
    "boxers",
    "trunk",
    "slippers",
    "boots",
)
_FOR_WHOM_ZH = {"Men": "适合男士", "Women": "适合女士", "Boys": "适合男童", "Girls": "适合女童", "Unisex": "男女皆宜"}
_GENDER_EN = {"Men": "men", "Women": "women", "Boys": "boys", "Girls": "girls", "Unisex": "everyone"}

_OPENING_EN: dict[Tone, str] = {
    "neutral": "{title}: {thing}{for_whom}{brand}.",
    "friendly": "Meet the {title}, {thing}{for_whom}{brand}.",
    "premium": "Introducing the {title}, {thing}{for_whom}{brand}.",
    "sporty": "Gear up with the {title}, {thing}{for_whom}{brand}.",
}
_MATERIAL_EN: dict[Tone, str] = {
    "neutral": "Made from {material}.",
    "friendly": "It is made from {material}.",
    "premium": "Crafted in {material}.",
    "sporty": "Built from {material}.",
}
_USE_EN: dict[Tone, str] = {
    "neutral": "Suited to {usage} wear{season}.",
    "friendly": "Ready for {usage} days{season}.",
    "premium": "Designed for {usage} occasions{season}.",
    "sporty": "Made for {usage} sessions{season}.",
}
_OPENING_ZH: dict[Tone, str] = {
    "neutral": "{title}。{brand}{colour}{article}{for_whom}。",
    "friendly": "来看看{title}：{brand}{colour}{article}{for_whom}。",
    "premium": "隆重介绍{title}：{brand}{colour}{article}{for_whom}。",
    "sporty": "准备出发，{title}：{brand}{colour}{article}{for_whom}。",
}


def _article_phrase(article: str | None, colour: str | None) -> str:
    """'a navy blue shirt', 'a pair of black sports shoes', or 'this product' without a category."""
    if not article:
        return f"a {colour.lower()} product" if colour else "this product"
    noun = re.sub(r"\btshirt", "t-shirt", article.lower())
    colour_part = f"{colour.lower()} " if colour else ""
    if noun.endswith(_PAIR_WORDS):
        return f"a pair of {colour_part}{noun}"
    if noun.endswith(("sses", "ches", "shes", "xes")):
        noun = noun[:-2]
    elif noun.endswith("s") and not noun.endswith("ss"):
        noun = noun[:-1]
    phrase = f"{colour_part}{noun}"
    return ("an " if phrase[:1] in "aeiou" else "a ") + phrase


def template_title(attrs: ProductAttributes, language: Language) -> str:
    """A title built from the attributes alone (Myntra style: brand, gender, colour, article)."""
    gift = gift_copy(attrs, language, "neutral")
    if gift is not None:
        return gift[0]
    if language == "zh":
        head = f"{attrs.brand} " if attrs.brand else ""
        parts = [
            zh(GENDERS, attrs.gender) if attrs.gender else "",
            zh(COLOURS, attrs.colour) if attrs.colour else "",
            zh(ARTICLES, attrs.article) if attrs.article else "",
        ]
        return (head + "".join(parts)).strip() or (attrs.title or "")
    words = [attrs.brand, attrs.gender, attrs.colour, attrs.article]
    return " ".join(w for w in words if w) or (attrs.title or "")


def _sentences_en(title: str, attrs: ProductAttributes, tone: Tone) -> list[str]:
    gender = _GENDER_EN.get(attrs.gender or "", "")
    sentences = [
        _OPENING_EN[tone].format(
            title=title,
            thing=_article_phrase(attrs.article, attrs.colour),
            for_whom=f" for {gender}" if gender else "",
            brand=f" from {attrs.brand}" if attrs.brand else "",
        )
    ]
    if attrs.material:
        sentences.append(_MATERIAL_EN[tone].format(material=attrs.material.lower()))
    if attrs.usage:
        season = f" in {attrs.season.lower()}" if attrs.season else ""
        sentences.append(_USE_EN[tone].format(usage=attrs.usage.lower(), season=season))
    elif attrs.season:
        sentences.append(f"A {attrs.season.lower()} piece.")
    if attrs.extra:
        sentences.append("Details: " + "; ".join(f"{k}: {v}" for k, v in attrs.extra.items()) + ".")
    return sentences


def _sentences_zh(title: str, attrs: ProductAttributes, tone: Tone) -> list[str]:
    sentences = [
        _OPENING_ZH[tone].format(
            title=title,
            brand=f"{attrs.brand}出品的" if attrs.brand else "",
            for_whom=f"，{_FOR_WHOM_ZH.get(attrs.gender, '')}" if attrs.gender else "",
            colour=zh(COLOURS, attrs.colour) if attrs.colour else "",
            article=zh(ARTICLES, attrs.article) if attrs.article else "商品",
        )
    ]
    if attrs.material:
        sentences.append(f"材质：{zh(MATERIALS, attrs.material)}。")
    if attrs.usage or attrs.season:
        usage = f"适合{zh(USAGES, attrs.usage)}场合" if attrs.usage else ""
        season = f"{zh(SEASONS, attrs.season)}穿着" if attrs.season else ""
        sentences.append("，".join(p for p in (usage, season) if p) + "。")
    if attrs.extra:
        sentences.append("其他信息：" + "；".join(f"{k}：{v}" for k, v in attrs.extra.items()) + "。")
    return sentences


def _fit(sentences: list[str], max_length: int, joiner: str) -> str:
    text = ""
    for sentence in sentences:
        candidate = f"{text}{joiner}{sentence}" if text else sentence
        if len(candidate) > max_length:
            break
        text = candidate
    if not text:  # even the first sentence is too long: cut it at a word boundary
        cut = sentences[0][: max_length - 1]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"
    return text


def fit_sentences(text: str, max_length: int, language: Language) -> str:
    """Whole sentences of ``text`` within ``max_length`` characters (the first one cut at a word if too long)."""
    if not text.strip():
        return ""
    return _fit(split_sentences(text) or [text.strip()], max_length, "" if language == "zh" else " ")


def compose_description(title: str, attrs: ProductAttributes, language: Language, tone: Tone, max_length: int) -> str:
    gift = gift_copy(attrs, language, tone)
    if gift is not None:
        return _fit(gift[1], max_length, "" if language == "zh" else " ")
    if language == "zh":
        return _fit(_sentences_zh(title, attrs, tone), max_length, "")
    return _fit(_sentences_en(title, attrs, tone), max_length, " ")


def template_copy(attrs: ProductAttributes, language: Language, tone: Tone, max_length: int) -> tuple[str, str] | str:
    """(title, description) written by rule from the attributes, or the reason it cannot be written."""
    gift = gift_copy(attrs, language, tone)
    if gift is not None:
        return gift[0], _fit(gift[1], max_length, "" if language == "zh" else " ")
    if gift_facts(attrs) is not None:  # a gift product whose type the Chinese glossary lacks
        return f"no Chinese name for the product type '{attrs.article or attrs.title}' in the glossary"
    if not (attrs.category or attrs.brand):
        return "no product type recognised in the title"
    if language == "zh" and attrs.article and zh_or_none(ARTICLES, attrs.article) is None:
        return f"no Chinese name for the article type '{attrs.article}' in the glossary"
    title = template_title(attrs, language)
    return title, compose_description(title, attrs, language, tone, max_length)


_WORDS = LinearPattern(r"\p{L}+")


def title_problems(title: str, attrs: ProductAttributes) -> list[str]:
    """Why a model-written title is not kept although the guard finds no violation."""
    problems: list[str] = []
    words = [w.lower() for w in _WORDS.findall(title)]
    for previous, word in pairwise(words):
        if previous == word:
            problems.append(f"repeats '{word}'")
            break
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    if any(n >= 3 for w, n in counts.items() if len(w) > 2) and not problems:
        problems.append("repeats a word three times")
    if names_article(title, attrs) is False:
        problems.append(f"does not name the product ({attrs.article})")
    if len([w for w in words if len(w) > 1]) < 2:
        problems.append("too short to be a title")
    unsupported = unsupported_title_words(title, attrs)
    if unsupported:
        problems.append(f"words the attributes do not support: {', '.join(dict.fromkeys(unsupported))}")
    return problems
