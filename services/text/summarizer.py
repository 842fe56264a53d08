"""Review summaries: representative sentences, pros and cons, and an optional abstractive headline.

``Summarizer.summarize_batch(products)`` is the pure, in-process path behind ``/summarize_reviews``.
All sentences of a batch are embedded in one call. Reviews are PII-scrubbed first, so nothing
personal is embedded, selected or echoed back; the guard then lists what the summary still says
that marketing copy must not (customers' own superlatives, "best dress ever"). An abstractive
headline that names a product type, colour or material no review mentions ("Beautiful dress" for
reviews of a blouse) is rejected: the extractive summary stays, ``summary_source`` says so and
``notes`` says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .compliance import check_text, unsupported_terms
from .extractive import Embedder, centroid_relevance, mmr_select
from .pii import scrub
from .polarity import is_con, is_pro, polarity
from .schemas import ProductReviews, ReviewSummary, SentenceRef
from .sentences import split_sentences, word_count

MIN_WORDS = 3  # sentences shorter than this ("Love it!") are not selected as representative


class Headliner(Protocol):
    tag: str | None

    def summarize_texts(self, texts: list[str]) -> list[str]: ...


@dataclass(frozen=True)
class _Sentence:
    review_index: int
    sentence_index: int
    text: str
    rating: int | None


def _sentences(product: ProductReviews) -> tuple[list[_Sentence], int]:
    out: list[_Sentence] = []
    removed = 0
    for r_idx, review in enumerate(product.reviews):
        clean, n = scrub(review.text)
        removed += n
        for s_idx, sentence in enumerate(split_sentences(clean)):
            out.append(_Sentence(r_idx, s_idx, sentence, review.rating))
    return out, removed


def _ref(s: _Sentence, score: float) -> SentenceRef:
    return SentenceRef(review_index=s.review_index, sentence_index=s.sentence_index, text=s.text, score=round(score, 4))


class Summarizer:
    def __init__(self, embed: Embedder, headliner: Headliner | None = None, lambda_: float = 0.7) -> None:
        self.embed = embed
        self.headliner = headliner
        self.lambda_ = lambda_

    def summarize_batch(self, products: list[ProductReviews]) -> list[ReviewSummary]:
        parsed = [_sentences(p) for p in products]
        texts = [s.text for sentences, _ in parsed for s in sentences]
        vectors = self.embed(texts) if texts else np.zeros((0, 384), dtype=np.float32)
        summaries: list[ReviewSummary] = []
        offset = 0
        for product, (sentences, removed) in zip(products, parsed, strict=True):
            emb = vectors[offset : offset + len(sentences)]
            offset += len(sentences)
            summaries.append(self._one(product, sentences, emb, removed))
        if self.headliner is not None:
            self._add_headlines(products, summaries)
        return summaries

    def _one(self, product: ProductReviews, sentences: list[_Sentence], emb: np.ndarray, removed: int) -> ReviewSummary:
        ratings = [r.rating for r in product.reviews if r.rating is not None]
        relevance = centroid_relevance(emb)
        long_enough = [i for i, s in enumerate(sentences) if word_count(s.text) >= MIN_WORDS] or list(
            range(len(sentences))
        )
        picked = mmr_select(emb, relevance, product.max_sentences, self.lambda_, long_enough)
        pros = self._polar(sentences, emb, relevance, long_enough, product.max_pros_cons, is_pro, sign=1.0)
        cons = self._polar(sentences, emb, relevance, long_enough, product.max_pros_cons, is_con, sign=-1.0)
        return ReviewSummary(
            product_id=product.product_id,
            method=product.method,
            summary=(summary := " ".join(sentences[i].text for i in picked)),
            sentences=[_ref(sentences[i], float(relevance[i])) for i in picked],
            pros=pros,
            cons=cons,
            n_reviews=len(product.reviews),
            average_rating=round(sum(ratings) / len(ratings), 3) if ratings else None,
            pii_removed=removed,
            violations=check_text(summary),
        )

    def _polar(
        self,
        sentences: list[_Sentence],
        emb: np.ndarray,
        relevance: np.ndarray,
        pool: list[int],
        k: int,
        test: Callable[[str, int | None], bool],
        sign: float,
    ) -> list[SentenceRef]:
        """Pros (or cons): sentences of that polarity, ranked by relevance × strength, kept diverse by MMR."""
        if k == 0:
            return []
        members = [i for i in pool if test(sentences[i].text, sentences[i].rating)]
        if not members:
            return []
        strength = np.zeros(len(sentences), dtype=np.float32)
        for i in members:
            strength[i] = sign * polarity(sentences[i].text, sentences[i].rating) * (0.5 + 0.5 * relevance[i])
        chosen = mmr_select(emb, strength, k, self.lambda_, members)
        return [_ref(sentences[i], float(strength[i])) for i in chosen]

    def _add_headlines(self, products: list[ProductReviews], summaries: list[ReviewSummary]) -> None:
        wanted = [i for i, p in enumerate(products) if p.method == "abstractive" and summaries[i].sentences]
        if not wanted or self.headliner is None:
            return
        sources = [" ".join(s.text for s in summaries[i].sentences) for i in wanted]
        headlines = self.headliner.summarize_texts(sources)
        for i, headline in zip(wanted, headlines, strict=True):
            clean, _ = scrub(headline)
            reviews = " ".join(scrub(r.text)[0] for r in products[i].reviews)
            invented = unsupported_terms(clean, reviews)
            if invented or not clean.strip():
                why = f"names {', '.join(repr(t) for t in invented)}, which no review mentions" if invented else "empty"
                note = f"abstractive summary '{clean}' not kept: {why}; the extractive summary is shown"
                summaries[i] = summaries[i].model_copy(
                    update={"summary_source": "extractive", "notes": [note], "model": self.headliner.tag}
                )
                continue
            summaries[i] = summaries[i].model_copy(
                update={
                    "summary": clean,
                    "summary_source": "abstractive",
                    "model": self.headliner.tag,
                    "violations": check_text(clean),
                }
            )
