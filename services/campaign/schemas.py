"""Request and response models of ``/campaign``.

``CampaignRequest`` is validated before any dependency is called, so a bad request is a 400 with a
message. The response says what was skipped in ``degraded`` when a dependency was slow or down;
items then keep their catalog title and may have no description or banner.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from services.core import budgets
from services.core.schema_examples import schema_example
from services.creative.schemas import BannerFormatName

from .events import IdText
from .settings import get_campaign_settings

Language = Literal["en", "zh"]
MAX_RECENT_ITEMS = 50


def _k_cap(value: int) -> int:
    cap = get_campaign_settings().max_k
    if value > cap:
        raise ValueError(f"k must be at most {cap}")
    return value


def _formats_cap(value: list[BannerFormatName]) -> list[BannerFormatName]:
    cap = get_campaign_settings().max_formats
    if len(value) > cap:
        raise ValueError(f"at most {cap} banner formats")
    if len(set(value)) != len(value):
        raise ValueError("banner formats must be distinct")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Profile(_Strict):
    """A user without history: country and recently viewed items."""

    model_config = ConfigDict(json_schema_extra=schema_example({"country": "France", "recent_item_ids": ["85123A"]}))

    country: str | None = Field(None, max_length=64)
    recent_item_ids: list[IdText] = Field(default_factory=list, max_length=MAX_RECENT_ITEMS)


class CampaignRequest(_Strict):
    model_config = ConfigDict(
        json_schema_extra=schema_example(
            {"profile": {"country": "France", "recent_item_ids": ["85123A"]}, "k": 2, "formats": ["square"]}
        )
    )

    user_id: IdText | None = Field(None, description="Pseudonymous user id (u_…).")
    customer_id: IdText | None = Field(None, description="Raw customer number; pseudonymized by recommend.")
    profile: Profile | None = None
    k: Annotated[int, Field(ge=1), AfterValidator(_k_cap)] = 3
    formats: Annotated[list[BannerFormatName], Field(min_length=1), AfterValidator(_formats_cap)] = Field(
        default_factory=lambda: ["square"]
    )
    language: Language = "en"
    banner_output: Literal["jpeg", "png"] = "jpeg"

    @model_validator(mode="after")
    def _one_audience(self) -> CampaignRequest:
        given = sum(x is not None for x in (self.user_id, self.customer_id, self.profile))
        if given != 1:
            raise ValueError("send exactly one of user_id, customer_id or profile")
        return self

    @model_validator(mode="after")
    def _fan_out(self) -> CampaignRequest:
        renders = self.k * len(self.formats)
        budgets.check("max_campaign_renders", renders, "campaign fan-out (k x banner formats)")
        return self


class BannerImage(BaseModel):
    format: str
    content_type: str
    width: int
    height: int
    data_base64: str


CopySource = Literal["model", "template", "catalog"]


class ListingCheck(BaseModel):
    """What the vision service sees in the product image, against the catalogue category."""

    predicted_label: str
    score: float
    catalog_category: str | None
    agrees: bool | None = Field(description="None when the label or the category is outside the vocabulary.")
    message: str | None = Field(None, description="Set when the image looks like another kind of product.")


class CampaignItem(BaseModel):
    rank: int
    item_id: str
    score: float
    catalog_title: str
    title: str = Field(description="Compliance-checked copy title; the catalog title when none could be used.")
    description: str | None = None
    copy_source: CopySource = Field(
        description="'model' (written by the text model), 'template' (written by rule from the product's "
        "attributes) or 'catalog' (no copy could be used: the catalog title)."
    )
    compliance: list[str] = Field(default_factory=list, description="Problems found and removed from the copy.")
    notes: list[str] = Field(
        default_factory=list,
        description="Why copy fell back (e.g. no Chinese copy for this product), and image or vision notes.",
    )
    attributes: dict[str, str] = Field(
        default_factory=dict, description="The product facts the copy was written from (catalogue and title)."
    )
    image_uri: str | None = None
    listing_check: ListingCheck | None = Field(None, description="Vision check of the product image, when it has one.")
    variant: str = Field(description="'<copy>/<creative>': send it back with feedback events.")
    banners: list[BannerImage] = Field(default_factory=list)


class CampaignResponse(BaseModel):
    campaign_id: str
    audience: str = Field(description="The user id, or 'profile'.")
    language: Language
    items: list[CampaignItem]
    degraded: list[str] = Field(default_factory=list, description="What was skipped, e.g. 'text: timeout'.")
    model_version: str | None = Field(None, description="Recommender version the products came from.")
