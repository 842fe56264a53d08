"""Extractive selection: sentence embeddings, centroid relevance and maximal marginal relevance (MMR).

Relevance of a sentence is its cosine similarity to the centroid of all sentences (what most
reviews talk about); MMR then picks sentences that are relevant but unlike the ones already
picked: ``score = λ · relevance − (1 − λ) · max similarity to the selection``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Embedder = Callable[[list[str]], np.ndarray]


def centroid_relevance(embeddings: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Cosine similarity of each (L2-normalised) row to the (weighted) mean direction."""
    if len(embeddings) == 0:
        return np.zeros(0, dtype=np.float32)
    centroid = np.average(embeddings, axis=0, weights=weights)
    norm = float(np.linalg.norm(centroid))
    if norm == 0.0:
        return np.zeros(len(embeddings), dtype=np.float32)
    return (embeddings @ (centroid / norm)).astype(np.float32)


def mmr_select(
    embeddings: np.ndarray,
    relevance: np.ndarray,
    k: int,
    lambda_: float = 0.7,
    candidates: Sequence[int] | None = None,
) -> list[int]:
    """Indices of up to ``k`` rows chosen greedily by MMR among ``candidates`` (all rows by default)."""
    pool = list(range(len(embeddings))) if candidates is None else list(candidates)
    chosen: list[int] = []
    while pool and len(chosen) < k:
        if chosen:
            redundancy = (embeddings[pool] @ embeddings[chosen].T).max(axis=1)
        else:
            redundancy = np.zeros(len(pool), dtype=np.float32)
        scores = lambda_ * relevance[pool] - (1.0 - lambda_) * redundancy
        best = pool[int(np.argmax(scores))]
        chosen.append(best)
        pool.remove(best)
    return chosen
