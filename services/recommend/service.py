"""The recommend service: batched top-k recommendation, similar items and cold-start profiles.

Every answer says how it was scored (``scored_by``); ``explain: true`` adds each item's score
split into parts (``explain.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated

from annotated_types import MaxLen, MinLen

from services.core.service_kit import PlatformService, batch_api, platform_service

from . import explain
from .model import Recommended, Recommender
from .runtime import RECOMMENDER
from .schemas import (
    Explanation,
    ProfileRequest,
    Recommendations,
    RecommendRequest,
    ScoredItem,
    SimilarItemsRequest,
)

MAX_REQUESTS = 256
Explainer = Callable[[list[int], list[float]], list[explain.Explanation]]


def _as_response(
    key: str,
    items: list[Recommended],
    version: str,
    scored_by: str,
    model: Recommender,
    explainer: Explainer | None = None,
) -> Recommendations:
    notes: Sequence[explain.Explanation | None] = [None] * len(items)
    if explainer is not None and items:
        notes = explainer([model.item_index[r.item_id] for r in items], [r.score for r in items])
    return Recommendations(
        key=key,
        items=[
            ScoredItem(
                item_id=r.item_id,
                title=r.title,
                score=r.score,
                explanation=None if note is None else Explanation.model_validate(note, from_attributes=True),
            )
            for r, note in zip(items, notes, strict=True)
        ],
        model_version=version,
        scored_by=scored_by,
    )


@platform_service(
    name="recommend",
    traffic={"timeout": 30, "max_concurrency": 512},
    workers=1,
    threads=2,
    resources={"cpu": "2", "memory": "2Gi"},
)
class RecommendService(PlatformService):
    """Hybrid LightFM recommendations served from precomputed vectors."""

    recommender = RECOMMENDER

    def _model(self) -> tuple[Recommender, str]:
        return self.recommender.get(), self.recommender.tag or "unknown"

    @batch_api(max_batch_size=128, max_latency_ms=1000)
    def recommend(
        self, requests: Annotated[list[RecommendRequest], MinLen(1), MaxLen(MAX_REQUESTS)]
    ) -> list[Recommendations]:
        """Top-k products per user (purchased ones excluded unless asked otherwise)."""
        model, version = self._model()
        ranked = model.recommend(
            [r.user_id or "" for r in requests], [r.k for r in requests], [r.exclude_purchased for r in requests]
        )
        return [
            _as_response(
                r.user_id or "",
                items,
                version,
                model.scored_by,
                model,
                (lambda idx, sc, user=r.user_id or "": explain.explain_user(model, user, idx, sc))
                if r.explain
                else None,
            )
            for r, items in zip(requests, ranked, strict=True)
        ]

    @batch_api(max_batch_size=128, max_latency_ms=1000)
    def similar_items(
        self, requests: Annotated[list[SimilarItemsRequest], MinLen(1), MaxLen(MAX_REQUESTS)]
    ) -> list[Recommendations]:
        """Items closest to each given item in the model's latent space (cosine)."""
        model, version = self._model()
        ranked = model.similar_items([r.item_id for r in requests], [r.k for r in requests])
        return [
            _as_response(
                r.item_id,
                items,
                version,
                "cosine",
                model,
                (lambda idx, sc, item=model.item_index[r.item_id]: explain.explain_similar(model, item, idx, sc))
                if r.explain
                else None,
            )
            for r, items in zip(requests, ranked, strict=True)
        ]

    @batch_api(max_batch_size=128, max_latency_ms=1000)
    def recommend_for_profile(
        self, requests: Annotated[list[ProfileRequest], MinLen(1), MaxLen(MAX_REQUESTS)]
    ) -> list[Recommendations]:
        """Users never seen in training, from their country and recently viewed items."""
        model, version = self._model()
        ranked = model.recommend_for_profiles(
            [(r.country, r.recent_item_ids) for r in requests], [r.k for r in requests]
        )
        return [
            _as_response(
                "profile",
                items,
                version,
                model.profile_scored_by,
                model,
                (lambda idx, sc, r=r: explain.explain_profile(model, r.country, r.recent_item_ids, idx, sc))
                if r.explain
                else None,
            )
            for r, items in zip(requests, ranked, strict=True)
        ]
