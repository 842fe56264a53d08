"""The text service: grounded description generation (batched and streamed), review summaries, compliance.

Thin by design: parsing and limits live in ``schemas``, the work in ``generator``, ``summarizer``
and ``compliance``. Both Hugging Face models are managed models (pulled from S3 when configured);
the MiniLM sentence embedder is warmed in the background and counted in readiness.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncGenerator
from typing import Annotated

import bentoml
import sentence_transformers  # noqa: F401  (imported here, in the main thread, before loader threads start)
from annotated_types import MaxLen, MinLen
from pydantic import AfterValidator, Field

from services.core.embeddings import embed_texts
from services.core.schema_examples import schema_example
from services.core.service_kit import PlatformService, batch_api, platform_service

from .attributes import Language, ProductAttributes
from .compliance import check_text
from .model_loading import LOAD_LOCK
from .runtime import GENERATOR, SUMMARIZER
from .schemas import (
    EXAMPLE_CHECK_TEXT,
    ComplianceReport,
    DescriptionRequest,
    DescriptionResult,
    ProductReviews,
    ReviewSummary,
)
from .settings import get_text_settings
from .summarizer import Summarizer

log = logging.getLogger(__name__)
_SETTINGS = get_text_settings()
MAX_CHECK_CHARS_HARD = 200_000
# BentoML answers 503 when it predicts a queued request would wait longer than max_latency_ms;
# a generation batch takes seconds on a busy CPU, so the bound is set well above that.
BATCH_LATENCY_MS = 30_000


def _check_cap(text: str) -> str:
    cap = get_text_settings().max_check_chars
    if len(text) > cap:
        raise ValueError(f"text may have at most {cap} characters (got {len(text)})")
    return text


CheckedText = Annotated[
    str,
    Field(min_length=1, max_length=MAX_CHECK_CHARS_HARD, json_schema_extra=schema_example(EXAMPLE_CHECK_TEXT)),
    AfterValidator(_check_cap),
]


@platform_service(
    name="text",
    traffic={"timeout": 120, "max_concurrency": 64},
    workers=1,
    threads=4,
    resources={"cpu": "2", "memory": "4Gi"},
)
class TextService(PlatformService):
    """Product descriptions, review summaries and the advertising-compliance guard."""

    generator = GENERATOR
    headliner = SUMMARIZER

    def __init__(self) -> None:
        super().__init__()
        self._embedder_ready = threading.Event()
        threading.Thread(target=self._warm_embedder, name="warm-minilm", daemon=True).start()

    def _warm_embedder(self) -> None:
        try:
            with LOAD_LOCK:
                embed_texts(["warm-up"])
            self._embedder_ready.set()
        except Exception as exc:  # readiness stays false; the reason is in the log
            log.error("sentence embedder failed to load: %s", exc)

    def __is_ready__(self) -> bool:
        return super().__is_ready__() and self._embedder_ready.is_set()

    @batch_api(max_batch_size=16, max_latency_ms=BATCH_LATENCY_MS)
    def generate_description(
        self, items: Annotated[list[DescriptionRequest], MinLen(1), MaxLen(_SETTINGS.max_items_per_request)]
    ) -> list[DescriptionResult]:
        """Title (sampled, seeded) and grounded description per product, checked by the guard."""
        return self.generator.get().generate_batch(items)

    @bentoml.api
    async def stream_description(self, item: DescriptionRequest) -> AsyncGenerator[str, None]:
        """Newline-delimited JSON events for one product: tokens as sampled, retries, then the result."""
        events = self.generator.get().stream(item)
        loop = asyncio.get_running_loop()
        while (event := await loop.run_in_executor(None, next, events, None)) is not None:
            yield event.model_dump_json() + "\n"

    @batch_api(max_batch_size=8, max_latency_ms=BATCH_LATENCY_MS)
    def summarize_reviews(
        self, products: Annotated[list[ProductReviews], MinLen(1), MaxLen(_SETTINGS.max_products_per_request)]
    ) -> list[ReviewSummary]:
        """Summary, pros, cons and representative sentences (with indices) per product."""
        headliner = self.headliner.get() if any(p.method == "abstractive" for p in products) else None
        return Summarizer(embed_texts, headliner).summarize_batch(products)

    @bentoml.api
    def check_compliance(
        self, text: CheckedText, attributes: ProductAttributes | None = None, language: Language = "en"
    ) -> ComplianceReport:
        """Absolute claims, contradictions of the given attributes and PII in a text."""
        violations = check_text(text, attributes, language)
        return ComplianceReport(ok=not violations, violations=violations)
