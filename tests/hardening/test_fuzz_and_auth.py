"""Schemathesis against every service's own schema; every route behind the key; no secret in logs."""

from __future__ import annotations

import httpx
import pytest

from scripts.fuzz import run_fuzz
from services.core.auth import is_open_path
from tests.support.bento_server import BentoServer

from .conftest import API_KEY, HMAC_KEY
from .services import ServiceUnderTest

pytestmark = pytest.mark.e2e


def test_fuzzing_finds_no_server_errors_nor_schema_violations(
    hardened: tuple[ServiceUnderTest, BentoServer], session_dir
) -> None:  # type: ignore[no-untyped-def]
    svc, server = hardened
    result = run_fuzz(server.url, API_KEY, svc.fuzz_examples, session_dir / "reports" / "fuzz" / f"{svc.name}.txt")
    assert result.generated >= 1000, result.output[-3000:]
    assert result.failures == 0 and result.returncode == 0, result.output[-6000:]
    assert server.client.get("/livez").status_code == 200


def test_every_route_in_the_schema_requires_a_key(hardened: tuple[ServiceUnderTest, BentoServer]) -> None:
    _, server = hardened
    schema = httpx.get(f"{server.url}/docs.json").json()
    checked = 0
    with httpx.Client(base_url=server.url, timeout=30) as anon:
        for path, operations in schema["paths"].items():
            for method in operations:
                if is_open_path(path):
                    continue
                for headers in ({}, {"Authorization": "Bearer wrong"}, {"X-API-Key": API_KEY[:-1]}):
                    resp = anon.request(method.upper(), path, headers=headers, json={})
                    assert resp.status_code == 401, f"{method.upper()} {path} answered {resp.status_code} without a key"
                checked += 1
        assert anon.post("/no-such-route-yet").status_code == 401
    assert checked >= 2


def test_keys_and_hmac_secret_never_logged(hardened: tuple[ServiceUnderTest, BentoServer]) -> None:
    _, server = hardened
    server.client.post("/noop", headers={"Authorization": f"Bearer {API_KEY}"})
    server.client.post("/noop", headers={"X-API-Key": HMAC_KEY})  # a secret sent as a (wrong) key
    log = server.log_text()
    assert log, "no server log captured"
    assert API_KEY not in log and HMAC_KEY not in log
