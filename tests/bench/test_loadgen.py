"""The closed-loop load generator against a small local HTTP server: counts, bounds, loopback only."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from aiohttp import web

from scripts.bench.loadgen import LoadGenerator, NotLoopbackError, loopback_url
from scripts.bench.stats import count_statuses


def test_only_loopback_urls_are_accepted() -> None:
    assert loopback_url("http://127.0.0.1:3000/") == "http://127.0.0.1:3000"
    assert loopback_url("http://localhost:8080") == "http://127.0.0.1:8080"
    for bad in ("http://10.0.0.5:3000", "https://127.0.0.1:3000", "http://example.com:80", "http://127.0.0.1"):
        with pytest.raises(NotLoopbackError):
            loopback_url(bad)


async def _serve_and_load(concurrency: int, seconds: float, max_requests: int) -> tuple[list[int], int, float]:
    counter = itertools.count()
    in_flight = 0
    peak = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal in_flight, peak
        await request.read()
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        n = next(counter)
        return web.json_response({"n": n}, status=503 if n % 5 == 4 else 200)

    async def metrics(_: web.Request) -> web.Response:
        return web.Response(text="# nothing\n")

    app = web.Application()
    app.router.add_post("/work", handler)
    app.router.add_get("/metrics", metrics)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with LoadGenerator(f"http://127.0.0.1:{port}", concurrency + 2, timeout_s=5.0) as gen:
            assert (await gen.get_text("/metrics")).startswith("# nothing")
            result = await gen.run("/work", [b"{}"], seconds, concurrency=concurrency, max_requests=max_requests)
    finally:
        await runner.cleanup()
    return result.codes, peak, result.seconds


def test_fixed_concurrency_and_status_counts() -> None:
    codes, peak, seconds = asyncio.run(_serve_and_load(concurrency=4, seconds=0.4, max_requests=10_000))
    counts = count_statuses(codes)
    assert counts.s2xx > 20 and counts.s503 > 0 and counts.total == len(codes)
    assert counts.errors == counts.s503  # nothing but the server's own 503s
    assert peak == 4  # exactly the configured number of workers in flight
    assert 0.35 < seconds < 2.0


def test_request_count_bound() -> None:
    codes, _, _ = asyncio.run(_serve_and_load(concurrency=3, seconds=30.0, max_requests=12))
    assert len(codes) == 12


def test_refused_connections_are_counted_not_raised() -> None:
    from scripts.bench.servers import free_port

    async def run() -> list[int]:
        async with LoadGenerator(f"http://127.0.0.1:{free_port()}", 4, timeout_s=2.0) as gen:
            return (await gen.run("/x", [b"{}"], 0.2, concurrency=2)).codes

    codes = asyncio.run(run())
    counts = count_statuses(codes)
    assert counts.connection_error == len(codes) > 0
