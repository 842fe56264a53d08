"""Request and response models of the text service (also imported by services that call it).

Everything a caller can get wrong is checked here, per request, while the request is parsed: a
bad item is a 400 for its own request and never reaches (or fails) a batch shared with others.
The models are stable: ``DescriptionRequest`` / ``DescriptionResult`` are what the campaign
service sends to and gets from ``/generate_description``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from services.core.schema_examples import schema_example
from services.core.text_types import check_display_text

from .attributes import EXAMPLE_ATTRIBUTES, Language, ProductAttributes, Tone
from .compliance import Violation
from .settings import HARD_MAX_NEW_TOKENS, HARD_MAX_REVIEW_CHARS, HARD_MAX_REVIEWS, get_text_settings

__all__ = [
    "CheckRequest",
    "ComplianceReport",
    "CopySource",
    "DescriptionRequest",
    "DescriptionResult",
    "Language",
    "ProductAttributes",
    "ProductReviews",
    "Review",
    "ReviewSummary",
    "SentenceRef",
    "StreamEvent",
    "Tone",
    "Violation",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


EXAMPLE_REVIEWS = [
    {"text": "Lovely soft fabric and the fit is true to size. I wear it every week.", "rating": 5},
    {"text": "The colour is beautiful but the sleeves are a little long for me.", "rating": 4},
    {"text": "Thin material, it wrinkled after one wash. Disappointed.", "rating": 2},
]


# ------------------------------------------------------------------ description generation
class DescriptionRequest(_Strict):
    """One product to describe, with its own sampling options."""

    model_config = ConfigDict(
        json_schema_extra=schema_example({"attributes": EXAMPLE_ATTRIBUTES, "tone": "friendly", "seed": 7})
    )

    attributes: ProductAttributes
    language: Language = "en"
    tone: Tone = "neutral"
    max_length: int = Field(400, ge=40, le=2000, description="Most characters in the description.")
    seed: int | None = Field(None, ge=0, le=2**31 - 1, description="Same seed, same output.")
    max_new_tokens: int = Field(32, ge=1, le=HARD_MAX_NEW_TOKENS, description="Title tokens to sample at most.")
    temperature: float = Field(
        0.8, ge=0.01, le=3.0
    )  # ge, not gt: the OpenAPI 3.0 schema has no numeric exclusiveMinimum
    top_p: float = Field(0.95, ge=0.01, le=1.0)

    @model_validator(mode="after")
    def _within_configured_caps(self) -> DescriptionRequest:
        caps = get_text_settings()
        if self.max_new_tokens > caps.max_new_tokens:
            raise ValueError(f"max_new_tokens must be at most {caps.max_new_tokens}")
        if not caps.min_temperature <= self.temperature <= caps.max_temperature:
            raise ValueError(f"temperature must be between {caps.min_temperature} and {caps.max_temperature}")
        if self.top_p < caps.min_top_p:
            raise ValueError(f"top_p must be at least {caps.min_top_p}")
        return self


CopySource = Literal["model", "template", "catalog"]
TitleSource = CopySource


class DescriptionResult(BaseModel):
    title: str
    description: str
    violations: list[Violation] = Field(
        description="Empty when the guard found nothing; spans index into title + '\\n' + description."
    )
    language: Language
    tone: Tone = "neutral"
    copy_source: CopySource = Field(
        "model",
        description="'model' (written by the generator and kept), 'template' (written by rule from the attributes) "
        "or 'catalog' (neither could be used: the catalogue title, no description).",
    )
    title_source: TitleSource = Field("model", description="Same as copy_source (kept for older clients).")
    description_source: Literal["model", "template", "none"] = Field(
        "template",
        description="'model' (written by a generator trained on catalog descriptions and kept by the guard), "
        "'template' (composed by rule from the title and attributes) or 'none' (no description).",
    )
    notes: list[str] = Field(
        default_factory=list, description="Why model copy was not kept, or why no copy could be written."
    )
    attempts: int = Field(1, description="Candidates sampled before this one was kept.")
    seed: int | None = Field(None, description="The seed used; send it back to reproduce this output.")
    model: str | None = None


class StreamEvent(BaseModel):
    """One line of the /stream_description response (newline-delimited JSON)."""

    event: Literal["token", "retry", "result"]
    attempt: int
    text: str | None = None
    violations: list[Violation] | None = None
    result: DescriptionResult | None = None


# ------------------------------------------------------------------ review summarization
def _review_text_cap(text: str) -> str:
    cap = get_text_settings().max_review_chars
    if len(text) > cap:
        raise ValueError(f"a review may have at most {cap} characters (got {len(text)})")
    return text


class Review(_Strict):
    model_config = ConfigDict(json_schema_extra=schema_example(EXAMPLE_REVIEWS[0]))

    text: Annotated[
        str,
        Field(min_length=1, max_length=HARD_MAX_REVIEW_CHARS),
        AfterValidator(_review_text_cap),
        AfterValidator(check_display_text),
    ]
    rating: int | None = Field(None, ge=1, le=5)


class ProductReviews(_Strict):
    """The reviews of one product."""

    model_config = ConfigDict(json_schema_extra=schema_example({"product_id": "1078", "reviews": EXAMPLE_REVIEWS}))

    product_id: str | None = Field(None, max_length=64)
    reviews: list[Review] = Field(min_length=1, max_length=HARD_MAX_REVIEWS)
    method: Literal["extractive", "abstractive"] = "extractive"
    max_sentences: int = Field(3, ge=1, le=10, description="Sentences in an extractive summary.")
    max_pros_cons: int = Field(3, ge=0, le=10)

    @model_validator(mode="after")
    def _within_limits(self) -> ProductReviews:
        caps = get_text_settings()
        if len(self.reviews) > caps.max_reviews_per_product:
            raise ValueError(f"at most {caps.max_reviews_per_product} reviews per product (got {len(self.reviews)})")
        total = sum(len(r.text) for r in self.reviews)
        if total > caps.max_total_chars:
            raise ValueError(f"at most {caps.max_total_chars} characters of reviews per product (got {total})")
        return self


class SentenceRef(BaseModel):
    """A review sentence, with where it came from so that a UI can link back."""

    review_index: int
    sentence_index: int
    text: str
    score: float


class ReviewSummary(BaseModel):
    product_id: str | None
    method: Literal["extractive", "abstractive"]
    summary: str
    summary_source: Literal["extractive", "abstractive"] = Field(
        "extractive", description="What ``summary`` is: abstractive only when the model's summary was kept."
    )
    notes: list[str] = Field(default_factory=list, description="Why an abstractive summary was not kept.")
    sentences: list[SentenceRef] = Field(description="Representative sentences, most central first.")
    pros: list[SentenceRef]
    cons: list[SentenceRef]
    n_reviews: int
    average_rating: float | None
    pii_removed: int = Field(description="PII spans scrubbed from the reviews before summarizing.")
    violations: list[Violation] = Field(
        default_factory=list, description="What the guard finds in the summary (customer superlatives, say)."
    )
    model: str | None = None


# ------------------------------------------------------------------ compliance
EXAMPLE_CHECK_TEXT = "The best cotton shirt in the world, 100% guaranteed! Call 555-0100 to order."


def _check_text_cap(text: str) -> str:
    cap = get_text_settings().max_review_chars
    if len(text) > cap:
        raise ValueError(f"a text to check may have at most {cap} characters (got {len(text)})")
    return text


class CheckRequest(_Strict):
    model_config = ConfigDict(json_schema_extra=schema_example({"text": EXAMPLE_CHECK_TEXT, "language": "en"}))

    text: Annotated[str, Field(min_length=1, max_length=HARD_MAX_REVIEW_CHARS), AfterValidator(_check_text_cap)]
    attributes: ProductAttributes | None = None
    language: Language = "en"


class ComplianceReport(BaseModel):
    ok: bool
    violations: list[Violation]
