"""``python -m scripts.cli text …``: train, evaluate, prepare and serve the text capability."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer

from scripts.commands.serving import serve_capability
from services.text.training.guard_evaluation import GuardReport

app = typer.Typer(
    help="Descriptions (GPT-2), review summaries (MiniLM + T5) and the compliance guard.", no_args_is_help=True
)
LABELLED_SET = Path(__file__).resolve().parents[2] / "tests" / "text" / "data" / "compliance_labelled.jsonl"


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")


def write_guard_report(path: Path) -> GuardReport:
    from services.text.training.guard_evaluation import load_and_evaluate
    from services.text.training.reports import plot_guard_confusion, report_dir, write_json

    report = load_and_evaluate(path)
    out = report_dir()
    write_json(out / "guard_report.json", report.model_dump())
    counts = {k: (v.true_positives, v.false_positives, v.false_negatives) for k, v in report.per_kind.items()}
    plot_guard_confusion(out / "guard_confusion.png", counts, f"compliance guard on {report.n_texts} labelled texts")
    return report


@app.command("train-generator")
def train_generator(
    steps: int = typer.Option(600, help="Optimizer steps."),
    threads: int = typer.Option(0, help="Torch threads (0: two on an idle machine, one when busy)."),
    data: Path | None = typer.Option(None, help="An ingested data set (catalog); default: the Myntra adapter."),
) -> None:
    """Train ``text-generator`` (small GPT-2 on catalog attribute → title pairs)."""
    _logging()
    from services.text.training.generator import GeneratorTrainConfig
    from services.text.training.generator import train_generator as run

    model = run(GeneratorTrainConfig(steps=steps, threads=threads), data=data)
    typer.echo(f"saved {model.tag}: {json.dumps(model.info.metadata['metrics'])}")


@app.command("train-summarizer")
def train_summarizer(
    steps: int = typer.Option(500, help="Optimizer steps."),
    threads: int = typer.Option(0, help="Torch threads (0: two on an idle machine, one when busy)."),
    data: Path | None = typer.Option(None, help="An ingested data set (reviews); default: the reviews adapter."),
) -> None:
    """Train ``text-summarizer`` (small T5 on review body → review title pairs)."""
    _logging()
    from services.text.training.abstractive import SummarizerTrainConfig
    from services.text.training.abstractive import train_summarizer as run

    model = run(SummarizerTrainConfig(steps=steps, threads=threads), data=data)
    typer.echo(f"saved {model.tag}: {json.dumps(model.info.metadata['metrics'])}")


@app.command()
def train(
    threads: int = typer.Option(0, help="Torch threads (0: auto)."),
    data: Path | None = typer.Option(None, help="An ingested data set with a catalog and reviews."),
) -> None:
    """Train both models (from ``--data``, else from the shipped adapters)."""
    train_generator(steps=600, threads=threads, data=data)
    train_summarizer(steps=500, threads=threads, data=data)


@app.command()
def evaluate(
    reviews: int = typer.Option(1000, help="Held-out reviews for the review → title task."),
    products: int = typer.Option(40, help="Held-out products for the product task."),
    abstractive: bool = typer.Option(True, help="Include the configured text-summarizer."),
) -> None:
    """ROUGE (extractive, abstractive, lead baselines) and the guard's precision/recall; report + PNGs."""
    _logging()
    import torch

    from services.core.artifact_store import ArtifactStore
    from services.core.embeddings import embed_texts
    from services.core.settings import get_settings
    from services.text.abstractive import load_abstractive
    from services.text.training.evaluation import EvalConfig, rouge_markdown, run_evaluation
    from services.text.training.reports import report_dir

    torch.set_num_threads(2)
    headliner = (
        load_abstractive(ArtifactStore().ensure_local(get_settings().text_summarizer_model)) if abstractive else None
    )
    report = run_evaluation(
        embed_texts, headliner, EvalConfig(max_reviews=reviews, max_products=products), progress=typer.echo
    )
    guard = write_guard_report(LABELLED_SET)
    typer.echo("review → title (held-out products)\n" + rouge_markdown(report["review_task"]["table"]))
    typer.echo("product reviews → titles\n" + rouge_markdown(report["product_task"]["table"]))
    typer.echo(f"polarity lexicon: {report['polarity_lexicon']}")
    typer.echo(
        f"guard on {guard.n_texts} labelled texts: precision {guard.kind_level.precision:.3f}, "
        f"recall {guard.kind_level.recall:.3f} (text level {guard.text_level.precision:.3f} / "
        f"{guard.text_level.recall:.3f})"
    )
    typer.echo(f"reports in {report_dir()}")


