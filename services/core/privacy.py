"""Privacy helpers: keyed pseudonymization of customer ids and PII scrubbing of free text.

Every scanner here is a linear-time RE2 pattern (``services.core.linear_regex``) run on the
normalized text (``services.core.text_normalize``: NFKC, invisible characters removed, confusable
letters folded), and every span points back into the original text. Review summarization, the
compliance guard, feedback events and campaign copy all use ``find_pii_spans`` / ``scrub_pii``.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from .linear_regex import LinearPattern
from .text_normalize import normalize

PSEUDONYM_PREFIX = "u_"


def pseudonymize(raw_id: object, key: bytes) -> str:
    """Stable pseudonymous id: HMAC-SHA256 of the normalised raw id, 16 hex characters."""
    text = str(raw_id).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # ids read as floats by pandas
        text = text[:-2]
    digest = hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:16]


_CJK = r"\x{4e00}-\x{9fff}"
_URL_CHARS = r"A-Za-z0-9._~:/?#@!$&()*+,;=%\[\]-"
_TLDS = "com|net|org|io|cn|co|uk|de|info|shop"
_STREET_WORDS = "street|avenue|road|lane|drive|boulevard|court|way|place|square|terrace"
_STREET_ABBREVIATIONS = "St|Ave|Rd|Ln|Dr|Blvd|Ct|Pl|Sq"
# Words that do not name a street: "size 8 fits all the way", "ordered 2 for my drive".
_NOT_STREET_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "in",
        "on",
        "at",
        "of",
        "to",
        "for",
        "with",
        "my",
        "your",
        "our",
        "his",
        "her",
        "its",
        "it",
        "is",
        "was",
        "are",
        "this",
        "that",
        "all",
        "so",
        "very",
        "too",
        "not",
        "no",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "times",
        "pieces",
        "pairs",
        "sizes",
        "size",
        "days",
        "weeks",
        "months",
        "years",
        "stars",
    ]
)

EMAIL = LinearPattern(
    r"[\p{L}\p{N}_][\p{L}\p{N}_.+-]*@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.[A-Za-z0-9_-]*[A-Za-z0-9_]\b"
)
# A scheme or www. then URL characters (ASCII, so Chinese text right after the URL stays outside it).
URL = LinearPattern(rf"(?:https?://|www\.)[A-Za-z0-9](?:[{_URL_CHARS}]*[A-Za-z0-9_~/#@$&(*+=%\]-])?", ignore_case=True)
URL_DOMAIN = LinearPattern(
    rf"\b[A-Za-z0-9_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*\.(?:{_TLDS})(?:/[{_URL_CHARS}]*)?\b", ignore_case=True
)
PHONE = LinearPattern(
    r"(?:\+\d{1,3}[\s.-]?)?(?:\(?\d{1,4}\)?[\s.-]?)?\d{3,4}[\s.-]?\d{3,4}(?:[\s.-]?\d{2,4})?",
    not_before="0-9A-Za-z+",
    not_after="0-9A-Za-z",
)
PHONE_CN = LinearPattern(r"(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}", not_before="0-9", not_after="0-9")
LANDLINE_CN = LinearPattern(r"0\d{2,3}-\d{7,8}", not_before="0-9", not_after="0-9")
# A house number ("221", "221B"), one to three name words, a street word ("Baker Street", "baker street").
STREET = LinearPattern(
    rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[A-Za-z][A-Za-z'-]*\s+){{1,3}}(?:(?i:{_STREET_WORDS})|{_STREET_ABBREVIATIONS})\b\.?"
)
CN_ADDRESS = LinearPattern(
    rf"[{_CJK}]{{2,20}}(?:省|市|区|县|路|街|号|室)[{_CJK}0-9]{{0,30}}(?:路|街|号|室)[0-9]{{0,6}}号?"
)
# Chinese resident identity card number (GB 11643): area, birth date, sequence, check character.
CN_ID = LinearPattern(
    r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]",
    not_before="0-9A-Za-z",
    not_after="0-9A-Za-z",
)
# Payment card numbers: 13 to 19 digits, optionally grouped by spaces or hyphens.
CARD = LinearPattern(r"\d(?:[ -]?\d){12,18}", not_before="0-9", not_after="0-9")
_YEAR_RANGE = LinearPattern(r"^(?:19|20)\d{2}\s?[-–]\s?(?:19|20)\d{2}$")

# kind -> pattern; the label is what scrubbing writes (several kinds share a label).
PII_PATTERNS: dict[str, LinearPattern] = {
    "email": EMAIL,
    "url": URL,
    "url_domain": URL_DOMAIN,
    "address": STREET,
    "cn_address": CN_ADDRESS,
    "id": CN_ID,
    "card": CARD,
    "phone": PHONE,
    "phone_cn": PHONE_CN,
    "landline_cn": LANDLINE_CN,
}
_LABELS = {"url_domain": "url", "cn_address": "address", "phone_cn": "phone", "landline_cn": "phone"}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def cn_id_checksum_ok(number: str) -> bool:
    """The ISO 7064 MOD 11-2 check character of an 18-character resident id."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_phone(span: str) -> bool:
    """At least 7 digits and not a year range such as 1930-1940."""
    return sum(c.isdigit() for c in span) >= 7 and _YEAR_RANGE.search(span.strip()) is None


