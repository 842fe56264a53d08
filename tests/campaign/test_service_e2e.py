"""The campaign service in one ``bentoml serve`` (recommend, text and creative as sibling workers).

Real models: the base recommender and the tiny text generator; creative renders banners without a
model (flat and gradient backgrounds). Checks the composed response, batching of concurrent
campaigns in the dependencies (``/metrics``), bad input, auth, feedback and the bandit.
"""

from __future__ import annotations

import base64
import concurrent.futures as cf
import io
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import bentoml
import httpx
import pytest
from PIL import Image

from services.recommend.artifacts import load_recommender
from tests.support.bento_server import BentoServer, batches_larger_than_one

pytestmark = pytest.mark.e2e
API_KEY = "campaign-key-51c2"
TARGET = "services.campaign.service:CampaignService"


@pytest.fixture(scope="module")
def users(base_model: bentoml.Model) -> list[str]:
    return load_recommender(base_model).user_ids


@pytest.fixture(scope="module")
def server(
    base_env: dict[str, str],
    base_model: bentoml.Model,
    text_generator: bentoml.Model,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[BentoServer]:
    env = {
        **base_env,
        "ADSERVE_API_KEYS": API_KEY,
        "ADSERVE_RECOMMEND_MODEL": str(base_model.tag),
        "ADSERVE_TEXT_GENERATOR_MODEL": str(text_generator.tag),
        "ADSERVE_FEEDBACK_DIR": str(tmp_path_factory.mktemp("feedback")),
        "ADSERVE_CREATIVE_GPUS": "0",
        "ADSERVE_CAMPAIGN_STATS_CACHE_S": "0",
        # Campaigns use only the text generator: the text worker's MiniLM warm-up (review summaries)
        # is pointed at an empty folder and fails fast, which saves start-up time on small machines.
        "ADSERVE_EMBEDDER_PATH": str(tmp_path_factory.mktemp("no-embedder")),
    }
    with BentoServer(TARGET, env) as srv:
        srv.client.headers["X-API-Key"] = API_KEY
        _wait_for_full_campaign(srv, load_recommender(base_model).user_ids[0])
        yield srv


def _wait_for_full_campaign(srv: BentoServer, user: str, timeout: float = 150) -> None:
    """/readyz needs only recommend; wait until text and creative answer too."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = srv.client.post("/campaign", json={"user_id": user, "k": 1})
        if last.status_code == 200 and not last.json()["degraded"]:
            return
        time.sleep(1.0)
    raise AssertionError(f"campaign still degraded after {timeout}s: {last and last.text[:300]}\n{srv.log_tail()}")


def test_campaign_composes_products_copy_and_banners(server: BentoServer, users: list[str]) -> None:
    resp = server.client.post("/campaign", json={"user_id": users[1], "k": 3, "formats": ["square", "landscape"]})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["degraded"] == [] and body["audience"] == users[1] and body["model_version"]
    assert [i["rank"] for i in body["items"]] == [1, 2, 3]
    for item in body["items"]:
        copy, creative = item["variant"].split("/")
        assert copy in {"neutral", "friendly", "premium", "sporty"}
        assert creative in {"navy_gradient", "coral_flat", "forest_gradient"}
        assert item["title"] and item["catalog_title"].isupper()
        assert item["copy_source"] in {"model", "template", "catalog"}
        assert [b["format"] for b in item["banners"]] == ["square", "landscape"]
        image = Image.open(io.BytesIO(base64.b64decode(item["banners"][1]["data_base64"])))
        assert image.format == "JPEG" and image.size == (item["banners"][1]["width"], item["banners"][1]["height"])
        assert item["attributes"]["title"] and isinstance(item["notes"], list)
        if item["copy_source"] == "template":  # written from the product's facts, over HTTP
            assert item["description"] and item["attributes"].get("category")
    resp = server.client.post("/campaign", json={"profile": {"country": "France"}, "k": 2, "language": "zh"})
    assert resp.status_code == 200 and resp.json()["audience"] == "profile" and len(resp.json()["items"]) == 2
    for item in resp.json()["items"]:
        if item["copy_source"] == "template":  # Chinese product words from the glossary, no English title
            assert not any("a" <= c.lower() <= "z" for c in item["title"] + (item["description"] or ""))
        else:
            assert item["copy_source"] == "catalog" and any(n.startswith("zh:") for n in item["notes"])


def test_concurrent_campaigns_are_batched_downstream(server: BentoServer, users: list[str]) -> None:
    before = {m: batches_larger_than_one(server.metrics(), m) for m in ("recommend", "generate_description")}

    def call(i: int) -> int:
        with httpx.Client(base_url=server.url, headers={"X-API-Key": API_KEY}, timeout=120) as client:
            return client.post("/campaign", json={"user_id": users[i % len(users)], "k": 1}).status_code

    with cf.ThreadPoolExecutor(max_workers=24) as pool:
        codes = list(pool.map(call, range(48)))
    assert codes.count(200) == 48, codes
    metrics = server.metrics()
    for method, count in before.items():
        assert batches_larger_than_one(metrics, method) > count, f"no batch of more than one request in {method}"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"k": 2}, "exactly one"),
        ({"user_id": "u_x", "profile": {"country": "France"}}, "exactly one"),
        ({"user_id": "u_x", "k": 0}, "greater than or equal"),
        ({"user_id": "u_x", "k": 50}, "at most"),
        ({"user_id": "u_x", "formats": ["poster"]}, "square"),
        ({"user_id": "u_x", "language": "fr"}, "en"),
        ({"user_id": "u_doesnotexist00"}, "unknown user"),
        ({"profile": {"recent_item_ids": ["NOPE-1"]}}, "unknown item"),
        ({"user_id": 12}, "string"),
    ],
)
def test_bad_campaign_requests_are_4xx(server: BentoServer, body: dict[str, object], fragment: str) -> None:
    resp = server.client.post("/campaign", json=body)
    assert resp.status_code == 400, resp.text
    assert fragment in resp.text


def test_auth_on_every_route(server: BentoServer, users: list[str]) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as anon:
        assert anon.post("/campaign", json={"user_id": users[0]}).status_code == 401
        assert anon.post("/feedback", json={"events": []}).status_code == 401
        assert anon.post("/variant_stats", json={}).status_code == 401
        assert anon.get("/readyz").status_code == 200
    assert API_KEY not in server.log_text()


def test_feedback_moves_the_bandit(server: BentoServer, users: list[str], base_model: bentoml.Model) -> None:
    now = datetime.now(UTC).isoformat()
    item = load_recommender(base_model).item_ids[0]  # feedback may only name catalog items

    def events(copy: str, event: str, n: int) -> list[dict[str, object]]:
        return [
            {
                "event_id": uuid.uuid4().hex,
                "user": users[0],
                "item": item,
                "event": event,
                "variant": f"{copy}/coral_flat",
                "ts": now,
            }
            for _ in range(n)
        ]

    batch = [e for copy in ("neutral", "friendly", "premium", "sporty") for e in events(copy, "view", 150)]
    batch += events("friendly", "click", 45) + events("neutral", "click", 3)
    resp = server.client.post("/feedback", json={"events": batch})
    assert resp.status_code == 200, resp.text
    assert resp.json()["accepted"] == len(batch) and resp.json()["duplicates"] == 0
    assert server.client.post("/feedback", json={"events": batch[:10]}).json()["duplicates"] == 10
    stats = server.client.post("/variant_stats", json={}).json()
    copy = next(f for f in stats["families"] if f["family"] == "copy")
    arms = {a["arm"]: a for a in copy["arms"]}
    assert copy["leader"] == "friendly" and arms["friendly"]["clicks"] == 45 and arms["friendly"]["views"] == 150
    assert arms["friendly"]["selection_probability"] >= 0.8
    assert min(a["selection_probability"] for a in copy["arms"]) >= 0.02 - 1e-6
    chosen = [
        item["variant"].split("/")[0]
        for _ in range(4)
        for item in server.client.post("/campaign", json={"user_id": users[2], "k": 3}).json()["items"]
    ]
    assert chosen.count("friendly") >= 8, chosen
    bad = server.client.post("/feedback", json={"events": [{**batch[0], "event": "like"}]})
    assert bad.status_code == 400 and "view" in bad.text


def test_feedback_log_file_is_where_configured(server: BentoServer) -> None:
    folder = Path(server.env["ADSERVE_FEEDBACK_DIR"])
    assert (folder / "events.sqlite3").exists() and (folder / "events.sqlite3-wal").exists()
