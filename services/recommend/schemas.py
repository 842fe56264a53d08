"""Request and response models of the recommend service.

Ids are checked against the served model while the request is parsed, so an unknown id is a 400
for that request alone and never reaches (or fails) a batch shared with other callers. An id that
passed validation but is gone from a model swapped in before the batch ran fails its own row
(``Recommendations.error``), never the batch.
Serving takes the pseudonymous ``user_id`` produced by training; a caller holding only the raw
customer number may send ``customer_id`` and the server pseudonymizes it with its HMAC key.
``explain: true`` adds to each item the parts its score is made of (``explain.py``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from services.core.privacy import pseudonymize
from services.core.schema_examples import schema_example
from services.core.settings import get_settings
from services.core.text_types import DisplayText

from .runtime import RECOMMENDER

MAX_K = 100
MAX_RECENT_ITEMS = 50
IdText = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w.\-]+$")]


def _known_item(item_id: str) -> str:
    model = RECOMMENDER.peek()
    if model is not None and item_id not in model.item_index:
        raise ValueError(f"unknown item id {item_id!r}")
    return item_id


KnownItemId = Annotated[IdText, AfterValidator(_known_item)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RecommendRequest(_Strict):
    model_config = ConfigDict(json_schema_extra=schema_example({"customer_id": "12867", "k": 5}))

    user_id: IdText | None = Field(None, description="Pseudonymous user id (u_…), as produced by training.")
    customer_id: IdText | None = Field(None, description="Raw customer number; pseudonymized on the server.")
    k: int = Field(10, ge=1, le=MAX_K)
    exclude_purchased: bool = True
    explain: bool = Field(False, description="Add each item's score explanation.")

    @model_validator(mode="after")
    def _one_id(self) -> RecommendRequest:
        if (self.user_id is None) == (self.customer_id is None):
            raise ValueError("send exactly one of user_id or customer_id")
        if self.customer_id is not None:
            self.user_id = pseudonymize(self.customer_id, get_settings().hmac_key())
            self.customer_id = None
        model = RECOMMENDER.peek()
        if model is not None and self.user_id not in model.user_index:
            raise ValueError("unknown user; use /recommend_for_profile for users without history")
        return self


class SimilarItemsRequest(_Strict):
    model_config = ConfigDict(json_schema_extra=schema_example({"item_id": "85123A", "k": 5}))

    item_id: KnownItemId
    k: int = Field(10, ge=1, le=MAX_K)
    explain: bool = Field(False, description="Add the features each similar item shares with this one.")


class ProfileRequest(_Strict):
    model_config = ConfigDict(
        json_schema_extra=schema_example({"country": "France", "recent_item_ids": ["85123A", "22423"], "k": 5})
    )

    country: str | None = Field(None, max_length=64, description="Country; unknown countries fall back to none.")
    recent_item_ids: list[KnownItemId] = Field(default_factory=list, max_length=MAX_RECENT_ITEMS)
    attributes: dict[Annotated[str, Field(min_length=1, max_length=40)], Annotated[str, Field(max_length=100)]] = Field(
        default_factory=dict, max_length=10, description="Other user attributes, e.g. {'segment': 'gold'}."
    )
    k: int = Field(10, ge=1, le=MAX_K)
    explain: bool = Field(False, description="Add each item's score explanation.")


class ExplanationPart(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str = Field(
        description="item_feature, item_itself, popularity, country_trending (by_feature); past_item, taste, "
        "country, item_appeal, popularity (by_past_item)"
    )
    name: str = Field(description="Feature name, item id or part name.")
    label: str = Field(description="What the part means, in words.")
    contribution: float = Field(description="Points of the score; a list's contributions add up to the score.")
    share: float = Field(description="contribution / sum of |contributions| of its list.")
    shared: bool | None = Field(None, description="Similar items: whether both items have this feature.")


class Explanation(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    score: float
    scored_by: str
    by_feature: list[ExplanationPart] = Field(description="The score split over the item's features.")
    by_past_item: list[ExplanationPart] = Field(description="The score split over the user's own past items.")
    summary: str


class ScoredItem(BaseModel):
    item_id: str
    title: str
    score: float
    attributes: dict[str, str] = Field(
        default_factory=dict, description="The item's catalog attributes (category, brand, colour, …)."
    )
    image_uri: str | None = Field(None, description="The item's catalog image, when the catalog has one.")
    explanation: Explanation | None = None


MAX_CATALOG_ITEMS = 500
# The ids /known_items is asked about, with an example for the API schema (one known, one not).
ItemIdsToCheck = Annotated[list[IdText], Field(json_schema_extra=schema_example(["85123A", "NO-SUCH-ITEM"]))]
AttributeKey = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[\w .\-]+$")]


class CatalogItem(_Strict):
    """An item added at run time; recommendable at once from its features (no retraining)."""

    model_config = ConfigDict(
        json_schema_extra=schema_example(
            {
                "item_id": "LINEN-CUSHION-NAVY",
                "title": "NAVY LINEN CUSHION COVER",
                "price": 4.95,
                "description": "Square cushion cover in washed linen, navy blue.",
                "category": "Home > Textiles > Cushions",
                "attributes": {"colour": "navy", "material": "linen"},
            }
        )
    )

    item_id: IdText
    title: DisplayText(200)  # type: ignore[valid-type]
    price: float | None = Field(None, ge=0, le=1e9)
    description: DisplayText(2000) | None = None  # type: ignore[valid-type]
    category: DisplayText(200) | None = Field(None, description="Category path, levels joined by ' > '.")  # type: ignore[valid-type]
    attributes: dict[AttributeKey, DisplayText(100)] = Field(default_factory=dict, max_length=30)  # type: ignore[valid-type]
    image_uri: str | None = Field(None, max_length=1000, pattern=r"^\S+$")


class CatalogItemsResponse(BaseModel):
    added: list[str] = Field(description="Ids now recommendable, scored from their features.")
    already_known: list[str] = Field(description="Ids the served catalog already has (left unchanged).")
    items: int = Field(description="Items in the served catalog now.")
    model_version: str


class Recommendations(BaseModel):
    key: str = Field(description="The user id, item id or 'profile' the list is for.")
    items: list[ScoredItem]
    model_version: str
    error: str | None = Field(
        None,
        description="Set (and items empty) when an id that passed validation is not in the model version that "
        "answered (swapped in meanwhile): this row failed, the others of the batch did not; retry it.",
    )
    scored_by: str | None = Field(
        None,
        description="lightfm, lightfm+trending (the blend), trending_by_country (cold-start fallback) or cosine.",
    )


class KnownItems(BaseModel):
    """Which of the asked item ids are in the served model's catalog."""

    known: list[str]
    unknown: list[str]
    model_version: str
