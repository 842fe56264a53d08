"""A TCP proxy on 127.0.0.1 that holds every upstream reply back for ``delay`` seconds (a slow S3).

``accepted`` and ``open_connections`` say what the caller side did: how many connections it made
and how many it still holds (a caller that gives up on a request closes its connection).
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from .ports import free_port


class SlowProxy:
    def __init__(self, upstream_port: int, delay: float) -> None:
        self.upstream_port = upstream_port
        self.delay = delay
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self.accepted = 0
        self.open_connections = 0

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
        try:
            while data := await reader.read(65536):
                if delay:
                    await asyncio.sleep(delay)
                    delay = 0.0
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self.open_connections += 1
        try:
            up_r, up_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            upstream = asyncio.ensure_future(self._pipe(up_r, client_w, self.delay))
            await self._pipe(client_r, up_w, 0.0)  # until the caller closes its side (or upstream ends)
        finally:
            self.open_connections -= 1
        await upstream

    def __enter__(self) -> SlowProxy:
        self._thread.start()
        fut = asyncio.run_coroutine_threadsafe(asyncio.start_server(self._handle, "127.0.0.1", self.port), self._loop)
        self._server = fut.result(10)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._server is not None:
            self._server.close()
        self._loop.call_soon_threadsafe(self._loop.stop)
