"""The campaign flow against fake dependencies: concurrency, time budgets, degradation, compliance."""

from __future__ import annotations

import asyncio
import time
from http import HTTPStatus
from typing import Any

import pytest
from bentoml.exceptions import BentoMLException, InvalidArgument, ServiceUnavailable

from services.campaign.composer import Composer, classify
from services.campaign.schemas import CampaignRequest
from services.campaign.settings import CampaignSettings
from services.creative.schemas import Banner, BannerRequest, BannerResponse, EncodedImage
from services.recommend.schemas import Recommendations, ScoredItem
from services.text.schemas import DescriptionRequest, DescriptionResult

PRODUCTS = [
    ("85123A", "WHITE HANGING HEART T-LIGHT HOLDER"),
    ("22423", "REGENCY CAKESTAND 3 TIER"),
    ("21232", "STRAWBERRY CERAMIC TRINKET BOX"),
]


class FakeDependencies:
    def __init__(self, delay: float = 0.0, **failures: BaseException) -> None:
        self.delay = delay
        self.failures = failures
        self.spans: dict[str, list[tuple[float, float]]] = {"text": [], "creative": []}
        self.copy: tuple[str, str] | None = None
        self.banner_requests: list[BannerRequest] = []
        self.text_requests: list[DescriptionRequest] = []
        self.drops = 0

    async def recommend(self, request: CampaignRequest) -> Any:
        if "recommend" in self.failures:
            raise self.failures["recommend"]
        items = [ScoredItem(item_id=i, title=t, score=3.0 - n) for n, (i, t) in enumerate(PRODUCTS[: request.k])]
        return Recommendations(key=request.user_id or "profile", items=items, model_version="recommend-lightfm:v1")

    async def _work(self, name: str) -> None:
        start = time.perf_counter()
        await asyncio.sleep(self.delay)
        self.spans[name].append((start, time.perf_counter()))
        if name in self.failures:
            raise self.failures[name]

    async def describe(self, requests: list[DescriptionRequest]) -> Any:
        self.text_requests = requests
        await self._work("text")
        title, description = self.copy or ("", "")
        return [
            DescriptionResult(
                title=title or f"Lovely {r.attributes.title}",
                description=description or f"A {r.tone} pick. Made to last.",
                violations=[],
                language=r.language,
                tone=r.tone,
            ).model_dump()  # JSON transport gives dicts
            for r in requests
        ]

    async def banner(self, request: BannerRequest) -> Any:
        self.banner_requests.append(request)
        if self.drops > 0:
            self.drops -= 1
            raise ConnectionResetError("Can not write request body")
        await self._work("creative")
        image = EncodedImage(content_type="image/jpeg", width=10, height=10, data_base64="AAAA")
        return BannerResponse(
            banners=[
                Banner(format=str(f), image=image, safe_area=(0, 0, 10, 10), product_box=None, texts=[])
                for f in request.formats
            ]
        )


def _compose(deps: FakeDependencies, request: CampaignRequest, **settings: Any) -> Any:
    chooser = lambda n: [("friendly", "coral_flat")] * n  # noqa: E731
    return asyncio.run(Composer(deps, CampaignSettings(**settings), chooser).run(request))


def test_copy_and_banners_are_fetched_concurrently() -> None:
    deps = FakeDependencies(delay=0.3)
    started = time.perf_counter()
    response = _compose(deps, CampaignRequest(user_id="u_1", k=3, formats=["square", "landscape"]))
    elapsed = time.perf_counter() - started
    assert elapsed < 0.6, "text and the three banner calls should overlap (4 × 0.3 s if sequential)"
    starts = [s for spans in deps.spans.values() for s, _ in spans]
    assert max(starts) - min(starts) < 0.1
    assert response.degraded == [] and response.model_version == "recommend-lightfm:v1"
    first = response.items[0]
    assert first.title == "Lovely White Hanging Heart T-Light Holder" and first.copy_source == "generated"
    assert first.variant == "friendly/coral_flat" and [b.format for b in first.banners] == ["square", "landscape"]
    assert [r.tone for r in deps.text_requests] == ["friendly"] * 3
    assert deps.banner_requests[0].cta == "Take a look" and deps.banner_requests[0].background == "flat"
    assert deps.banner_requests[0].headline == "White Hanging Heart T-Light Holder"


