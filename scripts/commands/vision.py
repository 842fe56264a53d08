"""``python -m scripts.cli vision …``: train, evaluate, prepare, benchmark, import and serve the
product-image models."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer

from scripts.commands.serving import serve_capability

app = typer.Typer(help="Product-image classification and visual similarity (Fashion-MNIST).", no_args_is_help=True)


def _setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)


def _reports_dir() -> Path:
    from services.core.settings import get_settings

    return get_settings().var_dir / "reports" / "vision"


def _data_dir() -> Path:
    from services.core.settings import get_settings

    return get_settings().data_dir


@app.command()
def train(
    epochs: int = typer.Option(10, help="Training epochs (one-cycle schedule over all of them)."),
    threads: int = typer.Option(2, help="torch threads."),
    name: str = typer.Option("vision-classifier", help="BentoML model name."),
    train_limit: int | None = typer.Option(None, help="Train on this many images only (quick runs)."),
    evaluate_after: bool = typer.Option(True, "--evaluate/--no-evaluate", help="Write the report after."),
    data: Path | None = typer.Option(
        None, help="An ingested data set (catalog images + category) or an ImageFolder directory."
    ),
) -> None:
    """Train the CNN (on ``--data``, else Fashion-MNIST), index the catalog and save a new model version."""
    _setup_logging()
    from services.data.adapters.fashion_mnist import FASHION_CLASSES
    from services.vision.training.pipeline import train_catalog_model, train_default_model
    from services.vision.training.trainer import TrainConfig

    cfg = TrainConfig(epochs=epochs, threads=threads, train_limit=train_limit)
    if data is not None:
        model, summary = train_catalog_model(data, cfg, name=name)
    else:
        model, summary = train_default_model(_data_dir(), cfg, name=name)
    typer.echo(
        f"{summary.tag}: test accuracy {summary.test_accuracy:.4f}, "
        f"precision@10 {summary.precision_at_10:.4f}, {summary.parameters} parameters, "
        f"trained in {summary.train_seconds:.0f}s"
    )
    labels = model.info.metadata.get("architecture", {}).get("labels", [])
    if evaluate_after and (data is None or sorted(labels) == sorted(FASHION_CLASSES)):
        evaluate(ref=str(model.tag), out=None)  # the report on the official Fashion-MNIST test split


@app.command()
def evaluate(
    ref: str | None = typer.Option(None, help="Model reference; default: the configured vision_model."),
    out: Path | None = typer.Option(None, help="Report folder; default var/reports/vision."),
) -> None:
    """Evaluate on the official test split: report.json, confusion matrix, training curve, examples."""
    _setup_logging()
    from services.core.artifact_store import ArtifactStore
    from services.core.settings import get_settings
    from services.vision.training.pipeline import evaluate_stored_model

    model = ArtifactStore().ensure_local(ref or get_settings().vision_model)
    out_dir = out or _reports_dir()
    report = evaluate_stored_model(str(model.tag), _data_dir(), out_dir)
    cls = report["classification"]
    if "accuracy" in cls:
        typer.echo(cls["classification_report_text"])
        typer.echo(f"test accuracy: {cls['accuracy']:.4f}")
        photos = cls["photo_inputs"]
        typer.echo(f"accuracy on {photos['images']} photo-style inputs ({photos['input']}): {photos['accuracy']:.4f}")
    sim = report["similarity"]
    if sim.get("available"):
        typer.echo(f"precision@{sim['k']} (held-out queries): " + json.dumps(sim["precision_at_k"], indent=1))
    typer.echo(f"report: {out_dir / 'report.json'}")


@app.command()
def prepare() -> None:
    """Train the default model unless the configured reference already resolves (locally or in S3)."""
    _setup_logging()
    import bentoml

    from services.core.artifact_store import ArtifactStore
    from services.core.settings import get_settings

    ref = get_settings().vision_model
    try:
        model = ArtifactStore().ensure_local(ref)
        typer.echo(f"vision: {model.tag} present")
        return
    except (LookupError, bentoml.exceptions.NotFound):
        typer.echo(f"vision: {ref} missing, training the default model (about 5-8 minutes on 2 cores)")
    from services.data.dataset import ensure_adapter_dataset

    data = ensure_adapter_dataset("fashion-mnist")  # images and categories through the adapter
    train(epochs=10, threads=2, name="vision-classifier", train_limit=None, evaluate_after=True, data=data)


@app.command()
def benchmark(
    ref: str | None = typer.Option(None, help="Model reference; default: the configured vision_model."),
    batch_sizes: str = typer.Option("1,8,64", help="Comma-separated batch sizes."),
    threads: int = typer.Option(2, help="torch threads."),
    seconds: float = typer.Option(3.0, help="Minimum measuring time per point."),
) -> None:
    """Offline images/s of VisionRuntime.classify_batch (the ceiling for the HTTP benchmarks)."""
    _setup_logging()
    import torch

    from scripts.bench.vision_ceiling import run_benchmark
    from services.core.artifact_store import ArtifactStore
    from services.core.settings import get_settings
    from services.data.adapters.fashion_mnist import load_split
    from services.vision.runtime import load_runtime
    from services.vision.training.pipeline import cpu_runtime_settings
    from services.vision.training.plots import plot_throughput

    torch.set_num_threads(threads)
    model = ArtifactStore().ensure_local(ref or get_settings().vision_model)
    runtime = load_runtime(model, cpu_runtime_settings())
    sizes = [int(s) for s in batch_sizes.split(",") if s.strip()]
    rows = run_benchmark(runtime, load_split(_data_dir(), "test").images[:2048], sizes, min_seconds=seconds)
    out_dir = _reports_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    result = {"model": str(model.tag), "rows": rows}
    (out_dir / "benchmark_offline.json").write_text(json.dumps(result, indent=2))
    plot_throughput(rows, out_dir / "throughput_offline.png", f"{model.tag}: offline, torch threads = {threads}")
    for row in rows:
        typer.echo(
            f"{row['input']:>18}  batch {row['batch_size']:>3}: {row['images_per_s']:>8.1f} images/s "
            f"({row['ms_per_batch']:.2f} ms/batch)"
        )


@app.command("import-hf")
def import_hf(
    source: Path = typer.Argument(..., help="Folder with a transformers image classifier and its processor."),
    name: str = typer.Option("vision-hf-classifier", help="BentoML model name."),
    catalog: bool = typer.Option(True, help="Build the demo catalog index with this model's embeddings."),
    catalog_limit: int | None = typer.Option(None, help="Index only this many catalog images."),
) -> None:
    """Save pretrained weights (ViT, ConvNeXt, …) as a vision model; publish it and point
    ADSERVE_VISION_MODEL at it to serve it instead of the default CNN."""
    _setup_logging()
    from services.vision.training.pipeline import import_hf_model

    model = import_hf_model(source, name=name, data_dir=_data_dir() if catalog else None, catalog_limit=catalog_limit)
    typer.echo(f"saved {model.tag}; publish: python -m scripts.cli publish {model.tag} --alias production")


@app.command()
def serve(
    port: int | None = typer.Option(None, help="Default: the capability's port in services/catalog.yaml."),
    host: str = "0.0.0.0",
) -> None:
    """``bentoml serve`` the vision service."""
    serve_capability("vision", port, host)
