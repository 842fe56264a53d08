"""Test servers for the split deployment: the container entrypoint with ``--depends``, and a black hole.

``SplitServer`` runs ``bentoml start-http-server`` (what a BentoML container runs) for one service
of a bento: the entry service with its dependencies given as URLs (``--depends name=URL``), or a
dependency alone (``--service-name name``). Nothing else is started. ``BlackHole`` accepts TCP
connections and never answers: a dependency that is up but hangs.
"""

from __future__ import annotations

import socket
import sys
import threading
from typing import Any

from tests.support.bento_server import BentoServer


class SplitServer(BentoServer):
    def __init__(
        self, target: str, env: dict[str, str], depends: dict[str, str], service_name: str = "", **kwargs: Any
    ) -> None:
        super().__init__(target, env, **kwargs)
        self.depends = depends
        self.service_name = service_name

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "bentoml_cli._internal.start",
            "start-http-server",
            self.target,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *(f"--depends={name}={url}" for name, url in self.depends.items()),
            *([f"--service-name={self.service_name}"] if self.service_name else []),
        ]


class BlackHole:
    """``with BlackHole() as url:`` - connections are accepted and then left waiting."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.held: list[socket.socket] = []
        self._stop = threading.Event()

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.held.append(conn)
            except OSError:
                continue

    def __enter__(self) -> str:
        threading.Thread(target=self._accept, daemon=True).start()
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        for conn in self.held:
            conn.close()
        self.sock.close()
