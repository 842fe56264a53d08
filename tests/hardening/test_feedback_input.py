"""Feedback input: catalog items only, raw customer numbers pseudonymized before storage, quotas per key.

Parsing rules run in-process on the request models; the catalog check runs against the hardened
campaign server (the whole bento: recommend answers ``/known_items``), and the stored rows are
read back from its SQLite event log. The quota test drives the platform middleware with a burst
of ``/feedback`` calls from one key and prints the figures.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from services.campaign.events import FeedbackEvent
from services.core.middleware import PlatformMiddleware
from services.core.privacy import pseudonymize
from services.core.settings import get_settings
from tests.support.bento_server import BentoServer

from .conftest import API_KEY, HMAC_KEY
from .services import ServiceUnderTest

NOW = datetime.now(UTC).isoformat()
RAW_CUSTOMER = "17850"


def _event(**fields: object) -> dict[str, object]:
    return {"event_id": uuid.uuid4().hex, "item": "85123A", "event": "click", "ts": NOW, **fields}


def test_raw_customer_numbers_are_pseudonymized_while_parsing() -> None:
    event = FeedbackEvent.model_validate(_event(customer_id=RAW_CUSTOMER))
    assert event.user == pseudonymize(RAW_CUSTOMER, get_settings().hmac_key()) and event.customer_id is None
    assert RAW_CUSTOMER not in event.model_dump_json()


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"user": RAW_CUSTOMER}, "send a raw customer number as customer_id"),
        ({"user": "u_1"}, "pseudonymous id"),
        ({}, "exactly one of user"),
        ({"user": "u_0123456789abcdef", "customer_id": RAW_CUSTOMER}, "exactly one of user"),
    ],
)
def test_a_user_that_is_not_a_pseudonym_is_refused(fields: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        FeedbackEvent.model_validate(_event(**fields))


@pytest.mark.e2e
def test_feedback_only_for_catalog_items_and_never_a_raw_number_stored(
    hardened: tuple[ServiceUnderTest, BentoServer], catalog: dict[str, list[str]]
) -> None:
    svc, server = hardened
    if svc.name != "campaign":
        pytest.skip("feedback is the campaign's")
    headers = {"X-API-Key": API_KEY}
    known, user = catalog["items"][0], catalog["users"][0]
    resp = server.client.post("/feedback", json={"events": [_event(user=user, item=known)]}, headers=headers)
    assert resp.status_code == 200, resp.text
    unknown = [_event(user=user, item=known), _event(user=user, item="NOT-IN-CATALOG-1")]
    resp = server.client.post("/feedback", json={"events": unknown}, headers=headers)
    assert resp.status_code == 400 and "NOT-IN-CATALOG-1" in resp.text and known not in resp.json()["error"]
    assert "nothing was stored" in resp.text

    raw = f"9{uuid.uuid4().int % 10**7:07d}"
    marker = _event(customer_id=raw, item=known)
    resp = server.client.post("/feedback", json={"events": [marker]}, headers=headers)
    assert resp.status_code == 200 and resp.json()["accepted"] == 1, resp.text
    database = Path(server.env["ADSERVE_VAR_DIR"]) / "feedback" / "events.sqlite3"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT user_id FROM events WHERE event_id = ?", (marker["event_id"],)).fetchall()
        dump = "\n".join(db.iterdump())
    assert rows == [(pseudonymize(raw, HMAC_KEY.encode()),)]
    assert raw not in dump and unknown[0]["event_id"] not in dump  # the refused request stored nothing


async def _ok(request: Request) -> JSONResponse:
    return JSONResponse({"accepted": 1, "duplicates": 0, "last_seq": 1})


def test_feedback_events_are_rate_limited_per_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADSERVE_API_KEYS", "shop:key-shop-0001,app:key-app-0002")
    monkeypatch.setenv("ADSERVE_RATE_LIMITS", '{"default": [100, 100], "feedback": [1, 5]}')
    get_settings.cache_clear()
    app = Starlette(routes=[Route("/feedback", _ok, methods=["POST"]), Route("/campaign", _ok, methods=["POST"])])
    client = TestClient(PlatformMiddleware(app))
    started = time.perf_counter()
    burst = [client.post("/feedback", json={}, headers={"X-API-Key": "key-shop-0001"}) for _ in range(20)]
    codes = [r.status_code for r in burst]
    other_key = [client.post("/feedback", json={}, headers={"X-API-Key": "key-app-0002"}).status_code for _ in range(5)]
    other_route = client.post("/campaign", json={}, headers={"X-API-Key": "key-shop-0001"}).status_code
    elapsed = time.perf_counter() - started
    get_settings.cache_clear()
    assert codes.count(200) in (5, 6) and codes.count(429) >= 14, codes  # 6 if a token refilled meanwhile
    limited = next(r for r in burst if r.status_code == 429)
    assert int(limited.headers["retry-after"]) >= 1 and "'shop'" in limited.json()["error"]
    assert "key-shop-0001" not in limited.text
    assert other_key == [200] * 5 and other_route == 200
    with capsys.disabled():
        print(
            f"\nfeedback quota figures: shop {codes.count(200)} x 200, {codes.count(429)} x 429 of 20; "
            f"app {other_key.count(200)}/5 x 200; shop on /campaign {other_route}; {elapsed:.2f} s"
        )
