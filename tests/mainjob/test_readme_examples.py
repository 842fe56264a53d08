"""The main job as the README starts it, and every curl example of the README and docs pages against it.

``scripts/start.sh`` serves each capability on its own port (campaign +0, recommend +1, text +2,
creative +3, vision +4 from ``$PORT``); here it runs on the session's tiny models
(``ADSERVE_SKIP_SETUP=1``) on a free block of ports, and each example's ``localhost:300N`` is pointed
at the same offset. An example that 404s, errors or answers something that is not JSON fails.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["README.md", "docs/text.md", "docs/campaign.md"]
CAPABILITIES = ["campaign", "recommend", "text", "creative", "vision"]
BLOCK = re.compile(r"```bash\n(.*?)```", re.S)


def curl_examples(page: Path) -> list[str]:
    """Each curl command of a page's bash blocks, continuation lines joined."""
    commands: list[str] = []
    for block in BLOCK.findall(page.read_text()):
        lines = block.replace("\\\n", " ").splitlines()
        while lines:
            line = lines.pop(0)
            if not line.strip().startswith("curl "):
                continue
            command = line.strip()
            while not _complete(command) and lines:
                command += "\n" + lines.pop(0)
            commands.append(command)
    return commands


def _complete(command: str) -> bool:
    """Whether a shell command has no open quote (multi-line JSON bodies span lines)."""
    try:
        shlex.split(command)
    except ValueError:
        return False
    return True


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


@pytest.fixture(scope="module")
def main_job(
    base_env: dict[str, str],
    recommend_model: object,
    tiny_cnn_model: object,
    generator_model: object,
    summarizer_model: object,
    tiny_model: object,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[int]:
    base = _free_block(len(CAPABILITIES))
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
            yield base
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def test_pages_have_examples() -> None:
    assert curl_examples(ROOT / "README.md"), "the README shows at least one curl example"


def test_main_job_serves_every_capability(main_job: int) -> None:
    for offset, capability in enumerate(CAPABILITIES):
        answer = httpx.get(f"http://127.0.0.1:{main_job + offset}/readyz", timeout=10)
        assert answer.status_code == 200, capability


@pytest.mark.parametrize(
    "page,command",
    [(page, command) for page in PAGES for command in curl_examples(ROOT / page)],
    ids=lambda v: v if v in PAGES else re.sub(r"\W+", "_", v.split()[2])[:40],
)
def test_example_answers(main_job: int, page: str, command: str, tmp_path: Path) -> None:
    pointed = re.sub(r"(localhost|127\.0\.0\.1):30(\d\d)", lambda m: f"127.0.0.1:{main_job + int(m.group(2))}", command)
    assert pointed != command, f"{page}: example does not name a main-job address: {command}"
    run = subprocess.run(
        ["bash", "-c", pointed + " -w '\\n%{http_code}'"],
        cwd=tmp_path,
        env={**os.environ, "KEY": "", "ADSERVE_API_KEY": ""},
        capture_output=True,
        timeout=120,
    )
    body, _, status = run.stdout.decode().rpartition("\n")
    assert run.returncode == 0, run.stderr.decode()
    assert status == "200", f"{page}: {command}\n→ {status} {body[:500]}"
    lines = [line for line in body.splitlines() if line.strip()]
    parsed = [json.loads(line) for line in lines] if "stream" in command else [json.loads(body)]
    assert parsed and all(p not in (None, [], {}) for p in parsed)
