"""The measurements of one service: offline ceiling, then the concurrency sweep over the batched
server, the unbatched server, the naive app and the no-op route (interleaved level by level so
that a change in the machine's background load hits every mode alike), then overload.
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .loadgen import LoadGenerator, LoadResult
from .machine import load_avg
from .payloads.context import PayloadContext
from .promstats import parse_batch_histogram
from .registry import PROJECT_ROOT, EndpointSpec, ServiceSpec
from .schemas import (
    BatchingConfig,
    CeilingResult,
    EndpointResult,
    Mode,
    OverloadResult,
    PointResult,
    RunConfig,
)
from .servers import ServerProcess, ServerStartError, bentoml_command, free_port, naive_command, server_env
from .stats import count_statuses, latency_summary, only_429_503
from .variants import ENV as VARIANTS_ENV
from .variants import variant_target

log = logging.getLogger(__name__)
NOOP_BODY = b"{}"


@dataclass
class SweepPlan:
    cfg: RunConfig
    base_env: dict[str, str]
    work_dir: Path
    ctx: PayloadContext
    pool_size: int = 256
    api_key: str | None = None
    ready_timeout_s: float = 300.0
    noop: bool = True


# ----------------------------------------------------------------------------- request bodies
def merge_bodies(bodies: list[dict[str, Any]], per_request: int) -> list[dict[str, Any]]:
    """Bodies of ``per_request`` items each, by joining the single list field of consecutive bodies."""
    if per_request <= 1:
        return bodies
    merged = []
    for start in range(0, len(bodies) - per_request + 1, per_request):
        group = bodies[start : start + per_request]
        [key] = group[0].keys()
        merged.append({key: [item for body in group for item in body[key]]})
    return merged


def build_bodies(spec: EndpointSpec, plan: SweepPlan) -> list[dict[str, Any]]:
    per = plan.cfg.items_per_request
    return merge_bodies(spec.payload(plan.ctx, plan.pool_size * per), per)


def encode(bodies: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps(b, separators=(",", ":")).encode() for b in bodies]


# ----------------------------------------------------------------------------- one point
def to_point(
    mode: Mode, concurrency: int, result: LoadResult, items_per_request: int, batch: Any = None
) -> PointResult:
    status = count_statuses(result.codes)
    rps = status.s2xx / result.seconds if result.codes else 0.0
    return PointResult(
        mode=mode,
        concurrency=concurrency,
        seconds=round(result.seconds, 3),
        requests=len(result.codes),
        items_per_request=items_per_request,
        throughput_rps=round(rps, 2),
        items_per_s=round(rps * items_per_request, 2),
        status=status,
        latency_ms=latency_summary(result.ok_latencies),
        batch=batch,
        client_cpu_s=round(result.cpu_s, 3),
        load_avg=load_avg(),
    )


async def measure_point(
    gen: LoadGenerator,
    path: str,
    bodies: list[bytes],
    mode: Mode,
    concurrency: int,
    cfg: RunConfig,
    metrics_method: str | None,
) -> PointResult:
    """Warm up at this concurrency, then measure; batch sizes from the /metrics difference."""
    if cfg.warmup_s > 0:
        await gen.run(path, bodies, cfg.warmup_s, concurrency=concurrency)
    before = parse_batch_histogram(await gen.get_text("/metrics"), metrics_method) if metrics_method else None
    result = await gen.run(path, bodies, cfg.seconds, concurrency=concurrency)
    batch = None
    if before is not None and metrics_method:
        after = parse_batch_histogram(await gen.get_text("/metrics"), metrics_method)
        batch = after.minus(before).stats()
    per = 1 if mode in ("noop", "naive_noop") else cfg.items_per_request
    return to_point(mode, concurrency, result, per, batch)


def _log_point(key: str, p: PointResult) -> None:
    batch = f" batch={p.batch.mean_size}" if p.batch and p.batch.mean_size else ""
    log.info(
        "%-34s %-9s c=%-4d %8.1f req/s  p50 %7.1f  p99 %7.1f ms  2xx=%d err=%d%s  load=%.2f",
        key,
        p.mode,
        p.concurrency,
        p.throughput_rps,
        p.latency_ms.p50 or float("nan"),
        p.latency_ms.p99 or float("nan"),
        p.status.s2xx,
        p.status.errors,
        batch,
        p.load_avg[0],
    )


def saturating_concurrency(points: list[PointResult], share: float = 0.9) -> int:
    """The lowest concurrency whose throughput reaches ``share`` of the sweep's best."""
    if not points:
        return 1
    best = max(p.throughput_rps for p in points)
    return min(p.concurrency for p in points if p.throughput_rps >= share * best)


