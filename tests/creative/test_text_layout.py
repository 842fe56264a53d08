"""Wrapping and fitting of English and Chinese text."""

from __future__ import annotations

import pytest

from services.creative.fonts import FontSet, resolve_fonts
from services.creative.text_layout import ELLIPSIS, fit_text, tokens, wrap


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return resolve_fonts()


def test_tokens_keep_words_and_attach_closing_punctuation() -> None:
    assert tokens("Sale, 50% off!") == ["Sale,", " ", "50%", " ", "off!"]
    assert tokens("新品，限时。") == ["新", "品，", "限", "时。"]


def test_english_wraps_at_spaces_within_width(fonts: FontSet) -> None:
    font = fonts.regular.at(24)
    lines = wrap("New arrivals every week with free shipping on all orders", font, 200)
    assert len(lines) > 1
    assert all(font.getlength(line) <= 200 for line in lines)
    assert " ".join(lines) == "New arrivals every week with free shipping on all orders"


def test_chinese_wraps_between_characters_never_before_closing_punctuation(fonts: FontSet) -> None:
    font = fonts.regular.at(24)
    text = "全场包邮，每周上新。精选连衣裙、衬衫与运动鞋。"
    lines = wrap(text, font, 130)
    assert len(lines) > 2 and "".join(lines) == text
    assert all(font.getlength(line) <= 130 for line in lines)
    assert not any(line[0] in "，。、" for line in lines)


def test_a_word_wider_than_the_box_is_split(fonts: FontSet) -> None:
    font = fonts.bold.at(30)
    lines = wrap("Supercalifragilisticexpialidocious", font, 120)
    assert len(lines) > 1 and all(font.getlength(line) <= 120 for line in lines)


def test_fit_picks_the_largest_size_that_fits(fonts: FontSet) -> None:
    fitted = fit_text("Summer Sale", fonts.bold, 400, 200, max_size=120, min_size=10)
    assert not fitted.truncated and fitted.width() <= 400 and fitted.height <= 200
    bigger = fit_text("Summer Sale", fonts.bold, 400, 200, max_size=fitted.size + 1, min_size=fitted.size + 1)
    assert bigger.truncated or bigger.width() > 400 or bigger.height > 200


def test_text_that_cannot_fit_is_ellipsized(fonts: FontSet) -> None:
    fitted = fit_text("word " * 80, fonts.regular, 200, 60, max_size=30, min_size=14, max_lines=2)
    assert fitted.truncated and len(fitted.lines) <= 2
    assert fitted.lines[-1].endswith(ELLIPSIS)
    assert fitted.width() <= 200
