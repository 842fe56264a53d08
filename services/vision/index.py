"""Visual-similarity index over a product catalog: normalised embeddings, inner-product search.

Exact search with faiss (``IndexFlatIP``); on L2-normalised vectors the score is the cosine
similarity. The index is saved next to the model that produced its embeddings, because vectors
from different models are not comparable.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

EMBEDDINGS_FILE = "embeddings.npy"
ITEMS_FILE = "items.json"


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Row-wise unit vectors (float32); all-zero rows stay zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2:
        raise ValueError(f"expected a 2-d array of vectors, got shape {vectors.shape}")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


@dataclass(frozen=True)
class Match:
    product_id: str
    score: float
    category: str | None


class SimilarityIndex:
    """Catalog of ``product_ids`` (optionally with ``categories``) searchable by image embedding."""

    def __init__(
        self, embeddings: np.ndarray, product_ids: Sequence[str], categories: Sequence[str] | None = None
    ) -> None:
        vectors = l2_normalise(embeddings)
        if len(vectors) != len(product_ids):
            raise ValueError(f"{len(vectors)} embeddings but {len(product_ids)} product ids")
        if len(set(product_ids)) != len(product_ids):
            raise ValueError("product ids must be unique")
        if categories is not None and len(categories) != len(product_ids):
            raise ValueError(f"{len(categories)} categories but {len(product_ids)} product ids")
        if len(vectors) == 0:
            raise ValueError("a catalog needs at least one product")
        self.vectors = vectors
        self.product_ids = list(product_ids)
        self.categories = list(categories) if categories is not None else None
        self.dim = int(vectors.shape[1])
        self._index = faiss.IndexFlatIP(self.dim)
        self._index.add(vectors)

    def __len__(self) -> int:
        return len(self.product_ids)

    def search_raw(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, row indices), both (n, min(k, len)), best first; queries are normalised here."""
        q = l2_normalise(queries)
        if q.shape[1] != self.dim:
            raise ValueError(f"query dimension {q.shape[1]} differs from the index's {self.dim}")
        k = max(1, min(int(k), len(self)))
        if len(q) == 0:
            return np.zeros((0, k), np.float32), np.zeros((0, k), np.int64)
        scores, rows = self._index.search(np.ascontiguousarray(q), k)
        return scores, rows

    def search(self, queries: np.ndarray, k: int) -> list[list[Match]]:
        scores, rows = self.search_raw(queries, k)
        results: list[list[Match]] = []
        for score_row, index_row in zip(scores, rows, strict=True):
            results.append(
                [
                    Match(
                        product_id=self.product_ids[i],
                        score=float(s),
                        category=self.categories[i] if self.categories is not None else None,
                    )
                    for s, i in zip(score_row, index_row, strict=True)
                    if i >= 0
                ]
            )
        return results

    # ------------------------------------------------------------------ persistence
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / EMBEDDINGS_FILE, self.vectors.astype(np.float16))
        items = {"product_ids": self.product_ids, "categories": self.categories}
        (folder / ITEMS_FILE).write_text(json.dumps(items))

    @classmethod
    def load(cls, folder: Path) -> SimilarityIndex:
        vectors = np.load(folder / EMBEDDINGS_FILE, allow_pickle=False).astype(np.float32)
        items = json.loads((folder / ITEMS_FILE).read_text())
        return cls(vectors, items["product_ids"], items.get("categories"))

    @staticmethod
    def exists(folder: Path) -> bool:
        return (folder / EMBEDDINGS_FILE).is_file() and (folder / ITEMS_FILE).is_file()


def precision_at_k(
    index: SimilarityIndex, queries: np.ndarray, query_categories: Sequence[str], k: int = 10
) -> dict[str, float]:
    """Mean share of the top-k neighbours in the query's category: per category and ``overall``."""
    if index.categories is None:
        raise ValueError("precision@k needs a catalog with categories")
    _, rows = index.search_raw(queries, k)
    catalog = np.asarray(index.categories)
    wanted = np.asarray(query_categories)
    hits = (catalog[rows] == wanted[:, None]).mean(axis=1)
    out = {str(cat): float(hits[wanted == cat].mean()) for cat in dict.fromkeys(query_categories)}
    out["overall"] = float(hits.mean()) if len(hits) else 0.0
    return out
