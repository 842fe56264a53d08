"""Simple baselines the recommender has to beat, as dense user × item score matrices.

* all-time popularity: distinct buyers of each item over the whole training part,
* trending popularity: distinct buyers in the last ``days`` before a cutoff (also per country, the
  cold-start baseline),
* item-kNN: cosine similarity of item columns of the interaction matrix, a user's score for an
  item is the sum of its similarities to the items the user bought.

The test rule is the model's (``evaluation.ranking_metrics`` masks the training purchases), so
every baseline excludes purchased items exactly like the served model.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp

TRENDING_WINDOWS = (7, 14, 30, 60)


def distinct_buyers(
    frame: pd.DataFrame, item_index: Mapping[str, int], n_items: int, cutoff: pd.Timestamp, days: float | None
) -> np.ndarray:
    """Distinct buyers per item in the ``days`` before ``cutoff`` (every purchase before it when ``days`` is None)."""
    window = frame[frame["ts"] < cutoff]
    if days is not None:
        window = window[window["ts"] >= cutoff - pd.Timedelta(days=days)]
    counts = window.drop_duplicates(["user_id", "item_id"]).groupby("item_id").size()
    out = np.zeros(n_items, dtype=np.float32)
    cols = counts.index.map(item_index)
    known = ~pd.isna(cols)
    out[cols[known].astype(int)] = counts.to_numpy()[known]
    return out


def distinct_buyers_by_country(
    frame: pd.DataFrame,
    item_index: Mapping[str, int],
    n_items: int,
    cutoff: pd.Timestamp,
    days: float | None,
    countries: Mapping[str, str],
) -> dict[str, np.ndarray]:
    """``distinct_buyers`` per country, the user's country taken from ``countries`` (user id → country)."""
    window = frame[frame["ts"] < cutoff]
    if days is not None:
        window = window[window["ts"] >= cutoff - pd.Timedelta(days=days)]
    window = window.drop_duplicates(["user_id", "item_id"])
    window = window.assign(home=window["user_id"].map(countries))
    out: dict[str, np.ndarray] = {}
    for country, part in window.groupby("home"):
        counts = part.groupby("item_id").size()
        vec = np.zeros(n_items, dtype=np.float32)
        cols = counts.index.map(item_index)
        known = ~pd.isna(cols)
        vec[cols[known].astype(int)] = counts.to_numpy()[known]
        out[str(country)] = vec
    return out


def broadcast(vector: np.ndarray, n_users: int) -> np.ndarray:
    """The same item scores for every user (a read-only view, no copy)."""
    return np.broadcast_to(vector.astype(np.float32), (n_users, vector.size))


def item_knn_scores(train: sp.csr_matrix, shrink: float = 0.0) -> np.ndarray:
    """User × item scores of item-kNN with cosine similarity on the binary interaction matrix."""
    binary = train.copy().tocsc()
    binary.data[:] = 1.0
    norms = np.sqrt(np.asarray(binary.multiply(binary).sum(axis=0)).ravel())
    sim = (binary.T @ binary).toarray().astype(np.float32)
    sim /= np.outer(norms, norms) + shrink + 1e-8
    np.fill_diagonal(sim, 0.0)
    return np.asarray(binary.tocsr() @ sim, dtype=np.float32)
