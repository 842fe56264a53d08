"""The README's layout section matches the tree: every path it names exists, every top-level entry is named."""

from __future__ import annotations

import re
import subprocess

from services.core.capabilities import get_catalog
from tests.infra.conftest import REPO


def _layout() -> list[tuple[int, list[str]]]:
    """(indent, paths of the left column) of each line of the layout block."""
    text = (REPO / "README.md").read_text()
    block = re.search(r"## Layout\n+```\n(.*?)```", text, re.S)
    assert block, "README.md has a Layout section with a code block"
    rows = []
    for line in block.group(1).splitlines():
        indent = len(line) - len(line.lstrip())
        left = re.split(r"\s{2,}", line.strip())[0] if line.strip() else ""
        if left and indent <= 2:  # deeper lines continue a description
            rows.append((indent, left.split()))
    return rows


def test_every_path_of_the_layout_exists() -> None:
    names = get_catalog().names
    for indent, paths in _layout():
        for path in paths:
            full = ("services/" + path) if indent else path
            candidates = [full.replace("<capability>", n) for n in names] if "<capability>" in full else [full]
            assert any((REPO / c.rstrip("/")).exists() for c in candidates), (
                f"README layout names {path}, not in the tree"
            )


def test_every_tracked_top_level_entry_is_in_the_layout() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    top = {line.split("/")[0] for line in tracked.splitlines()} - {".gitignore", "README.md", "requirements.lock"}
    named = {p.split("/")[0] for indent, paths in _layout() if indent == 0 for p in paths}
    assert top <= named, f"not in the README layout: {sorted(top - named)}"
    services = {
        line.split("/")[1] for line in tracked.splitlines() if line.startswith("services/") and line.count("/") > 1
    }
    named_services = {p.rstrip("/") for indent, paths in _layout() if indent for p in paths}
    assert services - {"__pycache__"} <= named_services | set(get_catalog().names), sorted(services - named_services)
