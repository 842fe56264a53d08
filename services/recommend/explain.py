"""Why an item is recommended: the served score split into parts that add up to it exactly.

LightFM represents an item as the mean of its feature embeddings (identity plus attributes), so
with ``w = 1 / (number of features)`` the served score of user vector ``u`` for item ``i`` is

    scale · (u · v_i + b_i) + popularity_i
      = Σ_f scale · w · (u · e_f + b_f)          one part per attribute feature f of the item
        + scale · w · (u · e_id + b_id)          the item's own identity ("its purchase history")
        + popularity_i                           the blend's trending part, log(1 + recent buyers)

(``by_feature``). The same score is also split over the user's own past items (``by_past_item``):
the user vector is written as a non-negative combination of the vectors of the items they bought,
``u = Σ_j α_j v_j + r`` (non-negative least squares), so ``scale · u · v_i = Σ_j scale · α_j · v_j · v_i
+ scale · r · v_i``; the remaining parts are the item's general appeal ``scale · b_i`` and the
popularity part. For a profile (``/recommend_for_profile``) the user vector is exactly the country
vector plus the mean of the recent items, so each recent item's part is exact without a fit.
A trending-by-country fallback is explained by its one part, the country's recent buyers.
Similar items (cosine of item vectors) are split over the similar item's features, flagging the
ones both items share.

Shares are each part's contribution over the sum of absolute contributions of its list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import nnls

from .model import Recommender

TOP_PAST_ITEMS = 3


@dataclass(frozen=True)
class Part:
    kind: str
    name: str
    label: str
    contribution: float
    share: float = 0.0
    shared: bool | None = None


@dataclass(frozen=True)
class Explanation:
    score: float
    scored_by: str
    by_feature: list[Part]
    by_past_item: list[Part] = field(default_factory=list)
    summary: str = ""


def _with_shares(parts: list[Part]) -> list[Part]:
    total = sum(abs(p.contribution) for p in parts) or 1.0
    ordered = sorted(parts, key=lambda p: -p.contribution)
    return [
        Part(p.kind, p.name, p.label, round(p.contribution, 6), round(p.contribution / total, 4), p.shared)
        for p in ordered
    ]


class Labels:
    """Readable names of the model's features (price bands in £, product families by example titles)."""

    def __init__(self, rec: Recommender) -> None:
        self.rec = rec
        edges = rec.attributes.price_edges
        self.price = {}
        for band in range(len(edges) + 1):
            if band == 0:
                text = f"under £{edges[0]:.2f}" if edges else "any price"
            elif band == len(edges):
                text = f"over £{edges[-1]:.2f}"
            else:
                text = f"£{edges[band - 1]:.2f}–£{edges[band]:.2f}"
            self.price[f"price:{band}"] = f"price band {band + 1} of {len(edges) + 1} ({text})"
        self.family: dict[str, str] = {}
        rows = rec.item_attr_rows or []
        buyers = rec.blend.buyers_of(rec.n_items) if rec.blend is not None else np.zeros(rec.n_items)
        best: dict[str, list[tuple[float, int]]] = {}
        for i, attrs in enumerate(rows):
            for name in attrs:
                if name.startswith("cluster:"):
                    best.setdefault(name, []).append((float(buyers[i]), i))
        for name, members in best.items():
            top = [rec.titles[i].title() for _, i in sorted(members, reverse=True)[:2]]
            self.family[name] = "product family of " + " / ".join(f"“{t}”" for t in top)

    def of(self, name: str) -> str:
        if name.startswith("tok:"):
            return f"keyword “{name[4:]}”"
        if name in self.price:
            return self.price[name]
        if name.startswith("cluster:"):
            return self.family.get(name, f"product family {name[8:]}")
        return name


def labels_of(rec: Recommender) -> Labels:
    cached = getattr(rec, "_labels", None)
    if cached is None:
        cached = Labels(rec)
        rec._labels = cached  # type: ignore[attr-defined]
    return cached


