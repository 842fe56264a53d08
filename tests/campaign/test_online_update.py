"""Online updates of the recommender from feedback: fold-in, held-out check, new versions and rollback.

The base model is trained on real purchases before a cutoff; the purchases after it are the
feedback. These tests run in-process; the swap under HTTP load is in ``test_swap_under_load``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import bentoml
import numpy as np
import pytest

from services.core.artifact_store import ArtifactStore
from services.core.feedback import LogEvent
from services.core.feedback.sqlite import SqliteFeedbackStore
from services.core.model_ref import ModelRef
from services.core.settings import PlatformSettings
from services.recommend.artifacts import load_recommender
from services.recommend.training.online_model import Interaction, OnlineConfig, OnlineModel, fold_in
from services.recommend.training.online_update import CURSOR, rollback, run_update
from services.recommend.training.update_settings import UpdateSettings
from tests.campaign.conftest import RetailSplit
from tests.support.bento_server import PROJECT_ROOT
from tests.support.s3_server import TEST_CREDENTIALS, S3Server


def _interactions(events: list[LogEvent]) -> list[Interaction]:
    return [Interaction(e.user, e.item, e.ts, e.item_title, e.item_price) for e in events]


def _noise(model: OnlineModel, n: int, t0: float) -> list[Interaction]:
    """Bot-like traffic: random known (user, item) pairs, older than the real events."""
    rng = np.random.default_rng(5)
    users = rng.choice(model.recommender.user_ids, n)
    items = rng.choice(model.recommender.item_ids, n)
    return [Interaction(u, i, t0 - n + j) for j, (u, i) in enumerate(zip(users, items, strict=True))]


@pytest.fixture(scope="module")
def online(base_model: bentoml.Model) -> OnlineModel:
    return OnlineModel.from_bentoml(base_model)


def test_rebuilt_features_reproduce_the_served_vectors(online: OnlineModel, base_model: bentoml.Model) -> None:
    served = load_recommender(base_model)
    same = online.extend([], []).to_recommender(served.purchased, {})
    assert np.allclose(same.item_vecs, served.item_vecs, atol=1e-5)
    assert np.allclose(same.user_vecs, served.user_vecs, atol=1e-5)


def test_new_items_start_from_their_features_and_nothing_else_moves(online: OnlineModel) -> None:
    served = online.recommender
    grown = online.extend(["u_brand_new"], [("99999Z", "RED HEART CANDLE HOLDER", 2.55)])
    rec = grown.to_recommender([*served.purchased, np.zeros(0, np.int64)], {})
    vector, bias = served.item_vector_from_features("RED HEART CANDLE HOLDER", 2.55, None)
    assert np.allclose(rec.item_vecs[-1], vector, atol=1e-5) and rec.item_bias[-1] == pytest.approx(bias, abs=1e-5)
    assert np.allclose(rec.item_vecs[:-1], served.item_vecs, atol=1e-5)
    assert rec.user_ids[-1] == "u_brand_new" and rec.n_items == served.n_items + 1
    assert grown.lightfm.item_embeddings.shape[0] == online.lightfm.item_embeddings.shape[0] + 1
    assert online.lightfm.item_embeddings.shape[0] == online.item_features.shape[1]  # the original is untouched


def test_fold_in_of_later_purchases_is_promoted(online: OnlineModel, retail: RetailSplit) -> None:
    result = fold_in(online, _interactions(retail.events()), OnlineConfig(epochs=5))
    assert result.decision == "promote", result.reason
    assert result.metrics_candidate["auc"] >= result.metrics_current["auc"] - 0.02
    counts = result.counts
    assert counts["new_items"] > 0 and counts["new_users"] > 0 and counts["holdout_users"] >= 5
    rec = result.recommender
    assert rec is not None and rec.n_items == online.n_items + counts["new_items"]
    new_item = rec.item_ids[-1]
    assert rec.similar_items([new_item], [3])[0]  # a folded-in item is servable
    new_user = rec.user_ids[-1]
    assert len(rec.recommend([new_user], [5], [True])[0]) == 5


def test_drift_from_noise_is_rolled_back(online: OnlineModel, retail: RetailSplit) -> None:
    real = _interactions(retail.events())
    noisy = _noise(online, 6000, min(e.ts for e in real)) + sorted(real, key=lambda e: e.ts)[-1500:]
    result = fold_in(online, noisy, OnlineConfig(epochs=20, replay_ratio=0.0, max_drop=0.005))
    assert result.decision == "rollback", result.reason
    assert result.metrics_candidate["auc"] < result.metrics_current["auc"] - 0.005


def test_too_few_held_out_users_waits_and_unknown_items_without_features_are_skipped(online: OnlineModel) -> None:
    user = online.recommender.user_ids[0]
    events = [Interaction(user, online.recommender.item_ids[i], float(i)) for i in range(5)]
    events.append(Interaction(user, "00000X", 10.0))  # no title: cannot be folded in
    result = fold_in(online, events, OnlineConfig())
    assert result.decision == "skip" and "held-out users" in result.reason
    assert result.counts["skipped_items_without_features"] == 1


def test_update_job_saves_a_version_moves_the_alias_and_rolls_back(
    base_model: bentoml.Model, retail: RetailSplit, tmp_path: Path
) -> None:
    name, version = base_model.tag.name, base_model.tag.version or ""
    platform = PlatformSettings(recommend_model=f"{name}:canary", var_dir=tmp_path / "var")
    store = ArtifactStore(platform)
    store.set_alias(name, "canary", version)
    log = SqliteFeedbackStore(tmp_path / "feedback" / "events.sqlite3")
    settings = UpdateSettings(epochs=3)

    assert run_update(log, settings, platform).reason == "no new events"
    log.append(retail.events())
    outcome = run_update(log, settings, platform)
    assert outcome.decision == "promote", outcome.reason
    new = bentoml.models.get(outcome.new_model)
    assert outcome.alias == "canary" and store.resolve(ModelRef(name, "canary")).version == new.tag.version
    record = store.alias_record(name, "canary")
    assert record is not None and record.previous == version
    assert new.info.metadata["online_update"]["parent"] == str(base_model.tag)
    assert new.info.labels["update"] == "online"
    assert log.cursor(CURSOR) == log.last_seq() and log.updates()[0]["decision"] == "promote"
    assert list((tmp_path / "var" / "reports" / "recommend" / "updates").glob("*-promote.json"))

    assert rollback(platform) == version
    assert store.resolve(ModelRef(name, "canary")).version == version

    before = {m.tag.version for m in bentoml.models.list(name)}
    noise = _noise(OnlineModel.from_bentoml(base_model), 6000, min(e.ts for e in retail.events()))
    log.append(
        [LogEvent(i.user_id, i.item_id, "purchase", i.ts, event_id=f"noise-{n:06d}") for n, i in enumerate(noise)]
    )
    log.append(
        [LogEvent(e.user, e.item, e.event, e.ts, event_id=f"again-{e.event_id}") for e in retail.events()[-1500:]]
    )
    strict = UpdateSettings(epochs=20, replay_ratio=0.0, max_drop=0.005)
    outcome = run_update(log, strict, platform)
    assert outcome.decision == "rollback" and outcome.new_model is None
    assert {m.tag.version for m in bentoml.models.list(name)} == before
    assert store.resolve(ModelRef(name, "canary")).version == version


def test_update_job_publishes_to_s3_and_moves_the_remote_alias(
    base_model: bentoml.Model, retail: RetailSplit, tmp_path: Path, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    bucket = f"models-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(bucket)
    name = base_model.tag.name
    platform = PlatformSettings(
        model_store=f"s3://{bucket}/models",
        s3_endpoint_url=s3_server.endpoint,
        recommend_model=f"{name}:production",
        var_dir=tmp_path / "var",
    )
    store = ArtifactStore(platform)
    store.publish(str(base_model.tag), alias="production")
    log = SqliteFeedbackStore(tmp_path / "feedback" / "events.sqlite3")
    log.append(retail.events())
    outcome = run_update(log, UpdateSettings(epochs=2), platform)
    assert outcome.decision == "promote" and outcome.published, outcome.reason
    new_version = outcome.new_model.split(":")[1] if outcome.new_model else ""
    assert store.resolve(ModelRef(name, "production")).version == new_version  # read from S3
    record = store.alias_record(name, "production")
    assert record is not None and record.previous == base_model.tag.version
    assert new_version in store.list_remote_versions(name)


def test_a_crash_between_publish_and_cursor_move_folds_nothing_twice(
    base_model: bentoml.Model, retail: RetailSplit, tmp_path: Path, base_env: dict[str, str]
) -> None:
    name, version = base_model.tag.name, base_model.tag.version or ""
    env = {**os.environ, **base_env, "ADSERVE_RECOMMEND_MODEL": f"{name}:staging", "ADSERVE_VAR_DIR": str(tmp_path)}
    platform = PlatformSettings(recommend_model=f"{name}:staging", var_dir=tmp_path)
    store = ArtifactStore(platform)
    store.set_alias(name, "staging", version)
    db = tmp_path / "feedback" / "events.sqlite3"
    log = SqliteFeedbackStore(db)
    log.append(retail.events())
    end = log.last_seq()

    job = subprocess.run(
        [sys.executable, "-m", "tests.support.crashing_update", str(db)], cwd=PROJECT_ROOT, env=env, timeout=300
    )
    assert job.returncode == -signal.SIGKILL
    published = store.resolve(ModelRef(name, "staging")).version
    assert published != version  # the new version serves ...
    assert log.cursor(CURSOR) == 0 and log.updates() == []  # ... but the cursor and the record did not move
    versions = {m.tag.version for m in bentoml.models.list(name)}

    outcome = run_update(log, UpdateSettings(epochs=2), platform)
    assert outcome.decision == "skip" and outcome.reason == "no new events", outcome.line()
    assert log.cursor(CURSOR) == end
    recovered = log.updates()[0]
    assert recovered["decision"] == "recovered" and (recovered["from_seq"], recovered["to_seq"]) == (0, end)
    assert {m.tag.version for m in bentoml.models.list(name)} == versions  # nothing folded in again
    assert store.resolve(ModelRef(name, "staging")).version == published
