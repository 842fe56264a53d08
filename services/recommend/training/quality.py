"""Time-aware model selection and the baseline comparison of the recommender.

Three consecutive periods of the purchase history: training, a validation window of
``validation_days`` and the test window of the last ``test_days``. Everything is chosen on the
validation window (a model trained on the purchases before it): LightFM hyper-parameters and the
half-life of the time-decayed sample weights (random search), the trending window of the baseline,
the blend weight and window of trending popularity in the served score, and the cold-start
policy of ``/recommend_for_profile``. The test window is only measured: the chosen recipe is
refit on everything before it and compared with every baseline on the same test rule (new
(user, item) pairs of known users and items, purchases excluded), with 95 % bootstrap intervals
over test users. The served model is then refit on all data with the same recipe.

The blend's LightFM weight is ``1 / std`` of the fitted model's scores, so the popularity weight
fitted on the validation model carries over to the refits, whose scores have another spread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from lightfm import LightFM
from scipy.stats import loguniform
from sklearn.model_selection import ParameterSampler
from tqdm.auto import tqdm

from ..blend import Blend
from ..evaluation import lightfm_scores, per_user_metrics, summarize
from . import baselines
from .bootstrap import paired_difference, resamples, with_intervals

log = logging.getLogger(__name__)

SEARCH_SPACE: dict[str, Any] = {
    "no_components": [32, 48, 64, 96],
    "learning_rate": loguniform(0.02, 0.12),
    "item_alpha": loguniform(1e-9, 1e-6),
    "user_alpha": loguniform(1e-7, 1e-5),
    "epochs": [20, 30, 40],
    "half_life_days": [0, 30, 60, 120],
}
# The best configuration of earlier searches, with time decay; always the first candidate.
DEFAULT_PARAMS: dict[str, Any] = {
    "no_components": 64,
    "learning_rate": 0.09,
    "item_alpha": 1e-8,
    "user_alpha": 6.5e-6,
    "epochs": 30,
    "half_life_days": 60,
}
# Popularity weights against LightFM scores scaled to unit spread (a log-spaced grid).
BLEND_WEIGHTS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0)
BLEND_WINDOWS = (7, 14, 30)

# fit(interactions, sample_weight, params, with_features, on_epoch) -> a fitted LightFM model
Fitter = Callable[[sp.coo_matrix, sp.coo_matrix, dict[str, Any], bool, Callable[[int, LightFM], None] | None], LightFM]


@dataclass(frozen=True)
class Periods:
    train_end: pd.Timestamp  # start of the validation window
    test_start: pd.Timestamp
    end: pd.Timestamp

    @classmethod
    def of(cls, clean: pd.DataFrame, test_days: int, validation_days: int) -> Periods:
        end = clean["ts"].max()
        test_start = end - pd.Timedelta(days=test_days)
        return cls(test_start - pd.Timedelta(days=validation_days), test_start, end)


def new_pairs(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Purchases in ``after`` of (user, item) pairs not seen before, by users and of items seen before."""
    seen = set(zip(before["user_id"], before["item_id"], strict=True))
    users, items = set(before["user_id"]), set(before["item_id"])
    keep = [
        (u, i) not in seen and u in users and i in items
        for u, i in zip(after["user_id"], after["item_id"], strict=True)
    ]
    return after[keep]


def decayed_weights(
    frame: pd.DataFrame,
    user_index: dict[str, int],
    item_index: dict[str, int],
    shape: tuple[int, int],
    cutoff: pd.Timestamp,
    half_life_days: float,
) -> tuple[sp.coo_matrix, sp.coo_matrix]:
    """Binary interactions and their sample weights ``event weight × 0.5 ** (age / half-life)``.

    The age is that of the pair's last interaction; the event weight the strongest of the pair's
    events (the data set's ``weight`` column: purchase > cart > click > view; 1 without it).
    ``half_life_days`` 0 means no decay. Both matrices share one entry order, as LightFM's
    ``sample_weight`` requires.
    """
    agg: dict[str, str] = {"ts": "max"}
    if "weight" in frame.columns:
        agg["weight"] = "max"
    last = frame.groupby(["user_id", "item_id"], sort=True).agg(agg).reset_index()
    rows = last["user_id"].map(user_index).to_numpy()
    cols = last["item_id"].map(item_index).to_numpy()
    age = ((cutoff - last["ts"]).dt.total_seconds() / 86400.0).to_numpy()
    weight = np.power(0.5, age / half_life_days) if half_life_days else np.ones(len(last))
    if "weight" in last.columns:
        weight = weight * last["weight"].to_numpy(dtype=np.float64)
    order = np.lexsort((cols, rows))
    rows, cols, weight = rows[order], cols[order], weight[order]
    ones = sp.coo_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=shape)
    weights = sp.coo_matrix((weight.astype(np.float32), (rows, cols)), shape=shape)
    return ones, weights


