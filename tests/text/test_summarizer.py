"""Sentences, polarity, MMR, the extractive summarizer with PII scrubbing, and the tiny T5 headliner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import bentoml
import numpy as np
import pytest
from pydantic import ValidationError
from transformers import AutoTokenizer

from services.text.abstractive import AbstractiveSummarizer, load_abstractive
from services.text.extractive import centroid_relevance, mmr_select
from services.text.polarity import is_con, is_pro, lexicon_score, polarity
from services.text.schemas import ProductReviews, Review
from services.text.sentences import split_sentences
from services.text.settings import get_text_settings
from services.text.summarizer import Summarizer

Embed = Callable[[list[str]], np.ndarray]
REVIEWS = [
    Review(
        text="I love this dress. The fabric is soft and flattering. Email me at jo@example.com for photos.", rating=5
    ),
    Review(text="Runs small and the material is thin. I returned it.", rating=2),
    Review(text="Beautiful color, soft fabric and a flattering cut. Would recommend.", rating=5),
    Review(text="The zipper broke after one wear. Too tight in the hips.", rating=1),
]


def test_sentence_splitting() -> None:
    assert split_sentences("love it!! the fabric is soft... e.g. cotton. ok") == [
        "love it!!",
        "the fabric is soft...",
        "e.g. cotton.",
        "ok",
    ]
    assert split_sentences("质量很好。尺码偏小！推荐") == ["质量很好。", "尺码偏小！", "推荐"]


def test_polarity_uses_lexicon_negation_size_context_and_rating() -> None:
    assert lexicon_score("I love it, so soft") > 0 > lexicon_score("not flattering at all")
    assert lexicon_score("I ordered a small") == 0 and lexicon_score("it runs small") < 0
    assert polarity("ok", 5) > 0 > polarity("ok", 1)
    assert is_pro("Beautiful and soft", 5) and not is_con("Beautiful and soft", 5)
    assert is_con("Too tight and itchy", 2) and not is_pro("I am 5'4 and ordered a small", 5)


def test_mmr_prefers_diverse_sentences() -> None:
    emb = np.array([[1.0, 0.0], [1.0, 0.0], [0.6, 0.8]], dtype=np.float32)
    rel = centroid_relevance(emb)
    assert rel[0] == pytest.approx(rel[1])
    assert mmr_select(emb, rel, 2, lambda_=0.5) == [0, 2]
    assert sorted(mmr_select(emb, rel, 5)) == [0, 1, 2]
    assert mmr_select(emb, rel, 2, candidates=[1, 2])[0] in {1, 2}


def test_extractive_summary_links_back_and_scrubs_pii(hash_embed: Embed) -> None:
    product = ProductReviews(product_id="p1", reviews=REVIEWS, max_sentences=2, max_pros_cons=2)
    [summary] = Summarizer(hash_embed).summarize_batch([product])
    assert summary.product_id == "p1" and summary.n_reviews == 4 and summary.average_rating == 3.25
    assert summary.pii_removed == 1 and "jo@example.com" not in summary.model_dump_json()
    assert 1 <= len(summary.sentences) <= 2 and summary.summary == " ".join(s.text for s in summary.sentences)
    for ref in [*summary.sentences, *summary.pros, *summary.cons]:
        source = split_sentences(REVIEWS[ref.review_index].text.replace("jo@example.com", "[email]"))
        assert source[ref.sentence_index] == ref.text
    assert summary.pros and all(REVIEWS[p.review_index].rating == 5 for p in summary.pros)
    assert summary.cons and all(REVIEWS[c.review_index].rating in (1, 2) for c in summary.cons)


def test_batch_of_products_is_embedded_once(hash_embed: Embed) -> None:
    calls: list[int] = []

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return hash_embed(texts)

    products = [ProductReviews(reviews=REVIEWS[:2]), ProductReviews(reviews=[Review(text="Nice.")], max_pros_cons=0)]
    summaries = Summarizer(counting).summarize_batch(products)
    assert len(calls) == 1 and len(summaries) == 2
    assert summaries[1].summary == "Nice." and summaries[1].pros == [] and summaries[1].average_rating is None


def test_real_minilm_picks_the_sentences_most_reviews_share() -> None:
    from services.core.embeddings import embed_texts

    reviews = [
        Review(text=t)
        for t in (
            "The dress is beautiful and fits perfectly.",
            "Gorgeous dress with a perfect fit.",
            "Lovely dress, fits like a dream.",
            "Shipping took two weeks.",
        )
    ]
    [summary] = Summarizer(embed_texts).summarize_batch([ProductReviews(reviews=reviews, max_sentences=1)])
    assert summary.sentences[0].review_index in {0, 1, 2}


def test_request_limits_are_per_product(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="at least 1"):
        ProductReviews(reviews=[])
    monkeypatch.setenv("ADSERVE_TEXT_MAX_REVIEWS_PER_PRODUCT", "2")
    monkeypatch.setenv("ADSERVE_TEXT_MAX_REVIEW_CHARS", "100")
    monkeypatch.setenv("ADSERVE_TEXT_MAX_TOTAL_CHARS", "1000")
    get_text_settings.cache_clear()
    try:
        with pytest.raises(ValidationError, match="at most 2 reviews"):
            ProductReviews(reviews=REVIEWS[:3])
        with pytest.raises(ValidationError, match="at most 100 characters"):
            Review(text="x" * 101)
    finally:
        get_text_settings.cache_clear()


def test_tiny_t5_loads_with_auto_classes_and_writes_headlines(
    summarizer_model: bentoml.Model, hash_embed: Embed
) -> None:
    tok = AutoTokenizer.from_pretrained(summarizer_model.path)
    assert tok.pad_token_id == 0 and tok("hi")["input_ids"][-1] == tok.eos_token_id
    meta = summarizer_model.info.metadata
    assert meta["architecture"] == "t5" and meta["data"]["license"] == "CC0 1.0"
    headliner = load_abstractive(summarizer_model)
    assert isinstance(headliner, AbstractiveSummarizer) and headliner.tag == str(summarizer_model.tag)
    outputs = headliner.summarize_texts(["Love this top, soft and cute.", "word " * 2000])
    assert len(outputs) == 2 and all(isinstance(o, str) for o in outputs)
    product = ProductReviews(reviews=REVIEWS, method="abstractive")
    [summary] = Summarizer(hash_embed, headliner).summarize_batch([product])
    assert summary.method == "abstractive" and summary.model == headliner.tag and summary.sentences


def test_reports_of_the_tiny_run(summarizer_model: bentoml.Model, text_reports: Path) -> None:
    assert (text_reports / "summarizer_loss.png").exists() and (text_reports / "summarizer_report.json").exists()
