"""Servers under test as subprocesses on 127.0.0.1: ``bentoml serve`` (batching on or off) and the
naive Starlette app. Each runs in its own process group, logs to a file, and is stopped by its
own process-group id only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from .registry import PROJECT_ROOT

BENTOML_BIN = str(Path(sys.executable).parent / "bentoml")


class ServerStartError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bentoml_command(target: str, port: int) -> list[str]:
    return [BENTOML_BIN, "serve", target, "--host", "127.0.0.1", "--port", str(port)]


def naive_command(target: str, port: int, apis: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "scripts.bench.naive_app", "--target", target, "--port", str(port)]
    for api in apis:
        cmd += ["--api", api]
    return cmd


class ServerProcess:
    """``with ServerProcess("batched", cmd, port, env, log_dir) as srv: srv.url``."""

    def __init__(self, label: str, cmd: list[str], port: int, env: dict[str, str], log_dir: Path) -> None:
        self.label = label
        self.cmd = cmd
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = env
        self.log_path = log_dir / f"server-{label}-{port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                self.cmd, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    def wait_ready(self, timeout_s: float) -> float:
        """Seconds until ``/readyz`` answered 200; raises with the log tail when it never does."""
        start = time.monotonic()
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() - start < timeout_s:
                if self.proc is not None and self.proc.poll() is not None:
                    raise ServerStartError(
                        f"{self.label} server exited with {self.proc.returncode}:\n{self.log_tail()}"
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"{self.url}/readyz").status_code == 200:
                        return time.monotonic() - start
                time.sleep(0.25)
        raise ServerStartError(f"{self.label} server not ready after {timeout_s:.0f}s:\n{self.log_tail()}")

    def stop(self, timeout_s: float = 20.0) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        except ProcessLookupError:
            pass

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def server_env(base: dict[str, str], *, batching: bool, threads: int | None) -> dict[str, str]:
    """The environment of one server: batching switch and thread count on top of ``base``.

    ``batching=True`` batches every batchable API, whatever its default (``ADSERVE_BATCHING_APIS=all``).
    """
    env = {**base, "ADSERVE_BATCHING": "true" if batching else "false", "PYTHONUNBUFFERED": "1"}
    if batching:
        env["ADSERVE_BATCHING_APIS"] = "all"
    if threads:
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "ADSERVE_VISION_TORCH_THREADS"):
            env[name] = str(threads)
    return env
