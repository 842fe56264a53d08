"""The recommend service: batched top-k recommendation, similar items and cold-start profiles."""

from __future__ import annotations

from typing import Annotated

from annotated_types import MaxLen, MinLen

from services.core.service_kit import PlatformService, batch_api, platform_service

from .model import Recommended, Recommender
from .runtime import RECOMMENDER
from .schemas import ProfileRequest, Recommendations, RecommendRequest, ScoredItem, SimilarItemsRequest

MAX_REQUESTS = 256
# Adaptive batching does not pay for these APIs on CPU (batched ÷ unbatched 0.88–1.07 at 64 clients,
# docs/benchmarks.md): off by default, ADSERVE_BATCHING_APIS=recommend.recommend,... turns it on.
# When on, only a request that has queued this long is shed (503).
QUEUE_DEADLINE_MS = 10_000


def _as_response(key: str, items: list[Recommended], version: str) -> Recommendations:
    return Recommendations(
        key=key,
        items=[ScoredItem(item_id=r.item_id, title=r.title, score=r.score) for r in items],
        model_version=version,
    )


@platform_service(
    name="recommend",
    access_log=False,
    traffic={"timeout": 30, "max_concurrency": 512},
    threads=2,
    resources={"cpu": "2", "memory": "2Gi"},
)
class RecommendService(PlatformService):
    """Hybrid LightFM recommendations served from precomputed vectors."""

    recommender = RECOMMENDER

    def _model(self) -> tuple[Recommender, str]:
        return self.recommender.get(), self.recommender.tag or "unknown"

    @batch_api(max_batch_size=128, max_latency_ms=QUEUE_DEADLINE_MS, batched=False)
    def recommend(
        self, requests: Annotated[list[RecommendRequest], MinLen(1), MaxLen(MAX_REQUESTS)]
    ) -> list[Recommendations]:
        """Top-k products per user (purchased ones excluded unless asked otherwise)."""
        model, version = self._model()
        ranked = model.recommend(
            [r.user_id or "" for r in requests], [r.k for r in requests], [r.exclude_purchased for r in requests]
        )
        return [_as_response(r.user_id or "", items, version) for r, items in zip(requests, ranked, strict=True)]

    @batch_api(max_batch_size=128, max_latency_ms=QUEUE_DEADLINE_MS, batched=False)
    def similar_items(
        self, requests: Annotated[list[SimilarItemsRequest], MinLen(1), MaxLen(MAX_REQUESTS)]
    ) -> list[Recommendations]:
        """Items closest to each given item in the model's latent space (cosine)."""
        model, version = self._model()
        ranked = model.similar_items([r.item_id for r in requests], [r.k for r in requests])
        return [_as_response(r.item_id, items, version) for r, items in zip(requests, ranked, strict=True)]

    @batch_api(max_batch_size=128, max_latency_ms=QUEUE_DEADLINE_MS, batched=False)
    def recommend_for_profile(
        self, requests: Annotated[list[ProfileRequest], MinLen(1), MaxLen(MAX_REQUESTS)]
    ) -> list[Recommendations]:
        """Users never seen in training, from their country and recently viewed items."""
        model, version = self._model()
        ranked = model.recommend_for_profiles(
            [(r.country, r.recent_item_ids) for r in requests], [r.k for r in requests]
        )
        return [_as_response("profile", items, version) for items in ranked]
