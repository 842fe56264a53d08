"""Creative capability commands: train (the tiny default pipeline), prepare, evaluate, examples,
bench-batching, import-diffusers (real weights) and serve.

``python -m scripts.cli creative prepare`` is what the one-command set-up calls: it builds the
tiny random pipeline only when ``creative-diffusion`` is missing from the local store.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

import typer

from scripts.commands.serving import serve_capability
from services.core.capabilities import get_catalog
from services.core.settings import PROJECT_ROOT, get_settings

app = typer.Typer(help="Creative: diffusion images, style transfer, enhancement, banners.", no_args_is_help=True)
log = logging.getLogger("creative")
SERVICE = get_catalog()["creative"].service
MODEL_NAME = "creative-diffusion"


def _setup(threads: int | None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if threads:
        import torch

        torch.set_num_threads(threads)


def _reports_dir() -> Path:
    path = get_settings().var_dir / "reports" / "creative"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _load_engine(ref: str, steps: int | None = None) -> Any:
    from services.core.artifact_store import ArtifactStore
    from services.creative.diffusion import load_engine
    from services.creative.settings import get_creative_settings

    settings = get_creative_settings()
    if steps is not None:
        settings = settings.model_copy(update={"default_steps": steps})
    return load_engine(ArtifactStore().ensure_local(ref), settings)


@app.command()
def train(
    sample_size: int = typer.Option(64, help="Latent side; the native image side is 8x this (64 -> 512 px)."),
    vocab_size: int = typer.Option(1000, help="BPE vocabulary size of the tokenizer."),
    limit: int | None = typer.Option(None, help="Use only the first N product titles."),
    data: Path | None = typer.Option(None, help="An ingested data set (catalog titles); default: the Myntra adapter."),
    threads: int = typer.Option(2, help="torch CPU threads."),
) -> None:
    """Build the tiny random pipeline (tokenizer trained on product titles) as a new model version."""
    _setup(threads)
    from services.creative.training.corpus import load_titles
    from services.creative.training.tiny_pipeline import TinyConfig, create_tiny_model

    log.info("reading catalog titles for the tokenizer")
    titles, lineage = load_titles(get_settings().data_dir, limit, data=data)
    log.info("training the tokenizer on %d titles and initialising the pipeline", len(titles))
    model = create_tiny_model(titles, TinyConfig(sample_size=sample_size, vocab_size=vocab_size), lineage=lineage)
    typer.echo(f"saved {model.tag} ({model.info.metadata['parameters']} parameters, random weights: outputs noise)")


@app.command()
def prepare(threads: int = typer.Option(2, help="torch CPU threads.")) -> None:
    """Build the default model only if it is missing from the local store (idempotent)."""
    _setup(threads)
    import bentoml
    from bentoml.exceptions import NotFound

    from services.creative.fonts import resolve_fonts

    fonts = resolve_fonts()
    if not fonts.covers_cjk:
        log.warning("no CJK font installed: Chinese banners will be refused (apt-get install fonts-noto-cjk)")
    try:
        model = bentoml.models.get(f"{MODEL_NAME}:latest")
        typer.echo(f"{model.tag} already in the local store; nothing to do")
        return
    except NotFound:
        pass
    train(sample_size=64, vocab_size=1000, limit=None, threads=threads, data=None)


@app.command()
def evaluate(
    ref: str = typer.Option(f"{MODEL_NAME}:latest", help="Model reference to load."),
    repeats: int = typer.Option(3, help="Timing repeats (median)."),
    steps: int | None = typer.Option(None, help="Override the default number of steps."),
    threads: int = typer.Option(1, help="torch CPU threads."),
) -> None:
    """Time every tool at its default size and run the quality checks; writes report.json and a chart."""
    _setup(threads)
    from services.creative.training.evaluation import diffusion_checks, tool_checks, tool_timings

    engine = _load_engine(ref, steps)
    report = {
        "model": engine.tag,
        "device": engine.device,
        "torch_threads": threads,
        "generation_defaults": {
            "side": engine.defaults.side,
            "steps": engine.defaults.steps,
            "guidance": engine.defaults.guidance_scale,
        },
        "ms_per_image": tool_timings(engine, repeats),
        "diffusion": diffusion_checks(engine),
        "tools": tool_checks(get_settings().data_dir),
    }
    out = _reports_dir()
    (out / "report.json").write_text(json.dumps(report, indent=2))
    _bar_chart(
        report["ms_per_image"], out / "timings.png", f"ms per image (median), in-process, {threads} CPU thread(s)"
    )
    typer.echo(json.dumps(report, indent=2))


@app.command()
def examples(
    ref: str = typer.Option(f"{MODEL_NAME}:latest", help="Model for the generation example."),
    docs: bool = typer.Option(True, help="Also copy the figures to docs/creative/."),
    threads: int = typer.Option(1, help="torch CPU threads."),
) -> None:
    """Write example outputs (style transfer, enhancement, banners, generation) as PNG."""
    _setup(threads)
    from services.creative.training.examples import write_examples

    engine = _load_engine(ref, steps=4)
    paths = write_examples(_reports_dir(), engine, get_settings().data_dir)
    if docs:
        target = PROJECT_ROOT / "docs" / "creative"
        target.mkdir(parents=True, exist_ok=True)
        for path in [*paths, _reports_dir() / "timings.png", _reports_dir() / "batching.png"]:
            if path.exists():
                shutil.copy(path, target / path.name)
    for path in paths:
        typer.echo(str(path))


@app.command("import-diffusers")
def import_diffusers(
    folder: Path = typer.Argument(..., exists=True, file_okay=False, help="A diffusers save_pretrained folder."),
    name: str = typer.Option(MODEL_NAME, help="BentoML model name."),
    default_steps: int | None = typer.Option(None, help="Steps when a request gives none (SD-Turbo: 1)."),
    default_guidance: float | None = typer.Option(None, help="Guidance when a request gives none (Turbo: 0)."),
    source: str = typer.Option("", help="Where the weights come from (kept as lineage)."),
    license_name: str = typer.Option("", "--license", help="The weights' licence."),
) -> None:
    """Wrap real SD-family weights (SD 1.5, SD-Turbo, SDXL) as a BentoML model, ready to publish."""
    _setup(None)
    import bentoml

    index = json.loads((folder / "model_index.json").read_text())
    metadata: dict[str, Any] = {"pipeline": index.get("_class_name"), "source": source, "license": license_name}
    if default_steps is not None:
        metadata["default_steps"] = default_steps
    if default_guidance is not None:
        metadata["default_guidance"] = default_guidance
    labels = {"capability": "creative", "kind": "diffusers", "format": "diffusers"}
    with bentoml.models.create(name, metadata=metadata, labels=labels) as model:
        shutil.copytree(folder, model.path, dirs_exist_ok=True)
    typer.echo(f"saved {model.tag}; publish with: python -m scripts.cli publish {model.tag} --alias production")


@app.command()
def serve(
    port: int | None = typer.Option(None, help="Default: the capability's port in services/catalog.yaml."),
    host: str = "0.0.0.0",
) -> None:
    """``bentoml serve`` the creative service."""
    serve_capability("creative", port, host)


# ------------------------------------------------------------------------------ batching benchmark
@app.command("bench-batching")
def bench_batching(
    requests: int = typer.Option(24, help="Requests per run."),
    concurrency: int = typer.Option(8, help="Requests in flight."),
    size: int = typer.Option(128, help="Image side."),
    steps: int = typer.Option(4, help="Denoising steps."),
    port: int = typer.Option(3917),
    threads: int = typer.Option(1, help="torch CPU threads in the server."),
) -> None:
    """Requests/s of /generate_image with adaptive batching against without (scripts/bench/creative_batching.py)."""
    from scripts.bench.creative_batching import compare, write_chart

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    results = compare(
        SERVICE, requests=requests, concurrency=concurrency, size=size, steps=steps, port=port, threads=threads
    )
    out = _reports_dir()
    (out / f"batching_{size}px_{steps}steps.json").write_text(json.dumps(results, indent=2))
    write_chart(out, _bar_chart)
    typer.echo(json.dumps(results, indent=2))


def _bar_chart(values: dict[str, float], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 0.35 * len(values) + 1.2), dpi=100)
    names = list(values)
    ax.barh(names, [values[n] for n in names], color="#1F3A5F")
    for i, name in enumerate(names):
        ax.text(values[name], i, f" {values[name]:g}", va="center", fontsize=8)
    ax.invert_yaxis()
    if max(values.values()) > 100 * max(min(values.values()), 1e-9):
        ax.set_xscale("log")
    ax.set_title(title, fontsize=10)
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
