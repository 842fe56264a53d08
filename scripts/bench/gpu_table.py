"""The GPU figures table of ``docs/benchmarks.md``, rendered from ``docs/benchmarks/gpu/*.json``
(the reports ``scripts/gpu_check.sh`` writes, one per device) between two marker comments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .registry import PROJECT_ROOT

GPU_DIR = PROJECT_ROOT / "docs" / "benchmarks" / "gpu"
DOC = PROJECT_ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- gpu-table:begin -->", "<!-- gpu-table:end -->"


def _speedup(section: dict[str, Any]) -> str:
    if "skipped" in section:
        return "skipped"
    if "error" in section:
        return "error"
    value = section.get("batching_speedup_per_image", section.get("batching_speedup_per_item"))
    return "–" if value is None else f"{value}×"


def render(folder: Path = GPU_DIR) -> str:
    rows = [
        "| device | run | creative text-to-image ms/image, batch 1 | creative batching speed-up | "
        "text batching speed-up | vision batching speed-up | file |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for path in sorted(folder.glob("*.json")):
        report = json.loads(path.read_text())
        creative = report.get("creative", {})
        rows.append(
            f"| {report.get('device', '?')} | {'quick' if report.get('quick') else 'full'} "
            f"({report.get('written_at', 'undated')}) | {creative.get('text2img_ms_per_image_batch1', '–')} | "
            f"{_speedup(creative)} | {_speedup(report.get('text', {}))} | {_speedup(report.get('vision', {}))} | "
            f"[{path.name}](benchmarks/gpu/{path.name}) |"
        )
    if len(rows) == 2:
        rows.append("| (no report yet: run `bash scripts/gpu_check.sh` on a GPU machine) | | | | | | |")
    return "\n".join(rows)


def update_doc(doc: Path = DOC, folder: Path = GPU_DIR) -> bool:
    """Replace the table between the markers; False when the markers are missing."""
    text = doc.read_text()
    if BEGIN not in text or END not in text:
        return False
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(f"{head}{BEGIN}\n{render(folder)}\n{END}{tail}")
    return True
