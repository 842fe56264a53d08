"""Pseudonymization and PII scrubbing."""

from __future__ import annotations

import pytest

from services.core.privacy import find_pii, pseudonymize, scrub_pii


def test_pseudonyms_are_stable_keyed_and_opaque() -> None:
    a = pseudonymize(12346.0, b"key-1")
    assert a == pseudonymize("12346", b"key-1") == pseudonymize(" 12346 ", b"key-1")
    assert a != pseudonymize("12346", b"key-2")
    assert a.startswith("u_") and len(a) == 18 and "12346" not in a


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("write to jane.doe+shop@example.co.uk today", "email"),
        ("call +44 20 7946 0958 please", "phone"),
        ("call (212) 555-0199", "phone"),
        ("电话13812345678", "phone"),
        ("see www.example-shop.com/item?id=3", "url"),
        ("请看www.example.com", "url"),
        ("ship to 221 Baker Street. thanks", "address"),
    ],
)
def test_pii_is_found_and_scrubbed(text: str, kind: str) -> None:
    assert kind in {k for k, _ in find_pii(text)}
    scrubbed = scrub_pii(text)
    assert f"[{kind}]" in scrubbed


@pytest.mark.parametrize(
    "text",
    ["size 10 fits, 2 pieces, ordered 3 times", "a 1930-1940 style dress", "www... nothing", "priced 1299 rupees"],
)
def test_ordinary_numbers_are_not_pii(text: str) -> None:
    assert scrub_pii(text) == text and not find_pii(text)


def test_trailing_punctuation_stays_out_of_urls() -> None:
    assert scrub_pii("visit www.shop.com, then") == "visit [url], then"
