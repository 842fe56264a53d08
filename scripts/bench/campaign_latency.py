"""Latency of sequential ``/campaign`` calls against a running server: p50, p95, max, answers and
how many were degraded. ``python -m scripts.cli campaign latency`` runs it."""

from __future__ import annotations

import statistics
import time
from typing import Any


def measure(url: str, *, calls: int, k: int, formats: str, api_key: str | None, users: list[str]) -> dict[str, Any]:
    """``calls`` calls after two warm-up calls, one at a time."""
    import httpx

    headers = {"X-API-Key": api_key} if api_key else {}
    timings, statuses, degraded = [], [], 0
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        for i in range(calls + 2):
            body = {"user_id": users[i % len(users)]} if users else {"profile": {"country": "United Kingdom"}}
            start = time.perf_counter()
            resp = client.post("/campaign", json={**body, "k": k, "formats": formats.split(",")})
            if i >= 2:
                timings.append(time.perf_counter() - start)
                statuses.append(resp.status_code)
                degraded += bool(resp.status_code == 200 and resp.json()["degraded"])
    timings.sort()
    result = {
        "url": url,
        "calls": calls,
        "k": k,
        "formats": formats,
        "p50_ms": round(1000 * statistics.median(timings), 1),
        "p95_ms": round(1000 * timings[max(0, int(0.95 * len(timings)) - 1)], 1),
        "max_ms": round(1000 * timings[-1], 1),
        "ok": statuses.count(200),
        "degraded": degraded,
    }
    return result
