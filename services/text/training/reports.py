"""Where training and evaluation results go: ``var/reports/text/`` (JSON and PNG figures)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from services.core.settings import get_settings


def report_dir(override: Path | None = None) -> Path:
    path = override or get_settings().var_dir / "reports" / "text"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_json(path: Path, payload: dict[str, Any]) -> Path:
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    return path


def smooth(values: list[float], window: int = 25) -> list[float]:
    if len(values) < window:
        return values
    kernel = np.ones(window) / window
    return list(np.convolve(np.asarray(values), kernel, mode="valid"))


def plot_loss_curve(path: Path, losses: list[float], title: str, eval_loss: float | None = None) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.plot(losses, alpha=0.3, label="training loss (per step)")
    smoothed = smooth(losses)
    ax.plot(range(len(losses) - len(smoothed), len(losses)), smoothed, label="moving average")
    if eval_loss is not None:
        ax.axhline(eval_loss, color="k", linestyle="--", label=f"held-out loss {eval_loss:.2f}")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_rouge_table(path: Path, rows: dict[str, dict[str, float]], title: str) -> Path:
    """Grouped bars: one group per ROUGE measure, one bar per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measures = ["rouge1", "rouge2", "rougeL"]
    systems = list(rows)
    width = 0.8 / max(1, len(systems))
    fig, ax = plt.subplots(figsize=(6.5, 3.5), dpi=100)
    for i, system in enumerate(systems):
        xs = [m + i * width for m in range(len(measures))]
        ax.bar(xs, [rows[system][m] for m in measures], width, label=system)
    ax.set_xticks([m + width * (len(systems) - 1) / 2 for m in range(len(measures))], ["ROUGE-1", "ROUGE-2", "ROUGE-L"])
    ax.set_ylabel("F1")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_guard_confusion(path: Path, counts: dict[str, tuple[int, int, int]], title: str) -> Path:
    """Per violation kind: a 2 × 2 confusion matrix (TN is not defined per kind, so it shows TP, FP, FN)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(counts)
    fig, axes = plt.subplots(1, len(kinds), figsize=(3.0 * len(kinds), 2.8), dpi=100, squeeze=False)
    for ax, kind in zip(axes[0], kinds, strict=True):
        tp, fp, fn = counts[kind]
        grid = np.array([[tp, fn], [fp, 0]])
        ax.imshow(grid, cmap="Blues")
        for (r, c), value in np.ndenumerate(grid):
            label = "" if (r, c) == (1, 1) else str(value)
            colour = "white" if value > grid.max() / 2 else "black"
            ax.text(c, r, label, ha="center", va="center", fontsize=12, color=colour)
        ax.set_xticks([0, 1], ["flagged", "missed"])
        ax.set_yticks([0, 1], ["labelled", "not labelled"])
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        ax.set_title(f"{kind}\nP={precision:.2f} R={recall:.2f}", fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
