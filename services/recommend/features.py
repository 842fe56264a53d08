"""Item and user features for the hybrid model.

Item attributes are extracted from the product text, as LightFM hybrid models expect:
* ``tok:<word>`` keywords of the description (lower-cased, stop words and numbers dropped,
  kept when they occur in at least ``min_df`` products),
* ``price:<band>`` the item's median unit price band (quantiles),
* ``cluster:<c>`` the k-means cluster of the item's MiniLM sentence embedding.
* ``attr:<name>=<value>`` and ``cat:<level>`` the catalog's attributes and category levels
  (values seen on at least ``min_df`` items), when the catalog has them.
Tokens come from the title and, where the catalog has one, the description. Items without a
price have no price band. User attributes: ``<name>:<value>`` for every attribute of the users
table (``country:<name>`` for the shipped data).

Feature matrices are row-normalised like LightFM's ``Dataset`` does; warm items and users also get
an identity feature, cold ones (never seen in training) are described by their attributes alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from services.data.spark.keywords import STOP_WORDS as TITLE_STOP_WORDS
from services.data.spark.keywords import TOKEN_PATTERN

STOP_WORDS = frozenset(TITLE_STOP_WORDS)
TOKEN = re.compile(TOKEN_PATTERN)


def description_tokens(text: str) -> list[str]:
    return [t for t in TOKEN.findall(text.lower()) if t not in STOP_WORDS]


@dataclass(frozen=True)
class ItemAttributes:
    """Attribute vocabulary learned from the catalog: keywords, price-band edges, embedding clusters."""

    vocabulary: tuple[str, ...]
    price_edges: tuple[float, ...]
    centroids: np.ndarray | None
    catalog_features: tuple[str, ...] = ()

    @property
    def feature_names(self) -> list[str]:
        names = [f"tok:{t}" for t in self.vocabulary]
        names += [f"price:{b}" for b in range(len(self.price_edges) + 1)]
        if self.centroids is not None:
            names += [f"cluster:{c}" for c in range(len(self.centroids))]
        names += list(self.catalog_features)
        return names

    def describe(
        self, title: str, price: float | None, embedding: np.ndarray | None, catalog: Sequence[str] = ()
    ) -> list[str]:
        """Feature names of one item: keywords of its text, price band, cluster, catalog attributes."""
        vocab = set(self.vocabulary)
        feats = sorted({f"tok:{t}" for t in description_tokens(title) if t in vocab})
        if price is not None and not np.isnan(price):
            feats.append(f"price:{int(np.searchsorted(self.price_edges, price, side='right'))}")
        if self.centroids is not None and embedding is not None:
            feats.append(f"cluster:{int(np.argmax(self.centroids @ embedding))}")
        if catalog and self.catalog_features:
            known = set(self.catalog_features)
            feats += [f for f in dict.fromkeys(catalog) if f in known]
        return feats


def catalog_feature_names(attributes: dict[str, str], category: Sequence[str] = ()) -> list[str]:
    """``attr:<name>=<value>`` for each attribute and ``cat:<level>`` for each category level (lower case)."""
    names = [f"cat:{level.strip().lower()}" for level in category if level.strip()]
    names += [f"attr:{k.strip().lower()}={str(v).strip().lower()}" for k, v in attributes.items() if str(v).strip()]
    return names


def learn_item_attributes(
    titles: Sequence[str],
    prices: Sequence[float],
    embeddings: np.ndarray | None,
    *,
    min_df: int = 5,
    max_vocab: int = 600,
    price_bands: int = 5,
    clusters: int = 32,
    seed: int = 7,
    catalog: Sequence[Sequence[str]] = (),
    max_catalog_features: int = 2000,
) -> ItemAttributes:
    counts: Counter[str] = Counter()
    for title in titles:
        counts.update(set(description_tokens(title)))
    vocab = tuple(sorted(t for t, n in counts.most_common(max_vocab) if n >= min_df))
    known = np.asarray(prices, dtype=float)
    known = known[~np.isnan(known)]
    qs = np.quantile(known, np.linspace(0, 1, price_bands + 1)[1:-1]) if known.size else np.zeros(0)
    edges = tuple(float(q) for q in np.unique(qs))
    catalog_counts: Counter[str] = Counter()
    for names in catalog:
        catalog_counts.update(set(names))
    catalog_features = tuple(
        sorted(f for f, n in catalog_counts.most_common(max_catalog_features) if n >= min(min_df, 2))
    )
    centroids = None
    if embeddings is not None and len(embeddings) >= clusters:
        from sklearn.cluster import KMeans

        km = KMeans(n_clusters=clusters, n_init=3, random_state=seed).fit(embeddings)
        centroids = km.cluster_centers_ / np.linalg.norm(km.cluster_centers_, axis=1, keepdims=True)
    return ItemAttributes(vocab, edges, None if centroids is None else centroids.astype(np.float32), catalog_features)


@dataclass(frozen=True)
class FeatureSpace:
    """Column layout of the feature matrices: identity features first, then attributes."""

    ids: tuple[str, ...]
    attributes: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_id_index", {v: i for i, v in enumerate(self.ids)})
        object.__setattr__(self, "_attr_index", {v: len(self.ids) + i for i, v in enumerate(self.attributes)})

    @property
    def size(self) -> int:
        return len(self.ids) + len(self.attributes)

    def row(self, entity_id: str | None, attributes: Sequence[str]) -> list[int]:
        cols = [self._attr_index[a] for a in attributes if a in self._attr_index]  # type: ignore[attr-defined]
        if entity_id is not None and entity_id in self._id_index:  # type: ignore[attr-defined]
            cols.insert(0, self._id_index[entity_id])  # type: ignore[attr-defined]
        return cols

    def matrix(self, rows: Sequence[list[int]]) -> sp.csr_matrix:
        """Row-normalised CSR matrix (each row sums to 1, LightFM's convention)."""
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indices: list[int] = []
        data: list[float] = []
        for i, cols in enumerate(rows):
            indices.extend(cols)
            data.extend([1.0 / max(len(cols), 1)] * len(cols))
            indptr[i + 1] = len(indices)
        return sp.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
            shape=(len(rows), self.size),
        )


def item_catalog(clean: pd.DataFrame) -> pd.DataFrame:
    """One row per item: canonical title and median price."""
    grouped = clean.groupby("item_id").agg(title=("title", "first"), price=("price", "median"))
    return grouped.reset_index()


def user_table(clean: pd.DataFrame) -> pd.DataFrame:
    """One row per user: most frequent country."""
    country = clean.groupby("user_id")["country"].agg(lambda s: s.value_counts().index[0])
    return country.rename("country").reset_index()


def user_feature_names(attributes: dict[str, str]) -> list[str]:
    """``<name>:<value>`` for every user attribute with a value."""
    return [f"{k}:{v}" for k, v in attributes.items() if v is not None and str(v) != ""]


EmbedFn = Callable[[list[str]], np.ndarray]
