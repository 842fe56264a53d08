"""A faiss index for large catalogs, built when the model is loaded and checked against exact scoring.

The served score ``scale · (u · v_i) + offset_i`` is a maximum inner product between the query
``[u, 1]`` and the item ``x_i = [scale · v_i, offset_i]``. The usual reduction turns it into nearest
neighbours: items get one more coordinate ``sqrt(M² − |x_i|²)`` (``M`` the largest item norm) and
queries a zero, so the L2 neighbours are the inner-product winners (the catalog benchmark,
``scripts/bench/catalog.py``, measures the same reduction). The index is IVF-Flat.

``attach_index`` builds it above ``ADSERVE_RECOMMEND_ANN_MIN_ITEMS``, measures recall@10 against the
exact answer on a sample of users (purchases excluded, as served), takes the smallest ``nprobe``
reaching ``ADSERVE_RECOMMEND_ANN_MIN_RECALL`` and otherwise logs a warning and leaves exact scoring
on. Searches over-fetch by the number of excluded items so ``exclude_purchased`` and ``k`` hold; a
row left short of ``k`` items is answered exactly. Returned scores are recomputed exactly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .settings import RecommendSettings, get_recommend_settings
from .topk import top_k

if TYPE_CHECKING:
    from .model import Recommender

log = logging.getLogger(__name__)
K = 10
PROBE_FRACTIONS = (1 / 64, 1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2)


def mips_to_l2(items: np.ndarray) -> np.ndarray:
    """Items with the extra coordinate ``sqrt(max_norm² − norm²)``: L2 neighbours = inner-product winners."""
    norms = np.einsum("ij,ij->i", items, items)
    extra = np.sqrt(np.maximum(norms.max() - norms, 0.0)).astype(np.float32)
    return np.ascontiguousarray(np.hstack([items, extra[:, None]]), dtype=np.float32)


def default_nlist(n_items: int) -> int:
    return int(2 ** int(np.log2(max(16.0, 4 * np.sqrt(n_items)))))


@dataclass
class MipsIndex:
    """IVF-Flat over the reduced items of one recommender."""

    index: Any
    scale: float
    item_vecs: np.ndarray
    offset: np.ndarray
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def nprobe(self) -> int:
        return int(self.index.nprobe)

    @nprobe.setter
    def nprobe(self, value: int) -> None:
        self.index.nprobe = int(value)

    def search(self, vecs: np.ndarray, k: int, exclude: Sequence[np.ndarray | None]) -> tuple[np.ndarray, np.ndarray]:
        """Like ``topk.top_k`` over the served scores: indices and exact scores, best first, -1 / -inf padding."""
        n_rows, n_items = len(vecs), self.item_vecs.shape[0]
        k = max(0, min(k, n_items))
        out_idx = np.full((n_rows, k), -1, dtype=np.int64)
        out_val = np.full((n_rows, k), -np.inf, dtype=np.float32)
        if n_rows == 0 or k == 0:
            return out_idx, out_val
        widest = max((len(e) for e in exclude if e is not None), default=0)
        fetch = min(n_items, k + widest)
        queries = np.zeros((n_rows, vecs.shape[1] + 2), dtype=np.float32)
        queries[:, : vecs.shape[1]] = vecs
        queries[:, vecs.shape[1]] = 1.0
        _, labels = self.index.search(queries, fetch)
        for row in range(n_rows):
            found = labels[row][labels[row] >= 0]
            banned = exclude[row] if row < len(exclude) else None
            if banned is not None and len(banned):
                found = found[~np.isin(found, banned)]
            available = n_items - (0 if banned is None else len(np.unique(banned)))
            if len(found) < min(k, available):  # the probed lists ran short: answer this row exactly
                scores = self.scale * (self.item_vecs @ vecs[row]) + self.offset
                idx, val = top_k(scores[None, :], k, [banned])
                out_idx[row], out_val[row] = idx[0], val[0]
                continue
            scores = self.scale * (self.item_vecs[found] @ vecs[row]) + self.offset[found]
            order = np.argsort(-scores, kind="stable")[:k]
            out_idx[row, : order.size] = found[order]
            out_val[row, : order.size] = scores[order]
        return out_idx, out_val


def build_index(rec: Recommender, nlist: int | None = None, seed: int = 0) -> MipsIndex:
    """Train and fill an IVF-Flat index over ``rec``'s served scores (not yet checked)."""
    import faiss

    items = np.hstack([rec.score_scale * rec.item_vecs, rec.score_offset[:, None]]).astype(np.float32)
    data = mips_to_l2(items)
    n, width = data.shape
    nlist = min(nlist or default_nlist(n), n)
    index = faiss.IndexIVFFlat(faiss.IndexFlatL2(width), width, nlist)
    sample = np.random.default_rng(seed).choice(n, size=min(n, 40 * nlist), replace=False)
    index.train(data[sample])
    index.add(data)
    return MipsIndex(index, rec.score_scale, rec.item_vecs, rec.score_offset)


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of the exact top-k each approximate row recovered (rows with no exact item skipped)."""
    shares = []
    for f, t in zip(found, truth, strict=True):
        t = t[t >= 0]
        if t.size:
            shares.append(len(set(f[f >= 0].tolist()) & set(t.tolist())) / t.size)
    return float(np.mean(shares)) if shares else 1.0


def attach_index(rec: Recommender, settings: RecommendSettings | None = None) -> dict[str, Any]:
    """Serve ``rec`` from a faiss index when its catalog is large and the index is accurate enough.

    Returns what was decided (also logged); ``rec.index`` is set only when recall passed.
    """
    settings = settings or get_recommend_settings()
    rec.index = None
    if rec.n_items < settings.ann_min_items:
        return {"scoring": "exact", "reason": f"{rec.n_items} items < {settings.ann_min_items}"}
    import faiss

    faiss.omp_set_num_threads(settings.ann_threads)
    t0 = time.perf_counter()
    index = build_index(rec, settings.ann_nlist, settings.ann_seed)
    build_s = time.perf_counter() - t0
    rng = np.random.default_rng(settings.ann_seed)
    users = rng.choice(len(rec.user_ids), size=min(settings.ann_check_users, len(rec.user_ids)), replace=False)
    vecs = rec.user_vecs[users]
    exclude = [rec.purchased[u] for u in users]
    truth, _ = rec.exact_top_k(vecs, K, exclude)
    nlist = int(index.index.nlist)
    tried: list[dict[str, float]] = []
    for fraction in PROBE_FRACTIONS:
        index.nprobe = max(1, int(nlist * fraction))
        found, _ = index.search(vecs, K, exclude)
        tried.append({"nprobe": index.nprobe, "recall_at_10": round(recall_at_k(found, truth), 4)})
        if tried[-1]["recall_at_10"] >= settings.ann_min_recall:
            break
    report = {
        "items": rec.n_items,
        "nlist": nlist,
        "nprobe": index.nprobe,
        "recall_at_10": tried[-1]["recall_at_10"],
        "check_users": len(users),
        "tried": tried,
        "build_s": round(build_s, 2),
        "min_recall": settings.ann_min_recall,
    }
    if tried[-1]["recall_at_10"] < settings.ann_min_recall:
        log.warning(
            "faiss index over %d items reaches recall@10 %.4f < %.2f on %d users even at nprobe %d/%d; "
            "falling back to exact scoring",
            rec.n_items,
            tried[-1]["recall_at_10"],
            settings.ann_min_recall,
            len(users),
            index.nprobe,
            nlist,
        )
        return {"scoring": "exact", "reason": "index recall below the minimum", **report}
    index.report = report
    rec.index = index
    log.info(
        "faiss IVF-Flat index over %d items (nlist %d, nprobe %d, built in %.1fs): recall@10 %.4f on %d users",
        rec.n_items,
        nlist,
        index.nprobe,
        build_s,
        report["recall_at_10"],
        len(users),
    )
    return {"scoring": "faiss-ivf", **report}
