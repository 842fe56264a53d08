"""Online updates of the recommender: fold new interactions into the LightFM model with ``fit_partial``.

LightFM has no API to grow its parameter arrays (its issue #322), so ``OnlineModel.extend`` grows
its public parameter and optimiser arrays (the ones ``artifacts.LIGHTFM_ARRAYS`` saves): new
users and items get identity-feature rows inserted after the existing ones (the attribute rows
keep their meaning and move down). A new item starts from its attributes, as the hybrid model
would describe it cold: its identity row is the mean of its attribute rows, so before any update
it scores like ``Recommender.item_vector_from_features``. New users start from LightFM's usual
random initialisation. Optimiser state (adagrad accumulators) is extended the same way. The
feature matrices are rebuilt as trained: each item's attribute row and each user's attribute values
(country and the others) come from the saved model (``item_attr_rows``, ``user_attr_rows``).

``fold_in`` then trains on the new positives plus a replay sample of historical purchases (so the
update does not forget), keeps the latest ``holdout_fraction`` of new positives out of training,
and compares the candidate with the current model on them (same candidate items, same masks). The
caller promotes the candidate only when the metric did not drop by more than ``max_drop``.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import bentoml
import numpy as np
import scipy.sparse as sp
from lightfm import LightFM

from services.recommend.artifacts import LIGHTFM_ARRAYS, load_lightfm, load_recommender
from services.recommend.evaluation import ranking_metrics
from services.recommend.features import FeatureSpace
from services.recommend.model import Recommender

log = logging.getLogger(__name__)
EmbedFn = Callable[[list[str]], np.ndarray]
Decision = Literal["promote", "rollback", "skip"]


@dataclass(frozen=True)
class Interaction:
    """A positive event: the user interacted with the item at ``ts`` (seconds)."""

    user_id: str
    item_id: str
    ts: float
    item_title: str | None = None
    item_price: float | None = None


@dataclass(frozen=True)
class OnlineConfig:
    epochs: int = 5
    holdout_fraction: float = 0.2
    replay_ratio: float = 2.0
    max_drop: float = 0.02
    metric: str = "auc"
    k: int = 10
    min_holdout_users: int = 5
    num_threads: int = 1
    seed: int = 42


@dataclass
class OnlineModel:
    """A recommender with its LightFM parameters and the feature matrices they were trained with."""

    recommender: Recommender
    lightfm: LightFM
    item_features: sp.csr_matrix
    user_features: sp.csr_matrix
    item_attr_rows: list[list[str]]
    countries: list[str]

    @property
    def n_users(self) -> int:
        return len(self.recommender.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.recommender.item_ids)

    # ------------------------------------------------------------------ loading
    @classmethod
    def from_bentoml(cls, model: bentoml.Model, embed_fn: EmbedFn | None = None, seed: int = 42) -> OnlineModel:
        rec = load_recommender(model)
        return cls.build(rec, load_lightfm(Path(model.path), seed=seed), embed_fn)

    @classmethod
    def build(cls, rec: Recommender, lfm: LightFM, embed_fn: EmbedFn | None = None) -> OnlineModel:
        """Rebuild the training-time feature matrices from the served catalog (same layout as training).

        A model saved with its items' attribute rows (``item_attr_rows``) is rebuilt from them as
        trained; an older one by describing each item again (titles, prices, embeddings).
        """
        if rec.item_attr_rows is not None and len(rec.item_attr_rows) == len(rec.item_ids):
            attr_rows = [list(r) for r in rec.item_attr_rows]
        else:
            embeddings = None
            if rec.attributes.centroids is not None:
                if embed_fn is None:
                    raise ValueError("this model clusters title embeddings: an embedding function is needed")
                embeddings = embed_fn([t.lower() for t in rec.titles])
            # Prices are stored as float32: round back to the data's precision so that an item priced
            # exactly on a price-band edge lands in the same band as in training.
            attr_rows = [
                rec.attributes.describe(
                    t, round(float(p), 4), None if embeddings is None else embeddings[i], rec.catalog_feature_row(i)
                )
                for i, (t, p) in enumerate(zip(rec.titles, rec.prices, strict=True))
            ]
        countries = list(rec.country_vecs)
        online = cls(rec, lfm, sp.csr_matrix((0, 0)), sp.csr_matrix((0, 0)), attr_rows, countries)
        online._rebuild_features()
        if online.item_features.shape[1] != lfm.item_embeddings.shape[0]:
            raise ValueError("item feature layout does not match the LightFM parameters")
        if online.user_features.shape[1] != lfm.user_embeddings.shape[0]:
            raise ValueError("user feature layout does not match the LightFM parameters")
        return online

    def _rebuild_features(self) -> None:
        rec = self.recommender
        item_space = FeatureSpace(tuple(rec.item_ids), tuple(rec.attributes.feature_names))
        self.item_features = item_space.matrix(
            [item_space.row(i, a) for i, a in zip(rec.item_ids, self.item_attr_rows, strict=True)]
        )
        # The user attribute columns in training order (``country_vecs`` keys); every user keeps all
        # of the attribute values it was trained with (a model saved without them: its country).
        user_space = FeatureSpace(tuple(rec.user_ids), tuple(f"attr:{c}" for c in self.countries))
        rows = rec.user_attr_rows or [[c] if c else [] for c in rec.user_country]
        self.user_features = user_space.matrix(
            [user_space.row(u, [f"attr:{v}" for v in values]) for u, values in zip(rec.user_ids, rows, strict=True)]
        )

    # ------------------------------------------------------------------ growing
    def extend(
        self, new_users: Sequence[str], new_items: Sequence[tuple[str, str, float]], seed: int = 42
    ) -> OnlineModel:
        """A copy with extra users (identity only) and items (id, title, price; started from attributes)."""
        rec, lfm = self.recommender, copy.deepcopy(self.lightfm)
        new_users = [u for u in dict.fromkeys(new_users) if u not in rec.user_index]
        new_items = [i for i in {i[0]: i for i in new_items}.values() if i[0] not in rec.item_index]
        rng = np.random.default_rng(seed)
        adagrad = lfm.learning_schedule == "adagrad"
        d = lfm.no_components

        attr_rows = [rec.attributes.describe(title, price, None) for _, title, price in new_items]
        if rec.attributes.centroids is not None and new_items:
            log.info("new items are folded in without their embedding cluster (keywords and price band only)")
        attr_space = FeatureSpace((), tuple(rec.attributes.feature_names))
        feature_bias, feature_emb = lfm.get_item_representations()  # every feature's row
        item_emb, item_bias = [], []
        for attrs in attr_rows:
            cols = [self.n_items + c for c in attr_space.row(None, attrs)]
            if cols:
                item_emb.append(feature_emb[cols].mean(axis=0))
                item_bias.append(float(feature_bias[cols].mean()))
            else:
                item_emb.append(np.zeros(d, dtype=np.float32))
                item_bias.append(float(feature_bias[: self.n_items].mean()))
        user_emb = ((rng.random((len(new_users), d)) - 0.5) / d).astype(np.float32)
        _insert(
            lfm, "item", self.n_items, np.asarray(item_emb, np.float32).reshape(-1, d), np.asarray(item_bias), adagrad
        )
        _insert(lfm, "user", self.n_users, user_emb, np.zeros(len(new_users)), adagrad)

        grown = Recommender(
            item_ids=[*rec.item_ids, *(i[0] for i in new_items)],
            titles=[*rec.titles, *(i[1] for i in new_items)],
            prices=np.concatenate([rec.prices, np.asarray([i[2] for i in new_items], dtype=np.float32)]),
            item_vecs=rec.item_vecs,
            item_bias=rec.item_bias,
            user_ids=[*rec.user_ids, *new_users],
            user_vecs=rec.user_vecs,
            user_country=[*rec.user_country, *([""] * len(new_users))],
            user_attr_rows=None if rec.user_attr_rows is None else [*rec.user_attr_rows, *([[]] * len(new_users))],
            purchased=[*rec.purchased, *([np.zeros(0, np.int64)] * len(new_users))],
            country_vecs=rec.country_vecs,
            attributes=rec.attributes,
            item_attribute_vecs=rec.item_attribute_vecs,
            item_attribute_bias=rec.item_attribute_bias,
            metadata=dict(rec.metadata),
            item_attributes=[*rec.item_attributes, *({} for _ in new_items)],
            image_uris=[*rec.image_uris, *(None for _ in new_items)],
            blend=rec.blend,
            item_attr_rows=[*self.item_attr_rows, *attr_rows],
        )
        online = OnlineModel(
            grown, lfm, self.item_features, self.user_features, [*self.item_attr_rows, *attr_rows], self.countries
        )
        online._rebuild_features()
        return online

    # ------------------------------------------------------------------ training and export
    def interactions(self, pairs: Sequence[tuple[int, int]]) -> sp.csr_matrix:
        rows = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
        cols = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs))
        mat = sp.coo_matrix(
            (np.ones(len(pairs), dtype=np.float32), (rows, cols)), shape=(self.n_users, self.n_items)
        ).tocsr()
        mat.sum_duplicates()
        mat.data[:] = 1.0
        return mat

    def fit_partial(self, mat: sp.csr_matrix, epochs: int, num_threads: int) -> None:
        self.lightfm.fit_partial(
            mat,
            user_features=self.user_features,
            item_features=self.item_features,
            epochs=epochs,
            num_threads=num_threads,
        )

    def to_recommender(self, purchased: list[np.ndarray], metadata: dict[str, Any]) -> Recommender:
        """Serving vectors from the current parameters (as ``training.build_recommender`` computes them)."""
        lfm, rec = self.lightfm, self.recommender
        i_bias, i_emb = lfm.get_item_representations(self.item_features)
        _, u_emb = lfm.get_user_representations(self.user_features)
        # Without features, LightFM returns the parameters of every feature: the rows after the
        # identity block are the attributes (items) and the countries (users).
        f_bias, f_emb = lfm.get_item_representations()
        _, c_emb = lfm.get_user_representations()
        return Recommender(
            item_ids=list(rec.item_ids),
            titles=list(rec.titles),
            prices=rec.prices.astype(np.float32),
            item_vecs=i_emb.astype(np.float32),
            item_bias=i_bias.astype(np.float32),
            user_ids=list(rec.user_ids),
            user_vecs=u_emb.astype(np.float32),
            user_country=list(rec.user_country),
            purchased=purchased,
            country_vecs={c: c_emb[self.n_users + j].astype(np.float32) for j, c in enumerate(self.countries)},
            attributes=rec.attributes,
            item_attribute_vecs=f_emb[self.n_items :].astype(np.float32),
            item_attribute_bias=f_bias[self.n_items :].astype(np.float32),
            metadata=metadata,
            item_attributes=list(rec.item_attributes),
            image_uris=list(rec.image_uris),
            blend=rec.blend,  # the served blend carries over (its buyer counts are those of the last training)
            item_attr_rows=[list(r) for r in self.item_attr_rows],
            user_attr_rows=rec.user_attr_rows,
        )


def _insert(lfm: LightFM, side: str, at: int, emb: np.ndarray, bias: np.ndarray, adagrad: bool) -> None:
    """Insert identity rows at ``at`` into every parameter and optimiser array of one side."""
    if len(emb) == 0:
        return
    start = 1.0 if adagrad else 0.0
    for name in (n for n in LIGHTFM_ARRAYS if n.startswith(side)):
        current = getattr(lfm, name)
        if name.endswith("embeddings"):
            rows = emb
        elif name.endswith("biases"):
            rows = bias
        elif name.endswith("gradients"):
            rows = np.full((len(emb), *current.shape[1:]), start)
        else:
            rows = np.zeros((len(emb), *current.shape[1:]))
        setattr(lfm, name, np.concatenate([current[:at], rows.astype(current.dtype), current[at:]]))


# ---------------------------------------------------------------------- the update
@dataclass
class FoldInResult:
    decision: Decision
    reason: str
    candidate: OnlineModel | None
    recommender: Recommender | None
    metrics_current: dict[str, float] = field(default_factory=dict)
    metrics_candidate: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "reason": self.reason,
            "metrics_current": self.metrics_current,
            "metrics_candidate": self.metrics_candidate,
            "counts": self.counts,
        }


def _scores(rec: Recommender, users: np.ndarray, n_items: int) -> np.ndarray:
    """Served scores (the blend included) of ``users`` for the first ``n_items`` items."""
    return rec.scores(rec.user_vecs[users])[:, :n_items].astype(np.float32)


def fold_in(current: OnlineModel, interactions: Sequence[Interaction], cfg: OnlineConfig) -> FoldInResult:
    """Train a candidate on new positives and decide whether it may replace ``current``."""
    rec = current.recommender
    seen: dict[tuple[str, str], Interaction] = {}
    for it in sorted(interactions, key=lambda i: i.ts):
        seen.setdefault((it.user_id, it.item_id), it)
    titles = {i.item_id: (i.item_title, i.item_price) for i in interactions if i.item_title}
    unknown = {i for _, i in seen if i not in rec.item_index}
    foldable = {i for i in unknown if i in titles}
    pairs = [it for key, it in seen.items() if key[1] not in unknown or key[1] in foldable]
    counts = {
        "events": len(interactions),
        "positive_pairs": len(pairs),
        "new_items": len(foldable),
        "skipped_items_without_features": len(unknown - foldable),
    }
    if not pairs:
        return FoldInResult("skip", "no positive interactions to fold in", None, None, counts=counts)

    n_holdout = round(len(pairs) * cfg.holdout_fraction)
    train, holdout = pairs[: len(pairs) - n_holdout], pairs[len(pairs) - n_holdout :]
    # Held-out pairs the current model can rank (known user and item, not bought before).
    bought = {(u, int(i)) for u, items in enumerate(rec.purchased) for i in items}
    warm = [
        h
        for h in holdout
        if h.user_id in rec.user_index
        and h.item_id in rec.item_index
        and (rec.user_index[h.user_id], rec.item_index[h.item_id]) not in bought
    ]
    counts["train_pairs"], counts["holdout_pairs"] = len(train), len(holdout)
    counts["holdout_users"] = len({h.user_id for h in warm})

    new_users = [it.user_id for it in pairs if it.user_id not in rec.user_index]
    new_items = [(i, titles[i][0] or i, float(titles[i][1] or 0.0)) for i in sorted(foldable)]
    candidate = current.extend(new_users, new_items, seed=cfg.seed)
    counts["new_users"] = candidate.n_users - current.n_users
    cand_rec = candidate.recommender
    train_idx = [(cand_rec.user_index[t.user_id], cand_rec.item_index[t.item_id]) for t in train]
    history = [(u, int(i)) for u, items in enumerate(rec.purchased) for i in items]
    rng = np.random.default_rng(cfg.seed)
    n_replay = min(len(history), round(len(train_idx) * cfg.replay_ratio))
    replay = [history[j] for j in rng.choice(len(history), size=n_replay, replace=False)] if n_replay else []
    counts["replay_pairs"] = n_replay
    if train_idx:
        candidate.fit_partial(candidate.interactions(train_idx + replay), cfg.epochs, cfg.num_threads)

    purchased = [list(p) for p in rec.purchased] + [[] for _ in range(counts["new_users"])]
    for it in pairs:
        purchased[cand_rec.user_index[it.user_id]].append(cand_rec.item_index[it.item_id])
    purchased_arrays = [np.unique(np.asarray(p, dtype=np.int64)) for p in purchased]
    metadata = {**rec.metadata, "online_update": counts}
    new_rec = candidate.to_recommender(purchased_arrays, metadata)

    if counts["holdout_users"] < cfg.min_holdout_users:
        reason = (
            f"only {counts['holdout_users']} held-out users (need {cfg.min_holdout_users}); waiting for more events"
        )
        return FoldInResult("skip", reason, candidate, new_rec, counts=counts)

    users = np.array(sorted({rec.user_index[h.user_id] for h in warm}), dtype=np.int64)
    row_of = {u: r for r, u in enumerate(users)}
    test = sp.coo_matrix(
        (
            np.ones(len(warm), np.float32),
            ([row_of[rec.user_index[h.user_id]] for h in warm], [rec.item_index[h.item_id] for h in warm]),
        ),
        shape=(len(users), current.n_items),
    ).tocsr()
    mask_pairs = [(row_of[u], i) for u, i in bought if u in row_of] + [
        (row_of[u], i) for u, i in train_idx if u in row_of and i < current.n_items
    ]
    mask = sp.coo_matrix(
        (np.ones(len(mask_pairs), np.float32), ([p[0] for p in mask_pairs], [p[1] for p in mask_pairs])),
        shape=test.shape,
    ).tocsr()
    before = ranking_metrics(_scores(rec, users, current.n_items), mask, test, cfg.k)
    after = ranking_metrics(_scores(new_rec, users, current.n_items), mask, test, cfg.k)
    drop = before[cfg.metric] - after[cfg.metric]
    if drop > cfg.max_drop:
        reason = f"{cfg.metric} dropped {drop:.4f} (> {cfg.max_drop}); keeping the current model"
        return FoldInResult("rollback", reason, candidate, new_rec, before, after, counts)
    reason = f"{cfg.metric} {before[cfg.metric]:.4f} -> {after[cfg.metric]:.4f} (allowed drop {cfg.max_drop})"
    return FoldInResult("promote", reason, candidate, new_rec, before, after, counts)
