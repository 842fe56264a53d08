"""Evaluation reports of a training run: ``report.json``, ``metrics.md`` and PNG plots.

``metrics.md`` holds the baseline table of the test window (every baseline and the served model,
95 % bootstrap intervals over test users, the served model's paired difference to each), the
cold-start table (new customers: profile path against trending by country) and the point table
of every split; plots: the metrics per epoch and the baseline comparison with its intervals.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

INTERVAL_METRICS = ("precision@{k}", "recall@{k}", "ndcg@{k}", "map@{k}", "auc")


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


def _cell(m: dict[str, float], name: str, bold: bool) -> str:
    text = f"{m[name]:.4f} [{m[name + '_lo']:.4f}, {m[name + '_hi']:.4f}]"
    return f"**{text}**" if bold else text


def interval_table(models: dict[str, dict[str, float]], served: str, k: int = 10) -> str:
    """Rows of models with ``value [lo, hi]`` cells; the served row in bold."""
    names = [n.format(k=k) for n in INTERVAL_METRICS]
    rows = [
        "| model | "
        + " | ".join(n.replace("ndcg", "NDCG").replace("map", "MAP").replace("auc", "AUC") for n in names)
        + " |"
    ]
    rows.append("|---|" + "---|" * len(names))
    for model, m in models.items():
        rows.append(f"| {model} | " + " | ".join(_cell(m, n, model == served) for n in names) + " |")
    return "\n".join(rows)


def difference_table(diffs: dict[str, dict[str, dict[str, float]]], k: int = 10) -> str:
    names = [f"precision@{k}", f"ndcg@{k}"]
    rows = ["| served minus | " + " | ".join(f"Δ {n}" for n in names) + " | beats it? |", "|---|---|---|---|"]
    for model, d in diffs.items():
        cells = [f"{d[n]['diff']:+.4f} [{d[n]['lo']:+.4f}, {d[n]['hi']:+.4f}]" for n in names]
        beats = "yes" if all(d[n]["lo"] > 0 for n in names) else "no"
        rows.append(f"| {model} | " + " | ".join(cells) + f" | {beats} |")
    return "\n".join(rows)


def quality_markdown(quality: dict[str, Any], k: int = 10) -> str:
    """The baseline and cold-start tables of ``quality.evaluate``'s report."""
    test, cold, chosen = quality["test"], quality["cold_start_users"], quality["chosen"]
    periods = quality["periods"]
    return "\n\n".join(
        [
            f"Test window {periods['test_start'][:10]} … {periods['end'][:10]} ({test['users']} test users, "
            f"{test['pairs']} new pairs); everything chosen on the validation window from "
            f"{periods['train_end'][:10]}: {json.dumps(chosen)}. 95 % bootstrap intervals over test users.",
            interval_table(test["models"], test["served"], k),
            "Paired bootstrap difference (served − baseline), 95 % interval:",
            difference_table(test["served_minus"], k),
            f"Cold-start users (first purchase in the test window; first day = profile, later purchases = truth; "
            f"{cold['users']} users). Served: {cold['served']}.",
            interval_table(cold["models"], cold["served"], k),
        ]
    )


def write_report(report: dict[str, Any], folder: Path, k: int = 10) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report, indent=2, default=str))
    text = metrics_table(report["metrics"], k) + "\n"
    if "quality" in report:
        text = quality_markdown(report["quality"], k) + "\n\nAll splits (point values):\n\n" + text
    (folder / "metrics.md").write_text(text)
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

    if "quality" in report:
        models = report["quality"]["test"]["models"]
        served = report["quality"]["test"]["served"]
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
        for ax, key in zip(axes, (f"precision@{k}", f"ndcg@{k}"), strict=True):
            names = list(models)
            values = [models[n][key] for n in names]
            errors = [
                [v - models[n][key + "_lo"] for n, v in zip(names, values, strict=True)],
                [models[n][key + "_hi"] - v for n, v in zip(names, values, strict=True)],
            ]
            colors = ["C3" if n == served else "C0" if "LightFM" in n else "C7" for n in names]
            ax.barh(range(len(names)), values, xerr=errors, color=colors, capsize=3)
            ax.set_yticks(range(len(names)), [n.replace(": ", ":\n") for n in names], fontsize=7)
            ax.invert_yaxis()
            ax.set_title(f"{key} (test window, 95 % CI)")
        fig.suptitle("Served model vs baselines")
        fig.tight_layout()
        fig.savefig(folder / "model_comparison.png", dpi=110)
        plt.close(fig)
        paths.append(folder / "model_comparison.png")
    return paths
