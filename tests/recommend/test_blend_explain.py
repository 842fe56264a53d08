"""The served blend, score explanations that add up, the cold-start fallback and the faiss index.

Run on the suite's small recommender trained on real Online Retail II purchases (fixtures.py).
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import bentoml
import numpy as np
import pytest
import scipy.sparse as sp

from services.recommend import explain
from services.recommend.ann import attach_index
from services.recommend.artifacts import load_lightfm, load_recommender
from services.recommend.blend import Blend
from services.recommend.model import Recommender
from services.recommend.settings import RecommendSettings
from services.recommend.training import baselines
from services.recommend.training.bootstrap import paired_difference, resamples, with_intervals
from services.recommend.training.online_model import OnlineModel

TOL = 1e-3


@pytest.fixture(scope="module")
def rec(recommend_model: bentoml.Model) -> Recommender:
    return load_recommender(recommend_model)


def _sum(parts: list[explain.Part]) -> float:
    return sum(p.contribution for p in parts)


def test_served_score_is_lightfm_decomposed_plus_popularity(rec: Recommender, recommend_model: bentoml.Model) -> None:
    """LightFM's own prediction (user bias aside), scaled, plus the popularity part is the served score."""
    assert rec.blend is not None and rec.item_attr_rows is not None
    lfm = load_lightfm(Path(recommend_model.path))
    online = OnlineModel.build(rec, lfm)
    user = 1
    items = np.arange(rec.n_items, dtype=np.int32)
    predicted = lfm.predict(
        user, items, user_features=online.user_features, item_features=online.item_features, num_threads=1
    )
    u_bias, _ = lfm.get_user_representations(online.user_features)
    expected = rec.blend.model_weight * (predicted - u_bias[user]) + rec.blend.popularity(rec.n_items)
    np.testing.assert_allclose(rec.scores(rec.user_vecs[user : user + 1])[0], expected, rtol=1e-4, atol=1e-4)


def test_explanations_add_up_to_the_served_score(rec: Recommender) -> None:
    user = rec.user_ids[2]
    [top] = rec.recommend([user], [5], [True])
    notes = explain.explain_user(rec, user, [rec.item_index[r.item_id] for r in top], [r.score for r in top])
    for r, note in zip(top, notes, strict=True):
        assert note.score == pytest.approx(r.score)
        assert _sum(note.by_feature) == pytest.approx(r.score, abs=TOL)
        assert _sum(note.by_past_item) == pytest.approx(r.score, abs=TOL)
        assert sum(abs(p.share) for p in note.by_feature) == pytest.approx(1.0, abs=1e-3)
        kinds = {p.kind for p in note.by_feature}
        assert {"item_itself", "popularity"} <= kinds and "item_feature" in kinds
        past = [p for p in note.by_past_item if p.kind == "past_item" and p.name != "other_purchases"]
        bought = {rec.item_ids[i] for i in rec.purchased[rec.user_index[user]]}
        assert past and {p.name for p in past} <= bought
        assert note.summary.startswith("Recommended because")


def test_profile_and_similar_explanations_add_up(rec: Recommender) -> None:
    recent = rec.item_ids[:3]
    [top] = rec.recommend_for_profiles([("United Kingdom", recent)], [4])
    idx = [rec.item_index[r.item_id] for r in top]
    for r, note in zip(
        top, explain.explain_profile(rec, "United Kingdom", recent, idx, [t.score for t in top]), strict=True
    ):
        assert _sum(note.by_feature) == pytest.approx(r.score, abs=TOL)
        if rec.profile_scored_by != "trending_by_country":
            assert _sum(note.by_past_item) == pytest.approx(r.score, abs=TOL)
    item = rec.item_index[rec.item_ids[5]]
    [similar] = rec.similar_items([rec.item_ids[5]], [4])
    notes = explain.explain_similar(rec, item, [rec.item_index[s.item_id] for s in similar], [s.score for s in similar])
    for s, note in zip(similar, notes, strict=True):
        assert _sum(note.by_feature) == pytest.approx(s.score, abs=TOL)
        mine = set(rec.item_attr_rows[item])
        assert {p.name for p in note.by_feature if p.shared} == mine & set(
            rec.item_attr_rows[rec.item_index[s.item_id]]
        )


def test_trending_by_country_fallback_is_served_and_explained(rec: Recommender) -> None:
    assert rec.blend is not None
    fallback = dataclasses.replace(rec, blend=dataclasses.replace(rec.blend, profile_policy="trending_by_country"))
    assert fallback.profile_scored_by == "trending_by_country"
    recent = [rec.item_ids[0]]
    [items] = fallback.recommend_for_profiles([("United Kingdom", recent)], [5])
    counts, _ = rec.blend.country_counts("United Kingdom", rec.n_items)
    counts[rec.item_index[recent[0]]] = -1
    got = [counts[rec.item_index[i.item_id]] for i in items]
    assert got == sorted(counts, reverse=True)[:5] and recent[0] not in {i.item_id for i in items}
    assert [i.score for i in items] == pytest.approx(list(np.log1p(got)))
    [note] = explain.explain_profile(
        fallback, "United Kingdom", recent, [rec.item_index[items[0].item_id]], [items[0].score]
    )
    assert note.scored_by == "trending_by_country" and _sum(note.by_feature) == pytest.approx(items[0].score)
    assert "customers in United Kingdom bought it" in note.by_feature[0].label


