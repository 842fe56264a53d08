"""The main job as the README starts it (``scripts/start.sh``), shared by every test of this package.

``scripts/start.sh`` serves each capability of the catalog on its own port (campaign +0, recommend
+1, text +2, creative +3, vision +4 from ``$PORT``); here it runs on the session's tiny models
(``ADSERVE_SKIP_SETUP=1``) on a free block of ports, started once for the README examples, the
schema examples and the playground.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.core.capabilities import get_catalog

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class MainJob:
    base: int

    def url(self, capability: str) -> str:
        return f"http://127.0.0.1:{get_catalog().port(capability, self.base)}"


def _free_block(size: int) -> int:
    for base in range(23000, 60000, 97):
        ok = True
        for port in range(base, base + size):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    ok = False
                    break
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no free block of ports")


@pytest.fixture(scope="package")
def main_job(
    base_env: dict[str, str],
    recommend_model: object,
    tiny_cnn_model: object,
    generator_model: object,
    summarizer_model: object,
    tiny_model: object,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[MainJob]:
    base = _free_block(len(get_catalog().names))
    log = tmp_path_factory.mktemp("mainjob") / "start.log"
    env = {
        **os.environ,
        **base_env,
        "ADSERVE_SKIP_SETUP": "1",
        "PORT": str(base),
        "ADSERVE_HOST": "127.0.0.1",
        "ADSERVE_CREATIVE_GPUS": "0",
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(
            ["bash", "scripts/start.sh"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 300
            while b"all capabilities ready" not in log.read_bytes():
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the main job did not become ready:\n{log.read_text()[-4000:]}")
                time.sleep(1)
            yield MainJob(base)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
