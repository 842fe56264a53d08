"""Benchmark: the lake pipeline on pandas and on Spark ``local[2]`` at 1x, 10x and 30x the shipped rows.

``python -m scripts.bench.spark_pipeline [--scales 1 10 30] [--timeout-s 900]``

The shipped Online Retail II sheet is replicated with shifted ids and dates (copy ``i``: invoice
``<invoice>-<i>``, customer id + 100,000·i, dates + 371·i days), one Parquet file per copy. Each
run is its own process (a fresh interpreter, and a fresh JVM for Spark); the parent samples the
resident memory of the whole process tree (Python and the JVM) every 0.2 s for the peak, and
takes rows/s as input rows over the pipeline's own seconds (read, clean, features, write; the
Spark session start is reported apart). Writes ``var/reports/bench/spark_pipeline.{json,md,png}``
after every run, so a run cut short still leaves its figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
import psutil

from services.core.settings import get_settings

REPORT_DIR = get_settings().var_dir / "reports" / "bench"
CHILD = """
import json, sys, time
t0 = time.perf_counter()
from services.data.spark.runner import build_lake, spark_session
spark = spark_session() if sys.argv[1] == "spark" else None
started = time.perf_counter() - t0
manifest = build_lake(sys.argv[2], sys.argv[3], sys.argv[1], spark)
print(json.dumps({"startup_s": round(started, 2), "pipeline_s": manifest.seconds, "rows_in": manifest.rows_in,
                  "rows_out": manifest.rows_out, "removed": manifest.removed}))
"""


def replicate(source: Path, copies: int, folder: Path) -> Path:
    """``copies`` shifted copies of the raw sheet, one Parquet file each."""
    out = folder / f"x{copies}"
    if out.exists():
        return out
    out.mkdir(parents=True)
    raw = pd.read_parquet(source)
    stamps = pd.to_datetime(raw["InvoiceDate"])
    for i in range(copies):
        copy = raw.copy()
        if i:
            copy["Invoice"] = copy["Invoice"].astype(str) + f"-{i}"
            copy["Customer ID"] = copy["Customer ID"] + 100_000 * i
            copy["InvoiceDate"] = (stamps + pd.Timedelta(days=371 * i)).dt.strftime("%Y-%m-%d %H:%M:%S")
        copy.to_parquet(out / f"part-{i:04d}.parquet", index=False)
    return out


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def run_once(engine: str, source: Path, lake: Path, timeout_s: float) -> dict[str, Any]:
    env = {**os.environ, "ADSERVE_DATA_SPARK_MASTER": "local[2]", "ADSERVE_DATA_SPARK_DRIVER_MEMORY": "6g"}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, engine, str(source), str(lake)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    proc, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        peak = max(peak, _tree_rss(proc))
        if time.perf_counter() - started > timeout_s:
            for p in [*proc.children(recursive=True), proc]:
                p.kill()
            child.wait()
            return {"engine": engine, "status": f"stopped after {timeout_s:.0f} s", "peak_rss_mib": peak // 2**20}
        time.sleep(0.2)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        return {"engine": engine, "status": f"failed (exit {child.returncode})"}
    result = json.loads((child.stdout.read() if child.stdout else "").strip().splitlines()[-1])
    result |= {
        "engine": engine,
        "status": "ok",
        "wall_s": round(wall, 1),
        "peak_rss_mib": peak // 2**20,
        "rows_per_s": round(result["rows_in"] / result["pipeline_s"]),
    }
    return result


def crossover(results: list[dict[str, Any]]) -> str:
    by_scale: dict[int, dict[str, dict[str, Any]]] = {}
    for r in results:
        by_scale.setdefault(r["scale"], {})[r["engine"]] = r
    for scale in sorted(by_scale):
        runs = by_scale[scale]
        both = all(runs.get(e, {}).get("status") == "ok" for e in ("pandas", "spark"))
        if both and runs["spark"]["rows_per_s"] >= runs["pandas"]["rows_per_s"]:
            return f"Spark local[2] is at least as fast as pandas from {scale}x"
    return "no crossover in the measured scales: pandas is faster at every scale both finished"


def write_reports(results: list[dict[str, Any]], machine: str) -> None:
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    summary = {"machine": machine, "runs": results, "crossover": crossover(results)}
    (REPORT_DIR / "spark_pipeline.json").write_text(json.dumps(summary, indent=2))
    lines = [
        "| scale | engine | rows in | pipeline s | rows/s | peak memory MiB | start-up s | status |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['scale']}x | {r['engine']} | {r.get('rows_in', '')} | {r.get('pipeline_s', '')} | "
            f"{r.get('rows_per_s', '')} | {r.get('peak_rss_mib', '')} | {r.get('startup_s', '')} | {r['status']} |"
        )
    lines += ["", summary["crossover"], "", machine]
    (REPORT_DIR / "spark_pipeline.md").write_text("\n".join(lines) + "\n")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for engine in ("pandas", "spark"):
        ok = [r for r in results if r["engine"] == engine and r["status"] == "ok"]
        ax1.plot([r["rows_in"] for r in ok], [r["rows_per_s"] for r in ok], "o-", label=engine)
        ax2.plot([r["rows_in"] for r in ok], [r["peak_rss_mib"] for r in ok], "o-", label=engine)
    ax1.set(xscale="log", xlabel="input rows", ylabel="rows/s", title="throughput")
    ax2.set(xscale="log", xlabel="input rows", ylabel="peak RSS (MiB)", title="peak memory (process tree)")
    for ax in (ax1, ax2):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(REPORT_DIR / "spark_pipeline.png", dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--engines", nargs="+", default=["pandas", "spark"])
    parser.add_argument("--timeout-s", type=float, default=900.0)
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "adserve-spark-bench")
    args = parser.parse_args()
    from services.data.spark.runner import default_source

    load = os.getloadavg()
    machine = f"{os.cpu_count()} cores, load average {load[0]:.1f} at start (shared machine)"
    results: list[dict[str, Any]] = []
    for scale in args.scales:
        source = replicate(Path(default_source()), scale, args.work_dir)
        for engine in args.engines:
            result = run_once(engine, source, args.work_dir / f"lake-{engine}-x{scale}", args.timeout_s)
            result["scale"] = scale
            results.append(result)
            print(json.dumps(result), flush=True)
            write_reports(results, machine)


if __name__ == "__main__":
    main()
