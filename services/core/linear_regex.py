"""Linear-time patterns for user text: RE2 (google-re2) with one-character look-around emulated.

Python's ``re`` backtracks, so a pattern such as ``[\u4e00-\u9fff]{2,}...`` can take cubic time on a
long run of one character. RE2 matches in time linear in the text but has no look-around; the
guards the scanners need are all "this character class must not come just before / after the
match", which a ``LinearPattern`` emulates exactly:

* ``not_before``: the body is preceded by the start of the text or a character outside the class
  (a sentinel character is put in front of the text so one consumed character does this);
* ``not_after`` / ``tail``: a consumed suffix after the body (``$`` or a character outside the
  class, or any regex); the reported span is the body only, and the next search resumes there, so
  the suffix can also start the next match, as with a real look-ahead;
* ``accept``: a check on the matched span (a checksum, an exclusion list); a refused span does not
  hide a match starting one character later.

Every body has bounded look-ahead once it has matched, so scanning a whole text stays linear.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import re2

Accept = Callable[[str, int, int], bool]
_SENTINEL_BYTE = b"\x00"


@dataclass(frozen=True, slots=True)
class Found:
    """A match: ``text[start:end] == found.text``."""

    start: int
    end: int
    text: str


class LinearPattern:
    """An RE2 pattern with ``finditer`` over non-overlapping matches, leftmost first."""

    def __init__(
        self,
        body: str,
        *,
        not_before: str = "",
        not_after: str = "",
        tail: str = "",
        ignore_case: bool = False,
        accept: Accept | None = None,
    ) -> None:
        if not_after and tail:
            raise ValueError("give not_after or tail, not both")
        head = f"[^{not_before}]" if not_before else ""
        after = f"(?:$|[^{not_after}])" if not_after else (f"(?:{tail})" if tail else "")
        flags = "(?i)" if ignore_case else ""
        self.source = f"{flags}{head}({body}){after}"
        self._regex = re2.compile(self.source)
        self._guarded = bool(not_before)
        self._accept = accept

    def finditer(self, text: str) -> Iterator[Found]:
        # Searching bytes from a byte offset costs only the scanned part (the str API re-encodes the
        # whole text on every call); byte offsets map back to characters through one table per text.
        encoded, offsets = _encoded(text)
        shift = 1 if self._guarded else 0  # the sentinel byte in front of guarded subjects
        data = _SENTINEL_BYTE + encoded if self._guarded else encoded

        def char(b: int) -> int:
            b -= shift
            return b if offsets is None else bisect_left(offsets, b)

        pos = 0
        while pos <= len(data):
            match = self._regex.search(data, pos)
            if match is None:
                return
            b_start, b_end = match.start(1), match.end(1)
            if b_end == b_start:  # an empty body: step over one character
                pos = b_end + _width(data, b_end)
                continue
            start, end = char(b_start), char(b_end)
            if self._accept is None or self._accept(text, start, end):
                yield Found(start, end, text[start:end])
                # The next body may start right at ``end``; its guard character is the one before.
                pos = _previous(data, b_end) if self._guarded else b_end
            else:
                pos = b_start if self._guarded else b_start + _width(data, b_start)

    def search(self, text: str) -> Found | None:
        return next(self.finditer(text), None)

    def findall(self, text: str) -> list[str]:
        return [f.text for f in self.finditer(text)]


def except_chars(low: int, high: int, excluded: str) -> str:
    """A character-class body for ``low..high`` without the characters of ``excluded``."""
    ranges: list[str] = []
    start = low
    for code in sorted({ord(c) for c in excluded if low <= ord(c) <= high}):
        if code > start:
            ranges.append(f"\\x{{{start:x}}}-\\x{{{code - 1:x}}}")
        start = code + 1
    if start <= high:
        ranges.append(f"\\x{{{start:x}}}-\\x{{{high:x}}}")
    return "".join(ranges)


@lru_cache(maxsize=64)
def _encoded(text: str) -> tuple[bytes, list[int] | None]:
    """UTF-8 of ``text`` and the byte offset of each character (None when all are ASCII).

    Cached: the guard runs some thirty patterns over the same text.
    """
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded) == len(text):
        return encoded, None
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    widths = 1 + (codes >= 0x80).astype(np.int64) + (codes >= 0x800) + (codes >= 0x10000)
    offsets = np.zeros(len(codes) + 1, dtype=np.int64)
    np.cumsum(widths, out=offsets[1:])
    return encoded, offsets.tolist()


def _width(data: bytes, pos: int) -> int:
    """Bytes of the UTF-8 character starting at ``pos`` (1 at the end)."""
    end = pos + 1
    while end < len(data) and 0x80 <= data[end] < 0xC0:
        end += 1
    return end - pos


def _previous(data: bytes, pos: int) -> int:
    """Byte offset of the character ending at ``pos``."""
    start = pos - 1
    while start > 0 and 0x80 <= data[start] < 0xC0:
        start -= 1
    return start
