"""A service with an empty local store pulls its model from S3 at start-up, or stays not-ready."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import bentoml
import pytest

from services.core.artifact_store import ArtifactStore
from services.core.settings import PlatformSettings
from tests.support.bento_server import BentoServer
from tests.support.ports import free_port
from tests.support.s3_server import TEST_CREDENTIALS, S3Server

pytestmark = pytest.mark.e2e
TARGET = "services.recommend.service:RecommendService"


@pytest.fixture
def published(
    recommend_model: bentoml.Model, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, ArtifactStore]:
    for key, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    bucket = f"prod-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(bucket)
    store = ArtifactStore(PlatformSettings(model_store=f"s3://{bucket}/models", s3_endpoint_url=s3_server.endpoint))
    store.publish(str(recommend_model.tag), alias="production")
    return bucket, store


def _fresh_env(base_env: dict[str, str], tmp_path: Path, s3: S3Server, bucket: str, ref: str) -> dict[str, str]:
    return {
        **base_env,
        **s3.env(bucket),
        "BENTOML_HOME": str(tmp_path / "empty-home"),
        "ADSERVE_RECOMMEND_MODEL": ref,
    }


def test_pulls_verifies_and_serves(published, s3_server, base_env, tmp_path, recommend_model) -> None:  # type: ignore[no-untyped-def]
    bucket, _ = published
    env = _fresh_env(base_env, tmp_path, s3_server, bucket, "recommend-lightfm:production")
    with BentoServer(TARGET, env) as srv:
        resp = srv.client.post("/similar_items", json={"requests": [{"item_id": "85123A", "k": 3}]})
        if resp.status_code == 400:  # item not in the sampled catalog: use the first catalog item
            from services.recommend.artifacts import load_recommender

            item = load_recommender(recommend_model).item_ids[0]
            resp = srv.client.post("/similar_items", json={"requests": [{"item_id": item, "k": 3}]})
        assert resp.status_code == 200, resp.text
        assert resp.json()[0]["model_version"] == str(recommend_model.tag)
        assert "pulled and verified" in srv.log_text()
    assert (tmp_path / "empty-home" / "models" / "recommend-lightfm" / recommend_model.tag.version).exists()


def test_corrupted_artifact_keeps_readyz_false(published, s3_server, base_env, tmp_path, recommend_model) -> None:  # type: ignore[no-untyped-def]
    bucket, store = published
    key = store._key("recommend-lightfm", f"{recommend_model.tag.version}.bentomodel")
    data = bytearray(store.client.get_object(Bucket=bucket, Key=key)["Body"].read())
    data[100] ^= 0xFF
    store.client.put_object(Bucket=bucket, Key=key, Body=bytes(data))
    env = _fresh_env(base_env, tmp_path, s3_server, bucket, "recommend-lightfm:production")
    with BentoServer(TARGET, env, wait="live") as srv:
        deadline = time.monotonic() + 30
        while "failed to load" not in srv.log_text() and time.monotonic() < deadline:
            time.sleep(0.3)
        log = srv.log_text()
        assert "SHA-256 mismatch" in log and f"recommend-lightfm:{recommend_model.tag.version}" in log
        assert srv.client.get("/readyz").status_code == 503
        resp = srv.client.post("/recommend", json={"requests": [{"user_id": "u_x", "k": 3}]})
        assert resp.status_code == 503


def test_missing_alias_and_s3_down_keep_readyz_false(published, s3_server, base_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bucket, _ = published
    env = _fresh_env(base_env, tmp_path, s3_server, bucket, "recommend-lightfm:staging")
    with BentoServer(TARGET, env, wait="live") as srv:
        deadline = time.monotonic() + 30
        while "failed to load" not in srv.log_text() and time.monotonic() < deadline:
            time.sleep(0.3)
        assert "alias recommend-lightfm:staging is not set" in srv.log_text()
        assert not srv.is_ready()
    env = {
        **_fresh_env(base_env, tmp_path, s3_server, bucket, "recommend-lightfm:production"),
        "ADSERVE_S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}",
        "ADSERVE_S3_MAX_ATTEMPTS": "3",
        "ADSERVE_S3_CONNECT_TIMEOUT_S": "0.5",
    }
    with BentoServer(TARGET, env, wait="live") as srv:
        deadline = time.monotonic() + 60
        while "failed to load" not in srv.log_text() and time.monotonic() < deadline:
            time.sleep(0.3)
        log = srv.log_text()
        # botocore retried each call (3 attempts), then the model load itself backs off and tries again
        assert "unavailable after 3 attempts" in log and "next try in" in log
        assert srv.client.get("/livez").status_code == 200 and not srv.is_ready()
