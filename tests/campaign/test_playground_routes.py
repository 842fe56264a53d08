"""The playground's forwarder learns each capability's JSON routes from the running service's OpenAPI
document (``/docs.json``), never from an import of its service module."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from services.campaign import ui_app
from services.core.capabilities import get_catalog

ROOT = Path(__file__).resolve().parents[2]


def _post(content: str) -> dict:
    return {"requestBody": {"content": {content: {}}}, "responses": {"200": {"content": {"application/json": {}}}}}


VISION_DOCS = {
    "paths": {
        "/livez": {"get": {"responses": {"200": {}}}},
        "/noop": {"post": _post("application/json")},
        "/classify": {"post": _post("application/json")},
        "/classify_upload": {"post": _post("multipart/form-data")},
        "/describe": {
            "post": {
                "requestBody": {"content": {"application/json": {}}},
                "responses": {"200": {"content": {"application/x-ndjson": {}}}},
            }
        },
    }
}


class FakeServices:
    """The other capabilities behind the playground: an OpenAPI document and an echo per port."""

    def __init__(self) -> None:
        self.up = True
        self.docs_requests = 0
        self.forwarded: list[str] = []
        vision_port = get_catalog().port("vision")
        self.url = f"http://127.0.0.1:{vision_port}"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if not self.up or not str(request.url).startswith(self.url):
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.path == "/docs.json":
            self.docs_requests += 1
            return httpx.Response(200, json=VISION_DOCS)
        self.forwarded.append(request.url.path)
        return httpx.Response(200, json={"echo": json.loads(request.content)})


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServices]:
    for name in get_catalog().names:
        monkeypatch.delenv(f"ADSERVE_UI_{name.upper()}_URL", raising=False)
    ui_app.get_ui_settings.cache_clear()
    yield FakeServices()
    ui_app.get_ui_settings.cache_clear()


@pytest.fixture
def client(services: FakeServices) -> Iterator[TestClient]:
    app = ui_app.build_app()
    app.state.client = httpx.AsyncClient(transport=httpx.MockTransport(services))
    with TestClient(app) as test_client:
        yield test_client


def test_json_routes_of_the_openapi_document_are_forwarded(client: TestClient, services: FakeServices) -> None:
    answer = client.post("/api/vision/classify", json={"x": 1})
    assert answer.status_code == 200 and answer.json() == {"echo": {"x": 1}}
    for route in ("/classify_upload", "/describe", "/livez", "/noop", "/nope"):
        refused = client.post(f"/api/vision{route}", json={})
        assert refused.status_code == 404 and refused.json()["error"] == "not_found", route
    assert services.forwarded == ["/classify"]
    assert services.docs_requests == 1  # kept for ROUTES_TTL_S


def test_an_unreachable_service_is_a_502_and_its_last_routes_are_kept(
    client: TestClient, services: FakeServices
) -> None:
    assert client.post("/api/text/generate_description", json={}).status_code == 502  # never reachable
    assert client.post("/api/vision/classify", json={}).status_code == 200
    services.up = False
    client.app.state.routes.ttl_s = 0.0  # type: ignore[attr-defined]
    answer = client.post("/api/vision/classify", json={})
    assert answer.status_code == 502 and answer.json()["error"] == "unavailable"  # routes known, service down
    assert client.post("/api/vision/nope", json={}).status_code == 404


def test_the_page_config_lists_the_served_routes(client: TestClient) -> None:
    config = client.get("/config.json").json()
    assert config["capabilities"]["vision"] == {"base": "/ui/api/vision", "routes": ["/classify"]}
    assert config["capabilities"]["text"]["routes"] is None  # not reachable
    assert config["capabilities"]["campaign"]["base"] == ""
    assert config["examples"]["recommend_for_profile"]["recent_item_ids"]


def test_the_playground_imports_no_service_module() -> None:
    code = (
        "import sys, services.campaign.ui_app\n"
        "print(sorted(m for m in sys.modules if m.startswith('services.') and m.endswith('.service')))"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "[]"
