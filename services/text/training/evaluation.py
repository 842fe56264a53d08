"""ROUGE evaluation of review summarization on held-out products, against lead baselines.

Two tasks, both scored with ROUGE-1/2/L F1 (Porter stemming) against customer-written titles:

* ``review``: one review body → its own title. Systems: lead-1, lead-3, extractive (the most
  central sentence of the review by MiniLM centroid), abstractive (the trained seq2seq model).
* ``product``: all reviews of a product → the titles of those reviews joined. Systems: lead-3
  (first three sentences of the reviews in order), extractive (three sentences, centroid + MMR),
  abstractive (headline written from the extractive sentences).

Lead-3 is much longer than a title, so on F1 it is penalised for length; lead-1 is reported as
the length-matched baseline, together with mean output lengths, paired win rates and a bootstrap
interval for the ROUGE-L difference between systems.
"""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rouge_score import rouge_scorer

from ..extractive import Embedder, centroid_relevance
from ..polarity import lexicon_score
from ..schemas import ProductReviews, Review
from ..sentences import split_sentences, word_count
from ..summarizer import Headliner, Summarizer
from .abstractive import TEST_FRACTION, split_records, title_pairs
from .data import ReviewRecord, load_reviews
from .reports import plot_rouge_table, report_dir, write_json

log = logging.getLogger(__name__)
MEASURES = ("rouge1", "rouge2", "rougeL")


@dataclass(frozen=True)
class EvalConfig:
    max_reviews: int = 1000
    max_products: int = 40
    reviews_per_product: int = 30
    min_reviews_per_product: int = 5
    bootstrap: int = 1000
    seed: int = 0


def lead(text: str, n: int) -> str:
    return " ".join(split_sentences(text)[:n])


def _scorer() -> rouge_scorer.RougeScorer:
    return rouge_scorer.RougeScorer(list(MEASURES), use_stemmer=True)


def score_system(outputs: list[str], references: list[str]) -> dict[str, list[float]]:
    scorer = _scorer()
    scores: dict[str, list[float]] = {m: [] for m in MEASURES}
    for output, reference in zip(outputs, references, strict=True):
        result = scorer.score(reference, output)
        for m in MEASURES:
            scores[m].append(result[m].fmeasure)
    return scores


def bootstrap_diff(a: list[float], b: list[float], rounds: int, seed: int) -> dict[str, float]:
    """Mean of a − b with a 95 % percentile bootstrap interval over items."""
    diff = np.asarray(a) - np.asarray(b)
    rng = np.random.default_rng(seed)
    means = [float(diff[rng.integers(0, len(diff), len(diff))].mean()) for _ in range(rounds)]
    return {
        "mean": float(diff.mean()),
        "low": float(np.percentile(means, 2.5)),
        "high": float(np.percentile(means, 97.5)),
    }


