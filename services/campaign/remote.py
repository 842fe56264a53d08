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

from .schemas import CampaignRequest

log = logging.getLogger(__name__)


def authorize(proxy: Any, api_key: str | None) -> None:
    """Send ``X-API-Key`` with every request of a remote proxy (no-op for in-process services)."""
    if api_key:
        add_client_header(getattr(proxy, "to_async", None), "X-API-Key", api_key)


async def proxy_ready(proxy: Any, timeout: int = 2) -> bool:
    """Whether a dependency answers its /readyz (False when unreachable)."""
    check = getattr(proxy, "is_ready", None)
    if check is None:
        return True
    try:
        return bool(await check(timeout))
    except Exception as exc:
        log.debug("dependency readiness check failed: %s", exc)
        return False


class RemoteDependencies:
    def __init__(self, recommend: Any, text: Any, creative: Any) -> None:
        self._recommend = recommend
        self._text = text
        self._creative = creative

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
