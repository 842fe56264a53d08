"""Two diagnostics behind the benchmark's findings: a cProfile of one BentoML worker's event loop
under load, and single-client latency before and after a burst (how long the batch dispatcher
keeps the queue wait it learnt)."""

from __future__ import annotations

import asyncio
import io
import logging
import pstats
import sys
from dataclasses import dataclass
from pathlib import Path

from .loadgen import LoadGenerator
from .registry import EndpointSpec
from .servers import ServerProcess, bentoml_command, free_port, server_env
from .stats import latency_summary
from .variants import ENV as VARIANTS_ENV
from .variants import variant_target

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServerSetup:
    """How to start the server under test: base environment, batching switch, threads, variants."""

    base_env: dict[str, str]
    batching: bool = True
    threads: int | None = None
    variants: tuple[str, ...] = ()

    def target(self, spec: EndpointSpec) -> str:
        return variant_target(spec.service.target) if self.variants else spec.service.target

    def env(self) -> dict[str, str]:
        return server_env(
            {**self.base_env, VARIANTS_ENV: ",".join(self.variants)}, batching=self.batching, threads=self.threads
        )


@dataclass(frozen=True)
class ProfileResult:
    req_s: float
    profile: Path
    table: Path
    text: str


def profile_worker(
    spec: EndpointSpec,
    setup: ServerSetup,
    bodies: list[bytes],
    run_dir: Path,
    *,
    path: str,
    concurrency: int,
    seconds: float,
    top: int,
) -> ProfileResult:
    """Serve one worker under cProfile (``profile_server.py``), load it, and print the hot spots."""
    name = spec.key if path == spec.path else f"{spec.service.name}.noop"
    label = "-".join([name, "batched" if setup.batching else "unbatched", f"c{concurrency}", *setup.variants])
    prof = run_dir / f"profile-{label}.prof"
    port = free_port()
    cmd = [sys.executable, "-m", "scripts.bench.profile_server", "--target", setup.target(spec)]
    cmd += ["--port", str(port), "--out", str(prof)]
    srv = ServerProcess(f"profile-{spec.service.name}", cmd, port, setup.env(), run_dir / "logs")

    async def drive() -> float:
        async with LoadGenerator(srv.url, concurrency + 8) as gen:
            await gen.run(path, bodies, 2.0, concurrency=concurrency)
            result = await gen.run(path, bodies, seconds, concurrency=concurrency)
            return sum(1 for c in result.codes if 200 <= c < 300) / result.seconds

    with srv:  # stopping the server (SIGTERM) writes the profile
        srv.wait_ready(300)
        req_s = asyncio.run(drive())
    text = io.StringIO()
    stats = pstats.Stats(str(prof), stream=text)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    table = prof.with_suffix(".txt")
    header = f"{path} c={concurrency} batching={setup.batching} {list(setup.variants)}: {req_s:.1f} req/s\n"
    table.write_text(header + text.getvalue())
    return ProfileResult(req_s, prof, table, text.getvalue())


def dispatcher_recovery(
    spec: EndpointSpec,
    setup: ServerSetup,
    bodies: list[bytes],
    run_dir: Path,
    *,
    burst: int,
    burst_seconds: float,
    probe_seconds: float,
    idle_seconds: list[int],
) -> list[dict[str, object]]:
    """One client before a burst of ``burst`` clients and after it (right away, then after pauses)."""
    port = free_port()
    srv = ServerProcess(
        f"recovery-{spec.service.name}", bentoml_command(setup.target(spec), port), port, setup.env(), run_dir / "logs"
    )
    rows: list[dict[str, object]] = []

    async def probe(gen: LoadGenerator, label: str, concurrency: int, seconds: float) -> None:
        result = await gen.run(spec.path, bodies, seconds, concurrency=concurrency)
        ok = sum(1 for c in result.codes if 200 <= c < 300)
        lat = latency_summary(result.ok_latencies)
        rows.append(
            {"phase": label, "concurrency": concurrency, "req_s": round(ok / result.seconds, 1), **lat.model_dump()}
        )
        log.info(
            "%-28s c=%-4d %7.1f req/s  p50 %7.1f ms  p99 %7.1f ms",
            label,
            concurrency,
            ok / result.seconds,
            lat.p50 or 0,
            lat.p99 or 0,
        )

    async def drive() -> None:
        async with LoadGenerator(srv.url, burst + 8) as gen:
            await probe(gen, "warm-up", 1, probe_seconds)
            await probe(gen, "before the burst", 1, probe_seconds)
            await probe(gen, "burst", burst, burst_seconds)
            for pause in idle_seconds:
                await asyncio.sleep(pause)
                await probe(gen, f"after the burst, idle {pause}s", 1, probe_seconds)

    with srv:
        srv.wait_ready(300)
        asyncio.run(drive())
    return rows
