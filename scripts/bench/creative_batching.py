"""/generate_image over HTTP on loopback with adaptive batching and without: requests/s, latency
percentiles and the mean batch size, one ``bentoml serve`` per mode (the tiny pipeline on CPU by
default). ``python -m scripts.cli creative bench-batching`` runs it and files the JSON and chart.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .promstats import parse_batch_histogram
from .registry import PROJECT_ROOT

log = logging.getLogger(__name__)


def compare(
    service: str, *, requests: int, concurrency: int, size: int, steps: int, port: int, threads: int
) -> dict[str, Any]:
    """Both modes in turn, and the speed-up of batching."""
    results: dict[str, Any] = {}
    for batching in (True, False):
        env = {
            **os.environ,
            "ADSERVE_BATCHING": str(batching).lower(),
            "ADSERVE_CREATIVE_TORCH_THREADS": str(threads),
            "OMP_NUM_THREADS": str(threads),
            "ADSERVE_CREATIVE_GPUS": "0",
        }
        log.info("starting the server with batching=%s", batching)
        results["batching" if batching else "no_batching"] = _run_load(
            service, env, port, requests, concurrency, size, steps
        )
        log.info("%s", results)
    results["speedup"] = round(results["batching"]["requests_per_s"] / results["no_batching"]["requests_per_s"], 2)
    results["setup"] = {
        "requests": requests,
        "concurrency": concurrency,
        "size": size,
        "steps": steps,
        "threads": threads,
    }
    return results


def _run_load(
    service: str, env: dict[str, str], port: int, total: int, concurrency: int, size: int, steps: int
) -> dict[str, Any]:
    import httpx

    bentoml_bin = str(Path(sys.executable).parent / "bentoml")
    cmd = [bentoml_bin, "serve", service, "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=600) as client:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            else:
                raise RuntimeError("server did not become ready")

            def one(i: int) -> float:
                body = {
                    "requests": [
                        {"prompt": f"product photo {i}", "width": size, "height": size, "steps": steps, "seed": i}
                    ]
                }
                started = time.perf_counter()
                response = client.post("/generate_image", json=body)
                response.raise_for_status()
                return time.perf_counter() - started

            for i in range(2):  # warm-up
                one(10_000 + i)
            started = time.perf_counter()
            with ThreadPoolExecutor(concurrency) as pool:
                latencies = sorted(pool.map(one, range(total)))
            wall = time.perf_counter() - started
            metrics = client.get("/metrics").text
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    return {
        "requests_per_s": round(total / wall, 3),
        "p50_s": round(latencies[len(latencies) // 2], 2),
        "p95_s": round(latencies[int(len(latencies) * 0.95) - 1], 2),
        "wall_s": round(wall, 1),
        "mean_batch_size": _mean_batch_size(metrics),
    }


def _mean_batch_size(metrics: str) -> float | None:
    return parse_batch_histogram(metrics, "generate_image").stats().mean_size


def write_chart(out: Path, bar_chart: Callable[[dict[str, float], Path, str], None]) -> None:
    """requests/s with and without batching for every configuration measured so far."""
    runs = {
        path.stem.removeprefix("batching_"): json.loads(path.read_text())
        for path in sorted(out.glob("batching_*.json"))
    }
    values = {}
    for name, run in runs.items():
        for mode in ("batching", "no_batching"):
            values[f"{name} {mode.replace('_', ' ')}"] = run[mode]["requests_per_s"]
    bar_chart(values, out / "batching.png", "/generate_image requests/s over HTTP, tiny pipeline, CPU")
