"""The Markdown report of a run: ratios and targets, the sweep, overload, catalog scale, machine."""

from __future__ import annotations

from collections.abc import Sequence

from .schemas import BenchReport, CatalogResult, EndpointResult, Ratio


def _f(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def ratios_table(ratios: list[Ratio]) -> str:
    rows = []
    for r in ratios:
        target = "–" if r.target is None else f"{r.comparison} {r.target:g}"
        met = "–" if r.met is None else ("met" if r.met else "**missed**")
        rows.append([r.endpoint, r.name, _f(r.value, 2), target, met, r.detail])
    return _table(["endpoint", "ratio", "value", "target", "result", "figures"], rows)


def sweep_table(results: list[EndpointResult]) -> str:
    rows = []
    for result in results:
        for p in sorted(result.points, key=lambda p: (p.concurrency, p.mode)):
            s = p.status
            batch = _f(p.batch.mean_size, 1) if p.batch and p.batch.mean_size else "–"
            rows.append(
                [
                    result.key,
                    p.mode,
                    str(p.concurrency),
                    _f(p.throughput_rps),
                    _f(p.latency_ms.p50),
                    _f(p.latency_ms.p95),
                    _f(p.latency_ms.p99),
                    str(s.s2xx),
                    str(s.s4xx),
                    str(s.s429),
                    str(s.s503),
                    str(s.s504),
                    str(s.s5xx_other + s.client_timeout + s.connection_error),
                    batch,
                    f"{p.load_avg[0]:.2f}",
                ]
            )
    header = ["endpoint", "mode", "conc.", "req/s", "p50 ms", "p95 ms", "p99 ms", "2xx", "4xx", "429", "503"]
    header += ["504", "other", "mean batch", "load 1m"]
    return _table(header, rows)


def ceiling_table(results: list[EndpointResult]) -> str:
    rows = []
    for r in results:
        c = r.ceiling
        b = r.batching
        rows.append(
            [
                r.key,
                str(b.max_batch_size or "–"),
                str(b.max_latency_ms or "–"),
                str(b.workers or "–"),
                str(b.threads or "–"),
                _f(c.items_per_s) if c else "–",
                _f(c.ms_per_batch, 2) if c else "–",
                _f(c.items_per_s_with_validation) if c else "–",
                _f(c.items_per_s_batch1) if c else "–",
                str(c.threads) if c else "–",
            ]
        )
    header = ["endpoint", "max_batch_size", "max_latency_ms", "workers", "threads", "ceiling items/s"]
    header += ["ms/batch", "items/s incl. parsing", "items/s at batch 1", "torch threads"]
    return _table(header, rows)


def overload_table(results: list[EndpointResult]) -> str:
    rows = []
    for r in results:
        o = r.overload
        if o is None:
            continue
        errors = ", ".join(f"{k}={v}" for k, v in o.status.model_dump().items() if v and k != "s2xx") or "none"
        before = r.point("batched", 1)
        after = o.recovery
        recovery = "–"
        if before is not None and after is not None:
            recovery = f"{_f(before.latency_ms.p50)} → {_f(after.latency_ms.p50)}"
        rows.append(
            [
                r.key,
                str(o.saturating_concurrency),
                str(o.concurrency),
                _f(o.throughput_rps),
                _f(o.admitted_latency_ms.p50),
                _f(o.admitted_latency_ms.p99),
                errors,
                "yes" if o.only_429_503 else "**no**",
                recovery,
            ]
        )
    header = ["endpoint", "saturating conc.", "overload conc.", "req/s", "admitted p50 ms", "admitted p99 ms"]
    header += ["errors", "only 429/503", "1 client p50 ms: sweep → right after"]
    return _table(header, rows)


def catalog_table(catalog: CatalogResult) -> str:
    rows = []
    for p in catalog.points:
        params = ", ".join(f"{k}={v}" for k, v in p.params.items()) or "–"
        rows.append(
            [
                f"{p.items:,}",
                p.method,
                params,
                _f(p.build_s, 1),
                f"{p.recall_at_10:.4f}",
                _f(p.latency_ms.p50, 3),
                _f(p.latency_ms.p99, 3),
                _f(p.batch_ms_per_query, 3),
                _f(p.cpu_ms.p99, 3) if p.cpu_ms else "–",
            ]
        )
    header = ["items", "method", "parameters", "build s", "recall@10", "p50 ms", "p99 ms", "ms/query (batch 64)"]
    header += ["CPU p99 ms"]
    return _table(header, rows)


def render(report: BenchReport) -> str:
    m = report.machine
    cfg = report.config
    parts = [
        f"# Benchmark run {report.started_at}",
        "",
        f"Command: `{report.command}`",
        "",
        f"Machine: {m.cpu_model}, {m.usable_cpus} usable of {m.logical_cpus} logical CPUs, {m.memory_gib} GiB RAM, "
        f"{m.platform}, Python {m.python}; GPU: {m.gpu or 'none'}. "
        f"Load average (1/5/15 min) at start {report.load_avg_start}, at end {report.load_avg_end}.",
        "",
        "Versions: "
        + ", ".join(f"{k} {v}" for k, v in m.versions.items())
        + f"; commit {m.git_commit or '?'}"
        + (" (with uncommitted changes)" if m.git_dirty else ""),
        "",
        f"Sweep: concurrency {cfg.levels}, {cfg.seconds:g} s per point after {cfg.warmup_s:g} s warm-up, "
        f"{cfg.items_per_request} item(s) per request, overload {cfg.overload_s:g} s, "
        f"threads {cfg.threads or 'library default'}, model store {cfg.model_store}"
        + (", quick mode (tiny models)" if cfg.quick else "")
        + ".",
        "",
        "## Ratios and targets",
        "",
        ratios_table(report.ratios) if report.ratios else "No ratios (nothing measured).",
        "",
        "## Offline ceiling and batching parameters",
        "",
        ceiling_table(report.endpoints),
        "",
        "## Concurrency sweep",
        "",
        "Latencies over 2xx responses; `other` = other 5xx, client timeouts and connection errors.",
        "",
        sweep_table(report.endpoints),
        "",
        "## Overload (2x the saturating concurrency, batched server)",
        "",
        overload_table(report.endpoints),
    ]
    if report.catalog is not None:
        c = report.catalog
        parts += [
            "",
            "## Catalog scale (recommend top-10)",
            "",
            f"{c.data}; dimension {c.dim}, {c.queries} queries, {c.threads} thread(s); "
            f"load average {c.load_avg_start} → {c.load_avg_end}.",
            "",
            catalog_table(c),
        ]
    if report.errors:
        parts += ["", "## Not measured", ""] + [f"- {e.splitlines()[0]}" for e in report.errors]
    return "\n".join(parts) + "\n"
