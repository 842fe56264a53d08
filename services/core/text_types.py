"""The validated text of every field that reaches a renderer, a tokenizer or a prompt.

``DisplayText(max_length)`` refuses control characters (other than tab and line breaks, which
become spaces), surrogates, private-use and unassigned code points, and text without a single
letter, number, punctuation mark or symbol (only spaces, format characters or combining marks
would render no ink). Whitespace runs collapse to one space. Refusals are pydantic errors of type
``unrenderable_text``; the middleware answers them with 422 and the field's location, like the
request budgets' ``budget_exceeded`` errors (``UNPROCESSABLE_ERROR_TYPES``).
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

UNRENDERABLE = "unrenderable_text"
BUDGET_EXCEEDED = "budget_exceeded"
UNPROCESSABLE_ERROR_TYPES = frozenset({UNRENDERABLE, BUDGET_EXCEEDED})
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})
_INK_CATEGORIES = ("L", "N", "P", "S")
_LINE_BREAKS = frozenset("\t\n\r")


def _refused(char: str) -> bool:
    return char not in _LINE_BREAKS and unicodedata.category(char) in _REFUSED_CATEGORIES


def check_display_text(value: str) -> str:
    """``value`` unchanged, or an ``unrenderable_text`` error (for texts whose line breaks matter)."""
    bad = next((c for c in value if _refused(c)), None)
    if bad is not None:
        raise PydanticCustomError(
            UNRENDERABLE,
            "control, surrogate, private-use or unassigned character U+{code} is not allowed",
            {"code": f"{ord(bad):04X}"},
        )
    if not any(unicodedata.category(c).startswith(_INK_CATEGORIES) for c in value):
        raise PydanticCustomError(UNRENDERABLE, "text needs at least one visible character")
    return value


def clean_display_text(value: str) -> str:
    """``value`` with whitespace collapsed, or an ``unrenderable_text`` error."""
    return " ".join(check_display_text(value).split())


def DisplayText(max_length: int, *, min_length: int = 1) -> Any:
    """``str`` of ``min_length..max_length`` characters that renders as visible text."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(clean_display_text)]


def budget_error(limit_name: str, value: float, limit: float, what: str) -> PydanticCustomError:
    """The error of a request over one of its cost budgets: names the limit and the value."""
    return PydanticCustomError(
        BUDGET_EXCEEDED,
        "{what} is {value}, over the limit {limit_name} = {limit}",
        {"what": what, "value": value, "limit_name": limit_name, "limit": limit},
    )
