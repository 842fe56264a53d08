"""The ASGI middleware every service runs behind (added by ``services.core.service_kit``).

* Auth: API keys required on every non-open path when keys are configured (``services.core.auth``),
  for websocket connections as for HTTP; the key's name goes into ``scope["state"]["api_key_name"]``.
* Quotas: a token bucket per key name and route class (``services.core.quotas``); past it 429 with
  ``Retry-After``.
* Framing: a request with both Content-Length and Transfer-Encoding is refused with 400 (the
  request-smuggling shape; the ALB refuses it too, ``desync_mitigation_mode = "strictest"``).
* Body limits: bodies over ``max_request_bytes`` get 413; the bytes received are counted, whatever
  Content-Length says.
* Form bodies (multipart, urlencoded) are parsed once here, so a malformed one is a 400 with a
  message instead of an exception deep inside the framework.
* Error responses have one shape everywhere, ``{"error": str, "detail": str}`` (the schema BentoML
  documents), and 429/503 carry ``Retry-After``. Validation errors that are all of the
  "well-formed but unprocessable" kinds (text that renders nothing, a request over its cost budget;
  ``services.core.text_types``) are answered 422 instead of 400.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .auth import is_open_path, key_name, presented_key
from .quotas import Limit, QuotaBook, retry_after_header, route_class
from .settings import get_settings
from .text_types import UNPROCESSABLE_ERROR_TYPES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


async def send_json(
    send: Send, status: int, body: dict[str, Any], extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


RETRY_AFTER_S = b"1"
log = logging.getLogger("services.core.middleware")


def _detail_text(detail: Any) -> str:
    """Pydantic's error list as one readable line: ``requests.0.k: Input should be ≥ 1; …``."""
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, dict):
                loc = ".".join(str(p) for p in item.get("loc", []))
                parts.append(f"{loc}: {item.get('msg', '')}" if loc else str(item.get("msg", "")))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return str(detail)


def _error_object(body: bytes) -> bytes:
    """The documented error shape: ``{"error": str, "detail": str}`` (BentoML's own schema)."""
    try:
        decoded = json.loads(body)
    except ValueError:
        return body
    if isinstance(decoded, list) and len(decoded) == 1 and isinstance(decoded[0], dict):
        decoded = decoded[0]
    if not isinstance(decoded, dict) or "error" not in decoded:
        return body
    shaped: dict[str, str] = {"error": str(decoded["error"])}
    if decoded.get("detail") is not None:
        shaped["detail"] = _detail_text(decoded["detail"])
    return json.dumps(shaped).encode()


def _unprocessable(body: bytes) -> bool:
    """True when every validation error of a 400 body is of an unprocessable kind."""
    try:
        decoded = json.loads(body)
    except ValueError:
        return False
    detail = decoded.get("detail") if isinstance(decoded, dict) else None
    if not isinstance(detail, list) or not detail:
        return False
    return all(isinstance(d, dict) and d.get("type") in UNPROCESSABLE_ERROR_TYPES for d in detail)


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
            raw = b"".join(chunks)
            status = 422 if int(pending["status"]) == 400 and _unprocessable(raw) else int(pending["status"])
            body = _error_object(raw)
            headers = [(k, v) for k, v in pending.get("headers", []) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**pending, "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await send(message)

    return shaped


class PlatformMiddleware:
    """Auth, quotas, framing checks, body limits, form validation and error shaping."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        settings = get_settings()
        self.keys = settings.named_api_keys()
        self.max_body = settings.max_request_bytes
        self.quotas = QuotaBook({name: Limit(*limit) for name, limit in settings.rate_limits.items()})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _shape_errors(send)
        headers = dict(scope.get("headers") or [])
        path = scope.get("path", "")
        method = scope.get("method", "GET")
        if not is_open_path(path, method):
            name = self._key_name(headers)
            if name is None:
                await send_json(
                    send,
                    401,
                    {"error": "missing or invalid API key (send 'Authorization: Bearer <key>' or 'X-API-Key')"},
                    [(b"www-authenticate", b"Bearer")],
                )
                return
            scope.setdefault("state", {})["api_key_name"] = name
            wait = self.quotas.take(name, route_class(path))
            if wait > 0:
                log.info("quota exceeded: key %s, route class %s", name, route_class(path))
                await send_json(
                    send,
                    429,
                    {"error": f"rate limit of key '{name}' for {route_class(path)} routes exceeded, retry later"},
                    [(b"retry-after", retry_after_header(wait))],
                )
                return
        if b"transfer-encoding" in headers and b"content-length" in headers:
            await send_json(send, 400, {"error": "both Content-Length and Transfer-Encoding: ambiguous framing"})
            return
        if method in {"GET", "HEAD", "OPTIONS", "DELETE"}:
            await self.app(scope, receive, send)
            return
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await send_json(send, 400, {"error": "invalid Content-Length header"})
                return
            if declared > self.max_body:
                await send_json(send, 413, self._too_large())
                return
        media_type = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        body = await self._read_body(receive)
        if body is None:
            await send_json(send, 413, self._too_large())
            return
        replay = replay_body(body, receive)
        if media_type in FORM_TYPES and (problem := await _form_problem(scope, body)):
            await send_json(send, 400, {"error": f"malformed {media_type} body", "detail": problem})
            return
        await self.app(scope, replay, send)

    def _key_name(self, headers: dict[bytes, bytes]) -> str | None:
        """The caller's key name; ``anonymous`` when auth is off."""
        if not self.keys:
            return "anonymous"
        return key_name(presented_key(headers), self.keys)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Websocket connections need a key like HTTP requests (refused before the handshake)."""
        if not is_open_path(scope.get("path", "")):
            name = self._key_name(dict(scope.get("headers") or []))
            if name is None:
                await send({"type": "websocket.close", "code": 1008, "reason": "missing or invalid API key"})
                return
            scope.setdefault("state", {})["api_key_name"] = name
        await self.app(scope, receive, send)

    def _too_large(self) -> dict[str, str]:
        return {"error": f"request body larger than the limit of {self.max_body} bytes"}

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The whole body, or None past the limit (read in chunks; never more than limit + one chunk)."""
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def replay_body(body: bytes, receive: Receive) -> Receive:
    """An ASGI ``receive`` that hands a body already read to the app once, then defers to ``receive``."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _form_problem(scope: Scope, body: bytes) -> str | None:
    """Parse a form body with Starlette's parser; the error text when it is malformed."""
    from starlette.requests import Request

    request = Request(scope, replay_body(body, _never))
    try:
        form = await request.form()
        await form.close()
    except Exception as exc:  # any parser failure is the client's malformed body
        return str(exc) or type(exc).__name__
    return None


async def _never() -> Message:
    return {"type": "http.disconnect"}
