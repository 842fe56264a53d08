"""The text service over HTTP from a real `bentoml serve`, with both models pulled from S3 at start-up."""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import bentoml
import httpx
import pytest

from services.core.artifact_store import ArtifactStore
from services.core.settings import PlatformSettings
from services.text.generator import load_generator
from services.text.schemas import DescriptionRequest
from tests.support.bento_server import BentoServer, batches_larger_than_one
from tests.support.s3_server import TEST_CREDENTIALS, S3Server

pytestmark = pytest.mark.e2e
TARGET = "services.text.service:TextService"
API_KEY = "text-e2e-key-3b9a"
SHOES = {"brand": "Nike", "category": ["Footwear", "Shoes", "Sports Shoes"], "colour": "Black", "gender": "Men"}
REVIEWS = [
    {"text": "I love this top. The fabric is soft and flattering. Call me on 415-555-0132.", "rating": 5},
    {"text": "Runs small and the material is thin. I returned it.", "rating": 2},
    {"text": "Beautiful colour and a flattering cut, would recommend.", "rating": 4},
]


@pytest.fixture(scope="module")
def server(
    generator_model: bentoml.Model,
    summarizer_model: bentoml.Model,
    s3_server: S3Server,
    base_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[BentoServer]:
    bucket = f"text-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(bucket)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in TEST_CREDENTIALS.items():
            mp.setenv(key, value)
        store = ArtifactStore(PlatformSettings(model_store=f"s3://{bucket}/models", s3_endpoint_url=s3_server.endpoint))
        store.publish(str(generator_model.tag), alias="production")
        store.publish(str(summarizer_model.tag), alias="production")
    home = tmp_path_factory.mktemp("text-serve") / "empty-home"
    env = {
        **base_env,
        **s3_server.env(bucket),
        "BENTOML_HOME": str(home),
        "ADSERVE_TEXT_GENERATOR_MODEL": "text-generator:production",
        "ADSERVE_TEXT_SUMMARIZER_MODEL": "text-summarizer:production",
        "ADSERVE_API_KEYS": API_KEY,
        "ADSERVE_TEXT_MAX_REVIEWS_PER_PRODUCT": "20",
    }
    with BentoServer(TARGET, env, ready_timeout=240) as srv:
        srv.client.headers["Authorization"] = f"Bearer {API_KEY}"
        srv.home = home  # type: ignore[attr-defined]
        yield srv


def test_models_were_pulled_from_s3_and_verified(
    server: BentoServer, generator_model: bentoml.Model, summarizer_model: bentoml.Model
) -> None:
    assert server.log_text().count("pulled and verified") >= 2
    home: Path = server.home  # type: ignore[attr-defined]
    assert (home / "models" / "text-generator" / str(generator_model.tag.version)).exists()
    assert (home / "models" / "text-summarizer" / str(summarizer_model.tag.version)).exists()


def test_generate_description_matches_the_in_process_runtime(
    server: BentoServer, generator_model: bentoml.Model
) -> None:
    items = [
        {"attributes": SHOES, "seed": 5, "tone": "friendly"},
        {"attributes": {**SHOES, "material": "mesh"}, "language": "zh", "seed": 6, "max_length": 80},
    ]
    resp = server.client.post("/generate_description", json={"items": items})
    assert resp.status_code == 200, resp.text
    en, zh = resp.json()
    assert set(en) >= {"title", "description", "violations", "language"}
    assert en["model"] == str(generator_model.tag) and en["seed"] == 5 and en["language"] == "en"
    assert en["description"].startswith("Meet the") and "for men from Nike" in en["description"]
    assert zh["language"] == "zh" and zh["title_source"] == "template" and len(zh["description"]) <= 80
    local = load_generator(generator_model).generate_batch([DescriptionRequest.model_validate(items[0])])[0]
    assert local.title == en["title"] and local.description == en["description"]
    again = server.client.post("/generate_description", json={"items": items[:1]}).json()[0]
    assert again["title"] == en["title"]


def test_stream_description_sends_token_events_then_the_result(server: BentoServer) -> None:
    with server.client.stream("POST", "/stream_description", json={"item": {"attributes": SHOES, "seed": 5}}) as resp:
        assert resp.status_code == 200
        events = [json.loads(line) for line in resp.iter_lines() if line.strip()]
    assert events[-1]["event"] == "result"
    assert any(e["event"] == "token" for e in events)
    result = events[-1]["result"]
    assert set(result) >= {"title", "description", "violations", "language"}


def test_summarize_reviews_extractive_and_abstractive(server: BentoServer, summarizer_model: bentoml.Model) -> None:
    products = [
        {"product_id": "p1", "reviews": REVIEWS, "max_sentences": 2},
        {"product_id": "p2", "reviews": REVIEWS, "method": "abstractive"},
    ]
    resp = server.client.post("/summarize_reviews", json={"products": products})
    assert resp.status_code == 200, resp.text
    extractive, abstractive = resp.json()
    assert extractive["product_id"] == "p1" and len(extractive["sentences"]) <= 2
    assert extractive["pii_removed"] == 1 and "415-555" not in resp.text
    for ref in extractive["sentences"] + extractive["pros"] + extractive["cons"]:
        assert ref["text"].split()[0] in REVIEWS[ref["review_index"]]["text"]
    assert extractive["pros"] and extractive["cons"]
    assert abstractive["method"] == "abstractive" and abstractive["model"] == str(summarizer_model.tag)


def test_check_compliance(server: BentoServer) -> None:
    resp = server.client.post(
        "/check_compliance", json={"text": "The best Adidas shoes for women, call 415-555-0132", "attributes": SHOES}
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["ok"] is False
    assert {v["kind"] for v in body["violations"]} == {"absolute_claim", "attribute_mismatch", "pii"}
    clean = server.client.post(
        "/check_compliance", json={"text": "最近很流行的男士黑色运动鞋", "attributes": SHOES, "language": "zh"}
    )
    assert clean.json() == {"ok": True, "violations": []}


@pytest.mark.parametrize(
    ("path", "body", "fragment"),
    [
        ("/generate_description", {"items": [{"attributes": SHOES, "temperature": 5}]}, "less than or equal to 3"),
        (
            "/generate_description",
            {"items": [{"attributes": SHOES, "temperature": 2.0}]},
            "temperature must be between",
        ),
        (
            "/generate_description",
            {"items": [{"attributes": SHOES, "max_new_tokens": 60}]},
            "max_new_tokens must be at most",
        ),
        ("/generate_description", {"items": [{"attributes": SHOES, "top_p": 0.01}]}, "top_p must be at least"),
        ("/generate_description", {"items": [{"attributes": SHOES, "tone": "shouty"}]}, "tone"),
        ("/generate_description", {"items": [{"attributes": SHOES, "language": "fr"}]}, "language"),
        ("/generate_description", {"items": [{"attributes": {"colour": "Red"}}]}, "at least a title, a brand"),
        ("/generate_description", {"items": [{"attributes": {"brand": "x<|endoftext|>"}}]}, "markers are not allowed"),
        ("/generate_description", {"items": [{"attributes": SHOES}] * 17}, "at most 16"),
        ("/generate_description", {"items": []}, "at least 1"),
        ("/stream_description", {"item": {"attributes": SHOES, "seed": -1}}, "greater than or equal to 0"),
        ("/summarize_reviews", {"products": [{"reviews": [{"text": "ok"}] * 21}]}, "at most 20 reviews"),
        ("/summarize_reviews", {"products": [{"reviews": [{"text": "x" * 4001}]}]}, "at most 4000 characters"),
        ("/summarize_reviews", {"products": [{"reviews": [{"text": "ok", "rating": 6}]}]}, "less than or equal to 5"),
        ("/summarize_reviews", {"products": [{"reviews": []}]}, "at least 1"),
        ("/summarize_reviews", {"products": [{"reviews": [{"text": "ok"}]}] * 9}, "at most 8"),
        ("/check_compliance", {"text": "x" * 20_001}, "at most 20000 characters"),
        ("/check_compliance", {"text": ""}, "at least 1"),
    ],
)
def test_bad_input_is_a_clear_4xx(server: BentoServer, path: str, body: object, fragment: str) -> None:
    resp = server.client.post(path, json=body)
    assert 400 <= resp.status_code < 500, resp.text
    assert fragment in resp.text, resp.text
    assert server.client.get("/livez").status_code == 200


def test_malformed_json_and_auth(server: BentoServer) -> None:
    resp = server.client.post("/generate_description", content=b"{nope", headers={"Content-Type": "application/json"})
    assert resp.status_code == 400
    with httpx.Client(base_url=server.url) as anon:
        assert anon.post("/check_compliance", json={"text": "hi"}).status_code == 401
        assert anon.post("/check_compliance", json={"text": "hi"}, headers={"X-API-Key": API_KEY}).status_code == 200
        assert anon.get("/readyz").status_code == 200
    assert API_KEY not in server.log_text()


def test_concurrent_requests_form_batches(server: BentoServer) -> None:
    before_gen = batches_larger_than_one(server.metrics(), "generate_description")
    before_sum = batches_larger_than_one(server.metrics(), "summarize_reviews")

    def call(i: int) -> int:
        with httpx.Client(base_url=server.url, headers={"X-API-Key": API_KEY}, timeout=120) as c:
            if i % 2:
                body = {"items": [{"attributes": SHOES, "seed": i, "max_new_tokens": 8}]}
                return c.post("/generate_description", json=body).status_code
            return c.post("/summarize_reviews", json={"products": [{"reviews": REVIEWS}]}).status_code

    workers = int(os.environ.get("TEXT_E2E_CONCURRENCY", "24"))
    with cf.ThreadPoolExecutor(max_workers=workers) as pool:
        codes = list(pool.map(call, range(48)))
    assert codes.count(200) == 48, [c for c in codes if c != 200]
    metrics = server.metrics()
    assert batches_larger_than_one(metrics, "generate_description") - before_gen >= 1
    assert batches_larger_than_one(metrics, "summarize_reviews") - before_sum >= 1
