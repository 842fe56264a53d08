"""ASGI middleware guarding every route except health, metrics and docs.

* API keys (``Authorization: Bearer <key>`` or ``X-API-Key``) compared in constant time, required
  on every path not in the open list when keys are configured; routes added later are covered
  because the check is an allow-list of open paths, not a list of protected ones.
* Request bodies over ``max_request_bytes`` get 413, whether announced by Content-Length or not.
* Error responses are shaped the same way everywhere: a JSON object ``{"error": ...}`` (BentoML
  wraps raised client errors in a one-element list), and 503s carry ``Retry-After``.
Keys are never logged.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .settings import get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

OPEN_PATHS = frozenset({"/", "/livez", "/readyz", "/healthz", "/metrics", "/docs.json", "/schema.json"})
OPEN_PREFIXES = ("/static_content/", "/docs")


def is_open_path(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def key_matches(candidate: str, keys: list[str]) -> bool:
    """Constant-time comparison against every configured key (no early exit)."""
    found = False
    encoded = candidate.encode()
    for key in keys:
        found |= hmac.compare_digest(encoded, key.encode())
    return found


def _presented_key(headers: dict[bytes, bytes]) -> str:
    auth = headers.get(b"authorization", b"").decode("latin-1")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return headers.get(b"x-api-key", b"").decode("latin-1").strip()


async def _send_json(send: Send, status: int, body: dict[str, Any], extra: list[tuple[bytes, bytes]]) -> None:
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


RETRY_AFTER_S = b"1"


def _shape_errors(send: Send) -> Send:
    """Wrap ``send``: unwrap ``[{"error": ...}]`` bodies of 4xx responses, add Retry-After to 503."""
    pending: Message | None = None
    chunks: list[bytes] = []

    async def shaped(message: Message) -> None:
        nonlocal pending
        if message["type"] == "http.response.start":
            status = int(message["status"])
            headers = list(message.get("headers") or [])
            if status in (429, 503) and not any(k.lower() == b"retry-after" for k, _ in headers):
                headers.append((b"retry-after", RETRY_AFTER_S))
                message = {**message, "headers": headers}
            if 400 <= status < 500:
                pending = message  # hold the start until the body is complete
                return
            await send(message)
            return
        if pending is not None and message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            if body.startswith(b"[{") and body.endswith(b"}]"):
                try:
                    decoded = json.loads(body)
                    if len(decoded) == 1 and isinstance(decoded[0], dict) and "error" in decoded[0]:
                        body = json.dumps(decoded[0]).encode()
                except ValueError:
                    pass
            headers = [(k, v) for k, v in pending.get("headers", []) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**pending, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await send(message)

    return shaped


class PlatformMiddleware:
    """Auth and body-size limit; added to every service by ``services.core.service_kit``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        settings = get_settings()
        self.keys = settings.api_key_list()
        self.max_body = settings.max_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _shape_errors(send)
        path = scope.get("path", "")
        headers = dict(scope.get("headers") or [])
        if self.keys and not is_open_path(path) and not key_matches(_presented_key(headers), self.keys):
            await _send_json(
                send,
                401,
                {"error": "missing or invalid API key (send 'Authorization: Bearer <key>' or 'X-API-Key')"},
                [(b"www-authenticate", b"Bearer")],
            )
            return
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                await _send_json(send, 400, {"error": "invalid Content-Length header"}, [])
                return
            if too_big:
                await _send_json(send, 413, self._too_large(), [])
                return
            await self.app(scope, receive, send)
            return
        await self._call_counting(scope, receive, send)

    def _too_large(self) -> dict[str, str]:
        return {"error": f"request body larger than the limit of {self.max_body} bytes"}

    async def _call_counting(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Without a Content-Length (chunked upload), read the body up to the limit before the app runs."""
        if scope.get("method") in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            received += len(message.get("body", b""))
            if received > self.max_body:
                await _send_json(send, 413, self._too_large(), [])
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
