"""Request and response models of the vision API.

Batched endpoints take one list (``images``); options such as ``top_k`` live in each item, so
every request is validated on its own before adaptive batching merges requests. The images of one
request together stay within the pixel budget (``ADSERVE_BUDGET_MAX_IMAGE_PIXELS``), checked on the
declared sizes before any image is decoded.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from services.core import budgets
from services.core.schema_examples import schema_example

from .settings import get_vision_settings
from .uploads import EXAMPLE_IMAGE_B64, UploadedImage, decode_base64

_settings = get_vision_settings()
MAX_IMAGES = _settings.max_images_per_request
MAX_K = _settings.max_k


class ClassifyItem(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        arbitrary_types_allowed=True,
        json_schema_extra=schema_example({"image": EXAMPLE_IMAGE_B64, "top_k": 3}),
    )

    image: UploadedImage
    top_k: int = Field(3, ge=1, le=100, description="How many labels to return, best first.")


class EmbedItem(BaseModel):
    model_config = ConfigDict(
        extra="forbid", arbitrary_types_allowed=True, json_schema_extra=schema_example({"image": EXAMPLE_IMAGE_B64})
    )

    image: UploadedImage


def _pixel_budget(items: Any) -> Any:
    """All images of the request together within the pixel budget (read from the headers only)."""
    if not isinstance(items, list):
        return items
    max_bytes = get_vision_settings().max_image_bytes
    total = 0
    for item in items:
        raw = item.get("image") if isinstance(item, dict) else None
        if isinstance(raw, str):
            try:
                total += budgets.declared_pixels(decode_base64(raw, max_bytes))
            except ValueError:
                continue  # the item's own validation names what is wrong with it
    budgets.check("max_image_pixels", total, "decoded image pixels of all images of this request")
    return items


ClassifyBatch = Annotated[
    list[ClassifyItem], Field(min_length=1, max_length=MAX_IMAGES), BeforeValidator(_pixel_budget)
]
EmbedBatch = Annotated[list[EmbedItem], Field(min_length=1, max_length=MAX_IMAGES), BeforeValidator(_pixel_budget)]


class LabelScore(BaseModel):
    label: str
    index: int
    score: float = Field(description="Softmax probability.")


class ClassifyResult(BaseModel):
    labels: list[LabelScore]
    model: str = Field(description="BentoML tag of the model that answered.")


class EmbedResult(BaseModel):
    embedding: list[float] = Field(description="L2-normalised image embedding.")
    dim: int
    model: str


class SimilarProduct(BaseModel):
    product_id: str
    score: float = Field(description="Cosine similarity of the embeddings.")
    category: str | None = None


class SimilarResponse(BaseModel):
    products: list[SimilarProduct]
    predicted_label: str = Field(description="The classifier's top label for the query image.")
    model: str
    catalog_size: int
