"""The recommend service over HTTP from a real `bentoml serve`: every endpoint, errors, auth, batching.

Every test runs against two servers: one with adaptive batching on every batchable API (the tests'
default), one with each API's own default, where ``/recommend`` and ``/similar_items`` are
unbatched and run on the event loop (``batch_api(inline=True)``).
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Iterator

import bentoml
import httpx
import pytest

from tests.support.bento_server import BentoServer, batches_larger_than_one

pytestmark = pytest.mark.e2e
API_KEY = "test-key-7d1f0c"
TARGET = "services.recommend.service:RecommendService"


@pytest.fixture(scope="module", params=["batched", "defaults"])
def server(
    request: pytest.FixtureRequest, recommend_model: bentoml.Model, base_env: dict[str, str]
) -> Iterator[BentoServer]:
    env = {**base_env, "ADSERVE_API_KEYS": f"other-key,{API_KEY}"}
    if request.param == "defaults":
        env.pop("ADSERVE_BATCHING_APIS")
    with BentoServer(TARGET, env) as srv:
        srv.client.headers["Authorization"] = f"Bearer {API_KEY}"
        yield srv


def test_recommend_returns_k_known_products_without_purchased(
    server: BentoServer, catalog: dict[str, list[str]]
) -> None:
    from services.recommend.artifacts import load_recommender
    from services.recommend.runtime import RECOMMENDER  # noqa: F401  (schema import side effects)

    user = catalog["users"][3]
    resp = server.client.post("/recommend", json={"requests": [{"user_id": user, "k": 7}]})
    assert resp.status_code == 200, resp.text
    [result] = resp.json()
    assert result["key"] == user and len(result["items"]) == 7
    ids = [i["item_id"] for i in result["items"]]
    assert set(ids) <= set(catalog["items"]) and len(set(ids)) == 7
    scores = [i["score"] for i in result["items"]]
    assert scores == sorted(scores, reverse=True)
    rec = load_recommender(bentoml.models.get(result["model_version"]))
    purchased = {rec.item_ids[i] for i in rec.purchased[rec.user_index[user]]}
    assert purchased and not purchased & set(ids)
    resp = server.client.post("/recommend", json={"requests": [{"user_id": user, "k": 50, "exclude_purchased": False}]})
    assert len(resp.json()[0]["items"]) == 50


def test_similar_items_and_profile(server: BentoServer, catalog: dict[str, list[str]]) -> None:
    item = catalog["items"][5]
    resp = server.client.post("/similar_items", json={"requests": [{"item_id": item, "k": 4}]})
    assert resp.status_code == 200, resp.text
    items = resp.json()[0]["items"]
    assert len(items) == 4 and item not in {i["item_id"] for i in items}
    recent = catalog["items"][:2]
    resp = server.client.post(
        "/recommend_for_profile", json={"requests": [{"country": "France", "recent_item_ids": recent, "k": 6}]}
    )
    assert resp.status_code == 200, resp.text
    got = {i["item_id"] for i in resp.json()[0]["items"]}
    assert len(got) == 6 and not got & set(recent)
    resp = server.client.post("/recommend_for_profile", json={"requests": [{"country": "Atlantis", "k": 3}]})
    assert resp.status_code == 200 and len(resp.json()[0]["items"]) == 3


def test_sync_http_client(server: BentoServer, catalog: dict[str, list[str]]) -> None:
    with bentoml.SyncHTTPClient(server.url, token=API_KEY) as client:
        result = client.recommend(requests=[{"user_id": catalog["users"][0], "k": 3}])
        assert len(result[0]["items"]) == 3


@pytest.mark.parametrize(
    ("path", "body", "fragment"),
    [
        ("/recommend", {"requests": [{"user_id": "u_doesnotexist00", "k": 5}]}, "unknown user"),
        ("/recommend", {"requests": [{"user_id": "x", "k": 0}]}, "greater than or equal"),
        ("/recommend", {"requests": [{"user_id": "x", "k": 101}]}, "less than or equal"),
        ("/recommend", {"requests": []}, "at least 1"),
        ("/recommend", {"requests": [{"k": 5}]}, "exactly one"),
        ("/recommend", {"requests": [{"user_id": 12, "k": 5}]}, "string"),
        ("/recommend", {"requests": "nope"}, "valid array"),
        ("/similar_items", {"requests": [{"item_id": "NOPE-1", "k": 5}]}, "unknown item"),
        ("/recommend_for_profile", {"requests": [{"recent_item_ids": ["NOPE-1"]}]}, "unknown item"),
        ("/recommend", {"requests": [{"user_id": "x", "k": "ten"}]}, "integer"),
    ],
)
def test_bad_input_is_a_clear_4xx(server: BentoServer, path: str, body: object, fragment: str) -> None:
    resp = server.client.post(path, json=body)
    assert 400 <= resp.status_code < 500, resp.text
    assert fragment in resp.text
    assert server.client.get("/livez").status_code == 200


def test_malformed_json_and_oversized_body(server: BentoServer) -> None:
    resp = server.client.post("/recommend", content=b"{not json", headers={"Content-Type": "application/json"})
    assert resp.status_code == 400
    resp = server.client.post(
        "/recommend", content=b"x" * (17 * 1024 * 1024), headers={"Content-Type": "application/json"}
    )
    assert resp.status_code == 413 and "limit" in resp.json()["error"]


def test_auth_required_on_inference_routes_only(server: BentoServer, catalog: dict[str, list[str]]) -> None:
    body = {"requests": [{"user_id": catalog["users"][0], "k": 3}]}
    with httpx.Client(base_url=server.url) as anon:
        assert anon.post("/recommend", json=body).status_code == 401
        assert anon.post("/recommend", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert anon.post("/recommend", json=body, headers={"X-API-Key": API_KEY}).status_code == 200
        assert anon.post("/recommend", json=body, headers={"X-API-Key": "other-key"}).status_code == 200
        for open_path in ("/livez", "/readyz", "/metrics"):
            assert anon.get(open_path).status_code == 200
    assert API_KEY not in server.log_text()


def test_concurrent_requests_form_batches(server: BentoServer, catalog: dict[str, list[str]]) -> None:
    if server.env.get("ADSERVE_BATCHING_APIS") != "all":
        pytest.skip("/recommend is unbatched by default")
    users = catalog["users"]
    before = batches_larger_than_one(server.metrics(), "recommend")

    def call(i: int) -> int:
        with httpx.Client(base_url=server.url, headers={"X-API-Key": API_KEY}, timeout=60) as c:
            return c.post("/recommend", json={"requests": [{"user_id": users[i % len(users)], "k": 10}]}).status_code

    with cf.ThreadPoolExecutor(max_workers=64) as pool:
        codes = list(pool.map(call, range(160)))
    assert codes.count(200) == 160, codes
    after = batches_larger_than_one(server.metrics(), "recommend")
    assert after - before >= 1, "no batch larger than one request was formed under 160 concurrent requests"


def test_customer_id_is_pseudonymized_server_side(server: BentoServer) -> None:
    resp = server.client.post("/recommend", json={"requests": [{"customer_id": "0", "k": 3}]})
    assert resp.status_code == 400 and "unknown user" in resp.text


def test_explain_flag_over_http(server: BentoServer, catalog: dict[str, list[str]]) -> None:
    """Explanations travel with the answer; each list of parts adds up to the served score."""
    user = catalog["users"][4]
    resp = server.client.post("/recommend", json={"requests": [{"user_id": user, "k": 3, "explain": True}]})
    assert resp.status_code == 200, resp.text
    [result] = resp.json()
    assert result["scored_by"] == "lightfm+trending"
    for item in result["items"]:
        note = item["explanation"]
        for parts in (note["by_feature"], note["by_past_item"]):
            assert sum(p["contribution"] for p in parts) == pytest.approx(item["score"], abs=1e-3)
    plain = server.client.post("/recommend", json={"requests": [{"user_id": user, "k": 3}]}).json()[0]
    assert all(i["explanation"] is None for i in plain["items"])
    body = {
        "requests": [{"country": "United Kingdom", "recent_item_ids": catalog["items"][:2], "k": 3, "explain": True}]
    }
    [profile] = server.client.post("/recommend_for_profile", json=body).json()
    assert profile["scored_by"] in ("lightfm+trending", "trending_by_country")
    assert all(i["explanation"]["summary"] for i in profile["items"])
    body = {"requests": [{"item_id": catalog["items"][5], "k": 3, "explain": True}]}
    [similar] = server.client.post("/similar_items", json=body).json()
    assert similar["scored_by"] == "cosine"
    for item in similar["items"]:
        parts = item["explanation"]["by_feature"]
        assert sum(p["contribution"] for p in parts) == pytest.approx(item["score"], abs=1e-3)
