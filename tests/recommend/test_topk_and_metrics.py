"""Top-k selection against a brute-force reference; our ranking metrics against lightfm.evaluation."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from lightfm import LightFM
from lightfm.evaluation import auc_score, precision_at_k, recall_at_k

from services.recommend.evaluation import lightfm_scores, popularity_scores, ranking_metrics
from services.recommend.topk import top_k


@pytest.mark.parametrize("k", [1, 5, 37, 200, 500])
def test_top_k_matches_brute_force(k: int) -> None:
    rng = np.random.default_rng(k)
    scores = rng.normal(size=(7, 200)).astype(np.float32)
    exclude = [rng.choice(200, size=rng.integers(0, 30), replace=False) for _ in range(7)]
    idx, vals = top_k(scores, k, exclude)
    for row in range(7):
        allowed = [c for c in np.argsort(-scores[row], kind="stable") if c not in set(exclude[row])]
        expected = allowed[: min(k, 200)]
        got = [i for i in idx[row] if i >= 0]
        assert got == expected[: len(got)]
        assert len(got) == min(k, len(allowed))
        assert np.all(np.diff(vals[row][: len(got)]) <= 0)
        assert not set(got) & set(exclude[row].tolist())


def test_top_k_zero_and_empty() -> None:
    idx, vals = top_k(np.zeros((2, 3)), 0)
    assert idx.shape == (2, 0) and vals.shape == (2, 0)


def _random_interactions(seed: int, users: int = 60, items: int = 80, density: float = 0.08) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    mat = (rng.random((users, items)) < density).astype(np.float32)
    return sp.csr_matrix(mat)


def test_ranking_metrics_agree_with_lightfm_evaluation() -> None:
    full = _random_interactions(1)
    coo = full.tocoo()
    mask = np.random.default_rng(2).random(coo.nnz) < 0.25
    train = sp.csr_matrix((coo.data[~mask], (coo.row[~mask], coo.col[~mask])), shape=full.shape)
    test = sp.csr_matrix((coo.data[mask], (coo.row[mask], coo.col[mask])), shape=full.shape)
    model = LightFM(loss="warp", no_components=8, random_state=0).fit(train, epochs=5)
    ours = ranking_metrics(lightfm_scores(model, None, None), train, test, k=10)
    theirs_p = precision_at_k(model, test, train_interactions=train, k=10).mean()
    theirs_r = recall_at_k(model, test, train_interactions=train, k=10).mean()
    theirs_auc = auc_score(model, test, train_interactions=train).mean()
    assert ours["precision@10"] == pytest.approx(theirs_p, abs=1e-6)
    assert ours["recall@10"] == pytest.approx(theirs_r, abs=1e-6)
    assert ours["auc"] == pytest.approx(theirs_auc, abs=0.02)
    p, r = ours["precision@10"], ours["recall@10"]
    assert ours["f1@10"] == pytest.approx(2 * p * r / (p + r))


def test_perfect_and_worst_rankings() -> None:
    train = sp.csr_matrix(np.zeros((1, 4), dtype=np.float32))
    test = sp.csr_matrix(np.array([[1, 1, 0, 0]], dtype=np.float32))
    best = ranking_metrics(np.array([[4, 3, 2, 1]], dtype=np.float32), train, test, k=2)
    worst = ranking_metrics(np.array([[1, 2, 3, 4]], dtype=np.float32), train, test, k=2)
    assert best["precision@2"] == 1.0 and best["recall@2"] == 1.0 and best["ndcg@2"] == 1.0 and best["auc"] == 1.0
    assert worst["precision@2"] == 0.0 and worst["auc"] == 0.0


def test_popularity_scores_rank_most_bought_first() -> None:
    train = sp.csr_matrix(np.array([[1, 0, 1], [0, 0, 1]], dtype=np.float32))
    scores = popularity_scores(train, 2)
    assert scores.shape == (2, 3) and np.argmax(scores[0]) == 2