async def measure_overload(
    gen: LoadGenerator, path: str, bodies: list[bytes], batched: list[PointResult], cfg: RunConfig
) -> OverloadResult:
    saturating = saturating_concurrency(batched)
    concurrency = 2 * saturating
    result = await gen.run(path, bodies, cfg.overload_s, concurrency=concurrency)
    status = count_statuses(result.codes)
    recovery = to_point("batched", 1, await gen.run(path, bodies, cfg.seconds, concurrency=1), cfg.items_per_request)
    return OverloadResult(
        recovery=recovery,
        saturating_concurrency=saturating,
        concurrency=concurrency,
        seconds=round(result.seconds, 3),
        status=status,
        throughput_rps=round(status.s2xx / result.seconds, 2),
        admitted_latency_ms=latency_summary(result.ok_latencies),
        only_429_503=only_429_503(status),
    )


# ----------------------------------------------------------------------------- ceiling
def run_ceiling(
    service: ServiceSpec, spec: EndpointSpec, bodies: list[dict[str, Any]], plan: SweepPlan
) -> tuple[CeilingResult | None, BatchingConfig | None, str | None]:
    body_file = plan.work_dir / f"bodies-{spec.key}.json"
    out_file = plan.work_dir / f"ceiling-{spec.key}.json"
    body_file.write_text(json.dumps(bodies))
    seconds = max(1.0, plan.cfg.seconds / 2)
    target, env = service.target, dict(plan.base_env)
    if plan.cfg.variants:  # the same batch size as the served variant
        target, env[VARIANTS_ENV] = variant_target(service.target), ",".join(plan.cfg.variants)
    cmd = [sys.executable, "-m", "scripts.bench.ceiling", "--target", target, "--api", spec.method]
    cmd += ["--bodies", str(body_file), "--seconds", str(seconds), "--out", str(out_file)]
    env = server_env(env, batching=True, threads=plan.cfg.threads)
    try:
        proc = subprocess.run(
            cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=plan.ready_timeout_s + 60 * seconds
        )
    except subprocess.TimeoutExpired:
        return None, None, f"{spec.key}: offline ceiling timed out"
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.splitlines()[-15:])
        return None, None, f"{spec.key}: offline ceiling failed:\n{tail}"
    data = json.loads(out_file.read_text())
    return CeilingResult.model_validate(data["ceiling"]), BatchingConfig.model_validate(data["batching"]), None


# ----------------------------------------------------------------------------- one service
def _servers(service: ServiceSpec, endpoints: list[EndpointSpec], plan: SweepPlan) -> dict[str, ServerProcess]:
    threads = plan.cfg.threads
    logs = plan.work_dir / "logs"
    batched_port, unbatched_port, naive_port = free_port(), free_port(), free_port()
    target, bento_env = service.target, dict(plan.base_env)
    if plan.cfg.variants:
        target = variant_target(service.target)
        bento_env[VARIANTS_ENV] = ",".join(plan.cfg.variants)
    return {
        "batched": ServerProcess(
            f"{service.name}-batched",
            bentoml_command(target, batched_port),
            batched_port,
            server_env(bento_env, batching=True, threads=threads),
            logs,
        ),
        "unbatched": ServerProcess(
            f"{service.name}-unbatched",
            bentoml_command(target, unbatched_port),
            unbatched_port,
            server_env(bento_env, batching=False, threads=threads),
            logs,
        ),
        "naive": ServerProcess(
            f"{service.name}-naive",
            naive_command(service.target, naive_port, [e.method for e in endpoints]),
            naive_port,
            server_env(plan.base_env, batching=False, threads=threads),
            logs,
        ),
    }


