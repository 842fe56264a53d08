"""The serving-side recommender: precomputed user and item vectors, scored with numpy.

Scores are ``user_vec · item_vec + item_bias`` (LightFM's prediction without the user bias, which
does not change a user's ranking), blended with trending popularity when the model carries a
``Blend`` (``blend.py``: a scale and a per-item offset, so still one inner product per item). Above a
configured catalog size a faiss index (``ann.py``, attached at load time) answers instead of the
exact scan. Everything here is read-only once built; online updates build a new ``Recommender`` and
the service swaps it in atomically.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .blend import Blend
from .features import FeatureSpace, ItemAttributes
from .topk import top_k

if TYPE_CHECKING:
    from .ann import MipsIndex

ARRAYS = "recommender.npz"
META = "recommender.json"


@dataclass(frozen=True)
class Recommended:
    item_id: str
    title: str
    score: float
    attributes: dict[str, str] = field(default_factory=dict)
    image_uri: str | None = None


@dataclass(frozen=True)
class NewItem:
    """A catalog item added at run time: scored from its features alone until the next training."""

    item_id: str
    title: str
    price: float | None = None
    description: str | None = None
    category: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    image_uri: str | None = None

    def served_attributes(self) -> dict[str, str]:
        return {**self.attributes, **({"category": self.category} if self.category else {})}


@dataclass
class Recommender:
    item_ids: list[str]
    titles: list[str]
    prices: np.ndarray
    item_vecs: np.ndarray  # (n_items, d)
    item_bias: np.ndarray  # (n_items,)
    user_ids: list[str]
    user_vecs: np.ndarray  # (n_users, d)
    user_country: list[str]
    purchased: list[np.ndarray]  # item indices per user
    country_vecs: dict[str, np.ndarray]
    attributes: ItemAttributes
    item_attribute_vecs: np.ndarray  # (n_item_attributes, d) for folding in new items
    item_attribute_bias: np.ndarray
    metadata: dict[str, object] = field(default_factory=dict)
    item_attributes: list[dict[str, str]] = field(default_factory=list)  # served with each item
    image_uris: list[str | None] = field(default_factory=list)
    blend: Blend | None = None
    item_attr_rows: list[list[str]] | None = None  # attribute features of each item (explanations)
    # Each user's attribute values as ``country_vecs`` keys (online updates keep them); None: country only.
    user_attr_rows: list[list[str]] | None = None

    def __post_init__(self) -> None:
        if len(self.item_attributes) != len(self.item_ids):
            self.item_attributes = [*self.item_attributes, *({} for _ in range(len(self.item_ids)))][
                : len(self.item_ids)
            ]
        if len(self.image_uris) != len(self.item_ids):
            self.image_uris = [*self.image_uris, *([None] * len(self.item_ids))][: len(self.item_ids)]
        self.item_index = {v: i for i, v in enumerate(self.item_ids)}
        self.user_index = {v: i for i, v in enumerate(self.user_ids)}
        norms = np.linalg.norm(self.item_vecs, axis=1, keepdims=True)
        self.item_unit = (self.item_vecs / np.maximum(norms, 1e-8)).astype(np.float32)
        self._attr_space = FeatureSpace((), tuple(self.attributes.feature_names))
        # Served score = scale · (u · v) + offset: the blend folded into one inner product per item.
        self.score_scale = float(self.blend.model_weight) if self.blend else 1.0
        offset = self.score_scale * self.item_bias
        if self.blend is not None:
            offset = offset + self.blend.popularity(self.n_items)
        self.score_offset = offset.astype(np.float32)
        self.index: MipsIndex | None = None  # set by ann.attach_index above the configured catalog size

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def scored_by(self) -> str:
        """How ``recommend`` scores: ``lightfm`` or ``lightfm+trending`` (the blend)."""
        return "lightfm+trending" if self.blend is not None else "lightfm"

    @property
    def profile_scored_by(self) -> str:
        """How ``recommend_for_profiles`` scores: like ``recommend``, or the trending-by-country fallback."""
        if self.blend is not None and self.blend.profile_policy == "trending_by_country":
            return "trending_by_country"
        return self.scored_by

    # -------------------------------------------------------------- scoring
    def _item(self, i: int, score: float) -> Recommended:
        return Recommended(self.item_ids[i], self.titles[i], score, self.item_attributes[i], self.image_uris[i])

    def scores(self, vecs: np.ndarray) -> np.ndarray:
        """Served scores of every item for each row of user vectors (exact)."""
        return self.score_scale * (vecs @ self.item_vecs.T) + self.score_offset[None, :]

    def exact_top_k(
        self, vecs: np.ndarray, k: int, exclude: Sequence[np.ndarray | None]
    ) -> tuple[np.ndarray, np.ndarray]:
        return top_k(self.scores(vecs), k, exclude)

    def _rank(self, vecs: np.ndarray, k: int, exclude: Sequence[np.ndarray | None]) -> list[list[Recommended]]:
        if self.index is not None:
            idx, vals = self.index.search(vecs, k, exclude)
        else:
            idx, vals = self.exact_top_k(vecs, k, exclude)
        return [
            [self._item(int(i), float(s)) for i, s in zip(row_i, row_s, strict=True) if i >= 0]
            for row_i, row_s in zip(idx, vals, strict=True)
        ]

    def recommend(
        self, user_ids: Sequence[str], ks: Sequence[int], exclude_purchased: Sequence[bool]
    ) -> list[list[Recommended]]:
        rows = np.fromiter((self.user_index[u] for u in user_ids), dtype=np.int64, count=len(user_ids))
        exclude = [self.purchased[r] if ex else None for r, ex in zip(rows, exclude_purchased, strict=True)]
        ranked = self._rank(self.user_vecs[rows], max(ks, default=0), exclude)
        return [r[:k] for r, k in zip(ranked, ks, strict=True)]

    def profile_vector(
        self, country: str | None, recent_item_ids: Sequence[str], attributes: dict[str, str] | None = None
    ) -> np.ndarray:
        """A never-seen user: the mean of their known attribute vectors (country, and any other user
        attribute the model was trained with, as ``name: value``) plus the mean vector of recent items."""
        keys = [country] if country else []
        keys += [v if k == "country" else f"{k}:{v}" for k, v in (attributes or {}).items()]
        found = [self.country_vecs[k] for k in keys if k in self.country_vecs]
        d = self.item_vecs.shape[1]
        vec = np.mean(found, axis=0).astype(np.float32) if found else np.zeros(d, dtype=np.float32)
        if recent_item_ids:
            rows = [self.item_index[i] for i in recent_item_ids]
            vec += self.item_vecs[rows].mean(axis=0)
        return vec

    def recommend_for_profiles(
        self,
        profiles: Sequence[tuple[str | None, Sequence[str]] | tuple[str | None, Sequence[str], dict[str, str]]],
        ks: Sequence[int],
    ) -> list[list[Recommended]]:
        """Profiles are (country, recent item ids) or (country, recent item ids, user attributes)."""
        if self.profile_scored_by == "trending_by_country":
            return [self._trending_for(p[0], p[1], k) for p, k in zip(profiles, ks, strict=True)]
        vecs = (
            np.stack([self.profile_vector(*p) for p in profiles])
            if profiles
            else np.zeros((0, self.item_vecs.shape[1]), dtype=np.float32)
        )
        exclude = [np.array([self.item_index[i] for i in p[1]], dtype=np.int64) for p in profiles]
        ranked = self._rank(vecs, max(ks, default=0), exclude)
        return [r[:k] for r, k in zip(ranked, ks, strict=True)]

    def _trending_for(self, country: str | None, recent: Sequence[str], k: int) -> list[Recommended]:
        """The cold-start fallback: distinct recent buyers in the user's country, recent items excluded."""
        assert self.blend is not None
        counts, _ = self.blend.country_counts(country, self.n_items)
        score = np.log1p(counts)
        idx, vals = top_k(score[None, :], k, [np.array([self.item_index[i] for i in recent], dtype=np.int64)])
        return [self._item(int(i), float(s)) for i, s in zip(idx[0], vals[0], strict=True) if i >= 0]

    def similar_items(self, item_ids: Sequence[str], ks: Sequence[int]) -> list[list[Recommended]]:
        rows = np.fromiter((self.item_index[i] for i in item_ids), dtype=np.int64, count=len(item_ids))
        sims = self.item_unit[rows] @ self.item_unit.T
        idx, vals = top_k(sims, max(ks, default=0), [np.array([r]) for r in rows])
        return [
            [self._item(int(i), float(s)) for i, s in zip(ri, rs, strict=True) if i >= 0][:k]
            for ri, rs, k in zip(idx, vals, ks, strict=True)
        ]

    # -------------------------------------------------------------- cold items
    def item_vector_from_features(
        self, title: str, price: float | None, embedding: np.ndarray | None, catalog: Sequence[str] = ()
    ) -> tuple[np.ndarray, float]:
        """Vector and bias of an item never seen in training, from its attributes alone."""
        cols = self._attr_space.row(None, self.attributes.describe(title, price, embedding, catalog))
        if not cols:
            return np.zeros(self.item_vecs.shape[1], dtype=np.float32), float(self.item_bias.mean())
        return self.item_attribute_vecs[cols].mean(axis=0), float(self.item_attribute_bias[cols].mean())

    def catalog_feature_row(self, i: int) -> list[str]:
        """The catalog features (category levels, attributes) of served item ``i``, as training named them."""
        from .features import catalog_feature_names

        attrs = dict(self.item_attributes[i])
        levels = [c.strip() for c in attrs.pop("category", "").split(">") if c.strip()]
        return catalog_feature_names(attrs, levels)

    def vector_for(self, item: NewItem, embedding: np.ndarray | None = None) -> tuple[np.ndarray, float]:
        """An added catalog item's vector from its text, price band, category and attributes."""
        from .features import catalog_feature_names

        text = f"{item.title} {item.description}" if item.description else item.title
        levels = [c.strip() for c in (item.category or "").split(">") if c.strip()]
        return self.item_vector_from_features(
            text, item.price, embedding, catalog_feature_names(item.attributes, levels)
        )

    def with_catalog_items(self, items: Sequence[NewItem]) -> Recommender:
        """A copy with ``items`` added, each scored from its features (ids already served are left as they are)."""
        grown = self.with_items(
            [
                (i.item_id, i.title, i.price if i.price is not None else float("nan"), *self.vector_for(i))
                for i in items
            ],
            [i.served_attributes() for i in items],
            [i.image_uri for i in items],
        )
        return grown

    def with_items(
        self,
        new: Sequence[tuple[str, str, float, np.ndarray, float]],
        attributes: Sequence[dict[str, str]] | None = None,
        image_uris: Sequence[str | None] | None = None,
    ) -> Recommender:
        """A copy with extra items (id, title, price, vector, bias) appended."""
        extras = list(zip(new, attributes or [{}] * len(new), image_uris or [None] * len(new), strict=True))
        extras = [e for e in extras if e[0][0] not in self.item_index]
        new = [e[0] for e in extras]
        if not new:
            return self
        return Recommender(
            item_ids=[*self.item_ids, *(n[0] for n in new)],
            titles=[*self.titles, *(n[1] for n in new)],
            prices=np.concatenate([self.prices, [n[2] for n in new]]),
            item_vecs=np.vstack([self.item_vecs, np.stack([n[3] for n in new])]).astype(np.float32),
            item_bias=np.concatenate([self.item_bias, [n[4] for n in new]]).astype(np.float32),
            user_ids=self.user_ids,
            user_vecs=self.user_vecs,
            user_country=self.user_country,
            purchased=self.purchased,
            country_vecs=self.country_vecs,
            attributes=self.attributes,
            item_attribute_vecs=self.item_attribute_vecs,
            item_attribute_bias=self.item_attribute_bias,
            metadata=self.metadata,
            item_attributes=[*self.item_attributes, *(e[1] for e in extras)],
            image_uris=[*self.image_uris, *(e[2] for e in extras)],
            blend=self.blend,
            item_attr_rows=None if self.item_attr_rows is None else [*self.item_attr_rows, *([[]] * len(new))],
            user_attr_rows=self.user_attr_rows,
        )

    # -------------------------------------------------------------- persistence
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        lengths = np.array([len(p) for p in self.purchased], dtype=np.int64)
        np.savez_compressed(
            folder / ARRAYS,
            prices=self.prices,
            item_vecs=self.item_vecs,
            item_bias=self.item_bias,
            user_vecs=self.user_vecs,
            purchased_flat=np.concatenate(self.purchased) if self.purchased else np.zeros(0, np.int64),
            purchased_len=lengths,
            country_vecs=np.stack(list(self.country_vecs.values())) if self.country_vecs else np.zeros((0, 1)),
            centroids=self.attributes.centroids if self.attributes.centroids is not None else np.zeros((0, 0)),
            item_attribute_vecs=self.item_attribute_vecs,
            item_attribute_bias=self.item_attribute_bias,
        )
        meta = {
            "item_ids": self.item_ids,
            "titles": self.titles,
            "user_ids": self.user_ids,
            "user_country": self.user_country,
            "countries": list(self.country_vecs),
            "vocabulary": list(self.attributes.vocabulary),
            "price_edges": list(self.attributes.price_edges),
            "catalog_features": list(self.attributes.catalog_features),
            "item_attributes": self.item_attributes,
            "image_uris": self.image_uris,
            "metadata": self.metadata,
            "item_attr_rows": self.item_attr_rows,
            "user_attr_rows": self.user_attr_rows,
        }
        (folder / META).write_text(json.dumps(meta))
        if self.blend is not None:
            self.blend.save(folder)

    @classmethod
    def load(cls, folder: Path) -> Recommender:
        meta = json.loads((folder / META).read_text())
        with np.load(folder / ARRAYS, allow_pickle=False) as arrays:
            a = {k: arrays[k] for k in arrays.files}
        bounds = np.concatenate([[0], np.cumsum(a["purchased_len"])])
        purchased = [a["purchased_flat"][bounds[i] : bounds[i + 1]] for i in range(len(a["purchased_len"]))]
        centroids = a["centroids"] if a["centroids"].size else None
        attributes = ItemAttributes(
            tuple(meta["vocabulary"]), tuple(meta["price_edges"]), centroids, tuple(meta.get("catalog_features", ()))
        )
        return cls(
            item_ids=meta["item_ids"],
            titles=meta["titles"],
            prices=a["prices"],
            item_vecs=a["item_vecs"].astype(np.float32),
            item_bias=a["item_bias"].astype(np.float32),
            user_ids=meta["user_ids"],
            user_vecs=a["user_vecs"].astype(np.float32),
            user_country=meta["user_country"],
            purchased=purchased,
            country_vecs={c: a["country_vecs"][i].astype(np.float32) for i, c in enumerate(meta["countries"])},
            attributes=attributes,
            item_attribute_vecs=a["item_attribute_vecs"].astype(np.float32),
            item_attribute_bias=a["item_attribute_bias"].astype(np.float32),
            metadata=meta.get("metadata", {}),
            item_attributes=meta.get("item_attributes", []),
            image_uris=meta.get("image_uris", []),
            blend=Blend.load(folder),
            item_attr_rows=meta.get("item_attr_rows"),
            user_attr_rows=meta.get("user_attr_rows"),
        )
