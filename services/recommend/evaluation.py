"""Ranking metrics for implicit feedback: precision/recall/F1/NDCG/MAP@k and AUC, per user, averaged.

Scores for every (user, item) are ranked after masking the user's training positives, exactly as
``lightfm.evaluation`` does (the test suite checks both agree on a trained LightFM model), so that
the baselines and the LightFM variants are measured by the same code. ``per_user_metrics`` keeps
the per-user values (the bootstrap intervals of ``training.bootstrap`` resample them).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

PER_USER = ("precision", "recall", "ndcg", "ap", "auc")


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


def per_user_metrics(
    scores: np.ndarray, train: sp.csr_matrix | None, test: sp.csr_matrix, k: int = 10, items: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Precision, recall, NDCG, average precision @k and AUC of every user with a test positive.

    ``items`` restricts ranking to a subset of item columns (cold-start evaluation). ``users`` holds
    the row of each value; ``auc`` is NaN for a user with no negative candidate left.
    """
    test = test.tocsr()
    train = train.tocsr() if train is not None else None
    users = np.flatnonzero(np.diff(test.indptr))
    out: dict[str, list[float]] = {name: [] for name in PER_USER}
    kept: list[int] = []
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    allowed = np.ones(scores.shape[1], dtype=bool)
    if items is not None:
        allowed[:] = False
        allowed[items] = True
    for u in users:
        row = np.asarray(scores[u], dtype=np.float64)
        candidates = allowed.copy()
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
        n_hits = hits.sum()
        kept.append(int(u))
        out["precision"].append(n_hits / k)
        out["recall"].append(n_hits / positives.size)
        ideal = discounts[: min(positives.size, k)].sum()
        out["ndcg"].append(float((hits * discounts[: hits.size]).sum() / ideal))
        precision_at = np.cumsum(hits) / np.arange(1, hits.size + 1)
        out["ap"].append(float((precision_at * hits).sum() / min(positives.size, k)))
        is_pos = np.isin(cand_idx, positives)
        n_pos, n_neg = is_pos.sum(), (~is_pos).sum()
        if n_neg == 0:
            out["auc"].append(float("nan"))
            continue
        ranks = _average_ranks(cand_scores)
        out["auc"].append(float((ranks[is_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)))
    result = {name: np.asarray(values, dtype=np.float64) for name, values in out.items()}
    result["users"] = np.asarray(kept, dtype=np.int64)
    return result


def summarize(per_user: dict[str, np.ndarray], k: int = 10) -> dict[str, float]:
    """Means of ``per_user_metrics`` under the report's metric names."""

    def mean(name: str) -> float:
        values = per_user[name]
        values = values[~np.isnan(values)]
        return float(values.mean()) if values.size else 0.0

    p, r = mean("precision"), mean("recall")
    return {
        f"precision@{k}": p,
        f"recall@{k}": r,
        f"f1@{k}": 2 * p * r / (p + r) if p + r else 0.0,
        f"ndcg@{k}": mean("ndcg"),
        f"map@{k}": mean("ap"),
        "auc": mean("auc"),
        "users": len(per_user["users"]),
    }


def ranking_metrics(
    scores: np.ndarray, train: sp.csr_matrix | None, test: sp.csr_matrix, k: int = 10, items: np.ndarray | None = None
) -> dict[str, float]:
    """Mean precision@k, recall@k, F1@k, NDCG@k, MAP@k and AUC over users with at least one test positive."""
    return summarize(per_user_metrics(scores, train, test, k, items), k)


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing their average rank (for the Mann-Whitney AUC)."""
    from scipy.stats import rankdata

    return rankdata(values, method="average")
