"""docs/tour.md, run: its Python blocks, in order, as one script against the main job."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, MainJob

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TOUR = ROOT / "docs" / "tour.md"


def test_the_tour_runs(main_job: MainJob, tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", TOUR.read_text(), re.S)
    assert len(blocks) >= 5
    script = tmp_path / "tour.py"
    script.write_text("\n".join(blocks))
    env = {**os.environ, "PORT": str(main_job.base), "PYTHONPATH": str(ROOT)}
    env.pop("ADSERVE_API_KEY", None)
    run = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    assert "400 " in run.stdout and "unknown" in run.stdout  # the error block printed the server's reason
    assert len(list(tmp_path.glob("banner-*.jpg"))) == 2
