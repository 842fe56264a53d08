"""The endpoints of every capability, declared once (see ``endpoints.py``) with the services' own models."""

from __future__ import annotations

from typing import Any, Literal

from services.campaign.events import FeedbackAck, FeedbackEvent, VariantStatsResponse
from services.campaign.schemas import CampaignResponse, Profile
from services.core.model_info import ModelInfoResponse
from services.creative.schemas import BannerFormatName, BannerRequest, BannerResponse, GenerateRequest, GenerateResponse
from services.recommend.schemas import (
    KnownItems,
    ProfileRequest,
    Recommendations,
    RecommendRequest,
    SimilarItemsRequest,
)
from services.text.attributes import Language, ProductAttributes
from services.text.schemas import ComplianceReport, DescriptionRequest, DescriptionResult, ProductReviews, ReviewSummary
from services.vision.schemas import ClassifyItem, ClassifyResult, EmbedItem, EmbedResult, SimilarResponse

from .endpoints import Group, M, endpoint

OutputFormat = Literal["png", "jpeg"]


class Served(Group[M]):
    """What every service answers besides its own endpoints."""

    @endpoint("/model_info")
    def model_info(self) -> ModelInfoResponse:
        """The served models: tags, creation times, metrics and data lineage."""


class Recommend(Served[M]):
    capability = "recommend"

    @endpoint("/recommend")
    def recommend(self, requests: list[RecommendRequest | dict[str, Any]]) -> list[Recommendations]:
        """Top-k products per known user (send ``{"customer_id": …}`` as a dict: the server pseudonymizes it)."""

    @endpoint("/similar_items")
    def similar_items(self, requests: list[SimilarItemsRequest]) -> list[Recommendations]:
        """Items closest to each given item."""

    @endpoint("/recommend_for_profile")
    def recommend_for_profile(self, requests: list[ProfileRequest]) -> list[Recommendations]:
        """Users without history, from their country and recently viewed items."""

    @endpoint("/known_items")
    def known_items(self, item_ids: list[str]) -> KnownItems:
        """Which item ids the served model's catalog holds."""


class Text(Served[M]):
    capability = "text"

    @endpoint("/generate_description")
    def generate_description(self, items: list[DescriptionRequest]) -> list[DescriptionResult]:
        """Title and description from product attributes, checked by the compliance guard."""

    @endpoint("/stream_description")
    def stream_description(self, item: DescriptionRequest) -> list[dict[str, Any]]:
        """The same for one item, as the streamed NDJSON events (collected)."""

    @endpoint("/summarize_reviews")
    def summarize_reviews(self, products: list[ProductReviews]) -> list[ReviewSummary]:
        """Extractive or abstractive summaries of each product's reviews."""

    @endpoint("/check_compliance")
    def check_compliance(
        self, text: str, attributes: ProductAttributes | None = None, language: Language = "en"
    ) -> ComplianceReport:
        """Advertising-law, attribute-contradiction and PII violations in a text."""


class Vision(Served[M]):
    capability = "vision"

    @endpoint("/classify")
    def classify(self, images: list[ClassifyItem]) -> list[ClassifyResult]:
        """Category of each base64 image."""

    @endpoint("/embed")
    def embed(self, images: list[EmbedItem]) -> list[EmbedResult]:
        """Embedding vector of each base64 image."""

    @endpoint("/similar_products")
    def similar_products(self, image: str, k: int = 10) -> SimilarResponse:
        """Catalog products that look most like a base64 image."""


class Creative(Served[M]):
    capability = "creative"

    @endpoint("/generate_image")
    def generate_image(self, requests: list[GenerateRequest]) -> list[GenerateResponse]:
        """Ad images from prompts (diffusion)."""

    @endpoint("/restyle")
    def restyle(
        self,
        image: bytes,
        prompt: str,
        negative_prompt: str | None = None,
        strength: float = 0.6,
        steps: int | None = None,
        guidance_scale: float | None = None,
        seed: int | None = None,
        size: int | None = None,
        output_format: OutputFormat = "png",
    ) -> bytes:
        """An uploaded image re-imagined by diffusion img2img; returns the encoded image."""

    @endpoint("/style_transfer")
    def style_transfer(
        self,
        content: bytes,
        style: bytes,
        method: Literal["reinhard", "histogram"] = "reinhard",
        strength: float = 1.0,
        texture: float = 0.0,
        output_format: OutputFormat = "png",
    ) -> bytes:
        """The colours and texture of ``style`` on ``content``; returns the encoded image."""

    @endpoint("/enhance")
    def enhance(
        self,
        image: bytes,
        denoise: float = 0.5,
        white_balance: float = 1.0,
        auto_contrast: float = 1.0,
        sharpen: float = 0.5,
        output_format: OutputFormat = "png",
    ) -> bytes:
        """Denoised, white-balanced, contrast-stretched and sharpened image."""

    @endpoint("/compose_banner")
    def compose_banner(self, request: BannerRequest) -> BannerResponse:
        """Ad banners in standard sizes with headline, description and CTA."""


class Campaign(Served[M]):
    capability = "campaign"

    @endpoint("/campaign")
    def campaign(
        self,
        user_id: str | None = None,
        customer_id: str | None = None,
        profile: Profile | None = None,
        k: int = 3,
        formats: list[BannerFormatName] | None = None,
        language: Language = "en",
        banner_output: OutputFormat = "jpeg",
    ) -> CampaignResponse:
        """Products for one user with their copy and banners."""

    @endpoint("/feedback")
    def feedback(self, events: list[FeedbackEvent]) -> FeedbackAck:
        """Impressions, clicks and conversions of served variants."""

    @endpoint("/variant_stats")
    def variant_stats(self) -> VariantStatsResponse:
        """The bandit's statistics per variant."""


GROUPS: tuple[type[Group[Any]], ...] = (Recommend, Text, Vision, Creative, Campaign)
