"""Evaluation reports of a training run: ``report.json`` plus PNG plots (metric per epoch, model comparison)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def metrics_table(metrics: dict[str, Any], k: int = 10) -> str:
    rows = [
        f"| split | model | precision@{k} | recall@{k} | F1@{k} | NDCG@{k} | AUC |",
        "|---|---|---|---|---|---|---|",
    ]
    for split, models in metrics.items():
        for name, m in models.items():
            if f"precision@{k}" not in m:
                continue
            rows.append(
                f"| {split} | {name} | {m[f'precision@{k}']:.4f} | {m[f'recall@{k}']:.4f} | {m[f'f1@{k}']:.4f} "
                f"| {m[f'ndcg@{k}']:.4f} | {m['auc']:.4f} |"
            )
    return "\n".join(rows)


def write_report(report: dict[str, Any], folder: Path, k: int = 10) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report, indent=2, default=str))
    (folder / "metrics.md").write_text(metrics_table(report["metrics"], k) + "\n")
    paths = [folder / "report.json", folder / "metrics.md"]

    curve = report.get("curve") or []
    if curve:
        fig, ax = plt.subplots(figsize=(6, 4))
        epochs = [c["epoch"] for c in curve]
        for key in (f"precision@{k}", f"recall@{k}", f"ndcg@{k}"):
            ax.plot(epochs, [c[key] for c in curve], marker="o", label=f"hybrid {key}")
        pop = report["metrics"]["time_split"]["popularity"]
        ax.axhline(pop[f"precision@{k}"], color="grey", linestyle="--", label=f"popularity precision@{k}")
        ax.set_xlabel("epoch")
        ax.set_ylabel("metric (time split)")
        ax.set_title("Hybrid LightFM: metrics per epoch")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(folder / "metrics_per_epoch.png", dpi=110)
        plt.close(fig)
        paths.append(folder / "metrics_per_epoch.png")

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, key in zip(axes, (f"precision@{k}", "auc"), strict=True):
        labels, values = [], []
        for split in ("time_split", "random_split"):
            for name in ("hybrid", "cf_only", "popularity"):
                labels.append(f"{split.split('_')[0]}\n{name}")
                values.append(report["metrics"][split][name][key])
        cold = report["metrics"]["cold_start_items"]
        for name in ("hybrid_features_only", "random"):
            labels.append(f"cold items\n{name.split('_')[0]}")
            values.append(cold[name][key])
        ax.bar(range(len(values)), values, color=["C0", "C1", "C7"] * 2 + ["C0", "C7"])
        ax.set_xticks(range(len(values)), labels, fontsize=7)
        ax.set_title(key)
    fig.suptitle("Hybrid vs collaborative-only vs popularity")
    fig.tight_layout()
    fig.savefig(folder / "model_comparison.png", dpi=110)
    plt.close(fig)
    paths.append(folder / "model_comparison.png")
    return paths
