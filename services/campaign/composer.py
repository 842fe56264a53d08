"""The campaign flow as plain async code: recommend; then copy and the image check; then banners.

The dependencies are reached through ``CampaignDependencies`` (the service passes BentoML's
remote proxies; tests pass fakes). Each call has its own time budget (``asyncio.wait_for``),
capped by what is left of the campaign's deadline (``ADSERVE_CAMPAIGN_DEADLINE_S``); cancelling
``run`` (client gone, request timeout: ``services.campaign.cancellation``) cancels every dependency
call in flight. Every product's facts are its catalogue attributes (``attributes`` of the recommend
item, when the catalogue has them) merged with what its title states
(``services.text.title_attributes``); the text service writes the copy from them. The copy call and
the vision call (items with an image) run at once; the banner calls (one per item, all at once)
follow, because a banner shows the copy's title and first sentence, the product photo, framed, or a
background designed from the product (``palette``). Concurrent campaigns still reach the batchable
dependencies together.

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

import httpx
from aiohttp import ClientConnectionError
from bentoml.exceptions import InvalidArgument, ServiceUnavailable
from pydantic import BaseModel

from services.creative.schemas import BannerRequest, BannerResponse, Colour
from services.recommend.schemas import Recommendations, ScoredItem
from services.text.compliance import article_agreement
from services.text.schemas import DescriptionRequest, DescriptionResult, ProductAttributes
from services.text.sentences import split_sentences
from services.text.title_attributes import product_attributes

from .copy_check import CheckedCopy, check_copy, display_title
from .palette import product_look
from .product_images import LoadedImage, load_image
from .schemas import BannerImage, CampaignItem, CampaignRequest, CampaignResponse, ListingCheck
from .settings import CampaignSettings
from .variants import BANNER_STYLES, CALL_TO_ACTION, variant_id

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
VariantChooser = Callable[[int], Sequence[tuple[str, str]]]
# Connection-level failures (refused, reset, server disconnected): retried once, then "unavailable".
DROPPED_CONNECTION = (OSError, ClientConnectionError, httpx.TransportError)


class CampaignDependencies(Protocol):
    async def recommend(self, request: CampaignRequest) -> Any: ...
    async def describe(self, requests: list[DescriptionRequest]) -> Any: ...
    async def banner(self, request: BannerRequest) -> Any: ...
    async def classify(self, images_base64: list[str]) -> Any | None: ...  # None: no vision service


@dataclass
class _Product:
    """One recommended product and what the campaign knows about it."""

    item: ScoredItem
    attributes: ProductAttributes
    catalog: dict[str, str]
    image_uri: str | None
    image: LoadedImage


def _catalog_fields(raw: Any) -> tuple[dict[str, str], str | None]:
    """``attributes`` and ``image_uri`` of a recommend item (absent in catalogues that have only titles)."""
    get = raw.get if isinstance(raw, dict) else lambda key, default=None: getattr(raw, key, default)
    attributes = get("attributes", None) or {}
    uri = get("image_uri", None)
    clean = {str(k): str(v) for k, v in dict(attributes).items() if isinstance(v, str | int | float) and str(v).strip()}
    return clean, uri if isinstance(uri, str) and uri.strip() else None


def _raw_items(recs: Any) -> list[Any]:
    if isinstance(recs, dict):
        return list(recs.get("items") or [])
    return list(getattr(recs, "items", []) or [])


def flat_attributes(attrs: ProductAttributes) -> dict[str, str]:
    out = {k: str(v) for k, v in attrs.model_dump(exclude_none=True, exclude={"extra", "category"}).items()}
    if attrs.category:
        out["category"] = " > ".join(attrs.category)
    return out | dict(attrs.extra)


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
    code = getattr(exc, "error_code", None) or getattr(exc, "status_code", None)  # BentoML or typed client
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
        raw = _raw_items(recs)
        products = [await self._product(item, raw[i] if i < len(raw) else item) for i, item in enumerate(ranked.items)]
        products = products[: request.k]
        variants = list(self.choose(len(products)))
        (copies, text_failure), (checks, vision_failure) = await asyncio.gather(
            self._copy(products, variants, request, deadline), self._vision(products, deadline)
        )
        checked = [self._checked(p, copies[i] if copies else None, request.language) for i, p in enumerate(products)]
        banner_results = await asyncio.gather(
            *(self._banner(p, v, c, request, deadline) for p, v, c in zip(products, variants, checked, strict=True))
        )
        degraded: list[str] = []
        for dependency_failure in (text_failure, vision_failure):
            if dependency_failure is not None:
                degraded.append(str(dependency_failure))
        banner_failures = [f for _, f in banner_results if f is not None]
        if banner_failures:
            degraded.append(str(banner_failures[0]))
        items = [
            self._item(rank, product, variant, copy, copies[rank - 1] if copies else None, banners, check)
            for rank, (product, variant, copy, (banners, _), check) in enumerate(
                zip(products, variants, checked, banner_results, checks, strict=True), start=1
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

    async def _product(self, item: ScoredItem, raw: Any) -> _Product:
        catalog, uri = _catalog_fields(raw)
        try:
            attributes = product_attributes(item.title, catalog)
        except ValueError:  # catalogue values the text service would refuse: the title alone
            attributes = product_attributes(item.title)
        image = await asyncio.to_thread(load_image, uri, self.settings.image_root) if uri else LoadedImage(None)
        return _Product(item, attributes, catalog, uri, image)

    # ------------------------------------------------------------------ one call per dependency
    async def _copy(
        self,
        products: list[_Product],
        variants: list[tuple[str, str]],
        request: CampaignRequest,
        deadline: float,
    ) -> tuple[list[DescriptionResult] | None, Failure | None]:
        if not products:
            return [], None
        requests = [
            DescriptionRequest(
                attributes=p.attributes,
                language=request.language,
                tone=copy,  # type: ignore[arg-type]
                seed=_seed(p.item.item_id, copy),
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

    async def _vision(
        self, products: list[_Product], deadline: float
    ) -> tuple[list[ListingCheck | None], Failure | None]:
        """The top label of each product image against its catalogue category."""
        with_image = [i for i, p in enumerate(products) if p.image.data_base64]
        checks: list[ListingCheck | None] = [None] * len(products)
        if not with_image:
            return checks, None
        images = [products[i].image.data_base64 or "" for i in with_image]
        result, failure = await _guarded(
            "vision", lambda: self.deps.classify(images), _left(deadline, self.settings.vision_timeout_s)
        )
        if failure is not None or result is None:
            return checks, failure
        for i, answer in zip(with_image, result, strict=False):
            labels = answer.get("labels") if isinstance(answer, dict) else getattr(answer, "labels", None)
            if not labels:
                continue
            top = labels[0]
            label = str(top.get("label") if isinstance(top, dict) else top.label)
            score = float(top.get("score") if isinstance(top, dict) else top.score)
            checks[i] = listing_check(label, score, products[i].attributes, self.settings.vision_min_score)
        return checks, None

    def _checked(self, product: _Product, copy: DescriptionResult | None, language: str) -> CheckedCopy | None:
        if copy is None or "catalog" in (copy.copy_source, copy.title_source) or not copy.title.strip():
            return None
        return check_copy(copy.title, copy.description, display_title(product.item.title), language, product.attributes)

    async def _banner(
        self,
        product: _Product,
        variant: tuple[str, str],
        checked: CheckedCopy | None,
        request: CampaignRequest,
        deadline: float,
    ) -> tuple[list[BannerImage], Failure | None]:
        copy, creative = variant
        style = BANNER_STYLES[creative]
        look = product_look(product.attributes, product.item.item_id)
        headline = checked.title if checked and checked.generated else display_title(product.item.title)
        lines = split_sentences(checked.description or "") if checked else []
        banner = BannerRequest(
            headline=headline[:120],
            subheadline=lines[0][:240] if lines else None,
            cta=CALL_TO_ACTION[copy][request.language],
            colours=Colour(primary=look.primary, secondary=look.secondary, accent=style.colours.accent),
            background=look.pattern,  # type: ignore[arg-type]
            product_image=product.image.data_base64,
            formats=list(request.formats),
            output_format=request.banner_output,
            seed=_seed(product.item.item_id, creative),
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
        product: _Product,
        variant: tuple[str, str],
        checked: CheckedCopy | None,
        copy: DescriptionResult | None,
        banners: list[BannerImage],
        check: ListingCheck | None,
    ) -> CampaignItem:
        fallback = display_title(product.item.title)
        notes = list(copy.notes) if copy is not None else []
        source = "catalog"
        if checked is not None and checked.generated and copy is not None:
            # A text service older than copy_source sends only title_source (model or template).
            source = copy.copy_source if "copy_source" in copy.model_fields_set else copy.title_source
        elif copy is not None and copy.copy_source != "catalog":
            notes.append(f"{copy.copy_source} copy not shown: it failed the campaign's own check")
        if source == "catalog" and copy is not None and copy.language == "zh":
            notes.append("zh: no Chinese copy could be written for this product; the catalog title is shown")
        if product.image.note:
            notes.append(product.image.note)
        if check is not None and check.message:
            notes.append(check.message)
        return CampaignItem(
            rank=rank,
            item_id=product.item.item_id,
            score=product.item.score,
            catalog_title=product.item.title,
            title=checked.title if checked and checked.generated else fallback,
            description=checked.description if checked else None,
            copy_source=source,  # type: ignore[arg-type]
            compliance=checked.problems if checked else [],
            notes=notes,
            attributes=flat_attributes(product.attributes),
            image_uri=product.image_uri,
            listing_check=check,
            variant=variant_id(*variant),
            banners=banners,
        )


def listing_check(label: str, score: float, attrs: ProductAttributes, min_score: float) -> ListingCheck:
    """A mismatch is reported when a confident label names another article type than the category."""
    agrees = article_agreement(label, attrs)
    category = " > ".join(attrs.category) or None
    message = None
    if agrees is False and score >= min_score:
        message = f"listing: the image looks like '{label}' ({score:.2f}) but the catalog category is {category}"
    return ListingCheck(
        predicted_label=label, score=round(score, 4), catalog_category=category, agrees=agrees, message=message
    )
