"""Feedback-store benchmark: acknowledged events per second and latency at 1, 8 and 64 concurrent clients.

``python -m scripts.bench.feedback [--dsn postgresql://…] [--seconds 5] [--batch 1 --batch 10]``

Each client is a thread that appends batches of new events (one ``append`` = one request of
``/feedback``: a transaction committed before it returns) for a fixed time; latency is measured
per acknowledged append. SQLite runs in WAL mode with ``synchronous=FULL`` on a local disk (one
writer at a time); PostgreSQL through the pool (one connection per client) against ``--dsn`` or,
without one, a temporary local server (tests/support/postgres_server.py, ``fsync=on``).
Writes a Markdown table and ``var/reports/bench/feedback.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

import numpy as np
from pydantic import BaseModel, SecretStr

from services.core.feedback import FeedbackStore, LogEvent, open_store
from services.core.feedback.settings import FeedbackStoreSettings
from services.core.settings import get_settings

CLIENTS = (1, 8, 64)


class Result(BaseModel):
    backend: str
    clients: int
    batch: int
    seconds: float
    appends: int
    events_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int


def run(store: FeedbackStore, backend: str, clients: int, batch: int, seconds: float) -> Result:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    stop = threading.Event()

    def client(i: int) -> None:
        prefix = uuid.uuid4().hex[:12]
        n = 0
        start.wait()
        while not stop.is_set():
            events = [
                LogEvent(
                    f"u_{n % 97}", f"item{n % 311}", "view", time.time(), "neutral/navy_gradient", f"{prefix}-{n + j}"
                )
                for j in range(batch)
            ]
            n += batch
            t0 = time.perf_counter()
            try:
                store.append(events)
            except Exception:
                errors[i] += 1
                continue
            latencies[i].append(time.perf_counter() - t0)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(60)
    elapsed = time.perf_counter() - t0
    flat = np.array([x for per in latencies for x in per]) * 1000
    return Result(
        backend=backend,
        clients=clients,
        batch=batch,
        seconds=round(elapsed, 2),
        appends=len(flat),
        events_per_s=round(len(flat) * batch / elapsed, 1),
        p50_ms=round(float(statistics.median(flat)), 2) if len(flat) else 0.0,
        p99_ms=round(float(np.percentile(flat, 99)), 2) if len(flat) else 0.0,
        errors=sum(errors),
    )


def table(results: list[Result]) -> str:
    lines = [
        "| backend | clients | events/append | acknowledged events/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.backend} | {r.clients} | {r.batch} | {r.events_per_s:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.errors} |"
        for r in results
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", help="PostgreSQL to measure; default: a temporary local server.")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--batch", type=int, action="append", help="Events per append (repeatable; default 1 and 10).")
    parser.add_argument("--clients", type=int, action="append", help=f"Concurrent clients (default {CLIENTS}).")
    parser.add_argument("--out", type=Path, default=get_settings().var_dir / "reports" / "bench" / "feedback.json")
    args = parser.parse_args()
    batches, clients = args.batch or [1, 10], args.clients or list(CLIENTS)
    server = None
    dsn = args.dsn
    if dsn is None:
        from tests.support.postgres_server import PostgresServer

        server = PostgresServer().start()
        dsn = server.create_database("bench")
    results: list[Result] = []
    try:
        with tempfile.TemporaryDirectory(prefix="feedback-bench-", dir=get_settings().var_dir) as folder:
            sqlite = FeedbackStoreSettings(dir=Path(folder))
            postgres = FeedbackStoreSettings(dsn=SecretStr(dsn), pool_min_size=1, pool_max_size=max(clients))
            for backend, settings in (("sqlite", sqlite), ("postgres", postgres)):
                with open_store(settings) as store:
                    for batch in batches:
                        for n in clients:
                            result = run(store, backend, n, batch, args.seconds)
                            print(result.model_dump_json())
                            results.append(result)
    finally:
        if server is not None:
            server.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps([r.model_dump() for r in results], indent=2))
    print(table(results))
    print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
