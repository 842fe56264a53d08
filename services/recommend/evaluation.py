"""Ranking metrics for implicit feedback: precision/recall/F1/NDCG@k and AUC, per user, averaged.

Scores for every (user, item) are ranked after masking the user's training positives, exactly as
``lightfm.evaluation`` does (the test suite checks both agree on a trained LightFM model), so that
the popularity baseline and the LightFM variants are measured by the same code.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def popularity_scores(train: sp.csr_matrix, n_users: int) -> np.ndarray:
    counts = np.asarray(train.sum(axis=0)).ravel().astype(np.float32)
    return np.broadcast_to(counts, (n_users, counts.size))


def lightfm_scores(
    model: object, user_features: sp.csr_matrix | None, item_features: sp.csr_matrix | None
) -> np.ndarray:
    """Dense score matrix from LightFM representations (same ranking as ``model.predict``)."""
    u_bias, u_emb = model.get_user_representations(user_features)  # type: ignore[attr-defined]
    i_bias, i_emb = model.get_item_representations(item_features)  # type: ignore[attr-defined]
    return (u_emb @ i_emb.T + i_bias[None, :] + u_bias[:, None]).astype(np.float32)


def ranking_metrics(
    scores: np.ndarray, train: sp.csr_matrix | None, test: sp.csr_matrix, k: int = 10, items: np.ndarray | None = None
) -> dict[str, float]:
    """Mean precision@k, recall@k, F1@k, NDCG@k and AUC over users with at least one test positive.

    ``items`` restricts ranking to a subset of item columns (cold-start evaluation).
    """
    test = test.tocsr()
    train = train.tocsr() if train is not None else None
    users = np.flatnonzero(np.diff(test.indptr))
    precision, recall, ndcg, auc = [], [], [], []
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    for u in users:
        row = np.array(scores[u], dtype=np.float64)
        candidates = np.ones(row.size, dtype=bool) if items is None else np.isin(np.arange(row.size), items)
        if train is not None:
            candidates[train.indices[train.indptr[u] : train.indptr[u + 1]]] = False
        positives = test.indices[test.indptr[u] : test.indptr[u + 1]]
        positives = positives[candidates[positives]]
        if positives.size == 0:
            continue
        cand_idx = np.flatnonzero(candidates)
        cand_scores = row[cand_idx]
        order = cand_idx[np.argsort(-cand_scores, kind="stable")[:k]]
        hits = np.isin(order, positives)
        precision.append(hits.sum() / k)
        recall.append(hits.sum() / positives.size)
        ideal = discounts[: min(positives.size, k)].sum()
        ndcg.append(float((hits * discounts[: hits.size]).sum() / ideal))
        is_pos = np.isin(cand_idx, positives)
        n_pos, n_neg = is_pos.sum(), (~is_pos).sum()
        if n_neg == 0:
            continue
        ranks = _average_ranks(cand_scores)
        auc.append(float((ranks[is_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)))
    p, r = float(np.mean(precision)) if precision else 0.0, float(np.mean(recall)) if recall else 0.0
    return {
        f"precision@{k}": p,
        f"recall@{k}": r,
        f"f1@{k}": 2 * p * r / (p + r) if p + r else 0.0,
        f"ndcg@{k}": float(np.mean(ndcg)) if ndcg else 0.0,
        "auc": float(np.mean(auc)) if auc else 0.0,
        "users": len(precision),
    }


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing their average rank (for the Mann-Whitney AUC)."""
    from scipy.stats import rankdata

    return rankdata(values, method="average")
