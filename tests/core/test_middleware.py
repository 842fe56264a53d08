"""The platform middleware on a bare ASGI app: auth, body limits, error shape, Retry-After."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from services.core.auth import is_open_path, key_matches
from services.core.middleware import PlatformMiddleware
from services.core.redaction import SecretRedactingFilter


async def echo(request: Request) -> PlainTextResponse:
    return PlainTextResponse(str(len(await request.body())))


async def bad(request: Request) -> JSONResponse:
    return JSONResponse([{"error": "x is wrong"}], status_code=400)


async def busy(request: Request) -> JSONResponse:
    return JSONResponse({"error": "not ready"}, status_code=503)


def make_client(monkeypatch: pytest.MonkeyPatch, keys: str = "") -> TestClient:
    monkeypatch.setenv("ADSERVE_API_KEYS", keys)
    monkeypatch.setenv("ADSERVE_MAX_REQUEST_BYTES", "2048")
    from services.core.settings import get_settings

    get_settings.cache_clear()
    app = Starlette(
        routes=[Route("/echo", echo, methods=["POST"]), Route("/bad", bad), Route("/busy", busy), Route("/livez", busy)]
    )
    return TestClient(PlatformMiddleware(app))


def test_keys_required_except_open_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    client = make_client(monkeypatch, "k-one,k-two")
    assert client.post("/echo", content=b"hi").status_code == 401
    assert client.post("/echo", content=b"hi", headers={"Authorization": "Bearer k-two"}).status_code == 200
    assert client.post("/echo", content=b"hi", headers={"X-API-Key": "k-one"}).status_code == 200
    assert client.post("/echo", content=b"hi", headers={"X-API-Key": "k-on"}).status_code == 401
    assert client.post("/new-route-added-later", content=b"").status_code == 401
    assert client.get("/livez").status_code == 503  # open path: reaches the app without a key


def test_no_keys_configured_means_open(monkeypatch: pytest.MonkeyPatch) -> None:
    assert make_client(monkeypatch).post("/echo", content=b"hi").text == "2"


def test_body_limit_with_and_without_content_length(monkeypatch: pytest.MonkeyPatch) -> None:
    client = make_client(monkeypatch)
    assert client.post("/echo", content=b"x" * 2048).status_code == 200
    assert client.post("/echo", content=b"x" * 2049).status_code == 413

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(5):
            yield b"x" * 1000

    resp = client.post("/echo", content=chunks())
    assert resp.status_code == 413 and "limit" in resp.json()["error"]


def test_error_bodies_are_objects_and_503_has_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    client = make_client(monkeypatch)
    resp = client.get("/bad")
    assert resp.status_code == 400 and resp.json() == {"error": "x is wrong"}
    resp = client.get("/busy")
    assert resp.status_code == 503 and resp.headers["retry-after"] == "1"


def test_helpers() -> None:
    assert key_matches("abc", ["zzz", "abc"]) and not key_matches("ab", ["abc"])
    assert is_open_path("/readyz") and is_open_path("/metrics") and not is_open_path("/recommend")
    import logging

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "key=%s", ("s3cr3t-key",), None)
    SecretRedactingFilter(["s3cr3t-key"]).filter(record)
    assert record.getMessage() == "key=***"
