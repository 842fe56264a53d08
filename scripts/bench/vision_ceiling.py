"""Offline ceiling: images per second of ``VisionRuntime.classify_batch`` in-process (no HTTP).

Two input kinds: decoded 28x28 grayscale product images (the data set's own format) and
512x512 RGB photos on a light background (full preprocessing: invert, trim, resize, pad).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from PIL import Image

from services.vision.runtime import VisionRuntime
from services.vision.training.photos import photo_like


def throughput(
    runtime: VisionRuntime,
    images: Sequence[Image.Image],
    batch_size: int,
    *,
    min_seconds: float = 3.0,
    min_batches: int = 5,
) -> dict[str, Any]:
    """Images/s and mean batch latency for repeated ``classify_batch`` calls of ``batch_size`` images."""
    pool = list(images)
    runtime.classify_batch(pool[:batch_size], 1)  # warm-up for this shape
    done, batches, start = 0, 0, time.perf_counter()
    while batches < min_batches or time.perf_counter() - start < min_seconds:
        offset = (batches * batch_size) % max(1, len(pool) - batch_size)
        runtime.classify_batch(pool[offset : offset + batch_size], 1)
        done += batch_size
        batches += 1
    elapsed = time.perf_counter() - start
    return {
        "batch_size": batch_size,
        "images": done,
        "seconds": round(elapsed, 3),
        "images_per_s": round(done / elapsed, 1),
        "ms_per_batch": round(1000 * elapsed / batches, 2),
    }


def run_benchmark(
    runtime: VisionRuntime,
    arrays: np.ndarray,
    batch_sizes: Sequence[int] = (1, 8, 64),
    *,
    min_seconds: float = 3.0,
    photos: bool = True,
) -> list[dict[str, Any]]:
    """One row per (input kind, batch size)."""
    kinds: dict[str, list[Image.Image]] = {"28x28 grayscale": [Image.fromarray(a, mode="L") for a in arrays]}
    if photos:
        kinds["512x512 RGB photo"] = [photo_like(a) for a in arrays[: max(batch_sizes) * 2]]
    rows = []
    for kind, images in kinds.items():
        for bs in batch_sizes:
            row = throughput(runtime, images, bs, min_seconds=min_seconds)
            rows.append({"input": kind, "threads": torch.get_num_threads(), **row})
    return rows
