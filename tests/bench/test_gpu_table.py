"""The GPU figures table of docs/benchmarks.md is rendered from scripts/gpu_check.sh's JSON files."""

from __future__ import annotations

import json
from pathlib import Path

from scripts.bench import gpu_table


def test_table_from_reports_and_markers(tmp_path: Path) -> None:
    folder = tmp_path / "gpu"
    folder.mkdir()
    report = {
        "device": "NVIDIA H100 80GB HBM3",
        "quick": False,
        "written_at": "2026-12-02T10:00:00Z",
        "creative": {"text2img_ms_per_image_batch1": 41.0, "batching_speedup_per_image": 2.5},
        "text": {"skipped": "no model"},
        "vision": {"batching_speedup_per_image": 6.1},
    }
    (folder / "nvidia-h100-80gb-hbm3.json").write_text(json.dumps(report))
    table = gpu_table.render(folder)
    assert "| NVIDIA H100 80GB HBM3 | full (2026-12-02T10:00:00Z) | 41.0 | 2.5× | skipped | 6.1× |" in table
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"intro\n{gpu_table.BEGIN}\nold\n{gpu_table.END}\nrest\n")
    assert gpu_table.update_doc(doc, folder)
    text = doc.read_text()
    assert "old" not in text and "NVIDIA H100" in text and text.endswith("rest\n")
    assert not gpu_table.update_doc(tmp_path / "gpu" / "nvidia-h100-80gb-hbm3.json", folder)


def test_published_reports_render() -> None:
    assert gpu_table.GPU_DIR.is_dir() and list(gpu_table.GPU_DIR.glob("*.json")), "docs/benchmarks/gpu/ has a report"
    assert gpu_table.BEGIN in gpu_table.DOC.read_text()
    assert "| cpu" in gpu_table.render() or "| NVIDIA" in gpu_table.render()