@app.command("evaluate-guard")
def evaluate_guard(path: Path = typer.Option(LABELLED_SET, help="Labelled JSON lines.")) -> None:
    """Precision and recall of the compliance guard on a labelled set (also written as JSON and PNG)."""
    report = write_guard_report(path)
    typer.echo(json.dumps(report.model_dump(exclude={"errors"}), indent=2))
    for error in report.errors:
        typer.echo(f"mismatch {error['id']}: expected {error['expected']}, got {[g['kind'] for g in error['got']]}")


@app.command()
def examples(
    count: int = typer.Option(6, help="Held-out catalogue products to describe."),
    seed: int = typer.Option(7, help="Sampling seed."),
) -> None:
    """Generate titles and descriptions for held-out catalogue products with the configured model."""
    _logging()
    import random

    from services.core.artifact_store import ArtifactStore
    from services.core.settings import get_settings
    from services.text.generator import load_generator
    from services.text.schemas import DescriptionRequest
    from services.text.training.data import in_test_split, load_title_pairs
    from services.text.training.reports import report_dir, write_json

    runtime = load_generator(ArtifactStore().ensure_local(get_settings().text_generator_model))
    held_out = [p for p in load_title_pairs() if in_test_split(p.product_id, 0.05)]
    chosen = random.Random(seed).sample(held_out, count)
    tones = ["neutral", "friendly", "premium", "sporty"]
    items = [
        DescriptionRequest(
            attributes=p.attributes, tone=tones[i % 4], seed=seed + i, language="zh" if i == count - 1 else "en"
        )
        for i, p in enumerate(chosen)
    ]
    results = runtime.generate_batch(items)
    rows = []
    for pair, item, result in zip(chosen, items, results, strict=True):
        rows.append(
            {
                "attributes": item.attributes.model_dump(exclude_none=True, exclude_defaults=True),
                "catalogue_title": pair.title,
                **result.model_dump(),
            }
        )
        typer.echo(json.dumps(rows[-1], ensure_ascii=False))
    write_json(report_dir() / "examples.json", {"model": runtime.tag, "examples": rows})


@app.command("import-pretrained")
def import_pretrained(
    path: Path = typer.Argument(..., help="A save_pretrained folder (config, weights, tokenizer)."),
    kind: str = typer.Option(..., help="'generator' (causal LM) or 'summarizer' (seq2seq)."),
    prompt_format: str = typer.Option("chat", help="Generator prompts: 'chat' or 'attributes-v1'."),
    languages: str = typer.Option("en", help="Generator languages, comma-separated (en,zh)."),
    input_prefix: str = typer.Option("", help="Summarizer input prefix, e.g. 'summarize: ' for T5."),
) -> None:
    """Wrap pretrained weights as the ``text-generator``/``text-summarizer`` BentoML model (then publish it)."""
    from services.text.training.pretrained import import_pretrained as run

    model = run(path, kind, prompt_format=prompt_format, languages=languages.split(","), input_prefix=input_prefix)
    typer.echo(f"imported {model.tag}; publish it with: python -m scripts.cli publish {model.tag} --alias production")


@app.command()
def prepare() -> None:
    """Train each default model unless the configured reference already resolves locally or in S3."""
    import bentoml

    from services.core.artifact_store import ArtifactStore
    from services.core.settings import get_settings

    settings = get_settings()
    for ref, trainer, minutes in (
        (settings.text_generator_model, train_generator, "2-5"),
        (settings.text_summarizer_model, train_summarizer, "2-5"),
    ):
        try:
            model = ArtifactStore().ensure_local(ref)
            typer.echo(f"text: {model.tag} present")
            continue
        except (LookupError, bentoml.exceptions.NotFound):
            typer.echo(f"text: {ref} missing, training the default model (about {minutes} minutes on 2 cores)")
        trainer(steps=600 if trainer is train_generator else 500, threads=0, data=None)


@app.command()
def serve(
    port: int | None = typer.Option(None, help="Default: the capability's port in services/catalog.yaml."),
    host: str = "0.0.0.0",
) -> None:
    """``bentoml serve`` the text service."""
    serve_capability("text", port, host)
