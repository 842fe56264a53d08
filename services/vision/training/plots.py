"""PNG figures for reports: confusion matrix, training curve, similarity examples, throughput."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def plot_confusion_matrix(matrix: np.ndarray, labels: Sequence[str], path: Path, title: str) -> Path:
    """Row-normalised confusion matrix (recall per true class) with the counts written in the cells."""
    counts = np.asarray(matrix)
    rates = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(8.5, 7.5), dpi=100)
    im = ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            if counts[i, j]:
                colour = "white" if rates[i, j] > 0.6 else "black"
                ax.text(j, i, str(int(counts[i, j])), ha="center", va="center", fontsize=8, color=colour)
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="share of true class")
    fig.tight_layout()
    return _save(fig, path)


def plot_training_curve(history: Sequence[dict[str, Any]], path: Path, title: str) -> Path:
    """Loss and accuracy per epoch, training (augmented) and held-out validation."""
    epochs = [h["epoch"] for h in history]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4), dpi=100)
    ax_loss.plot(epochs, [h["train_loss"] for h in history], marker="o", label="train (augmented)")
    if any(h.get("val_loss") is not None for h in history):
        ax_loss.plot(epochs, [h.get("val_loss") for h in history], marker="o", label="validation")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("cross-entropy")
    ax_loss.legend()
    ax_acc.plot(epochs, [h["train_accuracy"] for h in history], marker="o", label="train (augmented)")
    if any(h.get("val_accuracy") is not None for h in history):
        ax_acc.plot(epochs, [h.get("val_accuracy") for h in history], marker="o", label="validation")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy")
    ax_acc.legend()
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, path)


def plot_similar_examples(
    queries: Sequence[np.ndarray],
    query_titles: Sequence[str],
    neighbours: Sequence[Sequence[np.ndarray]],
    neighbour_titles: Sequence[Sequence[str]],
    path: Path,
    title: str,
) -> Path:
    """One row per query: the query image, then its nearest catalog products."""
    rows = len(queries)
    cols = 1 + max((len(n) for n in neighbours), default=0)
    fig, axes = plt.subplots(rows, cols, figsize=(1.3 * cols, 1.45 * rows), dpi=72, squeeze=False)
    for r in range(rows):
        for c in range(cols):
            ax = axes[r][c]
            ax.axis("off")
            if c == 0:
                ax.imshow(queries[r], cmap="gray", interpolation="nearest")
                ax.set_title(query_titles[r], fontsize=7, color="tab:blue")
            elif c - 1 < len(neighbours[r]):
                ax.imshow(neighbours[r][c - 1], cmap="gray", interpolation="nearest")
                ax.set_title(neighbour_titles[r][c - 1], fontsize=6)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.975))
    return _save(fig, path)


def plot_throughput(rows: Sequence[dict[str, Any]], path: Path, title: str) -> Path:
    """Images per second against batch size, one line per input kind."""
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    for kind in dict.fromkeys(r["input"] for r in rows):
        points = [r for r in rows if r["input"] == kind]
        ax.plot([p["batch_size"] for p in points], [p["images_per_s"] for p in points], marker="o", label=kind)
    ax.set_xscale("log", base=2)
    sizes = sorted({int(r["batch_size"]) for r in rows})
    ax.set_xticks(sizes, [str(b) for b in sizes])
    ax.set_xlabel("batch size")
    ax.set_ylabel("images / s")
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(title)
    fig.tight_layout()
    return _save(fig, path)


def _save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
