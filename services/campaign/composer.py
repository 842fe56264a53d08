"""The campaign flow as plain async code: recommend, then copy and banners concurrently.

The dependencies are reached through ``CampaignDependencies`` (the service passes BentoML's
remote proxies; tests pass fakes). Each call has its own time budget (``asyncio.wait_for``),
capped by what is left of the campaign's deadline (``ADSERVE_CAMPAIGN_DEADLINE_S``), and the copy
call and every banner call run at once (``asyncio.gather``), so concurrent campaigns reach the
batchable dependencies together and are batched there. Cancelling ``run`` (client gone, request
timeout: ``services.campaign.cancellation``) cancels every dependency call in flight.

Failures are contained: without recommendations there is nothing to show (a 503, or the 400 of
recommend for an unknown user); without copy or banners the items keep their catalog title and
``degraded`` names what was skipped, e.g. ``"text: timeout"``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Protocol, TypeVar

from aiohttp import ClientConnectionError
from bentoml.exceptions import InvalidArgument, ServiceUnavailable
from pydantic import BaseModel

from services.creative.schemas import BannerRequest, BannerResponse
from services.recommend.schemas import Recommendations, ScoredItem
from services.text.schemas import DescriptionRequest, DescriptionResult, ProductAttributes

from .copy_check import check_copy, display_title
from .schemas import BannerImage, CampaignItem, CampaignRequest, CampaignResponse
from .settings import CampaignSettings
from .variants import BANNER_STYLES, CALL_TO_ACTION, variant_id

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
VariantChooser = Callable[[int], Sequence[tuple[str, str]]]
# Connection-level failures (refused, reset, server disconnected): retried once, then "unavailable".
DROPPED_CONNECTION = (OSError, ClientConnectionError)


class CampaignDependencies(Protocol):
    async def recommend(self, request: CampaignRequest) -> Any: ...
    async def describe(self, requests: list[DescriptionRequest]) -> Any: ...
    async def banner(self, request: BannerRequest) -> Any: ...


@dataclass(frozen=True)
class Failure:
    dependency: str
    kind: str  # timeout | unavailable | rejected | error
    detail: str

    def __str__(self) -> str:
        return f"{self.dependency}: {self.kind}"


def classify(dependency: str, exc: BaseException) -> Failure:
    """Name what went wrong in a dependency call (never raises)."""
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return Failure(dependency, "timeout", "no answer within the time budget")
    code = getattr(exc, "error_code", None)
    status = int(code) if isinstance(code, HTTPStatus | int) else None
    if status is not None and 400 <= status < 500 and status not in (408, 429):
        return Failure(dependency, "rejected", _message(exc))
    if status in (408, 429, 502, 503, 504) or isinstance(exc, DROPPED_CONNECTION):
        return Failure(dependency, "unavailable", _message(exc) or type(exc).__name__)
    return Failure(dependency, "error", f"{type(exc).__name__}: {_message(exc)}")


def _message(exc: BaseException) -> str:
    """The useful part of an error body: BentoML's ``{"error": ...}`` or pydantic details."""
    text = str(exc)
    try:
        body = json.loads(text)
    except ValueError:
        return text[:300]
    if isinstance(body, list) and body and isinstance(body[0], dict):
        body = body[0]
    if isinstance(body, dict):
        details = body.get("detail")
        if isinstance(details, str) and details:
            return details[:300]
        if isinstance(details, list) and details:
            return "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in details)[:300]
        return str(body.get("error", text))[:300]
    return text[:300]


def as_model(model: type[M], value: Any) -> M:
    """Proxies return schema objects (pickle transport) or plain dicts (JSON transport)."""
    return value if isinstance(value, model) else model.model_validate(value)


async def _guarded(dependency: str, call: Callable[[], Awaitable[Any]], timeout: float) -> tuple[Any, Failure | None]:
    """One dependency call within its time budget; a dropped connection is retried once.

    Every call here is idempotent, and BentoML's proxy recycles its pooled session every few
    hundred requests, which can cut a request that is being written ("Can not write request body"),
    and a pooled keep-alive connection the server has just closed fails with "Server disconnected".
    """

    async def attempts() -> Any:
        try:
            return await call()
        except DROPPED_CONNECTION as exc:
            log.info("%s: connection dropped (%s); retrying once", dependency, exc)
            return await call()

    try:
        return await asyncio.wait_for(attempts(), timeout), None
    except Exception as exc:
        failure = classify(dependency, exc)
        log.warning("%s (%s)", failure, failure.detail)
        return None, failure


def _left(deadline: float, budget: float) -> float:
    """A call's time budget, never past the campaign's deadline (0 when it has passed: a timeout)."""
    return max(0.0, min(budget, deadline - asyncio.get_running_loop().time()))


