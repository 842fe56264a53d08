"""``python -m scripts.cli campaign …``: the feedback loop's jobs, the bandit report, serving and latency.

* ``evaluate``: bandit simulation (regret and best-variant share, PNG) and the last update runs.
* ``prepare``: create the feedback store and the bandit report (idempotent).

The online recommender update is recommend's job: ``python -m scripts.cli recommend update``.
* ``serve``: one process (``bentoml serve``) or split (``start-http-server --depends name=URL``).
* ``ship-feedback``, ``replay-feedback``, ``variant-stats``, ``latency``, ``figures``: operations,
  measurements and the example figure of the variants.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from services.core.capabilities import get_catalog

if TYPE_CHECKING:
    from services.core.feedback import FeedbackStore

app = typer.Typer(help="Campaign composition and the feedback loop (online learning, bandits).", no_args_is_help=True)
TARGET = get_catalog()["campaign"].service


def _log() -> FeedbackStore:
    from services.core.feedback import open_store

    return open_store()


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")


@app.command()
def evaluate(
    events: int = typer.Option(10_000, help="Events per simulated run."),
    runs: int = typer.Option(20, help="Simulated runs."),
) -> None:
    """Bandit simulation report (JSON, PNG, table) and the latest online update runs."""
    from scripts.bandit_simulation import main as simulate
    from services.campaign.settings import get_campaign_settings

    floor = get_campaign_settings().exploration_floor
    simulate(
        events=events, runs=runs, floor=floor, rates="0.030,0.040,0.050,0.070", batch=50, window=1000, seed=7, out=None
    )
    updates = _log().updates(10)
    if updates:
        typer.echo("\n| when | events | decision | base | new |\n|---|---|---|---|---|")
        for u in updates:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(u["at"]))
            typer.echo(
                f"| {when} | {u['from_seq'] + 1}..{u['to_seq']} | {u['decision']} | {u['base_model']} | {u['new_model'] or ''} |"
            )


@app.command()
def prepare() -> None:
    """Create the feedback store (SQLite WAL or PostgreSQL tables) and the bandit report when missing."""
    _logging()
    from services.core.settings import get_settings

    log = _log()
    typer.echo(f"campaign: feedback store ready at {log.location} ({log.count()} events)")
    report = get_settings().var_dir / "reports" / "campaign" / "bandit_simulation.json"
    if report.exists():
        typer.echo(f"campaign: bandit report present ({report})")
        return
    typer.echo("campaign: writing the bandit simulation report (a few seconds)")
    evaluate(events=10_000, runs=20)


@app.command("ship-feedback")
def ship_feedback() -> None:
    """Upload new events to ADSERVE_FEEDBACK_S3_URI as Parquet batches."""
    _logging()
    from services.core.feedback.shipping import ship_to_s3

    keys = ship_to_s3(_log())
    typer.echo(f"shipped {len(keys)} file(s)")


@app.command("replay-feedback")
def replay_feedback(
    days: int = typer.Option(30, help="Replay the purchases of the last N days of Online Retail II."),
    max_events: int | None = typer.Option(None, help="At most this many events."),
) -> None:
    """Write real purchases into the feedback log as events (a demonstration of the online update)."""
    import pandas as pd
    from tqdm.auto import tqdm

    from services.core.feedback import LogEvent
    from services.recommend.training.data import load_training_data

    clean = load_training_data().lines
    recent = clean[clean["ts"] >= clean["ts"].max() - pd.Timedelta(days=days)].sort_values("ts")
    if max_events:
        recent = recent.head(max_events)
    log = _log()
    batch: list[LogEvent] = []
    for i, r in enumerate(tqdm(recent.itertuples(), total=len(recent), desc="replay", unit="event")):
        batch.append(
            LogEvent(
                r.user_id,
                r.item_id,
                "purchase",
                r.ts.timestamp(),
                None,
                f"replay-{getattr(r, 'invoice', 'line')}-{i}",
                r.title,
                float(r.price),
            )
        )
        if len(batch) == 1000:
            log.append(batch)
            batch = []
    if batch:
        log.append(batch)
    typer.echo(f"{len(recent)} purchases in the feedback log ({log.count()} events in all)")


@app.command("variant-stats")
def variant_stats() -> None:
    """What the bandit knows, from the feedback log (the same numbers as /variant_stats)."""
    from services.campaign.chooser import VariantChooser
    from services.campaign.settings import get_campaign_settings

    report = VariantChooser(_log(), get_campaign_settings()).report()
    for family in report.families:
        typer.echo(f"\n{family.family} (reward: {family.reward_event}, floor {family.exploration_floor})")
        typer.echo("| arm | views | successes | posterior mean | P(chosen) |\n|---|---:|---:|---:|---:|")
        for a in family.arms:
            typer.echo(
                f"| {a.arm} | {a.views} | {a.successes} | {a.posterior_mean:.4f} | {a.selection_probability:.3f} |"
            )


@app.command()
def figures(title: str = typer.Option("WHITE HANGING HEART T-LIGHT HOLDER", help="Catalog title to render.")) -> None:
    """One product in every creative variant (landscape banners) as a PNG under var/reports/campaign."""
    from PIL import Image

    from services.campaign.copy_check import display_title
    from services.campaign.settings import get_campaign_settings
    from services.campaign.variants import BANNER_STYLES, CALL_TO_ACTION
    from services.core.settings import get_settings
    from services.creative.handlers import render_banners
    from services.creative.schemas import BannerRequest

    settings = get_campaign_settings()
    tiles = []
    for copy, creative in zip(settings.copy_variants, settings.creative_variants, strict=False):
        style = BANNER_STYLES[creative]
        request = BannerRequest(
            headline=display_title(title),
            cta=CALL_TO_ACTION[copy]["en"],
            colours=style.colours,
            background=style.background,
            formats=["landscape"],
            seed=7,
        )
        image = render_banners(request, None)[0].image.convert("RGB")
        tiles.append(image.resize((480, round(480 * image.height / image.width))))
    sheet = Image.new("RGB", (480, sum(t.height + 8 for t in tiles)), "white")
    y = 0
    for tile in tiles:
        sheet.paste(tile, (0, y))
        y += tile.height + 8
    path = get_settings().var_dir / "reports" / "campaign" / "variant_banners.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path, optimize=True)
    typer.echo(f"written {path}")


@app.command()
def serve(
    port: int = get_catalog()["campaign"].port,
    host: str = "0.0.0.0",
    depends: list[str] = typer.Option([], help="name=URL of a dependency served elsewhere (split deployment)."),
) -> None:
    """All services in one ``bentoml serve``, or only the campaign with ``--depends recommend=http://…`` etc."""
    if depends:
        cmd = [sys.executable, "-m", "bentoml_cli._internal.start", "start-http-server", TARGET]
        cmd += [f"--depends={d}" for d in depends]
    else:
        cmd = [os.path.join(os.path.dirname(sys.executable), "bentoml"), "serve", TARGET]
    raise typer.Exit(subprocess.call([*cmd, "--host", host, "--port", str(port)]))


