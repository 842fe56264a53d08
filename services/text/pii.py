"""PII in review and marketing text: the core patterns plus Chinese phone numbers written next to CJK text.

The core phone and URL patterns need a non-word character before the match, and CJK characters
count as word characters, so "电话13812345678" or "请看www.example.com" would pass them; the extra
patterns here catch those cases.
Year ranges ("1930-1940") are not phone numbers and "www..." is not a URL. ``scrub`` is what
every review goes through before it is stored, trained on or summarised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.core.privacy import PII_PATTERNS

CJK_PHONE = re.compile(r"(?<![0-9])(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?![0-9])")
CJK_LANDLINE = re.compile(r"(?<![0-9])0\d{2,3}-\d{7,8}(?![0-9])")
URL_NEXT_TO_CJK = re.compile(r"(?:https?://|www\.)[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+", re.IGNORECASE)
_EXTRA: dict[str, re.Pattern[str]] = {"phone_cn": CJK_PHONE, "landline_cn": CJK_LANDLINE, "url_cjk": URL_NEXT_TO_CJK}
_YEAR_RANGE = re.compile(r"^(?:19|20)\d{2}\s?[-–]\s?(?:19|20)\d{2}$")
_LABELS = {"cn_address": "address", "phone_cn": "phone", "landline_cn": "phone", "url_cjk": "url"}


@dataclass(frozen=True)
class PiiSpan:
    kind: str  # email, url, phone, address
    start: int
    end: int
    text: str


def find_pii_spans(text: str) -> list[PiiSpan]:
    """Every PII-looking span, longest first when two overlap (an email's domain is not also a URL)."""
    found: list[PiiSpan] = []
    for kind, pattern in {**PII_PATTERNS, **_EXTRA}.items():
        for match in pattern.finditer(text):
            span = match.group(0)
            label = _LABELS.get(kind, kind)
            if label == "phone" and (sum(c.isdigit() for c in span) < 7 or _YEAR_RANGE.match(span)):
                continue
            if label == "url" and not re.sub(r"^(?:https?://|www\.)", "", span, flags=re.IGNORECASE)[:1].isalnum():
                continue
            found.append(PiiSpan(label, match.start(), match.end(), span))
    kept: list[PiiSpan] = []
    for item in sorted(found, key=lambda s: (-(s.end - s.start), s.start)):
        if all(item.end <= k.start or k.end <= item.start for k in kept):
            kept.append(item)
    return sorted(kept, key=lambda s: s.start)


def scrub(text: str) -> tuple[str, int]:
    """Text with PII replaced by ``[email]``, ``[phone]``, ``[url]``, ``[address]``, and the count."""
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
