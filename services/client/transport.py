"""HTTP transport of the client: request building, retries on 429 and 503 that honour Retry-After.

Retries are bounded (``RetryPolicy.max_retries``) and each wait is capped (``max_wait_s``), so a
server that keeps answering 503 turns into an ``AdserveError`` instead of a hang.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import AdserveError

RETRIED_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 3
    backoff_s: float = 0.5
    max_wait_s: float = 10.0
    statuses: frozenset[int] = field(default=RETRIED_STATUSES)

    def wait_s(self, attempt: int, response: httpx.Response | None) -> float:
        """Seconds before retry ``attempt`` (0-based): the server's Retry-After, else exponential back-off."""
        header = response.headers.get("retry-after") if response is not None else None
        if header is not None:
            try:
                return min(max(float(header), 0.0), self.max_wait_s)
            except ValueError:
                pass
        return min(self.backoff_s * 2**attempt, self.max_wait_s)


@dataclass(frozen=True)
class Call:
    """One HTTP call, ready to send: route plus a JSON body or multipart files."""

    route: str
    json: dict[str, Any] | None = None
    data: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes]] | None = None

    def send_kwargs(self) -> dict[str, Any]:
        if self.files:
            return {"data": self.data or {}, "files": self.files}
        return {"json": self.json or {}}


def _check(response: httpx.Response, route: str) -> httpx.Response:
    if response.is_success:
        return response
    raise AdserveError.from_response(response.status_code, response.content, route)


def _retryable(policy: RetryPolicy, attempt: int, response: httpx.Response) -> bool:
    return response.status_code in policy.statuses and attempt < policy.max_retries


def send_sync(http: httpx.Client, policy: RetryPolicy, call: Call) -> httpx.Response:
    attempt = 0
    while True:
        response = http.post(call.route, **call.send_kwargs())
        if not _retryable(policy, attempt, response):
            return _check(response, call.route)
        time.sleep(policy.wait_s(attempt, response))
        attempt += 1


async def send_async(http: httpx.AsyncClient, policy: RetryPolicy, call: Call) -> httpx.Response:
    attempt = 0
    while True:
        response = await http.post(call.route, **call.send_kwargs())
        if not _retryable(policy, attempt, response):
            return _check(response, call.route)
        await asyncio.sleep(policy.wait_s(attempt, response))
        attempt += 1
