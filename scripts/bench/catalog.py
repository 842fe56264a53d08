"""Catalog scale for recommend: top-10 by exact numpy scoring against two faiss-cpu indexes (HNSW and
IVF-Flat), at 10k, 100k and 1M synthetic items, with recall@10 of each index against the exact answer.

Synthetic items follow the served model: item vectors and biases are drawn from a Gaussian with the
mean and full covariance of the trained model's (vector, bias) pairs, and queries are the model's
real user vectors, so the geometry (anisotropy, norms, bias spread) is the model's own. A single
Gaussian has no cluster structure, which makes it a hard case for approximate search (real
catalogues cluster by category). Without a local model a low-rank Gaussian stands in.

Scores are ``user · item + bias`` (maximum inner product). Both indexes search the usual
reduction to nearest neighbours (``services.recommend.ann.mips_to_l2``): items get an extra
coordinate ``sqrt(max_norm² − norm²)``, queries a zero, so the L2 neighbours are the inner-product
winners. Latency is per single query on one thread unless told otherwise (one request, one core).
Built indexes can be cached (``--cache-dir``).

The ``service-*`` points measure the service's own code path instead: a ``Recommender`` over the
synthetic catalog (the served model's users and purchases, items drawn from the distribution of its
served (vector, offset) pairs, the blend included), its faiss index attached by
``ann.attach_index`` exactly as at load time (recall check and the exact fallback included), and
``Recommender.recommend(user, k=10, exclude_purchased=True)`` timed per request; ``service-exact``
is the same call with the index off.

    python -m scripts.bench.catalog --sizes 10000,100000,1000000 --out catalog.json
    python -m scripts.bench.catalog --sizes 1000000 --service-only --out catalog.json
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from services.recommend.ann import mips_to_l2

from .machine import load_avg
from .schemas import CatalogPoint, CatalogResult
from .stats import latency_summary

log = logging.getLogger(__name__)
K = 10


@dataclass(frozen=True)
class Geometry:
    """Mean and covariance of (vector, bias) rows, and the query vectors."""

    mean: np.ndarray
    cov: np.ndarray
    users: np.ndarray
    source: str

    @property
    def dim(self) -> int:
        return int(self.mean.shape[0] - 1)

    def fingerprint(self) -> str:
        """Short hash of the distribution: cached indexes are reused only for the same geometry."""
        digest = hashlib.sha256(self.mean.astype(np.float64).tobytes() + self.cov.astype(np.float64).tobytes())
        return digest.hexdigest()[:12]


def model_geometry() -> Geometry | None:
    """The served recommender's item (vector, bias) distribution and user vectors, if present locally."""
    from .payloads.context import resolve_model_folder

    folder = resolve_model_folder("recommend_model")
    if folder is None or not (folder / "recommender.npz").exists():
        return None
    with np.load(folder / "recommender.npz", allow_pickle=False) as arrays:
        items = np.hstack([arrays["item_vecs"], arrays["item_bias"][:, None]]).astype(np.float64)
        users = arrays["user_vecs"].astype(np.float32)
    source = f"Gaussian fitted to the {len(items):,} item vectors of {folder.name}; queries: its {len(users):,} users"
    return Geometry(items.mean(0), np.cov(items, rowvar=False), users, source)


def synthetic_geometry(dim: int = 32, seed: int = 0) -> Geometry:
    rng = np.random.default_rng(seed)
    basis, _ = np.linalg.qr(rng.normal(size=(dim + 1, dim + 1)))
    spectrum = 0.5 * (0.8 ** np.arange(dim + 1))
    cov = (basis * spectrum) @ basis.T
    users = rng.multivariate_normal(np.zeros(dim + 1), cov, size=2000)[:, :dim].astype(np.float32)
    return Geometry(np.zeros(dim + 1), cov, users, "low-rank Gaussian (no local recommend model)")


