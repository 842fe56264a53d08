"""Smoke test of the whole benchmark: ``python -m scripts.bench run --quick`` starts real servers with
tiny models and must write a well-formed report. Timings are not checked (the machine is shared)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts.bench.registry import PROJECT_ROOT
from scripts.bench.schemas import BenchReport

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def quick_run(session_dir: Path) -> tuple[Path, float]:
    out = session_dir / "bench-quick"
    env = {k: v for k, v in os.environ.items() if k not in ("BENTOML_HOME", "ADSERVE_BATCHING")}
    env.update(OMP_NUM_THREADS="1", ADSERVE_VAR_DIR=str(session_dir / "bench-var"))
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "scripts.bench", "run", "--quick", "--out", str(out)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out, time.monotonic() - started


def test_quick_run_writes_a_well_formed_report(quick_run: tuple[Path, float]) -> None:
    out, _ = quick_run
    raw = json.loads((out / "bench.json").read_text())
    report = BenchReport.model_validate(raw)
    assert report.config.quick and report.config.levels == [1, 8]
    assert report.errors == []
    assert report.machine.logical_cpus >= 1 and report.machine.versions["bentoml"]
    assert len(report.load_avg_start) == 3
    [result] = report.endpoints
    assert result.key == "recommend.recommend"
    for mode in ("batched", "unbatched", "naive", "noop", "naive_noop"):
        series = result.series(mode)  # type: ignore[arg-type]
        assert [p.concurrency for p in series] == [1, 8], mode
        assert all(p.requests > 0 and p.status.s2xx > 0 for p in series), mode
    assert all(p.batch is not None for p in result.series("batched"))
    assert result.ceiling is not None and result.ceiling.items_per_s > 0
    assert result.batching.max_batch_size and result.batching.max_latency_ms
    assert result.overload is not None and result.overload.concurrency >= 2
    assert result.overload.recovery is not None and result.overload.recovery.concurrency == 1
    names = {r.name for r in report.ratios}
    assert {
        "batched ÷ unbatched req/s",
        "served ÷ offline ceiling",
        "p99 ÷ no-op p99",
        "batched ÷ naive req/s",
    } <= names
    assert report.catalog is not None
    assert {"exact", "hnsw", "ivf-flat", "service-exact"} <= {p.method for p in report.catalog.points}


def test_quick_run_writes_table_and_figures(quick_run: tuple[Path, float]) -> None:
    out, seconds = quick_run
    table = (out / "bench.md").read_text()
    assert "## Ratios and targets" in table and "recommend.recommend" in table
    assert (out / "recommend.recommend.png").stat().st_size > 10_000
    assert (out / "catalog_scale.png").exists() and (out / "ratios.png").exists()
    print(f"quick benchmark wall time: {seconds:.0f}s")