# ---------------------------------------------------------------------- scoring pieces
def score_spread(scores: np.ndarray) -> float:
    """Standard deviation of a model's scores (the blend's LightFM weight is its inverse)."""
    sample = scores[:: max(1, scores.shape[0] // 500)]
    return float(np.std(sample)) or 1.0


def blended(lightfm: np.ndarray, log_buyers: np.ndarray, weight: float) -> np.ndarray:
    return lightfm / score_spread(lightfm) + weight * log_buyers[None, :]


@dataclass
class Split:
    """One evaluation period: the purchases before ``cutoff`` for training and the new pairs after it."""

    name: str
    history: pd.DataFrame
    future: pd.DataFrame
    cutoff: pd.Timestamp
    train: sp.csr_matrix
    test: sp.csr_matrix


def make_split(
    name: str,
    clean: pd.DataFrame,
    start: pd.Timestamp,
    stop: pd.Timestamp,
    interactions: Callable[[pd.DataFrame], sp.csr_matrix],
) -> Split:
    history = clean[clean["ts"] < start]
    future = clean[(clean["ts"] >= start) & (clean["ts"] < stop)]
    return Split(name, history, future, start, interactions(history), interactions(new_pairs(history, future)))


# ---------------------------------------------------------------------- cold-start users
@dataclass
class ColdUsers:
    """Customers whose first purchase falls in a window: first day's items = profile, later items = truth."""

    rows: np.ndarray  # user rows in the prepared user table
    countries: list[str]
    profile: sp.csr_matrix  # (n_cold, n_items)
    truth: sp.csr_matrix


def cold_users(
    split: Split, user_index: dict[str, int], item_index: dict[str, int], countries: dict[str, str], n_items: int
) -> ColdUsers:
    known_items = set(split.history["item_id"])
    fresh = split.future[~split.future["user_id"].isin(set(split.history["user_id"]))]
    fresh = fresh[fresh["item_id"].isin(known_items)]
    first_day = fresh.groupby("user_id")["ts"].transform("min").dt.normalize()
    in_profile = fresh["ts"] < first_day + pd.Timedelta(days=1)
    profile = fresh[in_profile].drop_duplicates(["user_id", "item_id"])
    later = fresh[~in_profile].drop_duplicates(["user_id", "item_id"])
    later = later.merge(profile[["user_id", "item_id"]], how="left", indicator=True)
    later = later[later["_merge"] == "left_only"]
    users = sorted(set(later["user_id"]) & set(profile["user_id"]))
    pos = {u: j for j, u in enumerate(users)}

    def matrix(frame: pd.DataFrame) -> sp.csr_matrix:
        frame = frame[frame["user_id"].isin(pos)]
        return sp.csr_matrix(
            (np.ones(len(frame), np.float32), (frame["user_id"].map(pos), frame["item_id"].map(item_index))),
            shape=(len(users), n_items),
        )

    rows = np.array([user_index[u] for u in users], dtype=np.int64)
    return ColdUsers(rows, [countries[u] for u in users], matrix(profile), matrix(later))


def profile_scores(
    model: LightFM, item_features: sp.csr_matrix, country_col: dict[str, int], cold: ColdUsers
) -> np.ndarray:
    """LightFM scores of the serving profile vector: country vector plus the mean of the profile's item vectors."""
    i_bias, i_emb = model.get_item_representations(item_features)
    vecs = np.zeros((len(cold.rows), i_emb.shape[1]), dtype=np.float32)
    for j, country in enumerate(cold.countries):
        if country in country_col:
            vecs[j] += model.user_embeddings[country_col[country]]
        items = cold.profile.indices[cold.profile.indptr[j] : cold.profile.indptr[j + 1]]
        if items.size:
            vecs[j] += i_emb[items].mean(axis=0)
    return vecs @ i_emb.T + i_bias[None, :]


def country_trending_scores(counts: dict[str, np.ndarray], cold: ColdUsers, n_items: int) -> np.ndarray:
    fallback = np.sum(list(counts.values()), axis=0) if counts else np.zeros(n_items, np.float32)
    return np.stack([counts.get(c, fallback) for c in cold.countries]) if cold.countries else np.zeros((0, n_items))


# ---------------------------------------------------------------------- the whole evaluation
@dataclass
class QualityResult:
    params: dict[str, Any]
    blend_weight: float
    blend_window: int
    trending_window: int
    profile_policy: str
    country_window: int
    report: dict[str, Any]


def _row(per_user: dict[str, np.ndarray], draws: np.ndarray, k: int) -> dict[str, float]:
    return with_intervals(per_user, draws, k)


def evaluate(
    clean: pd.DataFrame,
    *,
    user_index: dict[str, int],
    item_index: dict[str, int],
    countries: dict[str, str],
    country_col: dict[str, int],
    interactions: Callable[[pd.DataFrame], sp.csr_matrix],
    fit: Fitter,
    user_features: sp.csr_matrix,
    item_features: sp.csr_matrix,
    test_days: int,
    validation_days: int,
    trials: int,
    k: int,
    seed: int,
    n_boot: int = 1000,
    on_epoch: Callable[[int, int, LightFM, sp.csr_matrix, sp.csr_matrix], None] | None = None,
) -> QualityResult:
    """Choose everything on the validation window, then measure the served recipe and every baseline on test.

    ``fit(interactions, sample_weight, params, with_features, on_epoch)`` fits one LightFM model.
    """
    select = f"ndcg@{k}"  # what every choice on the validation window maximizes
    periods = Periods.of(clean, test_days, validation_days)
    n_items = len(item_index)
    shape = (len(user_index), n_items)
    val = make_split("validation", clean, periods.train_end, periods.test_start, interactions)
    test = make_split("test", clean, periods.test_start, periods.end + pd.Timedelta(seconds=1), interactions)
    log.info(
        "validation: %d train pairs, %d pairs to predict; test: %d, %d",
        val.train.nnz,
        val.test.nnz,
        test.train.nnz,
        test.test.nnz,
    )

    def fit_on(split: Split, params: dict[str, Any], features: bool, curve: bool = False) -> LightFM:
        ones, weights = decayed_weights(
            split.history, user_index, item_index, shape, split.cutoff, float(params["half_life_days"])
        )
        epochs = int(params["epochs"])
        callback = (lambda e, m: on_epoch(e, epochs, m, split.train, split.test)) if curve and on_epoch else None
        return fit(ones, weights, params, features, callback)

    def hybrid_scores(model: LightFM) -> np.ndarray:
        return lightfm_scores(model, user_features, item_features)

    # -- 1. hyper-parameters and half-life on the validation window
    candidates = [DEFAULT_PARAMS, *ParameterSampler(SEARCH_SPACE, n_iter=max(trials - 1, 0), random_state=seed)]
    trials_out, best, best_scores, best_model = [], None, None, None
    for params in tqdm(candidates, desc="search on the validation window", unit="fit"):
        params = {key: (v.item() if hasattr(v, "item") else v) for key, v in params.items()}
        model = fit_on(val, params, True)
        scores = hybrid_scores(model)
        metrics = summarize(per_user_metrics(scores, val.train, val.test, k), k)
        trials_out.append({"params": params, **{m: metrics[m] for m in (f"precision@{k}", f"ndcg@{k}", "auc")}})
        if best is None or metrics[select] > trials_out[best][select]:
            best, best_scores, best_model = len(trials_out) - 1, scores, model
    assert best is not None and best_scores is not None and best_model is not None
    params = trials_out[best]["params"]
    log.info("best on validation: %s", trials_out[best])

    # -- 2. trending window of the baseline, blend weight and window, on the validation window
    def metric_on(
        split: Split, scores: np.ndarray, train: sp.csr_matrix | None = None, test_m: sp.csr_matrix | None = None
    ) -> dict[str, float]:
        return summarize(
            per_user_metrics(
                scores, split.train if train is None else train, split.test if test_m is None else test_m, k
            ),
            k,
        )

    buyers_val = {
        d: baselines.distinct_buyers(val.history, item_index, n_items, val.cutoff, d)
        for d in baselines.TRENDING_WINDOWS
    }
    trending_val = {
        d: metric_on(val, baselines.broadcast(buyers_val[d], shape[0]))[select] for d in baselines.TRENDING_WINDOWS
    }
    trending_window = max(trending_val, key=lambda d: trending_val[d])
    blend_val = {}
    for window in BLEND_WINDOWS:
        for weight in BLEND_WEIGHTS:
            m = metric_on(val, blended(best_scores, np.log1p(buyers_val[window]), weight))
            blend_val[(window, weight)] = m[f"precision@{k}"] + m[select]  # the served model must win on both
    blend_window, blend_weight = max(blend_val, key=lambda key: blend_val[key])
    log.info("trending window %d d; blend: window %d d, weight %.2f", trending_window, blend_window, blend_weight)

    # -- 3. cold-start policy on the validation window's new customers
    def cold_compare(
        split: Split, model: LightFM, window_for_country: int | None
    ) -> tuple[dict[str, dict[str, np.ndarray]], int, ColdUsers]:
        cold = cold_users(split, user_index, item_index, countries, n_items)
        lfm = profile_scores(model, item_features, country_col, cold)
        buyers = baselines.distinct_buyers(split.history, item_index, n_items, split.cutoff, blend_window)
        per = {
            "profile_model": per_user_metrics(blended(lfm, np.log1p(buyers), blend_weight), cold.profile, cold.truth, k)
        }
        windows = baselines.TRENDING_WINDOWS if window_for_country is None else (window_for_country,)
        best_w, best_v = windows[0], -1.0
        for d in windows:
            counts = baselines.distinct_buyers_by_country(
                split.history, item_index, n_items, split.cutoff, d, countries
            )
            pu = per_user_metrics(np.log1p(country_trending_scores(counts, cold, n_items)), cold.profile, cold.truth, k)
            value = summarize(pu, k)[select]
            if value > best_v:
                best_w, best_v, per["trending_by_country"] = d, value, pu
        glob = baselines.distinct_buyers(split.history, item_index, n_items, split.cutoff, trending_window)
        per["trending"] = per_user_metrics(baselines.broadcast(glob, len(cold.rows)), cold.profile, cold.truth, k)
        return per, best_w, cold

    cold_val, country_window, cold_v = cold_compare(val, best_model, None)
    val_model, val_country = (summarize(cold_val[n], k)[select] for n in ("profile_model", "trending_by_country"))
    # The profile path is served only when it is shown better than trending by country on the
    # validation window: the lower bound of the paired bootstrap interval of the difference above 0.
    val_gap = paired_difference(
        cold_val["profile_model"], cold_val["trending_by_country"], resamples(len(cold_v.rows), n_boot, seed), k
    )[select]
    profile_policy = "model" if val_gap["lo"] > 0 else "trending_by_country"
    log.info(
        "cold start on validation (%d users): model %.4f vs trending by country %.4f (paired %s [%.4f, %.4f]) -> %s",
        len(cold_v.rows),
        val_model,
        val_country,
        select,
        val_gap["lo"],
        val_gap["hi"],
        profile_policy,
    )

    # -- 4. the test window: refit the recipe, measure it and every baseline
    hybrid = fit_on(test, params, True, curve=True)
    no_decay = fit_on(test, {**params, "half_life_days": 0}, True)
    cf_only = fit_on(test, params, False)
    hybrid_s = hybrid_scores(hybrid)

    def buyers(days: int | None) -> np.ndarray:
        return baselines.distinct_buyers(test.history, item_index, n_items, test.cutoff, days)

    rows: dict[str, dict[str, np.ndarray]] = {
        "popularity": per_user_metrics(baselines.broadcast(buyers(None), shape[0]), test.train, test.test, k),
        f"trending ({trending_window} d)": per_user_metrics(
            baselines.broadcast(buyers(trending_window), shape[0]), test.train, test.test, k
        ),
        "item-kNN (cosine)": per_user_metrics(baselines.item_knn_scores(test.train), test.train, test.test, k),
        "LightFM collaborative only": per_user_metrics(lightfm_scores(cf_only, None, None), test.train, test.test, k),
        "LightFM hybrid, no time decay": per_user_metrics(hybrid_scores(no_decay), test.train, test.test, k),
        "LightFM hybrid": per_user_metrics(hybrid_s, test.train, test.test, k),
    }
    served_name = f"served: hybrid + trending ({blend_window} d, weight {blend_weight:g})"
    served = per_user_metrics(blended(hybrid_s, np.log1p(buyers(blend_window)), blend_weight), test.train, test.test, k)
    draws = resamples(len(served["users"]), n_boot, seed)
    table = {name: _row(pu, draws, k) for name, pu in rows.items()}
    table[served_name] = _row(served, draws, k)
    versus = {name: paired_difference(served, pu, draws, k) for name, pu in rows.items()}

    cold_test, _, cold_t = cold_compare(test, hybrid, country_window)
    cold_draws = resamples(len(cold_t.rows), n_boot, seed)
    cold_table = {
        "profile path (LightFM + trending)": _row(cold_test["profile_model"], cold_draws, k),
        f"trending by country ({country_window} d)": _row(cold_test["trending_by_country"], cold_draws, k),
        f"trending ({trending_window} d)": _row(cold_test["trending"], cold_draws, k),
    }
    served_cold = cold_test["profile_model"] if profile_policy == "model" else cold_test["trending_by_country"]
    report = {
        "periods": {
            "train_end": str(periods.train_end),
            "test_start": str(periods.test_start),
            "end": str(periods.end),
        },
        "validation": {
            "pairs": int(val.test.nnz),
            "users": int((np.diff(val.test.indptr) > 0).sum()),
            "search": trials_out,
            "trending": {str(d): v for d, v in trending_val.items()},
            "blend": [{"window": w, "weight": b, f"precision@{k}+{select}": v} for (w, b), v in blend_val.items()],
            "cold_start": {"users": len(cold_v.rows), **{n: summarize(pu, k) for n, pu in cold_val.items()}},
            "selected_by": select,
        },
        "chosen": {
            "params": params,
            "trending_window": trending_window,
            "blend_window": blend_window,
            "blend_weight": blend_weight,
            "profile_policy": profile_policy,
            "country_window": country_window,
        },
        "test": {
            "users": len(served["users"]),
            "pairs": int(test.test.nnz),
            "train_pairs": int(test.train.nnz),
            "models": table,
            "served": served_name,
            "served_minus": versus,
        },
        "cold_start_users": {
            "users": len(cold_t.rows),
            "models": cold_table,
            "served": "profile path (LightFM + trending)"
            if profile_policy == "model"
            else f"trending by country ({country_window} d)",
            "served_minus_trending_by_country": paired_difference(
                served_cold, cold_test["trending_by_country"], cold_draws, k
            ),
        },
        "bootstrap": {"resamples": n_boot, "level": 0.95, "over": "test users"},
    }
    return QualityResult(params, blend_weight, blend_window, trending_window, profile_policy, country_window, report)


def final_blend(
    clean: pd.DataFrame,
    scores: np.ndarray,
    result: QualityResult,
    item_index: dict[str, int],
    countries: dict[str, str],
) -> Blend:
    """The served blend of the final model: its own score spread, buyers counted up to the data's end."""
    end = clean["ts"].max() + pd.Timedelta(seconds=1)
    n_items = len(item_index)
    return Blend(
        model_weight=1.0 / score_spread(scores),
        popularity_weight=result.blend_weight,
        window_days=result.blend_window,
        buyers=baselines.distinct_buyers(clean, item_index, n_items, end, result.blend_window),
        as_of=str(clean["ts"].max().date()),
        profile_policy=result.profile_policy,  # type: ignore[arg-type]
        country_window_days=result.country_window,
        country_buyers=baselines.distinct_buyers_by_country(
            clean, item_index, n_items, end, result.country_window, countries
        ),
    )
