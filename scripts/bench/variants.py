"""Service variants for A/B measurements of proposed serving changes, without touching the services.

``bentoml serve scripts.bench.variants:RecommendService`` serves the real class with the variants
listed in ``ADSERVE_BENCH_VARIANTS`` (comma-separated) applied at import time:

* ``gc-freeze``: move everything allocated at import into the permanent generation and collect
  the youngest generation every 50,000 allocations instead of 700 (fewer, shorter collections).
* ``switch-interval=N``: the interpreter's GIL switch interval in microseconds (default 5000): how
  long the event loop may wait for the GIL while an API thread runs Python code.
* ``workers=N``, ``threads=N``: the service's worker processes / API threads.
* ``max_batch_size=N``, ``max_latency_ms=N``: the adaptive-batching parameters of every batched API.

The sweep serves these only when ``--variant`` is given; the default run measures the services as
they are. (The media type fixed once, the access log off and an async ``/noop``, once variants here,
are now how every service is served: ``services.core.service_kit``; the access log and the worker
count can be switched per run with ``ADSERVE_ACCESS_LOG`` and ``ADSERVE_WORKERS``.)
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Any

from .registry import SERVICES

VARIANTS = ("gc-freeze",)
NUMERIC = ("workers", "threads", "max_batch_size", "max_latency_ms", "switch-interval")
ENV = "ADSERVE_BENCH_VARIANTS"


def parse(variants: list[str]) -> tuple[set[str], dict[str, int]]:
    """Flags and ``name=N`` settings; anything else is an error naming what is known."""
    flags, numbers = set(), {}
    for variant in variants:
        name, sep, value = variant.partition("=")
        if sep and name in NUMERIC and value.isdigit() and int(value) > 0:
            numbers[name] = int(value)
        elif not sep and name in VARIANTS:
            flags.add(name)
        else:
            known = ", ".join([*VARIANTS, *(f"{n}=N" for n in NUMERIC)])
            raise ValueError(f"unknown variant {variant!r}; known: {known}")
    return flags, numbers


def apply(service: Any, variants: list[str]) -> Any:
    """Apply ``variants`` to a ``bentoml.Service`` in place and return it."""
    flags, numbers = parse(variants)
    for name in ("workers", "threads"):
        if name in numbers:
            service.config[name] = numbers[name]
    for api in service.apis.values():
        if api.batchable and "max_batch_size" in numbers:
            api.max_batch_size = numbers["max_batch_size"]
        if api.batchable and "max_latency_ms" in numbers:
            api.max_latency_ms = numbers["max_latency_ms"]
    if "gc-freeze" in flags:
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 20)
    if "switch-interval" in numbers:
        sys.setswitchinterval(numbers["switch-interval"] / 1_000_000)
    return service


def variant_target(target: str) -> str:
    """``services.x.service:Cls`` -> ``scripts.bench.variants:Cls``."""
    return f"{__name__}:{target.split(':', 1)[1]}"


def __getattr__(name: str) -> Any:
    for spec in SERVICES.values():
        module_name, _, attr = spec.target.partition(":")
        if attr == name:
            service = getattr(importlib.import_module(module_name), attr)
            variants = [v for v in os.environ.get(ENV, "").split(",") if v]
            return apply(service, variants)
    raise AttributeError(name)