def _table(per_system: dict[str, dict[str, list[float]]], outputs: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    return {
        name: {
            **{m: float(np.mean(scores[m])) for m in MEASURES},
            "mean_words": float(np.mean([word_count(o) for o in outputs[name]])),
        }
        for name, scores in per_system.items()
    }


def _comparisons(
    per_system: dict[str, dict[str, list[float]]], pairs: list[tuple[str, str]], cfg: EvalConfig
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for a, b in pairs:
        if a in per_system and b in per_system:
            ra, rb = per_system[a]["rougeL"], per_system[b]["rougeL"]
            out[f"{a} vs {b}"] = {
                "rougeL_diff": bootstrap_diff(ra, rb, cfg.bootstrap, cfg.seed),
                "wins": float(np.mean([x > y for x, y in zip(ra, rb, strict=True)])),
                "ties": float(np.mean([x == y for x, y in zip(ra, rb, strict=True)])),
            }
    return out


def most_central_sentence(bodies: list[str], embed: Embedder) -> list[str]:
    """For each review, the sentence closest to the centroid of its own sentences."""
    split = [split_sentences(b) or [b] for b in bodies]
    flat = [s for sentences in split for s in sentences]
    vectors = embed(flat)
    out: list[str] = []
    offset = 0
    for sentences in split:
        emb = vectors[offset : offset + len(sentences)]
        offset += len(sentences)
        out.append(sentences[int(np.argmax(centroid_relevance(emb)))])
    return out


def evaluate_reviews(
    test: list[ReviewRecord], embed: Embedder, headliner: Headliner | None, cfg: EvalConfig
) -> dict[str, Any]:
    sample = random.Random(cfg.seed).sample(test, min(cfg.max_reviews, len(test)))
    references = [r.title or "" for r in sample]
    bodies = [r.body for r in sample]
    outputs: dict[str, list[str]] = {
        "lead-1": [lead(b, 1) for b in bodies],
        "lead-3": [lead(b, 3) for b in bodies],
        "extractive": most_central_sentence(bodies, embed),
    }
    if headliner is not None:
        outputs["abstractive"] = headliner.summarize_texts(bodies)
    per_system = {name: score_system(out, references) for name, out in outputs.items()}
    examples = [
        {"title": references[i], "body": bodies[i], **{name: outputs[name][i] for name in outputs}} for i in range(8)
    ]
    return {
        "n": len(sample),
        "table": _table(per_system, outputs),
        "comparisons": _comparisons(
            per_system,
            [
                ("extractive", "lead-3"),
                ("extractive", "lead-1"),
                ("abstractive", "extractive"),
                ("abstractive", "lead-1"),
            ],
            cfg,
        ),
        "examples": examples,
    }


def _products(test: list[ReviewRecord], cfg: EvalConfig) -> list[list[ReviewRecord]]:
    by_product: dict[str, list[ReviewRecord]] = defaultdict(list)
    for r in test:
        by_product[r.product_id].append(r)
    eligible = sorted(
        (rs[: cfg.reviews_per_product] for rs in by_product.values() if len(rs) >= cfg.min_reviews_per_product),
        key=lambda rs: rs[0].product_id,
    )
    return random.Random(cfg.seed).sample(eligible, min(cfg.max_products, len(eligible)))


def evaluate_products(
    test: list[ReviewRecord], embed: Embedder, headliner: Headliner | None, cfg: EvalConfig
) -> dict[str, Any]:
    groups = _products(test, cfg)
    references = [" ".join(r.title or "" for r in rs) for rs in groups]
    requests = [
        ProductReviews(
            product_id=rs[0].product_id,
            reviews=[Review(text=r.body[:4000], rating=r.rating) for r in rs],
            method="abstractive" if headliner is not None else "extractive",
        )
        for rs in groups
    ]
    summaries = Summarizer(embed, headliner).summarize_batch(requests)
    outputs: dict[str, list[str]] = {
        "lead-3": [lead(" ".join(r.body for r in rs), 3) for rs in groups],
        "extractive": [" ".join(s.text for s in summary.sentences) for summary in summaries],
    }
    if headliner is not None:
        outputs["abstractive"] = [s.summary for s in summaries]
    per_system = {name: score_system(out, references) for name, out in outputs.items()}
    examples = [
        {
            "product_id": s.product_id,
            "n_reviews": s.n_reviews,
            "average_rating": s.average_rating,
            "summary": s.summary,
            "sentences": [x.text for x in s.sentences],
            "pros": [x.text for x in s.pros],
            "cons": [x.text for x in s.cons],
        }
        for s in summaries[:4]
    ]
    return {
        "n": len(groups),
        "table": _table(per_system, outputs),
        "comparisons": _comparisons(per_system, [("extractive", "lead-3"), ("abstractive", "extractive")], cfg),
        "examples": examples,
    }


def polarity_check(test: list[ReviewRecord], limit: int = 3000) -> dict[str, float]:
    """Review-level sanity check of the lexicon: sign of the summed score vs rating (4-5 vs 1-2)."""
    judged = correct = covered = 0
    for r in test[:limit]:
        if r.rating is None or r.rating == 3:
            continue
        judged += 1
        score = sum(lexicon_score(s) for s in split_sentences(r.body))
        if score != 0:
            covered += 1
            correct += (score > 0) == (r.rating >= 4)
    return {"reviews": judged, "coverage": covered / max(1, judged), "accuracy_when_covered": correct / max(1, covered)}


def run_evaluation(
    embed: Embedder,
    headliner: Headliner | None,
    cfg: EvalConfig,
    data_dir: Path | None = None,
    reports: Path | None = None,
    progress: Callable[[str], None] = log.info,
) -> dict[str, Any]:
    started = time.perf_counter()
    records, _ = load_reviews()
    _, test = split_records(title_pairs(records), TEST_FRACTION)
    progress(f"ROUGE on {min(cfg.max_reviews, len(test))} held-out reviews")
    review_task = evaluate_reviews(test, embed, headliner, cfg)
    progress(f"ROUGE on up to {cfg.max_products} held-out products")
    product_task = evaluate_products(test, embed, headliner, cfg)
    report = {
        "config": asdict(cfg),
        "abstractive_model": getattr(headliner, "tag", None),
        "held_out_reviews": len(test),
        "review_task": review_task,
        "product_task": product_task,
        "polarity_lexicon": polarity_check(test),
        "seconds": time.perf_counter() - started,
    }
    out = report_dir(reports)
    write_json(out / "report.json", report)
    plot_rouge_table(out / "rouge_reviews.png", review_task["table"], "Review → title (held-out products)")
    plot_rouge_table(out / "rouge_products.png", product_task["table"], "Product reviews → titles (held-out)")
    return report


def rouge_markdown(table: dict[str, dict[str, float]]) -> str:
    lines = ["| system | ROUGE-1 | ROUGE-2 | ROUGE-L | mean words |", "| --- | --- | --- | --- | --- |"]
    for name, row in table.items():
        lines.append(
            f"| {name} | {row['rouge1']:.3f} | {row['rouge2']:.3f} | {row['rougeL']:.3f} | {row['mean_words']:.1f} |"
        )
    return "\n".join(lines)
