"""The set-up command is idempotent and the GPU check runs (on CPU) and writes its JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def run(cmd: list[str], env: dict[str, str], timeout: int = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


PREPARE_TWICE = """
from typer.testing import CliRunner
from scripts.cli import app
runner = CliRunner()
for _ in range(2):
    result = runner.invoke(app, ["creative", "prepare", "--threads", "1"])
    print(result.output)
    assert result.exit_code == 0, result.output
"""


def test_prepare_builds_the_default_model_once(base_env: dict[str, str], tmp_path: Path) -> None:
    """Through the CLI wiring, twice in one process (a fresh store each run of the suite)."""
    env = {**os.environ, **base_env, "BENTOML_HOME": str(tmp_path / "home")}
    done = run([sys.executable, "-c", PREPARE_TWICE], env)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    first, second = done.stdout.split("random weights: outputs noise", 1)
    assert "saved creative-diffusion:" in first and "nothing to do" in second
    models = list((tmp_path / "home" / "models" / "creative-diffusion").glob("*/model.yaml"))
    assert len(models) == 1
    assert "native_size: 512" in models[0].read_text()


def test_gpu_check_quick_on_cpu(base_env: dict[str, str], tmp_path: Path) -> None:
    env = {**os.environ, **base_env, "BENTOML_HOME": str(tmp_path / "empty"), "OUT": str(tmp_path / "out")}
    done = run(["bash", "scripts/gpu_check.sh", "--quick", "--docs-dir", str(tmp_path / "docs")], env)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "out" / "gpu_check.json").read_text())
    assert list((tmp_path / "docs").glob("*.json")), "the per-device report goes to --docs-dir"
    creative = report["creative"]
    assert creative["device"] == "cpu" and creative["dtype"] == "float32"
    assert creative["img2img_shares_unet"] and creative["output_finite"]
    assert creative["text2img_ms_per_image_batch1"] > 0
    assert "skipped" in report["vision"] or "ms_per_image_batch1" in report["vision"]
    assert "skipped" in report["text"] or "ms_per_item_batch1" in report["text"]
