"""``python -m scripts.cli recommend …``: train, evaluate, prepare and serve the recommender.

``update`` folds new feedback into the served recommender (``fit_partial``) and promotes a new
version or keeps the last good one: run it on a schedule (ECS scheduled task) or with ``--every``;
``rollback`` points the serving alias back at the previous version.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer

from scripts.commands.serving import serve_capability

app = typer.Typer(help="Hybrid LightFM recommendation from an ingested data set.", no_args_is_help=True)


def _config(trials: int, threads: int, embeddings: bool):  # type: ignore[no-untyped-def]
    from services.recommend.training.trainer import TrainConfig

    return TrainConfig(search_trials=trials, num_threads=threads, use_embeddings=embeddings)


@app.command()
def train(
    trials: int = typer.Option(4, help="Random-search trials on the validation window (the defaults count as one)."),
    threads: int = typer.Option(2, help="LightFM threads."),
    max_users: int | None = typer.Option(None, help="Train on a random subset of users (quick runs)."),
    embeddings: bool = typer.Option(True, help="Cluster MiniLM embeddings of titles as item features."),
    data: Path | None = typer.Option(
        None, help="An ingested data set (`data ingest`); default: the shipped online-retail-ii adapter."
    ),
    lake: str | None = typer.Option(
        None, help="Train from a lake (`recommend lake`; local path or s3://) instead, whichever engine wrote it."
    ),
) -> None:
    """Featurize an ingested data set, choose on the validation window, compare with the baselines, save ``recommend-lightfm``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    from services.recommend.training.pipeline import run_training

    if data is not None and lake is not None:
        raise typer.BadParameter("give --data or --lake, not both", param_hint="--lake")
    run_training(_config(trials, threads, embeddings), max_users=max_users, data=data, lake=lake)


@app.command("lake")
def build_lake(
    engine: str | None = typer.Option(None, help="pandas or spark (default ADSERVE_DATA_ENGINE, pandas)."),
    source: str | None = typer.Option(
        None, "--input", help="Raw CSV/Parquet path or s3:// URI (default: shipped data)."
    ),
    lake: str | None = typer.Option(
        None, help="Lake root, local path or s3://bucket/prefix (default ADSERVE_DATA_LAKE)."
    ),
    mapping: Path | None = typer.Option(
        None, help="Mapping file of your own export (default: the shipped online-retail-ii adapter's)."
    ),
) -> None:
    """Validate, clean, pseudonymize and featurize the interactions into the Parquet lake (manifest + _SUCCESS)."""
    from services.data.spark.runner import build_lake as build

    if engine not in (None, "pandas", "spark"):
        raise typer.BadParameter("engine must be pandas or spark", param_hint="--engine")
    manifest = build(source, lake, engine, mapping_file=mapping)  # type: ignore[arg-type]
    typer.echo(manifest.to_json())


@app.command()
def update(
    every: float | None = typer.Option(
        None, help="Run again every N seconds (default ADSERVE_RECOMMEND_UPDATE_EVERY_S; 0 = once)."
    ),
) -> None:
    """Fold new feedback into the served recommender; exit 0 on promote/skip, 3 on rollback (single runs)."""
    import time

    from services.core.artifact_store import AliasConflictError
    from services.core.feedback import open_store
    from services.recommend.training.online_update import run_update
    from services.recommend.training.update_settings import get_update_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = get_update_settings()
    period = settings.every_s if every is None else every
    store = open_store()
    while True:
        try:
            outcome = run_update(store, settings)
        except (LookupError, AliasConflictError) as exc:  # no served model yet, or the alias moved meanwhile
            typer.echo(f"cannot update: {exc}", err=True)
            if period <= 0:
                raise typer.Exit(2) from None
        else:
            typer.echo(outcome.line())
            for key in ("metrics_current", "metrics_candidate", "counts"):
                if outcome.detail.get(key):
                    typer.echo(f"{key}: " + json.dumps(outcome.detail[key], default=str))
            if period <= 0:
                raise typer.Exit(3 if outcome.decision == "rollback" else 0)
        time.sleep(period)


@app.command()
def rollback(alias: str | None = typer.Option(None, help="Alias to move back (default: the served one).")) -> None:
    """Point the serving alias at the ``previous`` version (and remember the current one as previous)."""
    from services.recommend.training.online_update import rollback as move_back

    typer.echo(f"serving {move_back(alias=alias)}")


@app.command()
def evaluate() -> None:
    """Print the metrics table of the last training run."""
    from services.core.settings import get_settings
    from services.recommend.training.reports import metrics_table, quality_markdown

    path = get_settings().var_dir / "reports" / "recommend" / "report.json"
    if not path.exists():
        raise typer.BadParameter(f"no report at {path}; run `recommend train` first")
    report = json.loads(path.read_text())
    if "quality" in report:
        typer.echo(quality_markdown(report["quality"]))
    typer.echo(metrics_table(report["metrics"]))
    typer.echo(f"best parameters: {report['best_params']}")


@app.command()
def prepare() -> None:
    """Train the default model unless the configured reference already resolves locally or in S3."""
    import bentoml

    from services.core.artifact_store import ArtifactStore
    from services.core.settings import get_settings

    ref = get_settings().recommend_model
    try:
        model = ArtifactStore().ensure_local(ref)
        typer.echo(f"recommend: {model.tag} present")
        return
    except (LookupError, bentoml.exceptions.NotFound):
        typer.echo(f"recommend: {ref} missing, training the default model (about 5-10 minutes on 2 cores)")
    train(trials=4, threads=2, max_users=None, embeddings=True, data=None, lake=None)


@app.command()
def serve(
    port: int | None = typer.Option(None, help="Default: the capability's port in services/catalog.yaml."),
    host: str = "0.0.0.0",
) -> None:
    """``bentoml serve`` the recommend service."""
    serve_capability("recommend", port, host)
