"""The campaign flow against fake dependencies: concurrency, time budgets, degradation, compliance,
grounded copy requests, truthful labels, product images, designed backgrounds and the vision check."""

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
        self.raw_items: list[dict[str, Any]] | None = None
        self.labels: list[tuple[str, float]] | None = None
        self.classified: list[str] = []
        self.source = "model"

    async def recommend(self, request: CampaignRequest) -> Any:
        if "recommend" in self.failures:
            raise self.failures["recommend"]
        if self.raw_items is not None:  # a catalogue with attributes and images (JSON transport: dicts)
            return {"key": "profile", "items": self.raw_items[: request.k], "model_version": "recommend-lightfm:v1"}
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
                copy_source=self.source,
                title_source=self.source,
                notes=["no Chinese name"] if self.source == "catalog" else [],
            ).model_dump()  # JSON transport gives dicts
            for r in requests
        ]

    async def classify(self, images_base64: list[str]) -> Any | None:
        if self.labels is None:
            return None
        self.classified += images_base64
        return [{"labels": [{"label": lab, "index": 0, "score": sc}]} for lab, sc in self.labels[: len(images_base64)]]

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


def test_banners_are_fetched_concurrently_after_the_copy() -> None:
    deps = FakeDependencies(delay=0.3)
    response = _compose(deps, CampaignRequest(user_id="u_1", k=3, formats=["square", "landscape"]))
    banner_starts = [s for s, _ in deps.spans["creative"]]
    assert max(banner_starts) - min(banner_starts) < 0.1
    assert min(banner_starts) >= deps.spans["text"][0][1]  # a banner shows the copy
    assert response.degraded == [] and response.model_version == "recommend-lightfm:v1"
    first = response.items[0]
    assert first.title == "Lovely White Hanging Heart T-Light Holder" and first.copy_source == "model"
    assert first.variant == "friendly/coral_flat" and [b.format for b in first.banners] == ["square", "landscape"]
    assert [r.tone for r in deps.text_requests] == ["friendly"] * 3
    banner = deps.banner_requests[0]
    assert banner.cta == "Take a look" and banner.background in {"dots", "stripes", "grid", "rings"}
    assert banner.headline == "Lovely White Hanging Heart T-Light Holder" and banner.subheadline == "A friendly pick."


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
    assert all(not i.banners and i.copy_source == "model" for i in response.items)


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


def test_the_text_service_gets_the_attributes_the_title_states() -> None:
    deps = FakeDependencies()
    response = _compose(deps, CampaignRequest(user_id="u_1", k=3))
    holder, cakestand, trinket = (r.attributes for r in deps.text_requests)
    assert holder.category == ["Lighting", "T-Light Holder"] and holder.colour == "White"
    assert holder.extra["motif"] == "heart"
    assert cakestand.category[-1] == "Cake Stand" and trinket.material == "ceramic"
    assert response.items[2].attributes["material"] == "ceramic"


def test_labels_are_truthful_and_a_missing_chinese_copy_is_said() -> None:
    deps = FakeDependencies()
    deps.source = "template"
    item = _compose(deps, CampaignRequest(user_id="u_1", k=1, language="zh")).items[0]
    assert item.copy_source == "template"
    deps.source = "catalog"
    item = _compose(deps, CampaignRequest(user_id="u_1", k=1, language="zh")).items[0]
    assert item.copy_source == "catalog" and item.title == "White Hanging Heart T-Light Holder"
    assert any(n.startswith("zh: no Chinese copy") for n in item.notes) and "no Chinese name" in item.notes


def _photo_uri(tmp_path: Any) -> str:
    from PIL import Image

    path = tmp_path / "mug.png"
    Image.new("RGB", (40, 80), (200, 30, 30)).save(path)
    return str(path)


def test_catalogue_attributes_and_images_reach_copy_banner_and_vision(tmp_path: Any) -> None:
    deps = FakeDependencies()
    deps.labels = [("Bag", 0.93), ("T-shirt/top", 0.9)]
    uri = _photo_uri(tmp_path)
    deps.raw_items = [
        {
            "item_id": "s1",
            "title": "Roadster Men Navy Blue T-shirt",
            "score": 2.0,
            "attributes": {"brand": "Roadster", "article_type": "Tshirts", "colour": "Navy Blue", "gender": "Men"},
            "image_uri": uri,
        },
        {"item_id": "s2", "title": "Roadster Men Black T-shirt", "score": 1.0, "image_uri": uri},
        {"item_id": "s3", "title": "WHITE HANGING HEART T-LIGHT HOLDER", "score": 0.5, "image_uri": "https://x/y.jpg"},
    ]
    response = _compose(deps, CampaignRequest(profile={"country": "France"}, k=3), image_root=tmp_path)
    first, second, third = response.items
    sent = deps.text_requests[0].attributes
    assert (sent.brand, sent.colour, sent.gender, sent.category) == ("Roadster", "Navy Blue", "Men", ["Tshirts"])
    assert deps.banner_requests[0].product_image and len(deps.classified) == 2
    assert first.listing_check is not None and first.listing_check.agrees is False
    assert any("looks like 'Bag'" in n for n in first.notes) and first.image_uri == uri
    assert second.listing_check is None or second.listing_check.message is None
    assert third.listing_check is None and any("not fetched" in n for n in third.notes)
    assert deps.banner_requests[2].product_image is None


def test_outside_the_image_root_nothing_is_read(tmp_path: Any) -> None:
    deps = FakeDependencies()
    deps.raw_items = [{"item_id": "s1", "title": "RED MUG", "score": 1.0, "image_uri": "/etc/passwd"}]
    item = _compose(deps, CampaignRequest(user_id="u_1", k=1), image_root=tmp_path).items[0]
    assert deps.banner_requests[0].product_image is None and any("outside" in n for n in item.notes)


def test_each_product_gets_its_own_designed_background() -> None:
    deps = FakeDependencies()
    _compose(deps, CampaignRequest(user_id="u_1", k=3))
    looks = {(b.colours.primary, b.background) for b in deps.banner_requests}
    assert len(looks) >= 2  # not one flat colour for every product


def test_an_older_text_service_is_labelled_by_its_title_source() -> None:
    deps = FakeDependencies()
    original = deps.describe

    async def older(requests: list[DescriptionRequest]) -> Any:
        answers = await original(requests)
        for answer in answers:
            del answer["copy_source"]
            answer["title_source"] = "template"
        return answers

    deps.describe = older  # type: ignore[method-assign]
    item = _compose(deps, CampaignRequest(user_id="u_1", k=1)).items[0]
    assert item.copy_source == "template"
