"""The campaign service: ``/campaign`` composes recommend, text and creative; ``/feedback`` closes the loop.

``/campaign`` is async and awaits its dependencies concurrently, so that concurrent campaigns are
batched by the batchable dependencies (a sync endpoint would send them one at a time).
``/feedback`` acknowledges only after the events are committed to the feedback store (SQLite or
PostgreSQL, ``services.core.feedback``), and
``/variant_stats`` shows what the bandit has learnt. The service is ready when its own parts are
(the feedback store is open); dependencies are not part of readiness: an outage degrades answers.
``/ui`` is the playground page (``ui_app.py``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Literal

import bentoml
from bentoml.exceptions import InvalidArgument, ServiceUnavailable, UnprocessableEntity
from pydantic import ValidationError

from services.client import AsyncAdserveClient
from services.core.feedback import StoreUnavailable, open_store
from services.core.feedback.settings import get_store_settings
from services.core.feedback.shipping import ship_to_s3
from services.core.service_kit import PlatformService, platform_service
from services.core.text_types import UNPROCESSABLE_ERROR_TYPES
from services.creative.schemas import BannerFormatName
from services.creative.service import CreativeService
from services.recommend.service import RecommendService
from services.text.service import TextService

from .background import every
from .cancellation import until_done_or_gone
from .catalog import CatalogCheck, CatalogUnavailable
from .chooser import VariantChooser
from .composer import Composer
from .events import EventBatch, FeedbackAck, IdText, VariantStatsResponse, as_log_event
from .remote import RemoteDependencies, authorize
from .schemas import CampaignRequest, CampaignResponse, Language, Profile
from .settings import get_campaign_settings, get_feedback_settings
from .ui_app import UI_APP

log = logging.getLogger(__name__)
_settings = get_campaign_settings()
DEGRADED = bentoml.metrics.Counter(
    name="campaign_degraded",
    documentation="Campaign responses that skipped a dependency, by dependency and reason.",
    labelnames=["dependency", "reason"],
)


def _errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'request'}: {e['msg']}" for e in exc.errors(include_url=False)
    )


@bentoml.asgi_app(UI_APP, path="/ui")  # the playground page (ui_app.py)
@platform_service(
    name="campaign",
    traffic={"timeout": _settings.timeout_s, "max_concurrency": _settings.max_concurrency},
    workers=1,
    threads=4,
    resources={"cpu": "1", "memory": "1Gi"},
    runner_probe={"enabled": False},
)
class CampaignService(PlatformService):
    """Products, copy and banners per user; durable feedback; Thompson-sampling variant choice."""

    # Wiring: sibling workers of one `bentoml serve`; split, `--depends name=URL` (BentoML's internal
    # transport, to dependency servers started with `--service-name name`); or, with
    # ADSERVE_CAMPAIGN_<NAME>_URL, any separately served capability over JSON.
    recommend = bentoml.depends(RecommendService, url=_settings.recommend_url)
    text = bentoml.depends(TextService, url=_settings.text_url)
    creative = bentoml.depends(CreativeService, url=_settings.creative_url)

    def __init__(self) -> None:
        super().__init__()
        settings, feedback = get_campaign_settings(), get_feedback_settings()
        store = get_store_settings()
        self.log = open_store(store)
        self.chooser = VariantChooser(self.log, settings)
        key = settings.dependency_key()
        for dependency in (self.recommend, self.text, self.creative):
            authorize(dependency, key)
        # Vision is optional (no check of listing images without it) and reached with the platform's
        # typed client, which sends image uploads as their base64 file.
        vision = None
        if settings.vision_url:
            vision = AsyncAdserveClient(
                settings.vision_url,
                api_key=key,
                timeout_s=settings.vision_timeout_s,
                urls={"vision": settings.vision_url},
            )
        deps = RemoteDependencies(self.recommend, self.text, self.creative, vision)
        self.composer = Composer(deps, settings, self.chooser)
        self.catalog = (
            CatalogCheck(deps.known_items, settings.recommend_timeout_s, feedback.item_cache_s)
            if feedback.check_items
            else None
        )
        if store.s3_uri:  # one shipper at a time across all tasks: the store's lease
            every(feedback.ship_every_s, "ship-feedback", lambda: ship_to_s3(self.log, store))
        log.info("feedback store at %s", self.log.location)

    def __is_ready__(self) -> bool:
        """The campaign's own state: its feedback store is open and the composer is built.

        Dependencies are not part of it: a recommend, text or creative outage degrades answers
        (``degraded``, or a 503 for /campaign without recommendations) but leaves this task ready,
        so health checks do not replace healthy campaign tasks during someone else's outage.
        """
        return self.log is not None and self.composer is not None

    @bentoml.api(route="/campaign")
    async def campaign(
        self,
        user_id: IdText | None = None,
        customer_id: IdText | None = None,
        profile: Profile | None = None,
        k: int = 3,
        formats: list[BannerFormatName] | None = None,
        language: Language = "en",
        banner_output: Literal["jpeg", "png"] = "jpeg",
        *,
        ctx: bentoml.Context,
    ) -> CampaignResponse:
        """Top-k products for a user (or a profile) with generated copy and banners in each format."""
        try:
            request = CampaignRequest(
                user_id=user_id,
                customer_id=customer_id,
                profile=profile,
                k=k,
                formats=formats or ["square"],
                language=language,
                banner_output=banner_output,
            )
        except ValidationError as exc:
            if all(e["type"] in UNPROCESSABLE_ERROR_TYPES for e in exc.errors()):
                raise UnprocessableEntity(_errors(exc)) from None
            raise InvalidArgument(_errors(exc)) from None
        receive = getattr(ctx.request, "receive", None)
        response = await until_done_or_gone(self.composer.run(request), receive)
        if self.catalog is not None:  # served items are catalog items: feedback on them needs no question
            self.catalog.remember(item.item_id for item in response.items)
        for reason in response.degraded:
            dependency, _, kind = reason.partition(": ")
            DEGRADED.labels(dependency=dependency, reason=kind).inc()
        return response

    @bentoml.api(route="/feedback")
    async def feedback(self, events: EventBatch) -> FeedbackAck:
        """Append events to the feedback store; the answer is sent only after the commit is durable.

        Every item must be in the recommender's catalog (400 naming the unknown ones); raw customer
        numbers were pseudonymized while the events were parsed.
        """
        if self.catalog is not None:
            try:
                unknown = await self.catalog.unknown(e.item for e in events)
            except CatalogUnavailable as exc:  # nothing stored: the client retries with the same ids
                raise ServiceUnavailable(f"{exc}; retry with the same event ids") from None
            if unknown:
                shown = ", ".join(unknown[:10]) + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
                raise InvalidArgument(f"items not in the recommender's catalog: {shown}; nothing was stored")
        try:
            result = await asyncio.to_thread(self.log.append, [as_log_event(e) for e in events])
        except StoreUnavailable as exc:  # nothing acknowledged: the client retries with the same ids
            raise ServiceUnavailable(f"{exc}; retry with the same event ids") from None
        return FeedbackAck(accepted=result.accepted, duplicates=result.duplicates, last_seq=result.last_seq)

    @bentoml.api(route="/variant_stats")
    def variant_stats(self) -> VariantStatsResponse:
        """Counts, posterior means and current selection probabilities of every variant."""
        return self.chooser.report()
