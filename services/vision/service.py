"""BentoML service ``vision``: /classify and /embed (adaptive batching) and /similar_products.

Thin layer over :class:`VisionRuntime`: request models validate and decode every image before
batching; the batched functions only run the model and shape responses.
"""

from __future__ import annotations

from typing import Annotated

import bentoml
from bentoml.exceptions import NotFound
from pydantic import Field

from services.core.managed_model import ManagedModel
from services.core.service_kit import PlatformService, batch_api, platform_service

from .runtime import VisionRuntime, load_runtime
from .schemas import (
    MAX_K,
    ClassifyBatch,
    ClassifyResult,
    EmbedBatch,
    EmbedResult,
    LabelScore,
    SimilarProduct,
    SimilarResponse,
)
from .settings import get_vision_settings
from .uploads import UploadedImage

_settings = get_vision_settings()


@platform_service(
    name="vision",
    access_log=False,
    traffic={"timeout": 60, "max_concurrency": 256},
    resources={"cpu": "2", "memory": "2Gi"},
)
class VisionService(PlatformService):
    """Product-image classification, image embeddings and visually similar catalog products."""

    runtime: ManagedModel[VisionRuntime] = ManagedModel("vision_model", load_runtime)

    @batch_api(max_batch_size=_settings.max_batch_size, max_latency_ms=_settings.max_latency_ms, route="/classify")
    def classify(self, images: ClassifyBatch) -> list[ClassifyResult]:
        """Top-k product categories for each image."""
        runtime = self.runtime.get()
        found = runtime.classify_batch([item.image.image for item in images], [item.top_k for item in images])
        return [
            ClassifyResult(
                labels=[LabelScore(label=p.label, index=p.index, score=p.score) for p in preds],
                model=runtime.tag,
            )
            for preds in found
        ]

    @batch_api(max_batch_size=_settings.max_batch_size, max_latency_ms=_settings.max_latency_ms, route="/embed")
    def embed(self, images: EmbedBatch) -> list[EmbedResult]:
        """L2-normalised image embedding for each image."""
        runtime = self.runtime.get()
        vectors = runtime.embed_batch([item.image.image for item in images])
        return [EmbedResult(embedding=row.tolist(), dim=int(row.shape[0]), model=runtime.tag) for row in vectors]

    @bentoml.api(route="/similar_products")
    def similar_products(self, image: UploadedImage, k: Annotated[int, Field(ge=1, le=MAX_K)] = 10) -> SimilarResponse:
        """The k catalog products that look most like the image."""
        runtime = self.runtime.get()
        if runtime.index is None:
            raise NotFound(f"model {runtime.tag} has no catalog index for similarity search")
        hits = runtime.similar([image.image], k)[0]
        return SimilarResponse(
            products=[
                SimilarProduct(product_id=m.product_id, score=m.score, category=m.category) for m in hits.matches
            ],
            predicted_label=hits.top_label.label,
            model=runtime.tag,
            catalog_size=len(runtime.index),
        )
