"""``CampaignDependencies`` over BentoML dependency proxies (``bentoml.depends``).

The same code serves both deployments: in one ``bentoml serve`` the proxies reach the sibling
workers; split, they reach the URLs given by ``--depends name=URL`` / ``BENTOML_SERVE_DEPENDS``
(BentoML passes them to the worker as ``BENTOML_RUNNER_MAP``, keyed by service name). The
dependencies sit behind the platform's API-key middleware, so the key is added to every call.
"""

from __future__ import annotations

import logging
from typing import Any

from services.core.bentoml_compat import add_client_header
from services.creative.schemas import BannerRequest
from services.recommend.schemas import ProfileRequest, RecommendRequest
from services.text.schemas import DescriptionRequest
from services.vision.schemas import ClassifyItem

from .schemas import CampaignRequest

log = logging.getLogger(__name__)


def authorize(proxy: Any, api_key: str | None) -> None:
    """Send ``X-API-Key`` with every request of a remote proxy (no-op for in-process services)."""
    if api_key:
        add_client_header(getattr(proxy, "to_async", None), "X-API-Key", api_key)


class RemoteDependencies:
    def __init__(self, recommend: Any, text: Any, creative: Any, vision: Any | None = None) -> None:
        self._recommend = recommend
        self._text = text
        self._creative = creative
        self._vision = vision

    async def recommend(self, request: CampaignRequest) -> Any:
        client = self._recommend.to_async
        if request.profile is not None:
            profile = ProfileRequest(
                country=request.profile.country, recent_item_ids=request.profile.recent_item_ids, k=request.k
            )
            return (await client.recommend_for_profile(requests=[profile]))[0]
        if request.user_id is not None:
            one = RecommendRequest(user_id=request.user_id, k=request.k)
        else:
            one = RecommendRequest(customer_id=request.customer_id, k=request.k)
        return (await client.recommend(requests=[one]))[0]

    async def describe(self, requests: list[DescriptionRequest]) -> Any:
        return await self._text.to_async.generate_description(items=requests)

    async def banner(self, request: BannerRequest) -> Any:
        return await self._creative.to_async.compose_banner(request=request)

    async def classify(self, images_base64: list[str]) -> Any | None:
        """Top labels per image from the vision service; None when none is configured."""
        if self._vision is None:
            return None
        items = [ClassifyItem.model_validate({"image": b, "top_k": 1}) for b in images_base64]
        return await self._vision.vision.classify(images=items)

    async def known_items(self, item_ids: list[str]) -> Any:
        return await self._recommend.to_async.known_items(item_ids=item_ids)