def _is_street(span: str) -> bool:
    words = span.split()[1:-1]
    return not any(w.lower() in _NOT_STREET_NAMES for w in words)


def _keep(kind: str, span: str) -> bool:
    if kind in ("phone", "phone_cn", "landline_cn"):
        return _is_phone(span)
    if kind == "id":
        return cn_id_checksum_ok(span)
    if kind == "card":
        digits = "".join(c for c in span if c.isdigit())
        return 13 <= len(digits) <= 19 and luhn_ok(digits)
    if kind == "address":
        return _is_street(span)
    return True


@dataclass(frozen=True)
class PiiSpan:
    kind: str  # email, url, phone, address, id, card
    start: int
    end: int
    text: str


def find_pii_spans_normalized(text: str) -> list[PiiSpan]:
    """PII spans of an already normalized text; overlapping spans are merged."""
    found: list[PiiSpan] = []
    for kind, pattern in PII_PATTERNS.items():
        for match in pattern.finditer(text):
            if _keep(kind, match.text):
                found.append(PiiSpan(_LABELS.get(kind, kind), match.start, match.end, match.text))
    # Overlapping spans merge into one (named after the longest), so nothing of either stays unmasked.
    merged: list[PiiSpan] = []
    for item in sorted(found, key=lambda s: (s.start, -(s.end - s.start))):
        if merged and item.start < merged[-1].end:
            last = merged[-1]
            kind = last.kind if last.end - last.start >= item.end - item.start else item.kind
            end = max(last.end, item.end)
            merged[-1] = PiiSpan(kind, last.start, end, text[last.start : end])
        else:
            merged.append(item)
    return merged


def find_pii_spans(text: str) -> list[PiiSpan]:
    """Every PII-looking span of ``text`` (matched on its normalized form), spans into ``text``."""
    norm = normalize(text)
    spans = find_pii_spans_normalized(norm.text)
    if norm.origin is None:
        return spans
    out = []
    for span in spans:
        start, end = norm.span(span.start, span.end)
        out.append(PiiSpan(span.kind, start, end, text[start:end]))
    return out


def find_pii(text: str) -> list[tuple[str, str]]:
    """(kind, matched text) for every PII-looking span."""
    return [(s.kind, s.text) for s in find_pii_spans(text)]


def scrub(text: str) -> tuple[str, int]:
    """Text with PII replaced by ``[email]``, ``[phone]``, ``[url]``, ``[address]``, ``[id]``, ``[card]``."""
    spans = find_pii_spans(text)
    if not spans:
        return text, 0
    parts: list[str] = []
    cursor = 0
    for span in spans:
        parts.append(text[cursor : span.start])
        parts.append(f"[{span.kind}]")
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts), len(spans)


def scrub_pii(text: str) -> str:
    """``text`` with every PII span replaced by its label."""
    return scrub(text)[0]
