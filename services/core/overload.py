"""Overload answers that tell clients when to come back.

BentoML's ``traffic.max_concurrency`` guard answers 429 without ``Retry-After``; this subclass adds
the header and a clearer message. It is installed by name in BentoML's traffic module (read there
when the server app is built), so ``traffic={"max_concurrency": N}`` keeps working unchanged.
"""

from __future__ import annotations

from typing import Any

from bentoml._internal.server.http import traffic
from starlette.responses import JSONResponse

RETRY_AFTER_S = "1"


class RetryAfterMaxConcurrency(traffic.MaxConcurrencyMiddleware):
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and scope["path"] not in self.skip_paths and self._semaphore.locked():
            resp = JSONResponse(
                {"error": "server at capacity, retry later"}, status_code=429, headers={"Retry-After": RETRY_AFTER_S}
            )
            await resp(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def install() -> None:
    if traffic.MaxConcurrencyMiddleware is not RetryAfterMaxConcurrency:
        traffic.MaxConcurrencyMiddleware = RetryAfterMaxConcurrency  # type: ignore[misc]
