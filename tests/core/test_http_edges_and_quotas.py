"""HTTP edges (framing, counted bodies, exact open paths, websocket auth) and per-key quotas,
on the real platform middleware in front of a Starlette app."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from services.core.auth import is_open_path
from services.core.middleware import PlatformMiddleware
from services.core.quotas import Limit, QuotaBook


async def echo(request: Request) -> PlainTextResponse:
    return PlainTextResponse(str(len(await request.body())))


async def ws(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("hello")
    await websocket.close()


def _middleware(monkeypatch: pytest.MonkeyPatch, keys: str = "", limits: str = "{}") -> PlatformMiddleware:
    monkeypatch.setenv("ADSERVE_API_KEYS", keys)
    monkeypatch.setenv("ADSERVE_MAX_REQUEST_BYTES", "2048")
    monkeypatch.setenv("ADSERVE_RATE_LIMITS", limits)
    from services.core.settings import get_settings

    get_settings.cache_clear()
    app = Starlette(routes=[Route("/echo", echo, methods=["POST"]), WebSocketRoute("/ws", ws)])
    return PlatformMiddleware(app)


def _raw(app: PlatformMiddleware, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[int, bytes]:
    """One request straight through ASGI, with exactly the headers given (no client fixes them up)."""
    sent: list[dict[str, Any]] = []
    pending = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]

    async def receive() -> dict[str, Any]:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/echo", "headers": headers, "query_string": b""}
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_content_length_with_transfer_encoding_is_400(monkeypatch: pytest.MonkeyPatch) -> None:
    app = _middleware(monkeypatch)
    status, body = _raw(app, [(b"content-length", b"4"), (b"transfer-encoding", b"chunked")], [b"abcd"])
    assert status == 400 and b"Transfer-Encoding" in body


def test_body_bytes_are_counted_whatever_content_length_says(monkeypatch: pytest.MonkeyPatch) -> None:
    app = _middleware(monkeypatch)
    # A small declared length followed by more bytes than the limit: counted, refused.
    status, _ = _raw(app, [(b"content-length", b"10"), (b"content-type", b"application/json")], [b"x" * 1500] * 3)
    assert status == 413
    status, body = _raw(app, [(b"content-length", b"10")], [b"x" * 10])
    assert status == 200 and body == b"10"


def test_documentation_paths_are_matched_exactly() -> None:
    assert is_open_path("/docs") and is_open_path("/docs.json") and is_open_path("/static_content/swagger-ui.css")
    for path in ["/docs/../recommend", "/docsx", "/docs.json/x", "/docs_admin", "/metrics/x", "/readyzz"]:
        assert not is_open_path(path), path
    assert not is_open_path("/static_content/x", "POST") and not is_open_path("/static_content/../campaign")


def test_websocket_needs_a_key_like_http(monkeypatch: pytest.MonkeyPatch) -> None:
    client = TestClient(_middleware(monkeypatch, keys="alice:k-alice-1"))
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/ws") as conn:
        conn.receive_text()
    with client.websocket_connect("/ws", headers={"Authorization": "Bearer k-alice-1"}) as conn:
        assert conn.receive_text() == "hello"


def test_a_burst_from_one_key_gets_429_while_a_second_key_is_unaffected(monkeypatch: pytest.MonkeyPatch) -> None:
    limits = json.dumps({"default": [2.0, 5]})
    client = TestClient(_middleware(monkeypatch, keys="alice:k-alice-1,bob:k-bob-2", limits=limits))
    alice = {"Authorization": "Bearer k-alice-1"}
    bob = {"X-API-Key": "k-bob-2"}
    start = time.perf_counter()
    burst = [client.post("/echo", content=b"hi", headers=alice) for _ in range(20)]
    codes = [r.status_code for r in burst]
    assert codes.count(200) in (5, 6) and codes.count(429) >= 14, codes  # 6 if a token refilled meanwhile
    limited = next(r for r in burst if r.status_code == 429)
    assert int(limited.headers["retry-after"]) >= 1 and "alice" in limited.json()["error"]
    assert "k-alice-1" not in limited.text
    second = [client.post("/echo", content=b"hi", headers=bob).status_code for _ in range(5)]
    assert second == [200] * 5, second
    elapsed = time.perf_counter() - start
    print(
        f"quota figures: alice {codes.count(200)} x 200, {codes.count(429)} x 429; bob {second.count(200)}/5 x 200; {elapsed:.2f} s"
    )


def test_token_bucket_refills_and_reports_the_wait() -> None:
    now = [0.0]
    book = QuotaBook({"default": Limit(2.0, 2), "feedback": Limit(1.0, 1)}, clock=lambda: now[0])
    assert book.take("a", "default") == 0.0 and book.take("a", "default") == 0.0
    assert book.take("a", "default") == pytest.approx(0.5)
    now[0] = 0.5
    assert book.take("a", "default") == 0.0
    assert book.take("a", "feedback") == 0.0 and book.take("a", "feedback") == pytest.approx(1.0)
    assert book.take("b", "feedback") == 0.0  # another key has its own bucket
