"""Start a real ``bentoml serve`` in a subprocess on a free port and talk to it over HTTP."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from .ports import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BENTOML_BIN = str(Path(sys.executable).parent / "bentoml")


class ServerStartError(RuntimeError):
    pass


class BentoServer:
    """``with BentoServer("services.recommend.service:RecommendService", env) as srv: srv.client.post(...)``.

    BentoML keeps its Prometheus files under ``BENTOML_HOME/prometheus_multiproc_dir`` and clears
    them when a server starts: servers that run at the same time and both read ``/metrics`` need
    ``BENTOML_HOME`` of their own (models can be shared by pulling or copying them).
    """

    def __init__(
        self,
        target: str,
        env: dict[str, str] | None = None,
        *,
        port: int | None = None,
        args: list[str] | None = None,
        ready_timeout: float = 180.0,
        wait: str = "ready",
    ) -> None:
        self.target = target
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        # Catalog items a test adds at run time stay with its server (the log outlives processes).
        self.env.setdefault("ADSERVE_RECOMMEND_CATALOG_LOG", tempfile.mkdtemp(prefix="catalog-additions-"))
        self.args = args or []
        self.ready_timeout = ready_timeout
        self.wait_mode = wait
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (kept open for the server lifetime)
            prefix="bentoml-serve-", suffix=".log", delete=False
        )
        self.log_path = Path(self._log.name)
        self.client = httpx.Client(base_url=self.url, timeout=60.0)

    # ---------------------------------------------------------------- lifecycle
    def command(self) -> list[str]:
        """The server command line (subclasses start other entry points)."""
        return [BENTOML_BIN, "serve", self.target, "--host", "127.0.0.1", "--port", str(self.port), *self.args]

    def start(self) -> BentoServer:
        self.proc = subprocess.Popen(
            self.command(),
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if self.wait_mode == "ready":
            self.wait_ready(self.ready_timeout)
        elif self.wait_mode == "live":
            self.wait_live(self.ready_timeout)
        return self

    def _poll(self, path: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise ServerStartError(f"bentoml serve exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if self.client.get(path, timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise ServerStartError(f"{self.url}{path} not 200 after {timeout}s:\n{self.log_tail()}")

    def wait_live(self, timeout: float = 60.0) -> None:
        self._poll("/livez", timeout)

    def wait_ready(self, timeout: float = 180.0) -> None:
        self._poll("/readyz", timeout)

    def is_ready(self) -> bool:
        try:
            return self.client.get("/readyz", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> None:
        """Stop the process group gracefully; anything left of the tree after ``timeout`` is killed."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def kill(self) -> int:
        """SIGKILL the server and every process it started (workers run in process groups of their own).

        Returns how many processes were killed.
        """
        if self.proc is None or self.proc.poll() is not None:
            return 0
        import psutil

        root = psutil.Process(self.proc.pid)
        victims = [root, *root.children(recursive=True)]
        for proc in victims:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()
        psutil.wait_procs(victims, timeout=10)
        self.proc.wait(10)
        return len(victims)

    def __enter__(self) -> BentoServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: Any) -> None:
        self.stop()
        self.client.close()

    # ---------------------------------------------------------------- inspection
    def log_text(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def metrics(self) -> str:
        return self.client.get("/metrics").text


_BUCKET = re.compile(r"^bentoml_service_adaptive_batch_size_bucket\{(?P<labels>[^}]*)\}\s+(?P<value>[0-9.e+]+)$", re.M)


def batch_size_buckets(metrics_text: str, method: str) -> dict[float, float]:
    """Cumulative histogram of adaptive batch sizes for one API method, summed over workers."""
    buckets: dict[float, float] = {}
    for match in _BUCKET.finditer(metrics_text):
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match.group("labels")))
        if labels.get("method_name") != method:
            continue
        le = float("inf") if labels["le"] == "+Inf" else float(labels["le"])
        buckets[le] = buckets.get(le, 0.0) + float(match.group("value"))
    return dict(sorted(buckets.items()))


def batches_larger_than_one(metrics_text: str, method: str) -> float:
    """How many batches had more than one request (from the histogram's ``le=1`` bucket)."""
    buckets = batch_size_buckets(metrics_text, method)
    if not buckets:
        return 0.0
    total = buckets.get(float("inf"), max(buckets.values()))
    at_most_one = max((v for le, v in buckets.items() if le <= 1.0), default=0.0)
    return total - at_most_one
