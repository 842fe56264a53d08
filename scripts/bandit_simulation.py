"""Simulate the campaign bandit against variants with known click rates.

``python -m scripts.bandit_simulation [--events 10000 --runs 20 ...]`` runs the service's own
``ThompsonSampler`` (exploration floor included) against Bernoulli arms, with feedback arriving
in batches as it does through ``/feedback``. It writes ``bandit_simulation.json`` and
``bandit_simulation.png`` (cumulative regret against uniform choice, and the best arm's share of
traffic) under ``var/reports/campaign/`` and prints a table.

Regret is the expected one: the sum over shown events of (best rate - rate of the arm shown).
Sub-linear growth shows as regret(N) / regret(N/2) well under 2 and a log-log slope under 1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import typer

from services.campaign.bandit import ArmStats, ThompsonSampler

app = typer.Typer(add_completion=False)
DEFAULT_RATES = "0.030,0.040,0.050,0.070"


def simulate(
    rates: np.ndarray, events: int, floor: float, batch: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Per-event expected regret and whether the best arm was shown, for one run."""
    arms = [f"arm{i}" for i in range(len(rates))]
    sampler = ThompsonSampler(arms, floor=floor)
    successes = np.zeros(len(rates), dtype=np.int64)
    trials = np.zeros(len(rates), dtype=np.int64)
    regret = np.empty(events)
    best_shown = np.empty(events, dtype=bool)
    best = int(np.argmax(rates))
    for start in range(0, events, batch):
        n = min(batch, events - start)
        stats = {a: ArmStats(int(t), int(s)) for a, t, s in zip(arms, trials, successes, strict=True)}
        picks = np.array([arms.index(a) for a in sampler.choose_many(stats, n, rng)])
        clicks = rng.random(n) < rates[picks]
        np.add.at(trials, picks, 1)
        np.add.at(successes, picks, clicks.astype(np.int64))
        regret[start : start + n] = rates[best] - rates[picks]
        best_shown[start : start + n] = picks == best
    return regret, best_shown


def loglog_slope(curve: np.ndarray, start: int) -> float:
    """Slope of log(cumulative regret) against log(events) over events start..N."""
    x = np.arange(start, len(curve) + 1)
    y = curve[start - 1 :]
    keep = y > 0
    return float(np.polyfit(np.log(x[keep]), np.log(y[keep]), 1)[0])


def summarize(
    rates: np.ndarray, regrets: np.ndarray, shares: np.ndarray, window: int, floor: float, batch: int
) -> dict[str, Any]:
    events = regrets.shape[1]
    cumulative = regrets.cumsum(axis=1)
    mean_curve = cumulative.mean(axis=0)
    uniform_rate = float(rates.max() - rates.mean())
    checkpoints = sorted({events // 8, events // 4, events // 2, events})
    rolling = np.convolve(shares.mean(axis=0), np.ones(window) / window, mode="valid")
    reached = np.flatnonzero(rolling >= 0.8)
    final_share = shares[:, -window:].mean(axis=1)
    return {
        "rates": rates.tolist(),
        "best_arm": int(np.argmax(rates)),
        "events": events,
        "runs": regrets.shape[0],
        "exploration_floor": floor,
        "feedback_batch": batch,
        "share_window": window,
        "regret": {str(n): {"thompson": float(mean_curve[n - 1]), "uniform": uniform_rate * n} for n in checkpoints},
        "regret_ratio_n_over_half_n": float(mean_curve[-1] / mean_curve[events // 2 - 1]),
        "loglog_slope_second_half": loglog_slope(mean_curve, events // 2),
        "best_share_last_window": {
            "mean": float(final_share.mean()),
            "min": float(final_share.min()),
            "p10": float(np.percentile(final_share, 10)),
        },
        "events_until_best_share_80": int(reached[0] + window) if reached.size else None,
    }


def plot(rates: np.ndarray, regrets: np.ndarray, shares: np.ndarray, window: int, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    events = regrets.shape[1]
    x = np.arange(1, events + 1)
    cumulative = regrets.cumsum(axis=1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot(x, cumulative.mean(axis=0), label="Thompson + floor (mean)")
    left.fill_between(
        x, np.percentile(cumulative, 10, axis=0), np.percentile(cumulative, 90, axis=0), alpha=0.25, label="10-90 %"
    )
    left.plot(x, (rates.max() - rates.mean()) * x, "--", color="grey", label="uniform choice (linear)")
    left.set_xlabel("events shown")
    left.set_ylabel("cumulative expected regret (clicks)")
    left.set_title("Regret")
    left.legend(fontsize=8)
    rolling = np.convolve(shares.mean(axis=0), np.ones(window) / window, mode="valid")
    right.plot(np.arange(window, events + 1), rolling, label=f"best arm share ({window}-event window)")
    right.axhline(0.8, color="red", linestyle=":", label="80 %")
    right.set_ylim(0, 1)
    right.set_xlabel("events shown")
    right.set_title(f"Traffic to the best arm (rates {', '.join(f'{r:.3f}' for r in rates)})")
    right.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def table(summary: dict[str, Any]) -> str:
    lines = ["| events | regret Thompson | regret uniform |", "|---:|---:|---:|"]
    for n, r in summary["regret"].items():
        lines.append(f"| {int(n):,} | {r['thompson']:.1f} | {r['uniform']:.1f} |")
    share = summary["best_share_last_window"]
    lines += [
        "",
        f"regret(N)/regret(N/2) = {summary['regret_ratio_n_over_half_n']:.2f} (linear growth: 2.00)",
        f"log-log slope of regret, second half = {summary['loglog_slope_second_half']:.2f} (linear: 1.00)",
        f"best arm share in the last {summary['share_window']} events: mean {share['mean']:.1%}, "
        f"worst run {share['min']:.1%}, 10th percentile {share['p10']:.1%}",
        f"events until the mean best-arm share reaches 80 %: {summary['events_until_best_share_80']}",
    ]
    return "\n".join(lines)


@app.command()
def main(
    rates: str = typer.Option(DEFAULT_RATES, help="True click rates of the variants, comma-separated."),
    events: int = typer.Option(10_000, min=100, help="Events (impressions) per run."),
    runs: int = typer.Option(20, min=1, help="Independent runs averaged."),
    floor: float = typer.Option(0.02, min=0.0, help="Exploration floor per arm."),
    batch: int = typer.Option(50, min=1, help="Events between updates of the counts (delayed feedback)."),
    window: int = typer.Option(1000, min=10, help="Window of the best-arm share."),
    seed: int = typer.Option(7),
    out: Path | None = typer.Option(None, help="Report folder; default var/reports/campaign."),
) -> None:
    """Run the simulation, write JSON and PNG, print the table."""
    from services.core.settings import get_settings

    true_rates = np.array([float(r) for r in rates.split(",")])
    rng = np.random.default_rng(seed)
    results = [simulate(true_rates, events, floor, batch, rng) for _ in range(runs)]
    regrets = np.stack([r for r, _ in results])
    shares = np.stack([s for _, s in results]).astype(np.float64)
    summary = summarize(true_rates, regrets, shares, min(window, events), floor, batch)
    folder = out or get_settings().var_dir / "reports" / "campaign"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bandit_simulation.json").write_text(json.dumps(summary, indent=2))
    plot(true_rates, regrets, shares, min(window, events), folder / "bandit_simulation.png")
    typer.echo(table(summary))
    typer.echo(f"written {folder / 'bandit_simulation.json'} and {folder / 'bandit_simulation.png'}")


if __name__ == "__main__":
    app()
