"""Feedback may only reference items of the recommender's catalog: which item ids are known.

The cheapest correct source is the campaign's own traffic plus one question to recommend: every
item a campaign served came from recommend's catalog and is remembered; an item not seen yet is
asked of recommend (``/known_items``, all unseen items of a feedback request in one call) and the
known ones are remembered too. Remembered ids expire after ``ttl_s`` (a retrained model may drop
items). When recommend cannot answer, nothing is stored and ``/feedback`` answers 503, so the
client resends the same event ids; nothing unchecked is accepted.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from services.recommend.schemas import KnownItems

AskRecommend = Callable[[list[str]], Awaitable[Any]]


class CatalogUnavailable(RuntimeError):
    """The catalog could not be asked; the request is to be retried."""


class CatalogCheck:
    """Known item ids, remembered for ``ttl_s`` seconds (at most ``capacity`` of them)."""

    def __init__(
        self,
        ask: AskRecommend,
        timeout_s: float,
        ttl_s: float = 600.0,
        capacity: int = 200_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ask = ask
        self._timeout_s = timeout_s
        self._ttl_s = ttl_s
        self._capacity = capacity
        self._clock = clock
        self._known: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, item_ids: Iterable[str]) -> None:
        """Items that are in the catalog (served by a campaign, or confirmed by recommend)."""
        expires = self._clock() + self._ttl_s
        with self._lock:
            for item in item_ids:
                self._known[item] = expires
                self._known.move_to_end(item)
            while len(self._known) > self._capacity:
                self._known.popitem(last=False)

    def _unseen(self, item_ids: Iterable[str]) -> list[str]:
        now = self._clock()
        with self._lock:
            return sorted({i for i in item_ids if self._known.get(i, 0.0) <= now})

    async def unknown(self, item_ids: Iterable[str]) -> list[str]:
        """The item ids that are not in the catalog (empty when all are)."""
        unseen = self._unseen(item_ids)
        if not unseen:
            return []
        try:
            answer = await asyncio.wait_for(self._ask(unseen), self._timeout_s)
        except Exception as exc:
            raise CatalogUnavailable(f"recommend could not check the items ({type(exc).__name__}: {exc})") from exc
        known = answer if isinstance(answer, KnownItems) else KnownItems.model_validate(answer)
        self.remember(known.known)
        confirmed = set(known.known)
        return [i for i in unseen if i not in confirmed]