def _popularity_part(rec: Recommender, item: int) -> Part | None:
    if rec.blend is None:
        return None
    buyers = int(rec.blend.buyers_of(rec.n_items)[item])
    return Part(
        "popularity",
        f"buyers_last_{rec.blend.window_days}_days",
        f"{buyers} customers bought it in the last {rec.blend.window_days} days",
        float(rec.blend.popularity(rec.n_items)[item]),
    )


def feature_parts(rec: Recommender, user_vec: np.ndarray, item: int) -> list[Part]:
    """The ``by_feature`` split of the served score of ``user_vec`` for ``item``."""
    u = user_vec.astype(np.float64)
    scale = rec.score_scale
    lightfm = scale * (float(u @ rec.item_vecs[item]) + float(rec.item_bias[item]))
    attrs = (rec.item_attr_rows or [[]] * rec.n_items)[item]
    index = {name: j for j, name in enumerate(rec.attributes.feature_names)}
    cols = [(name, index[name]) for name in attrs if name in index]
    weight = 1.0 / (len(cols) + 1)
    labels = labels_of(rec)
    parts = []
    for name, col in cols:
        vec, bias = rec.item_attribute_vecs[col].astype(np.float64), float(rec.item_attribute_bias[col])
        parts.append(Part("item_feature", name, labels.of(name), scale * weight * (float(u @ vec) + bias)))
    own = lightfm - sum(p.contribution for p in parts)
    parts.append(Part("item_itself", rec.item_ids[item], "this product's own purchase history", own))
    popularity = _popularity_part(rec, item)
    return parts + ([popularity] if popularity else [])


def _past_parts(
    rec: Recommender, weights: np.ndarray, past: np.ndarray, rest_vec: np.ndarray, rest: tuple[str, str], item: int
) -> list[Part]:
    scale = rec.score_scale
    v = rec.item_vecs[item].astype(np.float64)
    contrib = scale * weights * (rec.item_vecs[past].astype(np.float64) @ v)
    order = np.argsort(-contrib)
    parts = [
        Part("past_item", rec.item_ids[past[j]], f"you bought “{rec.titles[past[j]].title()}”", float(contrib[j]))
        for j in order[:TOP_PAST_ITEMS]
        if weights[j] > 0
    ]
    others = float(contrib[order[TOP_PAST_ITEMS:]].sum()) + float(
        contrib[order[:TOP_PAST_ITEMS]][weights[order[:TOP_PAST_ITEMS]] <= 0].sum()
    )
    if len(past) > len(parts):
        parts.append(Part("past_item", "other_purchases", "your other purchases", others))
    parts.append(Part(rest[0], rest[0], rest[1], scale * float(rest_vec.astype(np.float64) @ v)))
    parts.append(Part("item_appeal", "item_bias", "the product's general appeal", scale * float(rec.item_bias[item])))
    popularity = _popularity_part(rec, item)
    return parts + ([popularity] if popularity else [])


def _summary(by_feature: list[Part], by_past: list[Part]) -> str:
    bits = []
    features = [p for p in by_feature if p.kind == "item_feature" and p.contribution > 0][:2]
    if features:
        bits.append("it matches " + " and ".join(f"{p.label} ({p.share:.0%} of the score)" for p in features))
    past = [p for p in by_past if p.kind == "past_item" and p.name != "other_purchases" and p.contribution > 0][:1]
    if past:
        bits.append(
            f"it is close to {past[0].label.removeprefix('you bought ')}, which you bought ({past[0].share:.0%})"
        )
    popular = [p for p in by_feature if p.kind in ("popularity", "country_trending")]
    if popular:
        bits.append(f"{popular[0].label} ({popular[0].share:.0%})")
    return ("Recommended because " + "; ".join(bits) + ".") if bits else ""


