"""Training the hybrid LightFM recommender: features, splits, search, evaluation, model export.

The pipeline: an ingested data set (``services.data``) → item/user features → time-aware selection and the baseline comparison
(``quality``: search, time decay, blend and cold-start policy chosen on a validation window, then
every baseline measured on the test window of the last ``test_days`` with bootstrap intervals) →
a random split and a cold-start evaluation on items held out of training entirely → the final
model refit on all data with the chosen recipe → BentoML model ``recommend-lightfm``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from lightfm import LightFM

from ..blend import Blend
from ..evaluation import lightfm_scores, popularity_scores, ranking_metrics
from ..features import (
    EmbedFn,
    FeatureSpace,
    ItemAttributes,
    catalog_feature_names,
    item_catalog,
    learn_item_attributes,
    user_feature_names,
)
from ..model import Recommender
from . import quality
from .quality import DEFAULT_PARAMS

log = logging.getLogger(__name__)
__all__ = ["DEFAULT_PARAMS", "TrainConfig", "build_recommender", "fit", "prepare", "train_pipeline"]


@dataclass
class TrainConfig:
    k: int = 10
    test_days: int = 30
    validation_days: int = 30
    random_test_fraction: float = 0.2
    cold_item_fraction: float = 0.1
    search_trials: int = 6
    bootstrap_resamples: int = 1000
    max_search_users: int | None = None
    clusters: int = 32
    min_df: int = 5
    num_threads: int = 2
    seed: int = 42
    curve_every: int = 5
    use_embeddings: bool = True


@dataclass
class Prepared:
    """Indexed catalog, users and feature matrices for one data set."""

    items: pd.DataFrame
    users: pd.DataFrame
    attributes: ItemAttributes
    embeddings: np.ndarray | None
    item_space: FeatureSpace
    user_space: FeatureSpace
    item_features: sp.csr_matrix
    user_features: sp.csr_matrix
    item_attr_rows: list[list[str]]
    item_attributes: list[dict[str, str]] = field(default_factory=list)
    image_uris: list[str | None] = field(default_factory=list)
    user_attr_rows: list[list[str]] = field(default_factory=list)  # feature names of each user's attributes
    item_index: dict[str, int] = field(init=False)
    user_index: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.item_index = {v: i for i, v in enumerate(self.items["item_id"])}
        self.user_index = {v: i for i, v in enumerate(self.users["user_id"])}

    def interactions(self, frame: pd.DataFrame) -> sp.csr_matrix:
        """Binary user × item matrix of the purchases in ``frame``."""
        rows = frame["user_id"].map(self.user_index).to_numpy()
        cols = frame["item_id"].map(self.item_index).to_numpy()
        mat = sp.coo_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(self.users), len(self.items))
        ).tocsr()
        mat.data[:] = 1.0
        mat.sum_duplicates()
        mat.data[:] = 1.0
        return mat

    def item_features_for(self, warm: np.ndarray) -> sp.csr_matrix:
        """Item features where only ``warm`` items keep their identity feature (cold ones: attributes only)."""
        warm_set = set(np.flatnonzero(warm).tolist())
        rows = [
            self.item_space.row(item_id if i in warm_set else None, self.item_attr_rows[i])
            for i, item_id in enumerate(self.items["item_id"])
        ]
        return self.item_space.matrix(rows)


CATALOG_COLUMNS = ("item_id", "title", "description", "category", "price", "image_uri", "language")


def _items(clean: pd.DataFrame, catalog: pd.DataFrame | None) -> pd.DataFrame:
    """The items to train: those with interactions (in id order), then catalog items without any."""
    if catalog is None:
        items = item_catalog(clean)
        items["description"] = None
        return items
    seen = set(clean["item_id"])
    catalog = catalog.drop_duplicates("item_id").sort_values("item_id", kind="stable")
    warm = catalog[catalog["item_id"].isin(seen)]
    cold = catalog[~catalog["item_id"].isin(seen)]
    items = pd.concat([warm, cold]).reset_index(drop=True)
    if "price" not in items.columns:
        items["price"] = np.nan
    if "description" not in items.columns:
        items["description"] = None
    return items


def _item_text(items: pd.DataFrame) -> list[str]:
    return [
        f"{t} {d}" if isinstance(d, str) and d else str(t)
        for t, d in zip(items["title"], items["description"], strict=True)
    ]


def _catalog_attributes(items: pd.DataFrame) -> list[dict[str, str]]:
    """Per item the catalog attributes served with it (category included), text values only."""
    extra = [c for c in items.columns if c not in CATALOG_COLUMNS]
    rows: list[dict[str, str]] = []
    for rec in items[[*extra, *(["category"] if "category" in items.columns else [])]].to_dict("records"):
        rows.append({k: str(v) for k, v in rec.items() if isinstance(v, str) and v})
    return rows


def _users(clean: pd.DataFrame, users: pd.DataFrame | None) -> pd.DataFrame:
    """One row per user with interactions (id order) and their attributes, when a users table exists."""
    ids = pd.DataFrame({"user_id": np.sort(clean["user_id"].unique())})
    if users is None:
        if "country" in clean.columns:
            country = clean.groupby("user_id")["country"].agg(lambda s: s.value_counts().index[0])
            ids["country"] = ids["user_id"].map(country).to_numpy()
        return ids
    return ids.merge(users.drop_duplicates("user_id"), on="user_id", how="left")


def prepare(
    clean: pd.DataFrame,
    cfg: TrainConfig,
    embed_fn: EmbedFn | None,
    catalog: pd.DataFrame | None = None,
    users: pd.DataFrame | None = None,
) -> Prepared:
    """Items (catalog rows, else the interactions' titles and prices), users and their feature matrices."""
    items = _items(clean, catalog)
    user_rows = _users(clean, users)
    embeddings = None
    if cfg.use_embeddings and embed_fn is not None:
        log.info("embedding %d product titles with MiniLM", len(items))
        embeddings = embed_fn(items["title"].str.lower().tolist())
    clusters = min(cfg.clusters, max(2, len(items) // 20))
    served_attributes = _catalog_attributes(items)
    catalog_rows = [
        catalog_feature_names({k: v for k, v in a.items() if k != "category"}, _levels(a.get("category")))
        for a in served_attributes
    ]
    texts = _item_text(items)
    prices = items["price"].astype("float64").tolist()
    attributes = learn_item_attributes(
        texts, prices, embeddings, min_df=cfg.min_df, clusters=clusters, seed=cfg.seed, catalog=catalog_rows
    )
    attr_rows = [
        attributes.describe(t, p, None if embeddings is None else embeddings[i], catalog_rows[i])
        for i, (t, p) in enumerate(zip(texts, prices, strict=True))
    ]
    item_space = FeatureSpace(tuple(items["item_id"]), tuple(attributes.feature_names))
    attr_names = [c for c in user_rows.columns if c != "user_id"]
    per_user = [
        user_feature_names({a: v for a, v in zip(attr_names, values, strict=True) if isinstance(v, str)})
        for values in user_rows[attr_names].itertuples(index=False, name=None)
    ]
    user_space = FeatureSpace(tuple(user_rows["user_id"]), tuple(sorted({f for row in per_user for f in row})))
    item_features = item_space.matrix([item_space.row(i, a) for i, a in zip(items["item_id"], attr_rows, strict=True)])
    user_features = user_space.matrix(
        [user_space.row(u, f) for u, f in zip(user_rows["user_id"], per_user, strict=True)]
    )
    if "country" not in user_rows.columns:
        user_rows["country"] = ""
    image_uris = [u if isinstance(u, str) and u else None for u in items.get("image_uri", [None] * len(items))]
    return Prepared(
        items,
        user_rows,
        attributes,
        embeddings,
        item_space,
        user_space,
        item_features,
        user_features,
        attr_rows,
        served_attributes,
        image_uris,
        per_user,
    )


def _levels(category: str | None) -> list[str]:
    return [c.strip() for c in category.split(">") if c.strip()] if category else []


# ---------------------------------------------------------------------- splits
def random_split(mat: sp.csr_matrix, fraction: float, seed: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    coo = mat.tocoo()
    rng = np.random.default_rng(seed)
    is_test = rng.random(coo.nnz) < fraction

    def part(mask: np.ndarray) -> sp.csr_matrix:
        return sp.csr_matrix((coo.data[mask], (coo.row[mask], coo.col[mask])), shape=mat.shape)

    return part(~is_test), part(is_test)


# ---------------------------------------------------------------------- fitting
def make_model(params: dict[str, Any], seed: int) -> LightFM:
    return LightFM(
        loss="warp",
        no_components=int(params["no_components"]),
        learning_rate=float(params["learning_rate"]),
        item_alpha=float(params["item_alpha"]),
        user_alpha=float(params["user_alpha"]),
        random_state=seed,
    )


def fit(
    train: sp.csr_matrix,
    params: dict[str, Any],
    cfg: TrainConfig,
    user_features: sp.csr_matrix | None = None,
    item_features: sp.csr_matrix | None = None,
    on_epoch: Callable[[int, LightFM], None] | None = None,
    sample_weight: sp.coo_matrix | None = None,
) -> LightFM:
    """A LightFM model fitted on ``train`` (COO with ``sample_weight``'s entry order when weights are given)."""
    model = make_model(params, cfg.seed)
    epochs = int(params["epochs"])
    kwargs = {"user_features": user_features, "item_features": item_features, "num_threads": cfg.num_threads}
    if sample_weight is not None:
        kwargs["sample_weight"] = sample_weight
    if on_epoch is None:
        model.fit(train, epochs=epochs, **kwargs)
        return model
    for epoch in range(1, epochs + 1):
        model.fit_partial(train, epochs=1, **kwargs)
        on_epoch(epoch, model)
    return model


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in params.items()}


# ---------------------------------------------------------------------- evaluation
def compare_models(
    train: sp.csr_matrix, test: sp.csr_matrix, prep: Prepared, params: dict[str, Any], cfg: TrainConfig
) -> dict[str, dict[str, float]]:
    """Hybrid vs collaborative-only vs popularity on one split (the random split)."""
    hybrid = fit(train, params, cfg, prep.user_features, prep.item_features)
    cf = fit(train, params, cfg)
    results = {
        "hybrid": ranking_metrics(lightfm_scores(hybrid, prep.user_features, prep.item_features), train, test, cfg.k),
        "cf_only": ranking_metrics(lightfm_scores(cf, None, None), train, test, cfg.k),
        "popularity": ranking_metrics(popularity_scores(train, train.shape[0]), train, test, cfg.k),
    }
    return results


def cold_start_items(
    all_mat: sp.csr_matrix, prep: Prepared, params: dict[str, Any], cfg: TrainConfig
) -> dict[str, dict[str, float]]:
    """Hold items out of training entirely; rank them for each user from their attributes alone."""
    rng = np.random.default_rng(cfg.seed)
    n_items = all_mat.shape[1]
    cold = rng.random(n_items) < cfg.cold_item_fraction
    cold_idx = np.flatnonzero(cold)
    coo = all_mat.tocoo()
    in_cold = cold[coo.col]
    train = sp.csr_matrix((coo.data[~in_cold], (coo.row[~in_cold], coo.col[~in_cold])), shape=all_mat.shape)
    test = sp.csr_matrix((coo.data[in_cold], (coo.row[in_cold], coo.col[in_cold])), shape=all_mat.shape)
    item_features = prep.item_features_for(~cold)
    model = fit(train, params, cfg, prep.user_features, item_features)
    hybrid = ranking_metrics(
        lightfm_scores(model, prep.user_features, item_features), None, test, cfg.k, items=cold_idx
    )
    random_scores = np.random.default_rng(cfg.seed + 1).random((all_mat.shape[0], n_items)).astype(np.float32)
    baseline = ranking_metrics(random_scores, None, test, cfg.k, items=cold_idx)
    return {"hybrid_features_only": hybrid, "random": baseline, "cold_items": {"count": float(cold.sum())}}


# ---------------------------------------------------------------------- export
def build_recommender(
    model: LightFM, mat: sp.csr_matrix, prep: Prepared, metadata: dict[str, Any], blend: Blend | None = None
) -> Recommender:
    """Precompute serving vectors from a fitted hybrid model (with the served blend, when given)."""
    i_bias, i_emb = model.get_item_representations(prep.item_features)
    _, u_emb = model.get_user_representations(prep.user_features)
    n_users, n_items = len(prep.users), len(prep.items)
    country_vecs = {}  # one vector per user attribute value; countries keyed by their name alone
    for name in prep.user_space.attributes:
        col = prep.user_space.row(None, [name])
        country_vecs[name.removeprefix("country:")] = model.user_embeddings[col].mean(axis=0).astype(np.float32)
    attr_cols = np.arange(n_items, prep.item_space.size)
    return Recommender(
        item_ids=prep.items["item_id"].tolist(),
        titles=prep.items["title"].tolist(),
        prices=prep.items["price"].to_numpy(dtype=np.float32),
        item_vecs=i_emb.astype(np.float32),
        item_bias=i_bias.astype(np.float32),
        user_ids=prep.users["user_id"].tolist(),
        user_vecs=u_emb[:n_users].astype(np.float32),
        user_country=prep.users["country"].tolist(),
        purchased=[mat.indices[mat.indptr[u] : mat.indptr[u + 1]].astype(np.int64) for u in range(n_users)],
        country_vecs=country_vecs,
        attributes=prep.attributes,
        item_attribute_vecs=model.item_embeddings[attr_cols].astype(np.float32),
        item_attribute_bias=model.item_biases[attr_cols].astype(np.float32),
        metadata=metadata,
        item_attributes=prep.item_attributes,
        image_uris=prep.image_uris,
        blend=blend,
        item_attr_rows=[list(r) for r in prep.item_attr_rows],
        user_attr_rows=[[f.removeprefix("country:") for f in row] for row in prep.user_attr_rows] or None,
    )


@dataclass
class TrainingResult:
    recommender: Recommender
    model: LightFM
    prepared: Prepared
    interactions: sp.csr_matrix
    report: dict[str, Any]


def train_pipeline(
    clean: pd.DataFrame,
    cfg: TrainConfig,
    embed_fn: EmbedFn | None,
    catalog: pd.DataFrame | None = None,
    users: pd.DataFrame | None = None,
) -> TrainingResult:
    t0 = time.perf_counter()
    prep = prepare(clean, cfg, embed_fn, catalog, users)
    all_mat = prep.interactions(clean)
    countries = dict(zip(prep.users["user_id"], prep.users["country"], strict=True))
    country_col = {
        name.removeprefix("country:"): prep.user_space.row(None, [name])[0]
        for name in prep.user_space.attributes
        if name.startswith("country:")
    }
    history: list[dict[str, float]] = []

    def fit_weighted(
        ones: sp.coo_matrix,
        weights: sp.coo_matrix,
        params: dict[str, Any],
        features: bool,
        on_epoch: Callable[[int, LightFM], None] | None,
    ) -> LightFM:
        uf, itf = (prep.user_features, prep.item_features) if features else (None, None)
        return fit(ones, params, cfg, uf, itf, on_epoch=on_epoch, sample_weight=weights)

    def record(epoch: int, epochs: int, model: LightFM, train: sp.csr_matrix, test: sp.csr_matrix) -> None:
        """The metric-per-epoch curve of the hybrid on the test window."""
        if epoch % cfg.curve_every == 0 or epoch == epochs:
            m = ranking_metrics(lightfm_scores(model, prep.user_features, prep.item_features), train, test, cfg.k)
            history.append({"epoch": epoch, **m})

    chosen = quality.evaluate(
        clean,
        user_index=prep.user_index,
        item_index=prep.item_index,
        countries=countries,
        country_col=country_col,
        interactions=prep.interactions,
        fit=fit_weighted,
        user_features=prep.user_features,
        item_features=prep.item_features,
        test_days=cfg.test_days,
        validation_days=cfg.validation_days,
        trials=cfg.search_trials,
        k=cfg.k,
        seed=cfg.seed,
        n_boot=cfg.bootstrap_resamples,
        on_epoch=record,
    )
    best = chosen.params
    log.info("chosen recipe: %s", chosen.report["chosen"])
    time_results = {name: _point(m) for name, m in chosen.report["test"]["models"].items()}
    rnd_train, rnd_test = random_split(all_mat, cfg.random_test_fraction, cfg.seed)
    random_results = compare_models(rnd_train, rnd_test, prep, best, cfg)
    cold = cold_start_items(all_mat, prep, best, cfg)

    end = clean["ts"].max() + pd.Timedelta(seconds=1)
    ones, weights = quality.decayed_weights(
        clean, prep.user_index, prep.item_index, all_mat.shape, end, float(best["half_life_days"])
    )
    final = fit(ones, best, cfg, prep.user_features, prep.item_features, sample_weight=weights)
    blend = quality.final_blend(
        clean, lightfm_scores(final, prep.user_features, prep.item_features), chosen, prep.item_index, countries
    )
    served_name = chosen.report["test"]["served"]
    report = {
        "best_params": best,
        "search": chosen.report["validation"]["search"],
        "quality": chosen.report,
        "blend": blend.summary(),
        "metrics": {"time_split": time_results, "random_split": random_results, "cold_start_items": cold},
        "curve": history,
        "data": {
            "users": len(prep.users),
            "items": len(prep.items),
            "interactions": int(all_mat.nnz),
            "time_split": {
                "train_pairs": int(chosen.report["test"]["train_pairs"]),
                "test_pairs": int(chosen.report["test"]["pairs"]),
                "test_days": cfg.test_days,
                "validation_days": cfg.validation_days,
            },
            "item_attribute_features": len(prep.attributes.feature_names),
        },
        "train_seconds": round(time.perf_counter() - t0, 1),
    }
    metadata = {
        "params": best,
        "blend": blend.summary(),
        "metrics": {
            "time_split": _point(chosen.report["test"]["models"][served_name]),
            "cold_start_items": cold["hybrid_features_only"],
        },
    }
    recommender = build_recommender(final, all_mat, prep, metadata, blend)
    return TrainingResult(recommender, final, prep, all_mat, report)


def _point(metrics: dict[str, float]) -> dict[str, float]:
    """The point values of a metrics row (without its interval bounds)."""
    return {k: v for k, v in metrics.items() if not k.endswith(("_lo", "_hi"))}
