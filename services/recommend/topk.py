"""Top-k selection over score matrices with numpy (argpartition, then a sort of the k winners)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def top_k(
    scores: np.ndarray, k: int, exclude: Sequence[np.ndarray | None] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Indices and scores of the ``k`` best columns of each row, best first.

    ``exclude[i]`` lists columns that row ``i`` must not return. ``k`` larger than the number of
    columns left is clipped; excluded columns are never returned (their slots hold -1 / -inf).
    """
    scores = np.array(scores, dtype=np.float32, copy=True, ndmin=2)
    n_rows, n_cols = scores.shape
    if exclude is not None:
        for row, cols in enumerate(exclude):
            if cols is not None and len(cols):
                scores[row, cols] = -np.inf
    k = max(0, min(k, n_cols))
    if k == 0:
        return np.zeros((n_rows, 0), dtype=np.int64), np.zeros((n_rows, 0), dtype=np.float32)
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < n_cols else np.tile(np.arange(n_cols), (n_rows, 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    idx = np.take_along_axis(part, order, axis=1)
    vals = np.take_along_axis(part_scores, order, axis=1)
    idx = np.where(np.isfinite(vals), idx, -1)
    return idx.astype(np.int64), vals