def bench_service(
    service: ServiceSpec, endpoints: list[EndpointSpec], plan: SweepPlan
) -> tuple[list[EndpointResult], list[str]]:
    """Everything measured for the endpoints of one service; errors are returned, not raised."""
    errors: list[str] = []
    results: dict[str, EndpointResult] = {}
    bodies: dict[str, list[bytes]] = {}
    servers = _servers(service, endpoints, plan) if plan.cfg.url is None else {}
    if plan.cfg.quick:  # smoke test: let the servers boot while the ceiling runs (no clean ceiling figure)
        for srv in servers.values():
            srv.start()
    try:
        for spec in endpoints:
            raw = build_bodies(spec, plan)
            bodies[spec.key] = encode(raw)
            results[spec.key] = _endpoint_result(service, spec, raw, plan, errors)
        if plan.cfg.url is not None:
            asyncio.run(_sweep(endpoints, {"batched": plan.cfg.url}, bodies, results, plan))
            return list(results.values()), errors
        for srv in servers.values():
            if srv.proc is None:
                srv.start()
        for mode, srv in servers.items():
            took = srv.wait_ready(plan.ready_timeout_s)
            log.info("%s: %s server ready on %s in %.1fs", service.name, mode, srv.url, took)
        urls = {mode: srv.url for mode, srv in servers.items()}
        asyncio.run(_sweep(endpoints, urls, bodies, results, plan))
    except ServerStartError as exc:
        errors.append(f"{service.name}: {exc}")
        log.error("%s", exc)
    finally:
        for srv in servers.values():
            srv.stop()
    return list(results.values()), errors


def _endpoint_result(
    service: ServiceSpec, spec: EndpointSpec, raw: list[dict[str, Any]], plan: SweepPlan, errors: list[str]
) -> EndpointResult:
    result = EndpointResult(
        key=spec.key, service=service.name, path=spec.path, method=spec.method, batching=BatchingConfig()
    )
    if plan.cfg.url is not None:
        return result
    log.info("%s: offline ceiling", spec.key)
    ceiling, batching, error = run_ceiling(service, spec, raw, plan)
    result.ceiling = ceiling
    if batching is not None:
        result.batching = batching
    if error:
        errors.append(error)
        log.error(error)
    elif ceiling is not None:
        log.info("%s: ceiling %.1f items/s at batch %d", spec.key, ceiling.items_per_s, ceiling.batch_size)
    return result


async def _sweep(
    endpoints: list[EndpointSpec],
    urls: dict[str, str],
    bodies: dict[str, list[bytes]],
    results: dict[str, EndpointResult],
    plan: SweepPlan,
) -> None:
    """Level by level: every endpoint in every mode, then the HTTP floors; overload at the end."""
    cfg = plan.cfg
    headers = {"Authorization": f"Bearer {plan.api_key}"} if plan.api_key else {}
    connections = 2 * max(cfg.levels) + 8
    gens = {
        mode: LoadGenerator(url, connections, timeout_s=cfg.timeout_s, headers=headers) for mode, url in urls.items()
    }
    floors: list[tuple[Mode, str]] = [("noop", "batched"), ("naive_noop", "naive")] if plan.noop else []
    for gen in gens.values():
        await gen.__aenter__()
    try:
        for level in cfg.levels:
            for spec in endpoints:
                for mode in ("batched", "unbatched", "naive"):
                    if mode not in gens:
                        continue
                    method = spec.method if mode == "batched" else None
                    point = await measure_point(gens[mode], spec.path, bodies[spec.key], mode, level, cfg, method)
                    results[spec.key].points.append(point)
                    _log_point(spec.key, point)
            for mode, server in floors:
                if server not in gens:
                    continue
                point = await measure_point(gens[server], "/noop", [NOOP_BODY], mode, level, cfg, None)
                _log_point(endpoints[0].service.name, point)
                for spec in endpoints:  # one floor per service and level, shared by its endpoints
                    results[spec.key].points.append(point)
        if cfg.overload_s > 0:
            for spec in endpoints:
                result = results[spec.key]
                result.overload = await measure_overload(
                    gens["batched"], spec.path, bodies[spec.key], result.series("batched"), cfg
                )
                ov = result.overload
                log.info(
                    "%s overload c=%d: %.1f req/s, admitted p99 %.1f ms, errors %s, only 429/503: %s; "
                    "then c=1: %.1f req/s, p50 %.1f ms",
                    spec.key,
                    ov.concurrency,
                    ov.throughput_rps,
                    ov.admitted_latency_ms.p99 or float("nan"),
                    {k: v for k, v in ov.status.model_dump().items() if v and k != "s2xx"},
                    ov.only_429_503,
                    ov.recovery.throughput_rps if ov.recovery else float("nan"),
                    (ov.recovery.latency_ms.p50 if ov.recovery else None) or float("nan"),
                )
    finally:
        for gen in gens.values():
            await gen.__aexit__(None, None, None)
