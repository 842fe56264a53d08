"""Closed-loop HTTP load on the loopback interface: a fixed number of concurrent workers, each
sending its next request as soon as the previous one answered, bounded in time and in count.

Request bodies are encoded once beforehand so the generator spends its CPU on HTTP only (it
shares the machine with the server under test). Only ``127.0.0.1`` is ever contacted.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from .stats import CLIENT_TIMEOUT, CONNECTION_ERROR

LOOPBACK_NAMES = {"127.0.0.1", "localhost"}


class NotLoopbackError(ValueError):
    """The benchmark only sends traffic to 127.0.0.1."""


def loopback_url(url: str) -> str:
    """``url`` with its host pinned to 127.0.0.1; any other host is refused."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_NAMES or parts.port is None:
        raise NotLoopbackError(
            f"{url!r}: the benchmark only targets http://127.0.0.1:<port> (use scripts/bench/locust for other hosts)"
        )
    return urlunsplit(("http", f"127.0.0.1:{parts.port}", parts.path.rstrip("/"), "", ""))


@dataclass
class LoadResult:
    """Every response of one run: status codes (negative = client failure) and 2xx latencies."""

    codes: list[int] = field(default_factory=list)
    ok_latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu_s: float = 0.0


class LoadGenerator:
    """``async with LoadGenerator(url, concurrency) as gen: await gen.run("/embed", bodies, 10.0)``."""

    def __init__(
        self, base_url: str, max_connections: int, *, timeout_s: float = 60.0, headers: dict[str, str] | None = None
    ) -> None:
        self.base_url = loopback_url(base_url)
        self.max_connections = max_connections
        self.timeout_s = timeout_s
        self.headers = {"Content-Type": "application/json", **(headers or {})}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> LoadGenerator:
        connector = aiohttp.TCPConnector(limit=self.max_connections, limit_per_host=self.max_connections)
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self.timeout_s),
            headers=self.headers,
            skip_auto_headers=("User-Agent",),
        )
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get_text(self, path: str) -> str:
        assert self._session is not None, "use LoadGenerator as an async context manager"
        async with self._session.get(self.base_url + path) as resp:
            return await resp.text()

    async def run(
        self,
        path: str,
        bodies: Sequence[bytes],
        seconds: float,
        *,
        concurrency: int,
        max_requests: int = 1_000_000,
    ) -> LoadResult:
        """Closed loop for ``seconds`` (no new request after that) or ``max_requests`` requests."""
        session = self._session
        if session is None:
            raise RuntimeError("use LoadGenerator as an async context manager")
        if not bodies:
            raise ValueError("no request bodies")
        url = self.base_url + path
        result = LoadResult()
        counter = itertools.count()
        start = time.perf_counter()
        cpu_start = time.process_time()
        deadline = start + seconds
        last_done = start

        async def worker() -> None:
            nonlocal last_done
            while True:
                i = next(counter)
                if i >= max_requests or time.perf_counter() >= deadline:
                    return
                t0 = time.perf_counter()
                try:
                    async with session.post(url, data=bodies[i % len(bodies)]) as resp:
                        await resp.read()
                        code = resp.status
                except TimeoutError:
                    code = CLIENT_TIMEOUT
                except aiohttp.ClientError:
                    code = CONNECTION_ERROR
                t1 = time.perf_counter()
                result.codes.append(code)
                if 200 <= code < 300:
                    result.ok_latencies.append(t1 - t0)
                last_done = max(last_done, t1)
                if code == CONNECTION_ERROR:
                    await asyncio.sleep(0.05)  # a refused connection must not turn into a busy loop

        tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
        try:
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + self.timeout_s + 10.0)
        except TimeoutError:
            for task in tasks:
                task.cancel()
        result.seconds = max(last_done - start, 1e-9)
        result.cpu_s = time.process_time() - cpu_start
        return result
