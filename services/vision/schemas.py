"""Request and response models of the vision API.

Batched endpoints take one list (``images``); options such as ``top_k`` live in each item, so
every request is validated on its own before adaptive batching merges requests.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from services.core.schema_examples import schema_example

from .settings import get_vision_settings
from .uploads import EXAMPLE_IMAGE_B64, UploadedImage

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


ClassifyBatch = Annotated[list[ClassifyItem], Field(min_length=1, max_length=MAX_IMAGES)]
EmbedBatch = Annotated[list[EmbedItem], Field(min_length=1, max_length=MAX_IMAGES)]


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
