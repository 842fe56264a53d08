"""PII in review and marketing text: the shared scanner of ``services.core.privacy``.

One implementation serves review summarization, the compliance guard, feedback events and
campaign copy: linear-time patterns on the normalized text (so "ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ" and
"電話" neighbours are found), spans into the original. Year ranges ("1930-1940") are not phone
numbers and "www..." is not a URL. ``scrub`` is what every review goes through before it is stored,
trained on or summarised.
"""

from __future__ import annotations

from services.core.privacy import PiiSpan, find_pii_spans, find_pii_spans_normalized, scrub

__all__ = ["PiiSpan", "find_pii_spans", "find_pii_spans_normalized", "scrub"]