@app.command()
def latency(
    url: str = typer.Option("http://127.0.0.1:3000"),
    calls: int = typer.Option(50),
    k: int = typer.Option(3),
    formats: str = typer.Option("square"),
    api_key: str | None = typer.Option(None, envvar="ADSERVE_LATENCY_API_KEY"),
    users_from: Path | None = typer.Option(None, help="recommender.json of the served model (user ids)."),
    out: Path | None = typer.Option(None, help="Write the numbers as JSON here."),
) -> None:
    """p50/p95 of sequential /campaign calls (after two warm-up calls)."""
    import httpx

    users = json.loads(users_from.read_text())["user_ids"] if users_from else []
    headers = {"X-API-Key": api_key} if api_key else {}
    timings, statuses, degraded = [], [], 0
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        for i in range(calls + 2):
            body = {"user_id": users[i % len(users)]} if users else {"profile": {"country": "United Kingdom"}}
            start = time.perf_counter()
            resp = client.post("/campaign", json={**body, "k": k, "formats": formats.split(",")})
            if i >= 2:
                timings.append(time.perf_counter() - start)
                statuses.append(resp.status_code)
                degraded += bool(resp.status_code == 200 and resp.json()["degraded"])
    timings.sort()
    result = {
        "url": url,
        "calls": calls,
        "k": k,
        "formats": formats,
        "p50_ms": round(1000 * statistics.median(timings), 1),
        "p95_ms": round(1000 * timings[max(0, int(0.95 * len(timings)) - 1)], 1),
        "max_ms": round(1000 * timings[-1], 1),
        "ok": statuses.count(200),
        "degraded": degraded,
    }
    typer.echo(json.dumps(result))
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2))