def test_slow_text_degrades_to_catalog_titles() -> None:
    deps = FakeDependencies(delay=0.5)
    response = _compose(deps, CampaignRequest(user_id="u_1", k=2), text_timeout_s=0.1, creative_timeout_s=5)
    assert response.degraded == ["text: timeout"]
    assert [i.title for i in response.items] == ["White Hanging Heart T-Light Holder", "Regency Cakestand 3 Tier"]
    assert all(i.copy_source == "catalog" and i.description is None and i.banners for i in response.items)


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (ConnectionRefusedError("refused"), "creative: unavailable"),
        (ServiceUnavailable("model loading"), "creative: unavailable"),
        (BentoMLException("boom", error_code=HTTPStatus.INTERNAL_SERVER_ERROR), "creative: error"),
        (RuntimeError("unexpected"), "creative: error"),
    ],
)
def test_failing_creative_means_no_banner(failure: BaseException, expected: str) -> None:
    response = _compose(FakeDependencies(creative=failure), CampaignRequest(user_id="u_1", k=2))
    assert response.degraded == [expected]
    assert all(not i.banners and i.copy_source == "generated" for i in response.items)


def test_both_optional_dependencies_down() -> None:
    deps = FakeDependencies(delay=0.3, creative=ConnectionRefusedError())
    response = _compose(deps, CampaignRequest(user_id="u_1", k=1), text_timeout_s=0.05)
    assert response.degraded == ["text: timeout", "creative: unavailable"]
    assert response.items[0].title == "White Hanging Heart T-Light Holder"


def test_recommend_errors_are_4xx_or_503_never_500() -> None:
    rejected = InvalidArgument('{"error": "1 validation error for Input", "detail": "requests.0: unknown user"}')
    rejected.error_code = HTTPStatus.BAD_REQUEST
    with pytest.raises(InvalidArgument, match="unknown user"):
        _compose(FakeDependencies(recommend=rejected), CampaignRequest(user_id="u_x"))
    with pytest.raises(ServiceUnavailable, match="recommend: unavailable"):
        _compose(FakeDependencies(recommend=ConnectionRefusedError()), CampaignRequest(user_id="u_x"))
    assert str(classify("recommend", TimeoutError())) == "recommend: timeout"


def test_non_compliant_copy_is_repaired() -> None:
    deps = FakeDependencies()
    deps.copy = ("The best heart holder ever", "Warm light for the home. Call 0161 496 0000 to order. Easy to hang.")
    response = _compose(deps, CampaignRequest(user_id="u_1", k=1))
    item = response.items[0]
    assert item.title == "White Hanging Heart T-Light Holder" and item.copy_source == "catalog"
    assert item.description == "Warm light for the home. Easy to hang."
    assert any("best" in p for p in item.compliance) and any("phone" in p for p in item.compliance)


def test_a_dropped_connection_is_retried_once() -> None:
    deps = FakeDependencies()
    deps.drops = 1
    response = _compose(deps, CampaignRequest(user_id="u_1", k=2))
    assert response.degraded == [] and all(i.banners for i in response.items)
    assert len(deps.banner_requests) == 3  # two items, one of them sent twice


def test_copy_about_another_product_falls_back_to_the_catalog() -> None:
    deps = FakeDependencies()
    deps.copy = ("Girls Navy Brown Wallet", "Meet the Girls Navy Brown Wallet, a wallet for girls.")
    item = _compose(deps, CampaignRequest(user_id="u_1", k=1)).items[0]
    assert item.copy_source == "catalog" and item.title == "White Hanging Heart T-Light Holder"
    assert item.description is None
    assert any("not about this product" in p for p in item.compliance)
