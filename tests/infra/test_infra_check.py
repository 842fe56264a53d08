"""scripts/infra_check.sh: terraform fmt plus checkov in its own tool venv, 0 failed checks."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.infra.conftest import REPO


# About 20 s with checkov installed; the first run on a new machine also creates .tools/checkov
# from PyPI (a few minutes).
@pytest.mark.slow
def test_infra_check_passes_with_zero_failed_checks() -> None:
    proc = subprocess.run(
        ["bash", "scripts/infra_check.sh"], cwd=REPO, capture_output=True, text=True, timeout=900, check=False
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    assert "infra_check: OK" in proc.stdout

    report = json.loads((REPO / "var" / "reports" / "checkov.json").read_text())
    reports = report if isinstance(report, list) else [report]
    assert [r["check_type"] for r in reports] == ["terraform"]
    summary = reports[0]["summary"]
    assert summary["failed"] == 0, output[-6000:]
    assert summary["parsing_errors"] == 0
    assert summary["passed"] > 100
    assert summary["resource_count"] > 40

    # every skip is inline and justified
    assert "NO JUSTIFICATION" not in proc.stdout
    assert (REPO / ".tools" / "checkov" / "bin" / "checkov").exists()
