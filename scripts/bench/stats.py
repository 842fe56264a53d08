"""Latency percentiles and status-code classes of one batch of measured responses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .schemas import Latency, StatusCounts

CLIENT_TIMEOUT = -1
CONNECTION_ERROR = -2


def count_statuses(codes: Iterable[int]) -> StatusCounts:
    """Sort status codes into the report's classes (negative codes are client-side failures)."""
    counts = StatusCounts()
    for code in codes:
        if 200 <= code < 300:
            counts.s2xx += 1
        elif code == 429:
            counts.s429 += 1
        elif 400 <= code < 500:
            counts.s4xx += 1
        elif code == 503:
            counts.s503 += 1
        elif code == 504:
            counts.s504 += 1
        elif code >= 500:
            counts.s5xx_other += 1
        elif code == CLIENT_TIMEOUT:
            counts.client_timeout += 1
        else:
            counts.connection_error += 1
    return counts


def only_429_503(counts: StatusCounts) -> bool:
    """True when every non-2xx response was a 429 or a 503 (what overload may produce)."""
    return counts.errors == counts.s429 + counts.s503


def latency_summary(seconds: Sequence[float]) -> Latency:
    """p50/p95/p99/mean/max in milliseconds (linear interpolation); empty input gives Nones."""
    if len(seconds) == 0:
        return Latency()
    ms = np.asarray(seconds, dtype=np.float64) * 1000.0
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return Latency(
        p50=round(float(p50), 3),
        p95=round(float(p95), 3),
        p99=round(float(p99), 3),
        mean=round(float(ms.mean()), 3),
        max=round(float(ms.max()), 3),
    )
