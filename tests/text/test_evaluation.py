"""ROUGE evaluation helpers, lead baselines and the report on a small held-out sample."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import bentoml
import numpy as np

from services.text.abstractive import load_abstractive
from services.text.training.data import ReviewRecord, load_reviews
from services.text.training.evaluation import (
    EvalConfig,
    bootstrap_diff,
    evaluate_products,
    evaluate_reviews,
    lead,
    most_central_sentence,
    rouge_markdown,
    score_system,
)

Embed = Callable[[list[str]], np.ndarray]


def test_lead_and_rouge() -> None:
    assert lead("One. Two! Three? Four.", 3) == "One. Two! Three?"
    scores = score_system(["love this dress", "nothing"], ["Love this dress!", "Great top"])
    assert scores["rouge1"][0] == 1.0 and scores["rougeL"][1] == 0.0


def test_bootstrap_interval_brackets_the_mean() -> None:
    diff = bootstrap_diff([0.5, 0.6, 0.7, 0.4], [0.1, 0.2, 0.1, 0.3], rounds=200, seed=0)
    assert diff["low"] <= diff["mean"] <= diff["high"] and diff["low"] > 0


def test_most_central_sentence(hash_embed: Embed) -> None:
    body = "The dress is soft. The dress is soft and pretty. Shipping was slow."
    assert most_central_sentence([body], hash_embed) == ["The dress is soft."]


def test_both_tasks_on_a_small_sample(
    shared_data: Path, summarizer_model: bentoml.Model, hash_embed: Embed, tmp_path: Path
) -> None:
    records, _ = load_reviews(limit=400)
    test: list[ReviewRecord] = [r for r in records if r.title]
    cfg = EvalConfig(max_reviews=30, max_products=3, reviews_per_product=5, min_reviews_per_product=2, bootstrap=50)
    headliner = load_abstractive(summarizer_model)
    reviews = evaluate_reviews(test, hash_embed, headliner, cfg)
    assert set(reviews["table"]) == {"lead-1", "lead-3", "extractive", "abstractive"}
    assert reviews["table"]["lead-3"]["mean_words"] >= reviews["table"]["lead-1"]["mean_words"]
    assert "extractive vs lead-3" in reviews["comparisons"]
    products = evaluate_products(test, hash_embed, headliner, cfg)
    assert products["n"] == 3 and set(products["table"]) == {"lead-3", "extractive", "abstractive"}
    markdown = rouge_markdown(reviews["table"])
    assert markdown.count("\n") == 5 and "| extractive |" in markdown
    json.dumps(reviews)  # the report is plain JSON