def _seed(*parts: str) -> int:
    return zlib.crc32("|".join(parts).encode()) & 0x7FFFFFFF


class Composer:
    """Builds one campaign response from the dependencies."""

    def __init__(self, deps: CampaignDependencies, settings: CampaignSettings, choose: VariantChooser) -> None:
        self.deps = deps
        self.settings = settings
        self.choose = choose

    async def run(self, request: CampaignRequest) -> CampaignResponse:
        deadline = asyncio.get_running_loop().time() + self.settings.deadline_s
        recs, failure = await _guarded(
            "recommend", lambda: self.deps.recommend(request), _left(deadline, self.settings.recommend_timeout_s)
        )
        if failure is not None:
            if failure.kind == "rejected":
                raise InvalidArgument(f"recommend: {failure.detail}")
            raise ServiceUnavailable(f"recommend: {failure.kind}; no products to show")
        ranked = as_model(Recommendations, recs)
        if ranked.error:  # the audience vanished in a model swap after validation: this request only
            raise ServiceUnavailable(f"recommend: {ranked.error}")
        products = ranked.items[: request.k]
        variants = list(self.choose(len(products)))
        copy_call = self._copy(products, variants, request, deadline)
        banner_calls = [self._banner(p, v, request, deadline) for p, v in zip(products, variants, strict=True)]
        (copies, text_failure), *banner_results = await asyncio.gather(copy_call, *banner_calls)

        degraded: list[str] = []
        if text_failure is not None:
            degraded.append(str(text_failure))
        banner_failures = [f for _, f in banner_results if f is not None]
        if banner_failures:
            degraded.append(str(banner_failures[0]))
        items = [
            self._item(rank, product, variant, copies[rank - 1] if copies else None, banners, request.language)
            for rank, (product, variant, (banners, _)) in enumerate(
                zip(products, variants, banner_results, strict=True), start=1
            )
        ]
        return CampaignResponse(
            campaign_id=uuid.uuid4().hex,
            audience=ranked.key,
            language=request.language,
            items=items,
            degraded=degraded,
            model_version=ranked.model_version,
        )

    # ------------------------------------------------------------------ one call per dependency
    async def _copy(
        self, products: list[ScoredItem], variants: list[tuple[str, str]], request: CampaignRequest, deadline: float
    ) -> tuple[list[DescriptionResult] | None, Failure | None]:
        if not products:
            return [], None
        requests = [
            DescriptionRequest(
                attributes=ProductAttributes(title=display_title(p.title)),
                language=request.language,
                tone=copy,  # type: ignore[arg-type]
                seed=_seed(p.item_id, copy),
            )
            for p, (copy, _) in zip(products, variants, strict=True)
        ]
        result, failure = await _guarded(
            "text", lambda: self.deps.describe(requests), _left(deadline, self.settings.text_timeout_s)
        )
        if failure is not None:
            return None, failure
        if not isinstance(result, list) or len(result) != len(requests):
            return None, Failure("text", "error", "answer does not match the request")
        return [as_model(DescriptionResult, r) for r in result], None

    async def _banner(
        self, product: ScoredItem, variant: tuple[str, str], request: CampaignRequest, deadline: float
    ) -> tuple[list[BannerImage], Failure | None]:
        copy, creative = variant
        style = BANNER_STYLES[creative]
        banner = BannerRequest(
            headline=display_title(product.title),
            cta=CALL_TO_ACTION[copy][request.language],
            colours=style.colours,
            background=style.background,
            formats=list(request.formats),
            output_format=request.banner_output,
            seed=_seed(product.item_id, creative),
        )
        result, failure = await _guarded(
            "creative", lambda: self.deps.banner(banner), _left(deadline, self.settings.creative_timeout_s)
        )
        if failure is not None:
            return [], failure
        response = as_model(BannerResponse, result)
        return [
            BannerImage(
                format=b.format,
                content_type=b.image.content_type,
                width=b.image.width,
                height=b.image.height,
                data_base64=b.image.data_base64,
            )
            for b in response.banners
        ], None

    @staticmethod
    def _item(
        rank: int,
        product: ScoredItem,
        variant: tuple[str, str],
        copy: DescriptionResult | None,
        banners: list[BannerImage],
        language: str,
    ) -> CampaignItem:
        fallback = display_title(product.title)
        checked = check_copy(copy.title, copy.description, fallback, language) if copy is not None else None
        return CampaignItem(
            rank=rank,
            item_id=product.item_id,
            score=product.score,
            catalog_title=product.title,
            title=checked.title if checked else fallback,
            description=checked.description if checked else None,
            copy_source="generated" if checked and checked.generated else "catalog",
            compliance=checked.problems if checked else [],
            variant=variant_id(*variant),
            banners=banners,
        )
