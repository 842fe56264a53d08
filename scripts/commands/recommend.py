"""``python -m scripts.cli recommend …``: train, evaluate, prepare and serve the recommender."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import typer

app = typer.Typer(help="Hybrid LightFM recommendation (Online Retail II).", no_args_is_help=True)


def _config(trials: int, folds: int, threads: int, embeddings: bool):  # type: ignore[no-untyped-def]
    from services.recommend.training.trainer import TrainConfig

    return TrainConfig(search_trials=trials, cv_folds=folds, num_threads=threads, use_embeddings=embeddings)


@app.command()
def train(
    trials: int = typer.Option(4, help="Random-search trials (the defaults count as one)."),
    folds: int = typer.Option(3, help="Cross-validation folds in the search."),
    threads: int = typer.Option(2, help="LightFM threads."),
    max_users: int | None = typer.Option(None, help="Train on a random subset of users (quick runs)."),
    embeddings: bool = typer.Option(True, help="Cluster MiniLM embeddings of titles as item features."),
) -> None:
    """Clean, featurize, search, evaluate and save ``recommend-lightfm`` with its report."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    from services.recommend.training.pipeline import run_training

    run_training(_config(trials, folds, threads, embeddings), max_users=max_users)


@app.command()
def evaluate() -> None:
    """Print the metrics table of the last training run."""
    from services.core.settings import get_settings
    from services.recommend.training.reports import metrics_table

    path = get_settings().var_dir / "reports" / "recommend" / "report.json"
    if not path.exists():
        raise typer.BadParameter(f"no report at {path}; run `recommend train` first")
    report = json.loads(path.read_text())
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
    train(trials=4, folds=3, threads=2, max_users=None, embeddings=True)


@app.command()
def serve(port: int = 3000, host: str = "0.0.0.0") -> None:
    """``bentoml serve`` the recommend service."""
    cmd = [
        os.path.join(os.path.dirname(sys.executable), "bentoml"),
        "serve",
        "services.recommend.service:RecommendService",
        "--host",
        host,
        "--port",
        str(port),
    ]
    raise typer.Exit(subprocess.call(cmd))
