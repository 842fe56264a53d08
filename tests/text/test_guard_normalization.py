"""The guard and the PII scanner match on normalized text; spans still point into the original."""

from __future__ import annotations

import pytest

from services.core.privacy import cn_id_checksum_ok, find_pii_spans, luhn_ok, scrub_pii
from services.core.text_normalize import normalize
from services.text.compliance import check_text

CLAIM_BYPASSES = [
    "the b\u200best shoes",  # zero-width space inside the word
    "the ｂｅｓｔ shoes",  # fullwidth letters
    "the bеst shoes",  # Cyrillic е
    "the b\u00adest shoes",  # soft hyphen
    "the be\u0301st shoes",  # combining accent
    "最\u200b好的鞋",  # zero-width space inside 最好
    "ＮＯ．１爆款",  # fullwidth No.1
    "ｇｕａｒａｎｔｅｅｄ fit",
]


@pytest.mark.parametrize("text", CLAIM_BYPASSES, ids=[ascii(t) for t in CLAIM_BYPASSES])
def test_obfuscated_claims_are_caught_and_spans_point_into_the_original(text: str) -> None:
    found = [v for v in check_text(text) if v.kind == "absolute_claim"]
    assert found, text
    for v in found:
        assert text[v.span[0] : v.span[1]] == v.text
        assert normalize(v.text).text.lower() in normalize(text).text.lower()


def test_spans_cover_the_invisible_characters_inside_the_match() -> None:
    text = "Try the b\u200be\u200bst"
    (v,) = check_text(text)
    assert v.text == "b\u200be\u200bst" and v.span == (8, 14)


PII_CASES = [
    ("身份证号 11010519491231002X 请保密", "id", "11010519491231002X"),
    ("card 4111 1111 1111 1111 exp 12/29", "card", "4111 1111 1111 1111"),
    ("card 4111-1111-1111-1111", "card", "4111-1111-1111-1111"),
    ("ship to 221B Baker Street please", "address", "221B Baker Street"),
    ("ship to 221b baker street please", "address", "221b baker street"),
    ("mail john.smith＠example.com now", "email", "john.smith＠example.com"),
    ("mail ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ now", "email", "ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ"),
    ("call １３８１２３４５６７８ now", "phone", "１３８１２３４５６７８"),
    ("call 138\u200b1234\u200b5678 now", "phone", "138\u200b1234\u200b5678"),
]


@pytest.mark.parametrize(("text", "kind", "span_text"), PII_CASES)
def test_pii_kinds_and_obfuscations(text: str, kind: str, span_text: str) -> None:
    spans = find_pii_spans(text)
    assert [(s.kind, s.text) for s in spans] == [(kind, span_text)], spans
    assert span_text not in scrub_pii(text) and f"[{kind}]" in scrub_pii(text)


@pytest.mark.parametrize(
    "text",
    [
        "order 110105194912310021 shipped",  # 18 digits with a wrong check digit
        "size 8 fits all the way",
        "I ordered 2 for my drive",
        "bought 3 pairs last year",
    ],
)
def test_near_misses_are_not_pii(text: str) -> None:
    assert find_pii_spans(text) == [], find_pii_spans(text)


def test_a_number_failing_luhn_is_not_a_card() -> None:
    assert "card" not in {s.kind for s in find_pii_spans("tracking 4111 1111 1111 1112")}


def test_checksums() -> None:
    assert cn_id_checksum_ok("11010519491231002X") and not cn_id_checksum_ok("110105194912310021")
    assert luhn_ok("4111111111111111") and luhn_ok("5500005555555559") and not luhn_ok("4111111111111112")


def test_normalization_maps_back() -> None:
    norm = normalize("ａ\u200bｂﬁ")
    assert norm.text == "abfi"
    assert norm.span(0, 4) == (0, 4) and norm.span(2, 3) == (3, 4)
