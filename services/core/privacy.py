"""Privacy helpers: keyed pseudonymization of customer ids and PII scrubbing of free text."""

from __future__ import annotations

import hashlib
import hmac
import re

PSEUDONYM_PREFIX = "u_"


def pseudonymize(raw_id: object, key: bytes) -> str:
    """Stable pseudonymous id: HMAC-SHA256 of the normalised raw id, 16 hex characters."""
    text = str(raw_id).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # ids read as floats by pandas
        text = text[:-2]
    digest = hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:16]


EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
URL = re.compile(
    r"(?<![A-Za-z0-9])(?:https?://|www\.)(?=[A-Za-z0-9])[^\s<>\"']*[^\s<>\"'.,;:!?)]|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|cn|co|uk|de|info|shop)(?:/[^\s]*)?\b",
    re.I,
)
PHONE = re.compile(
    r"(?<![0-9A-Za-z+])(?:\+\d{1,3}[\s.-]?)?(?:\(?\d{1,4}\)?[\s.-]?)?\d{3,4}[\s.-]?\d{3,4}(?:[\s.-]?\d{2,4})?(?![0-9A-Za-z])"
)
STREET = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way)\b\.?"
)
CN_ADDRESS = re.compile(r"[\u4e00-\u9fff]{2,}(?:省|市|区|县|路|街|号|室)[\u4e00-\u9fff0-9]*(?:路|街|号|室)[0-9]*号?")

YEAR_RANGE = re.compile(r"^(?:19|20)\d{2}\s?[-–]\s?(?:19|20)\d{2}$")


def _is_phone(span: str) -> bool:
    """At least 7 digits and not a year range such as 1930-1940."""
    return sum(c.isdigit() for c in span) >= 7 and not YEAR_RANGE.match(span.strip())


PII_PATTERNS: dict[str, re.Pattern[str]] = {
    "email": EMAIL,
    "url": URL,
    "address": STREET,
    "cn_address": CN_ADDRESS,
    "phone": PHONE,
}


def find_pii(text: str) -> list[tuple[str, str]]:
    """(kind, matched text) for every PII-looking span."""
    found: list[tuple[str, str]] = []
    for kind, pattern in PII_PATTERNS.items():
        for match in pattern.finditer(text):
            span = match.group(0)
            if kind == "phone" and not _is_phone(span):
                continue
            found.append((kind, span))
    return found


def scrub_pii(text: str) -> str:
    """Replace PII spans with ``[email]``, ``[phone]``, ``[url]`` or ``[address]``."""
    for kind, pattern in PII_PATTERNS.items():
        label = "[address]" if kind == "cn_address" else f"[{kind}]"
        if kind == "phone":
            text = pattern.sub(lambda m: "[phone]" if _is_phone(m.group(0)) else m.group(0), text)
        else:
            text = pattern.sub(label, text)
    return text
