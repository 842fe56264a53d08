"""Every curl example of the README and docs pages against the main job as the README starts it.

The main job (``conftest.py``) serves each capability on its catalog port offset from a free base
port; each example's ``localhost:300N`` is pointed at the same offset. An example that 404s, errors
or answers something that is not JSON fails.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import httpx
import pytest

from services.core.capabilities import get_catalog

from .conftest import MainJob

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["README.md", "docs/text.md", "docs/campaign.md"]
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


def test_pages_have_examples() -> None:
    assert curl_examples(ROOT / "README.md"), "the README shows at least one curl example"


def test_main_job_serves_every_capability(main_job: MainJob) -> None:
    for capability in get_catalog().names:
        answer = httpx.get(f"{main_job.url(capability)}/readyz", timeout=10)
        assert answer.status_code == 200, capability


@pytest.mark.parametrize(
    "page,command",
    [(page, command) for page in PAGES for command in curl_examples(ROOT / page)],
    ids=lambda v: v if v in PAGES else re.sub(r"\W+", "_", v.split()[2])[:40],
)
def test_example_answers(main_job: MainJob, page: str, command: str, tmp_path: Path) -> None:
    pointed = re.sub(
        r"(localhost|127\.0\.0\.1):30(\d\d)", lambda m: f"127.0.0.1:{main_job.base + int(m.group(2))}", command
    )
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
