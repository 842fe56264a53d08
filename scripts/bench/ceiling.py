"""The offline ceiling: the served runtime called in-process on full batches, in items per second.

Runs in its own process (same environment and thread settings as the server) so the model's
memory and threads never mix with the load generator's:

    python -m scripts.bench.ceiling --target services.vision.service:VisionService --api embed \
        --bodies bodies.json --seconds 5 --out ceiling.json

Bodies are validated once, before timing, and their items cut into batches of the API's
``max_batch_size``; the timed loop is the API function alone. A second figure includes the JSON
parsing and validation of every request (what the server does per request before batching).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from .inprocess import ApiCall, api_call, load_service, start_instance
from .schemas import BatchingConfig, CeilingResult


def _threads() -> int:
    try:
        import torch

        return int(torch.get_num_threads())
    except ImportError:
        return int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1))


def measure(call: ApiCall, instance: Any, raw_bodies: list[bytes], seconds: float, batch_size: int) -> CeilingResult:
    items: list[Any] = []
    for raw in raw_bodies:
        items.extend(call.items(call.validate_json(raw)))
    while len(items) < 2 * batch_size:
        items = items + items
    batches = [items[i : i + batch_size] for i in range(0, len(items) - batch_size + 1, batch_size)]
    call.call_batch(instance, batches[0])  # warm-up for this batch shape
    done = n = 0
    start = time.perf_counter()
    while n < 3 or time.perf_counter() - start < seconds:
        batch = batches[n % len(batches)]
        call.call_batch(instance, batch)
        done += len(batch)
        n += 1
    elapsed = time.perf_counter() - start

    # with request parsing: one body per item, as the server receives them
    per_body = [raw_bodies[i % len(raw_bodies)] for i in range(batch_size)]
    v_done = v_n = 0
    v_start = time.perf_counter()
    while v_n < 2 or time.perf_counter() - v_start < seconds / 2:
        parsed: list[Any] = []
        for raw in per_body:
            parsed.extend(call.items(call.validate_json(raw)))
        call.call_batch(instance, parsed)
        v_done += len(parsed)
        v_n += 1
    v_elapsed = time.perf_counter() - v_start

    # one item per call: the per-item cost without batching
    s_done = 0
    s_start = time.perf_counter()
    while s_done < 3 or time.perf_counter() - s_start < seconds / 2:
        call.call_batch(instance, [items[s_done % len(items)]])
        s_done += 1
    s_elapsed = time.perf_counter() - s_start
    return CeilingResult(
        batch_size=batch_size,
        seconds=round(elapsed, 3),
        batches=n,
        items_per_s=round(done / elapsed, 2),
        ms_per_batch=round(1000 * elapsed / n, 3),
        items_per_s_with_validation=round(v_done / v_elapsed, 2),
        items_per_s_batch1=round(s_done / s_elapsed, 2),
        threads=_threads(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="offline ceiling of one batched API")
    parser.add_argument("--target", required=True)
    parser.add_argument("--api", required=True)
    parser.add_argument("--bodies", type=Path, required=True, help="JSON list of request bodies")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    service = load_service(args.target)
    call = api_call(service, args.api)
    instance = start_instance(service)
    raw_bodies = [json.dumps(b).encode() for b in json.loads(args.bodies.read_text())]
    batch_size = call.batching.max_batch_size or 1
    result = measure(call, instance, raw_bodies, args.seconds, batch_size)
    payload: dict[str, Any] = {
        "ceiling": result.model_dump(),
        "batching": BatchingConfig.model_validate(call.batching.model_dump()).model_dump(),
    }
    args.out.write_text(json.dumps(payload, indent=1))


if __name__ == "__main__":
    main()
