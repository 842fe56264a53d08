"""Every bento installs exactly ``requirements.lock``, the environment the tests ran in.

Each bentofile's ``python:`` section goes through BentoML's own build step (the one that writes the
bento's ``env/python/requirements.txt``), and the result must be the lock, line for line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from services.core.bentoml_compat import bento_requirements

ROOT = Path(__file__).resolve().parents[2]
BENTOFILES = [ROOT / "bentofile.yaml", *sorted((ROOT / "bentos").glob("*.yaml"))]


def _pins(lines: list[str]) -> set[str]:
    return {line.strip() for line in lines if line.strip() and not line.lstrip().startswith(("#", "-"))}


@pytest.mark.parametrize("bentofile", BENTOFILES, ids=lambda p: p.name)
def test_bento_installs_exactly_the_lock(bentofile: Path, tmp_path: Path) -> None:
    resolved = bento_requirements(bentofile, ROOT, tmp_path)
    lock = _pins((ROOT / "requirements.lock").read_text().splitlines())
    assert _pins(resolved) == lock, f"{bentofile.name}: differs from requirements.lock"


def test_every_capability_has_a_bento() -> None:
    names = {p.stem for p in BENTOFILES}
    assert {"recommend", "vision", "text", "creative", "campaign", "bentofile"} <= names