def make_catalog(geo: Geometry, n: int, n_queries: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Items (n, d+1) with the bias as last column, queries (q, d+1) with a trailing 1."""
    rng = np.random.default_rng(seed)
    chol = np.linalg.cholesky(geo.cov + 1e-9 * np.eye(len(geo.mean)))
    items = np.empty((n, len(geo.mean)), dtype=np.float32)
    for start in range(0, n, 200_000):  # in chunks: a float64 draw of 1M rows at once is needlessly large
        size = min(200_000, n - start)
        items[start : start + size] = geo.mean + rng.standard_normal((size, len(geo.mean))) @ chol.T
    users = geo.users[rng.integers(0, len(geo.users), size=n_queries)]
    queries = np.hstack([users, np.ones((n_queries, 1), dtype=np.float32)]).astype(np.float32)
    return np.ascontiguousarray(items), queries


def exact_top_k(items: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """What the service does: all scores, then argpartition + sort of the winners."""
    from services.recommend.topk import top_k

    idx, _ = top_k(queries @ items.T, K)
    return idx


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f[f >= 0]) & set(t)) / K for f, t in zip(found, truth, strict=True)]))


def _timed_each(fn: Callable[[np.ndarray], np.ndarray], queries: np.ndarray) -> tuple[list[float], np.ndarray]:
    times, rows = [], []
    for i in range(len(queries)):
        t0 = time.perf_counter()
        rows.append(fn(queries[i : i + 1]))
        times.append(time.perf_counter() - t0)
    return times, np.vstack(rows)


def bench_size(
    geo: Geometry,
    n: int,
    *,
    n_queries: int,
    ef_search: list[int],
    m: int,
    ef_construction: int,
    seed: int,
    cache_dir: Path | None,
) -> list[CatalogPoint]:

    items, queries = make_catalog(geo, n, n_queries, seed)
    dim = items.shape[1] - 1
    times, truth = _timed_each(lambda q: exact_top_k(items, q), queries)
    t0 = time.perf_counter()
    batch = 64
    for start in range(0, len(queries), batch):
        exact_top_k(items, queries[start : start + batch])
    exact_batch = 1000 * (time.perf_counter() - t0) / len(queries)
    points = [
        CatalogPoint(
            items=n,
            dim=dim,
            method="exact",
            recall_at_10=1.0,
            latency_ms=latency_summary(times),
            queries=n_queries,
            batch_ms_per_query=round(exact_batch, 4),
        )
    ]
    log.info("catalog %d: exact p50 %.2f ms", n, points[0].latency_ms.p50 or 0)

    padded = np.hstack([queries, np.zeros((len(queries), 1), dtype=np.float32)])
    hnsw, hnsw_build, hnsw_note = _hnsw_index(geo, items, m, ef_construction, seed, cache_dir)
    for ef in ef_search:
        hnsw.hnsw.efSearch = ef
        params: dict[str, float | int | str] = {"M": m, "efConstruction": ef_construction, "efSearch": ef}
        points.append(_ann_point(hnsw, "hnsw", {**params, "index": hnsw_note}, hnsw_build, padded, truth, n, dim))
    ivf, ivf_build, ivf_note = _ivf_index(geo, items, seed, cache_dir)
    for fraction in IVF_PROBE_FRACTIONS:
        ivf.nprobe = max(1, int(ivf.nlist * fraction))
        params = {"nlist": int(ivf.nlist), "nprobe": int(ivf.nprobe), "index": ivf_note}
        points.append(_ann_point(ivf, "ivf-flat", params, ivf_build, padded, truth, n, dim))
    return points


IVF_PROBE_FRACTIONS = (1 / 64, 1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2)


def _ann_point(
    index: Any,
    method: str,
    params: dict[str, float | int | str],
    build_s: float,
    padded: np.ndarray,
    truth: np.ndarray,
    n: int,
    dim: int,
) -> CatalogPoint:
    """Recall and single-query latency of one index setting (plus per-query time in batches of 64)."""
    search = index.search
    search(padded[:8], K)  # warm-up
    times, found = _timed_each(lambda q: search(q, K)[1], padded)
    t0 = time.perf_counter()
    for start in range(0, len(padded), 64):
        search(padded[start : start + 64], K)
    batch_ms = 1000 * (time.perf_counter() - t0) / len(padded)
    point = CatalogPoint(
        items=n,
        dim=dim,
        method=method,
        params=params,
        build_s=round(build_s, 2),
        recall_at_10=round(recall(found, truth), 4),
        latency_ms=latency_summary(times),
        queries=len(padded),
        batch_ms_per_query=round(batch_ms, 4),
    )
    shown = ", ".join(f"{k}={v}" for k, v in params.items() if k != "index")
    log.info(
        "catalog %d: %s %s recall@10 %.4f p50 %.3f ms", n, method, shown, point.recall_at_10, point.latency_ms.p50 or 0
    )
    return point


def _cached(cache_dir: Path | None, name: str, build: Callable[[], Any]) -> tuple[Any, float, str]:
    """An index from the cache folder, or built (and cached); with the build seconds."""
    import faiss

    cache = cache_dir / name if cache_dir else None
    t0 = time.perf_counter()
    if cache is not None and cache.exists():
        return faiss.read_index(str(cache)), 0.0, "cached"
    index = build()
    build_s = time.perf_counter() - t0
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        faiss.write_index(index, str(cache))
    return index, build_s, f"built in {build_s:.0f}s"


def _hnsw_index(
    geo: Geometry, items: np.ndarray, m: int, ef_construction: int, seed: int, cache_dir: Path | None
) -> tuple[Any, float, str]:
    import faiss

    n, width = items.shape[0], items.shape[1] + 1

    def build() -> Any:
        index = faiss.IndexHNSWFlat(width, m)
        index.hnsw.efConstruction = ef_construction
        data = mips_to_l2(items)
        for start in range(0, n, 100_000):
            index.add(data[start : start + 100_000])
            if n > 100_000:
                log.info("catalog %d: HNSW %d/%d items added", n, min(n, start + 100_000), n)
        return index

    name = f"hnsw-{geo.fingerprint()}-{n}-{m}-{ef_construction}-{seed}.faiss"
    index, build_s, note = _cached(cache_dir, name, build)
    log.info("catalog %d: HNSW %s", n, note)
    return index, build_s, note


def _ivf_index(geo: Geometry, items: np.ndarray, seed: int, cache_dir: Path | None) -> tuple[Any, float, str]:
    """IVF-Flat over the same MIPS->L2 transform: nlist = the power of two at or below 4·sqrt(n)."""
    import faiss

    n, width = items.shape[0], items.shape[1] + 1
    nlist = 2 ** int(np.log2(max(16.0, 4 * np.sqrt(n))))

    def build() -> Any:
        data = mips_to_l2(items)
        index = faiss.IndexIVFFlat(faiss.IndexFlatL2(width), width, nlist)
        sample = np.random.default_rng(seed).choice(n, size=min(n, 40 * nlist), replace=False)
        index.train(data[sample])
        index.add(data)
        return index

    name = f"ivf-{geo.fingerprint()}-{n}-{nlist}-{seed}.faiss"
    index, build_s, note = _cached(cache_dir, name, build)
    log.info("catalog %d: IVF-Flat (nlist %d) %s", n, nlist, note)
    return index, build_s, note


def service_path(n: int, *, n_queries: int, seed: int, min_recall: float = 0.95) -> list[CatalogPoint]:
    """``Recommender.recommend`` over ``n`` synthetic items, with the index ``attach_index`` builds and without."""
    import dataclasses

    from services.recommend.ann import attach_index
    from services.recommend.model import Recommender
    from services.recommend.settings import RecommendSettings

    from .payloads.context import resolve_model_folder

    folder = resolve_model_folder("recommend_model")
    if folder is None:
        raise SystemExit("the service-path benchmark needs a local recommend model (train one first)")
    base = Recommender.load(folder)
    served = np.hstack([base.item_vecs, (base.score_offset / base.score_scale)[:, None]]).astype(np.float64)
    geo = Geometry(served.mean(0), np.cov(served, rowvar=False), base.user_vecs, "served model")
    items, _ = make_catalog(geo, n, 1, seed)
    rec = dataclasses.replace(
        base,
        item_ids=[f"S{i}" for i in range(n)],
        titles=[""] * n,
        prices=np.ones(n, np.float32),
        item_vecs=np.ascontiguousarray(items[:, :-1]),
        item_bias=np.ascontiguousarray(items[:, -1]),
        blend=None,  # the blend's offset is already in the drawn biases
        item_attr_rows=None,
    )
    del items
    settings = RecommendSettings(ann_min_items=1, ann_min_recall=min_recall, ann_seed=seed)
    decision = attach_index(rec, settings)
    log.info("catalog %d: service index: %s", n, {k: v for k, v in decision.items() if k != "tried"})
    users = [rec.user_ids[u] for u in np.random.default_rng(seed + 1).integers(0, len(rec.user_ids), n_queries)]
    index = rec.index

    def timed() -> tuple[list[float], list[float], np.ndarray]:
        rec.recommend(users[:4], [K] * 4, [True] * 4)  # warm-up
        times, cpu, rows = [], [], []
        for user in users:
            c0, t0 = time.thread_time(), time.perf_counter()
            [items_out] = rec.recommend([user], [K], [True])
            times.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
            rows.append([rec.item_index[r.item_id] for r in items_out])
        return times, cpu, np.array(rows, dtype=np.int64)

    rec.index = None
    exact_times, exact_cpu, truth = timed()
    points = [
        CatalogPoint(
            items=n,
            dim=rec.item_vecs.shape[1],
            method="service-exact",
            recall_at_10=1.0,
            latency_ms=latency_summary(exact_times),
            cpu_ms=latency_summary(exact_cpu),
            queries=n_queries,
        )
    ]
    if index is not None:
        rec.index = index
        ann_times, ann_cpu, found = timed()
        params: dict[str, float | int | str] = {
            "nlist": decision["nlist"],
            "nprobe": decision["nprobe"],
            "load-time recall": decision["recall_at_10"],
            "check users": decision["check_users"],
        }
        points.append(
            CatalogPoint(
                items=n,
                dim=rec.item_vecs.shape[1],
                method="service-ivf",
                params=params,
                build_s=float(decision["build_s"]),
                recall_at_10=round(recall(found, truth), 4),
                latency_ms=latency_summary(ann_times),
                cpu_ms=latency_summary(ann_cpu),
                queries=n_queries,
            )
        )
    for p in points:
        log.info(
            "catalog %d: %s recall@10 %.4f p50 %.3f p99 %.3f ms",
            n,
            p.method,
            p.recall_at_10,
            p.latency_ms.p50 or 0,
            p.latency_ms.p99 or 0,
        )
    return points


def run_catalog(
    sizes: list[int],
    *,
    n_queries: int = 200,
    ef_search: list[int] | None = None,
    m: int = 32,
    ef_construction: int = 80,
    threads: int = 1,
    seed: int = 0,
    cache_dir: Path | None = None,
    service: bool = True,
    service_only: bool = False,
) -> CatalogResult:
    import faiss

    faiss.omp_set_num_threads(threads)
    started = load_avg()
    geo = model_geometry() or synthetic_geometry()
    points: list[CatalogPoint] = []
    for n in sizes:
        if service or service_only:
            points += service_path(n, n_queries=n_queries, seed=seed)
        if service_only:
            continue
        points += bench_size(
            geo,
            n,
            n_queries=n_queries,
            ef_search=ef_search or [64, 128, 256, 512, 1024, 2048],
            m=m,
            ef_construction=ef_construction,
            seed=seed,
            cache_dir=cache_dir,
        )
    return CatalogResult(
        dim=geo.dim,
        queries=n_queries,
        threads=threads,
        data=geo.source,
        points=points,
        load_avg_start=started,
        load_avg_end=load_avg(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="recommend top-10 at catalog scale: exact vs HNSW")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ef-search", default="64,128,256,512,1024,2048")
    parser.add_argument("--m", type=int, default=32)
    parser.add_argument("--ef-construction", type=int, default=80)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--service-only", action="store_true", help="Only the service's own code path.")
    parser.add_argument("--no-service", action="store_true", help="Skip the service's own code path.")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    result = run_catalog(
        [int(s) for s in args.sizes.split(",")],
        n_queries=args.queries,
        ef_search=[int(s) for s in args.ef_search.split(",")],
        m=args.m,
        ef_construction=args.ef_construction,
        threads=args.threads,
        cache_dir=args.cache_dir,
        service=not args.no_service,
        service_only=args.service_only,
    )
    args.out.write_text(result.model_dump_json(indent=1))


if __name__ == "__main__":
    main()
