"""Per-key request quotas: one token bucket per (API key name, route class), per worker process.

A bucket holds up to ``burst`` tokens and refills at ``per_s`` tokens a second; a request takes one
token or is answered 429 with ``Retry-After`` (whole seconds until a token is back). Route classes
group the paths that cost alike (``ROUTE_CLASSES``); a class without its own limit uses
``default``. Limits come from ``ADSERVE_RATE_LIMITS`` (``{"default": [per_s, burst], ...}``); empty
means no quotas. No limiter library fits here: the usual ones (``limits``, ``pyrate-limiter``)
implement windows or leaky buckets and do not report the wait a token bucket gives Retry-After.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

ROUTE_CLASSES: dict[str, str] = {
    "/feedback": "feedback",
    "/campaign": "generation",
    "/generate_image": "generation",
    "/restyle": "generation",
    "/generate_description": "generation",
    "/stream_description": "generation",
}


def route_class(path: str) -> str:
    return ROUTE_CLASSES.get(path, "default")


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass(frozen=True)
class Limit:
    per_s: float
    burst: int


class QuotaBook:
    """Token buckets keyed by (key name, route class); thread-safe."""

    def __init__(self, limits: Mapping[str, Limit], clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = dict(limits)
        self._clock = clock
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()

    def limit_for(self, cls: str) -> Limit | None:
        return self.limits.get(cls) or self.limits.get("default")

    def take(self, key_name: str, cls: str) -> float:
        """0.0 when the request may go ahead, else the seconds until the next token."""
        limit = self.limit_for(cls)
        if limit is None:
            return 0.0
        now = self._clock()
        with self._lock:
            bucket = self._buckets.setdefault((key_name, cls), _Bucket(float(limit.burst), now))
            bucket.tokens = min(float(limit.burst), bucket.tokens + (now - bucket.stamp) * limit.per_s)
            bucket.stamp = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / limit.per_s


def retry_after_header(wait_s: float) -> bytes:
    return str(max(1, math.ceil(wait_s))).encode()