def test_blend_round_trip_and_online_update_keeps_it(
    rec: Recommender, recommend_model: bentoml.Model, tmp_path: Path
) -> None:
    rec.save(tmp_path)
    again = Recommender.load(tmp_path)
    assert again.blend is not None and rec.blend is not None
    assert again.blend.summary() == rec.blend.summary()
    np.testing.assert_array_equal(again.blend.buyers, rec.blend.buyers)
    online = OnlineModel.build(rec, load_lightfm(Path(recommend_model.path)))
    refit = online.to_recommender(rec.purchased, rec.metadata)
    assert refit.blend is rec.blend and refit.scored_by == "lightfm+trending"


def _large(rec: Recommender, n_items: int, seed: int = 0) -> Recommender:
    """The model's users over a synthetic catalog drawn from its item vectors' distribution."""
    rng = np.random.default_rng(seed)
    items = np.hstack([rec.item_vecs, rec.item_bias[:, None]]).astype(np.float64)
    draw = rng.multivariate_normal(items.mean(0), np.cov(items, rowvar=False), size=n_items).astype(np.float32)
    return dataclasses.replace(
        rec,
        item_ids=[f"S{i}" for i in range(n_items)],
        titles=[f"ITEM {i}" for i in range(n_items)],
        prices=np.ones(n_items, np.float32),
        item_vecs=np.ascontiguousarray(draw[:, :-1]),
        item_bias=draw[:, -1].copy(),
        item_attr_rows=None,
    )


def test_faiss_index_above_catalog_size_keeps_k_and_exclusions(rec: Recommender) -> None:
    big = _large(rec, 20_000)
    settings = RecommendSettings(ann_min_items=10_000, ann_check_users=100)
    decision = attach_index(big, settings)
    assert decision["scoring"] == "faiss-ivf" and decision["recall_at_10"] >= 0.95 and big.index is not None
    users = big.user_ids[:30]
    served = big.recommend(users, [10] * 30, [True] * 30)
    rows = [big.user_index[u] for u in users]
    exact, _ = big.exact_top_k(big.user_vecs[rows], 10, [big.purchased[r] for r in rows])
    hits = 0
    for r, items, truth in zip(rows, served, exact, strict=True):
        got = [big.item_index[i.item_id] for i in items]
        assert len(got) == 10 and not set(got) & set(big.purchased[r].tolist())
        scores = [i.score for i in items]
        assert scores == sorted(scores, reverse=True)
        np.testing.assert_allclose(scores, big.scores(big.user_vecs[r : r + 1])[0, got], rtol=1e-5, atol=1e-5)
        hits += len(set(got) & set(truth.tolist()))
    assert hits / (10 * len(rows)) >= 0.9
    # More items excluded than the index returns: the row is answered exactly, still k items.
    banned = np.arange(0, 20_000, 2)
    idx, _ = big.index.search(big.user_vecs[:1], 10, [banned])
    assert (idx >= 0).sum() == 10 and not set(idx[0].tolist()) & set(banned.tolist())
    assert attach_index(big, RecommendSettings(ann_min_items=50_000))["scoring"] == "exact" and big.index is None


def test_index_recall_below_minimum_falls_back_to_exact(
    rec: Recommender, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = _large(rec, 12_000, seed=1)
    monkeypatch.setattr("services.recommend.ann.PROBE_FRACTIONS", (1 / 512,))  # one list of 512 probed: too few
    settings = RecommendSettings(ann_min_items=10_000, ann_check_users=50, ann_min_recall=0.99, ann_nlist=512)
    with caplog.at_level(logging.WARNING, logger="services.recommend.ann"):
        decision = attach_index(big, settings)
    assert decision["scoring"] == "exact" and big.index is None
    assert "falling back to exact scoring" in caplog.text


def test_item_knn_and_trending_baselines() -> None:
    train = sp.csr_matrix(np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1]], dtype=np.float32))
    scores = baselines.item_knn_scores(train)
    dense = train.toarray()
    sim = (dense.T @ dense) / np.outer(np.linalg.norm(dense, axis=0), np.linalg.norm(dense, axis=0))
    np.fill_diagonal(sim, 0)
    np.testing.assert_allclose(scores, dense @ sim, rtol=1e-5)
    assert baselines.broadcast(np.array([1, 2], np.float32), 3).shape == (3, 2)


def test_bootstrap_intervals_cover_the_mean_and_pair_users() -> None:
    rng = np.random.default_rng(0)
    n = 400
    a = {m: rng.random(n) for m in ("precision", "recall", "ndcg", "ap", "auc")} | {"users": np.arange(n)}
    b = {m: v * 0.5 if m != "users" else v for m, v in a.items()}
    draws = resamples(n, 300, 1)
    row = with_intervals(a, draws)
    assert row["precision@10_lo"] < row["precision@10"] < row["precision@10_hi"]
    diff = paired_difference(a, b, draws)
    assert diff["precision@10"]["lo"] > 0 and diff["precision@10"]["diff"] == pytest.approx(a["precision"].mean() / 2)
    with pytest.raises(ValueError, match="same test users"):
        paired_difference(a, {**b, "users": np.arange(1, n + 1)}, draws)


def test_blend_rejects_a_non_positive_model_weight() -> None:
    with pytest.raises(ValueError, match="model_weight"):
        Blend(0.0, 1.0, 7, np.zeros(3, np.float32), "2010-12-09")
