"""Request and response models of the recommend service.

Ids are checked against the served model while the request is parsed, so an unknown id is a 400
for that request alone and never reaches (or fails) a batch shared with other callers.
Serving takes the pseudonymous ``user_id`` produced by training; a caller holding only the raw
customer number may send ``customer_id`` and the server pseudonymizes it with its HMAC key.
``explain: true`` adds to each item the parts its score is made of (``explain.py``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from services.core.privacy import pseudonymize
from services.core.settings import get_settings

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
    item_id: KnownItemId
    k: int = Field(10, ge=1, le=MAX_K)
    explain: bool = Field(False, description="Add the features each similar item shares with this one.")


class ProfileRequest(_Strict):
    country: str | None = Field(None, max_length=64, description="Country; unknown countries fall back to none.")
    recent_item_ids: list[KnownItemId] = Field(default_factory=list, max_length=MAX_RECENT_ITEMS)
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
    explanation: Explanation | None = None


class Recommendations(BaseModel):
    key: str = Field(description="The user id, item id or 'profile' the list is for.")
    items: list[ScoredItem]
    model_version: str
    scored_by: str | None = Field(
        None,
        description="lightfm, lightfm+trending (the blend), trending_by_country (cold-start fallback) or cosine.",
    )
