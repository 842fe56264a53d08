"""PNG figures of a run: per endpoint, throughput and latency percentiles against concurrency with
batched, unbatched, naive and the offline ceiling on the same axes; catalog-scale latency/recall."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import NullLocator

from .schemas import BenchReport, CatalogResult, EndpointResult, Mode

COLOURS = {
    "batched": "#1f77b4",
    "unbatched": "#d62728",
    "naive": "#7f7f7f",
    "noop": "#2ca02c",
    "naive_noop": "#bcbd22",
}
LABELS = {"batched": "BentoML, adaptive batching", "unbatched": "BentoML, batching off", "naive": "naive Starlette"}


def endpoint_figure(result: EndpointResult, out: Path, subtitle: str) -> Path:
    fig, (ax_t, ax_l) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=90)
    modes: tuple[Mode, ...] = ("batched", "unbatched", "naive")
    for mode in modes:
        series = result.series(mode)
        if not series:
            continue
        xs = [p.concurrency for p in series]
        ax_t.plot(xs, [p.throughput_rps for p in series], "o-", color=COLOURS[mode], label=LABELS[mode])
        for pct, style in (("p50", ":"), ("p95", "--"), ("p99", "-")):
            ys = [getattr(p.latency_ms, pct) for p in series]
            if any(y is not None for y in ys):
                ax_l.plot(
                    xs,
                    [float("nan") if y is None else y for y in ys],
                    style,
                    marker="o",
                    ms=3,
                    color=COLOURS[mode],
                    label=f"{mode} {pct}",
                )
    floors: tuple[tuple[Mode, str], ...] = (("noop", "BentoML no-op"), ("naive_noop", "Starlette no-op"))
    for mode, label in floors:
        floor = result.series(mode)
        if not floor:
            continue
        xs = [p.concurrency for p in floor]
        ax_l.plot(
            xs,
            [p.latency_ms.p99 or float("nan") for p in floor],
            "-",
            marker="s",
            ms=3,
            color=COLOURS[mode],
            label=f"{label} p99",
        )
        ax_t.plot(
            xs,
            [p.throughput_rps for p in floor],
            ":",
            marker="s",
            ms=3,
            color=COLOURS[mode],
            label=f"{label} (HTTP floor)",
        )
    if result.ceiling is not None:
        ax_t.axhline(result.ceiling.items_per_s, color="black", ls="--", lw=1, label="offline ceiling (items/s)")
    levels = sorted({p.concurrency for p in result.points})
    for ax in (ax_t, ax_l):
        ax.set_xscale("log", base=2)
        ax.set_xticks(levels, [str(c) for c in levels])
        ax.xaxis.set_minor_locator(NullLocator())
    ax_t.set_yscale("log")
    ax_t.set_xlabel("concurrent clients")
    ax_t.set_ylabel("requests/s (1 item each, log scale)")
    ax_t.set_title("throughput")
    ax_t.grid(alpha=0.3, which="both")
    ax_t.legend(fontsize=7)
    ax_l.set_yscale("log")
    ax_l.set_xlabel("concurrent clients")
    ax_l.set_ylabel("latency (ms)")
    ax_l.set_title("latency percentiles")
    ax_l.grid(alpha=0.3, which="both")
    ax_l.legend(fontsize=6, ncol=2)
    fig.suptitle(f"{result.key} ({result.path}) — {subtitle}", fontsize=10)
    fig.tight_layout()
    path = out / f"{result.key}.png"
    fig.savefig(path)
    plt.close(fig)
    return path


def catalog_figure(catalog: CatalogResult, out: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=90)
    sizes = sorted({p.items for p in catalog.points})
    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
    styles = {"hnsw": ("o", "-"), "ivf-flat": ("s", "--")}
    for i, size in enumerate(sizes):
        colour = colours[i % len(colours)]
        for method, (marker, line) in styles.items():
            pts = sorted(
                (p for p in catalog.points if p.items == size and p.method == method), key=lambda p: p.recall_at_10
            )
            if pts:
                ax.plot(
                    [p.recall_at_10 for p in pts],
                    [p.latency_ms.p50 or float("nan") for p in pts],
                    marker=marker,
                    ls=line,
                    color=colour,
                    label=f"{method}, {size:,} items",
                )
        for p in (p for p in catalog.points if p.items == size and p.method == "exact"):
            ax.scatter([1.0], [p.latency_ms.p50], marker="*", s=140, color=colour, label=f"exact numpy, {size:,} items")
        for p in (p for p in catalog.points if p.items == size and p.method == "service-ivf"):
            ax.scatter(
                [p.recall_at_10],
                [p.latency_ms.p99],
                marker="D",
                s=60,
                color=colour,
                edgecolor="black",
                label=f"service path, faiss (p99), {size:,} items",
            )
        for p in (p for p in catalog.points if p.items == size and p.method == "service-exact"):
            ax.scatter(
                [1.0],
                [p.latency_ms.p99],
                marker="X",
                s=80,
                color=colour,
                edgecolor="black",
                label=f"service path, exact (p99), {size:,} items",
            )
    ax.axhline(10, color="grey", ls=":", lw=1)
    ax.axvline(0.95, color="grey", ls=":", lw=1)
    ax.set_yscale("log")
    ax.set_xlabel("recall@10 against exact")
    ax.set_ylabel("latency per query, 1 thread (ms; p50, service points p99)")
    ax.set_title("recommend top-10 at catalog scale (goal: < 10 ms at recall ≥ 0.95)", fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=6.5, ncol=2)
    fig.tight_layout()
    path = out / "catalog_scale.png"
    fig.savefig(path)
    plt.close(fig)
    return path


def ratio_figure(report: BenchReport, out: Path) -> Path | None:
    ratios = [r for r in report.ratios if r.value is not None]
    if not ratios:
        return None
    fig, ax = plt.subplots(figsize=(9, 0.35 * len(ratios) + 1.2), dpi=90)
    labels = [f"{r.endpoint}: {r.name}" for r in ratios]
    colours = ["#2ca02c" if r.met else ("#d62728" if r.met is False else "#7f7f7f") for r in ratios]
    ax.barh(range(len(ratios)), [r.value or 0.0 for r in ratios], color=colours)
    for i, r in enumerate(ratios):
        if r.target is not None:
            ax.plot([r.target, r.target], [i - 0.4, i + 0.4], color="black", lw=1.5)
    ax.set_yticks(range(len(ratios)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("ratio (black tick: target; green met, red missed, grey no target)")
    ax.grid(alpha=0.3, axis="x", which="both")
    fig.tight_layout()
    path = out / "ratios.png"
    fig.savefig(path)
    plt.close(fig)
    return path


def write_all(report: BenchReport, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    subtitle = (
        f"load avg {report.load_avg_start[0]:.1f}→{report.load_avg_end[0]:.1f}, {report.machine.usable_cpus} CPUs"
    )
    paths = [endpoint_figure(r, out, subtitle) for r in report.endpoints if r.points]
    ratio = ratio_figure(report, out)
    if ratio is not None:
        paths.append(ratio)
    if report.catalog is not None:
        paths.append(catalog_figure(report.catalog, out))
    return paths