def explain_user(rec: Recommender, user: str, items: Sequence[int], scores: Sequence[float]) -> list[Explanation]:
    """Explanations of a known user's recommended ``items`` (served ``scores`` given for the record)."""
    row = rec.user_index[user]
    u = rec.user_vecs[row].astype(np.float64)
    past = np.asarray(rec.purchased[row], dtype=np.int64)
    if past.size:
        weights, _ = nnls(rec.item_vecs[past].astype(np.float64).T, u, maxiter=50 * max(past.size, 10))
    else:
        weights = np.zeros(0)
    rest = u - weights @ rec.item_vecs[past].astype(np.float64)
    out = []
    for item, score in zip(items, scores, strict=True):
        by_feature = _with_shares(feature_parts(rec, rec.user_vecs[row], item))
        by_past = _with_shares(
            _past_parts(rec, weights, past, rest, ("taste", "your country and taste beyond these purchases"), item)
        )
        out.append(Explanation(float(score), rec.scored_by, by_feature, by_past, _summary(by_feature, by_past)))
    return out


def explain_profile(
    rec: Recommender,
    country: str | None,
    recent: Sequence[str],
    items: Sequence[int],
    scores: Sequence[float],
    attributes: dict[str, str] | None = None,
) -> list[Explanation]:
    """Explanations for ``/recommend_for_profile`` (model path or the trending-by-country fallback)."""
    if rec.profile_scored_by == "trending_by_country":
        assert rec.blend is not None
        counts, scope = rec.blend.country_counts(country, rec.n_items)
        days = rec.blend.country_window_days
        out = []
        for item, score in zip(items, scores, strict=True):
            part = Part(
                "country_trending",
                f"buyers_in_{scope}_last_{days}_days",
                f"{int(counts[item])} customers in {scope} bought it in the last {days} days",
                float(np.log1p(counts[item])),
            )
            parts = _with_shares([part])
            out.append(Explanation(float(score), "trending_by_country", parts, [], _summary(parts, [])))
        return out
    vec = rec.profile_vector(country, recent, attributes)
    past = np.array([rec.item_index[i] for i in recent], dtype=np.int64)
    weights = np.full(past.size, 1.0 / past.size) if past.size else np.zeros(0)
    base = vec.astype(np.float64) - (weights @ rec.item_vecs[past].astype(np.float64) if past.size else 0.0)
    label = f"customers in {country}" if country in rec.country_vecs else "customers in general"
    out = []
    for item, score in zip(items, scores, strict=True):
        by_feature = _with_shares(feature_parts(rec, vec, item))
        by_past = _with_shares(_past_parts(rec, weights, past, base, ("country", label), item))
        out.append(Explanation(float(score), rec.scored_by, by_feature, by_past, _summary(by_feature, by_past)))
    return out


def explain_similar(rec: Recommender, item: int, similar: Sequence[int], scores: Sequence[float]) -> list[Explanation]:
    """Cosine similarity of ``item`` and each similar item, split over the similar item's features."""
    index = {name: j for j, name in enumerate(rec.attributes.feature_names)}
    rows = rec.item_attr_rows or [[]] * rec.n_items
    mine = set(rows[item])
    labels = labels_of(rec)
    v = rec.item_vecs[item].astype(np.float64)
    out = []
    for other, score in zip(similar, scores, strict=True):
        w = rec.item_vecs[other].astype(np.float64)
        norm = max(float(np.linalg.norm(v)), 1e-8) * max(float(np.linalg.norm(w)), 1e-8)
        cols = [(name, index[name]) for name in rows[other] if name in index]
        weight = 1.0 / (len(cols) + 1)
        parts = [
            Part(
                "item_feature",
                name,
                labels.of(name),
                weight * float(rec.item_attribute_vecs[col].astype(np.float64) @ v) / norm,
                shared=name in mine,
            )
            for name, col in cols
        ]
        cosine = float(v @ w) / norm
        parts.append(
            Part(
                "item_itself",
                rec.item_ids[other],
                "bought by the same kind of customers",
                cosine - sum(p.contribution for p in parts),
            )
        )
        parts = _with_shares(parts)
        shared = [p.label for p in parts if p.shared]
        summary = ("Similar because both have " + ", ".join(shared) + ".") if shared else "Similar in who buys them."
        out.append(Explanation(float(score), "cosine", parts, [], summary))
    return out
