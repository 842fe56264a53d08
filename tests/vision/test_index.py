"""Similarity index: exact cosine search, persistence, validation, and precision@k."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from services.vision.index import SimilarityIndex, l2_normalise, precision_at_k


def _clusters(n_per: int = 20, dim: int = 16, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, dim)) * 5
    vectors = np.concatenate([c + rng.normal(size=(n_per, dim)) for c in centres])
    return vectors.astype(np.float32), [c for c in "abc" for _ in range(n_per)]


def test_nearest_neighbour_of_a_catalog_vector_is_itself() -> None:
    vectors, cats = _clusters()
    index = SimilarityIndex(vectors, [f"p{i}" for i in range(len(vectors))], cats)
    [matches] = index.search(vectors[7:8] * 3.0, k=5)  # scale does not matter (cosine)
    assert matches[0].product_id == "p7" and matches[0].score == pytest.approx(1.0, abs=1e-5)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert {m.category for m in matches} == {"a"}


def test_k_is_capped_by_the_catalog_size() -> None:
    index = SimilarityIndex(np.eye(3, dtype=np.float32), ["x", "y", "z"])
    [matches] = index.search(np.ones((1, 3)), k=50)
    assert len(matches) == 3 and matches[0].category is None


def test_validation_errors() -> None:
    with pytest.raises(ValueError, match="product ids"):
        SimilarityIndex(np.eye(3), ["a", "b"])
    with pytest.raises(ValueError, match="unique"):
        SimilarityIndex(np.eye(2), ["a", "a"])
    with pytest.raises(ValueError, match="categories"):
        SimilarityIndex(np.eye(2), ["a", "b"], ["c"])
    with pytest.raises(ValueError, match="at least one"):
        SimilarityIndex(np.zeros((0, 4)), [])
    index = SimilarityIndex(np.eye(3), ["a", "b", "c"])
    with pytest.raises(ValueError, match="dimension"):
        index.search(np.ones((1, 4)), 1)


def test_zero_vectors_stay_zero() -> None:
    out = l2_normalise(np.array([[0.0, 0.0], [3.0, 4.0]]))
    assert np.allclose(out, [[0.0, 0.0], [0.6, 0.8]]) and out.dtype == np.float32


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    vectors, cats = _clusters()
    ids = [f"p{i}" for i in range(len(vectors))]
    SimilarityIndex(vectors, ids, cats).save(tmp_path / "catalog")
    assert SimilarityIndex.exists(tmp_path / "catalog") and not SimilarityIndex.exists(tmp_path)
    loaded = SimilarityIndex.load(tmp_path / "catalog")
    assert loaded.product_ids == ids and loaded.categories == cats
    assert loaded.search(vectors[:1], 1)[0][0].product_id == "p0"


def test_precision_at_k_by_category() -> None:
    vectors, cats = _clusters(n_per=30)
    index = SimilarityIndex(vectors[::2], [f"p{i}" for i in range(0, len(vectors), 2)], cats[::2])
    result = precision_at_k(index, vectors[1::2], cats[1::2], k=10)
    assert set(result) == {"a", "b", "c", "overall"}
    assert result["overall"] == pytest.approx(1.0)
    shuffled = precision_at_k(index, vectors[1::2], list(reversed(cats[1::2])), k=10)
    assert shuffled["overall"] < 0.5


def test_precision_needs_categories() -> None:
    with pytest.raises(ValueError, match="categories"):
        precision_at_k(SimilarityIndex(np.eye(2), ["a", "b"]), np.eye(2), ["x", "y"])
