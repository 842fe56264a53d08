"""95 % confidence intervals of ranking metrics by bootstrap over test users.

Every model of one comparison is scored on the same test users, so one set of resampled user
indices serves them all; that also gives paired intervals of the difference between two models
(the served model against each baseline), which is what "beats it by more than the interval" needs.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..evaluation import summarize

METRICS = {"precision": "precision@{k}", "recall": "recall@{k}", "ndcg": "ndcg@{k}", "ap": "map@{k}", "auc": "auc"}


def resamples(n_users: int, n_boot: int, seed: int) -> np.ndarray:
    """``n_boot`` × ``n_users`` user positions drawn with replacement."""
    return np.random.default_rng(seed).integers(0, max(n_users, 1), size=(n_boot, n_users))


def _boot_means(values: np.ndarray, draws: np.ndarray) -> np.ndarray:
    valid = ~np.isnan(values)
    filled = np.where(valid, values, 0.0)
    counts = valid[draws].sum(axis=1)
    return filled[draws].sum(axis=1) / np.maximum(counts, 1)


def with_intervals(
    per_user: Mapping[str, np.ndarray], draws: np.ndarray, k: int = 10, level: float = 0.95
) -> dict[str, float]:
    """The point metrics of ``evaluation.summarize`` plus ``<metric>_lo`` / ``<metric>_hi`` bounds."""
    out = summarize(dict(per_user), k)
    tail = 100 * (1 - level) / 2
    for short, template in METRICS.items():
        means = _boot_means(np.asarray(per_user[short]), draws)
        name = template.format(k=k)
        out[f"{name}_lo"], out[f"{name}_hi"] = (float(v) for v in np.percentile(means, [tail, 100 - tail]))
    return out


def paired_difference(
    a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray], draws: np.ndarray, k: int = 10, level: float = 0.95
) -> dict[str, dict[str, float]]:
    """Mean of ``a − b`` per metric with its bootstrap interval (both scored on the same users)."""
    if not np.array_equal(a["users"], b["users"]):
        raise ValueError("paired intervals need both models scored on the same test users")
    tail = 100 * (1 - level) / 2
    out = {}
    for short, template in METRICS.items():
        diff = np.asarray(a[short]) - np.asarray(b[short])
        means = _boot_means(diff, draws)
        lo, hi = np.percentile(means, [tail, 100 - tail])
        point = float(np.nanmean(diff)) if diff.size else 0.0
        out[template.format(k=k)] = {"diff": point, "lo": float(lo), "hi": float(hi)}
    return out
