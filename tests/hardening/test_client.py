"""The typed client against the real served services: every endpoint, errors, retries, async.

Runs on the hardened servers (API keys on), so the client's key handling is exercised too.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from PIL import Image

from services.client import AdserveClient, AdserveError, AsyncAdserveClient, RetryPolicy
from services.client.api import GROUPS
from services.client.endpoints import endpoints_of
from services.creative.schemas import BannerRequest, BannerResponse
from services.recommend.schemas import ProfileRequest, Recommendations
from services.text.schemas import ComplianceReport, DescriptionRequest, DescriptionResult, ProductReviews
from services.vision.schemas import ClassifyItem, ClassifyResult
from tests.support.bento_server import BentoServer

from .conftest import API_KEY
from .services import TINY_PNG_B64, ServiceUnderTest

pytestmark = [pytest.mark.e2e]


def _png(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def _recommend(client: AdserveClient) -> list[tuple[str, Any]]:
    profile = client.recommend.recommend_for_profile(requests=[ProfileRequest(country="France", k=3)])
    assert isinstance(profile[0], Recommendations) and len(profile[0].items) == 3
    item = profile[0].items[0].item_id
    similar = client.recommend.similar_items(requests=[{"item_id": item, "k": 2}])
    assert similar[0].key == item
    with pytest.raises(AdserveError) as unknown:
        client.recommend.recommend(requests=[{"customer_id": "never-seen-customer", "k": 2}])
    assert unknown.value.status_code == 400 and "unknown user" in str(unknown.value.detail)
    known = None
    return [("recommend_for_profile", profile), ("similar_items", similar), ("recommend", known)]


def _text(client: AdserveClient) -> list[tuple[str, Any]]:
    item = DescriptionRequest.model_validate(
        {"attributes": {"category": ["Apparel", "Shirts"], "colour": "blue", "gender": "men"}, "seed": 1}
    )
    described = client.text.generate_description(items=[item])
    assert isinstance(described[0], DescriptionResult) and described[0].title
    events = client.text.stream_description(item=item)
    assert events and events[-1]
    summary = client.text.summarize_reviews(
        products=[
            ProductReviews.model_validate(
                {"reviews": [{"text": "Great fit and soft fabric."}, {"text": "Colour faded after one wash."}]}
            )
        ]
    )
    report = client.text.check_compliance(text="The best shirt ever, call 555-123-4567", language="en")
    assert isinstance(report, ComplianceReport) and not report.ok
    return [("generate_description", described), ("summarize_reviews", summary), ("check_compliance", report)]


def _vision(client: AdserveClient) -> list[tuple[str, Any]]:
    classified = client.vision.classify(images=[ClassifyItem.model_validate({"image": TINY_PNG_B64, "top_k": 2})])
    assert isinstance(classified[0], ClassifyResult)
    embedded = client.vision.embed(images=[{"image": TINY_PNG_B64}])
    similar = client.vision.similar_products(image=TINY_PNG_B64, k=3)
    return [("classify", classified), ("embed", embedded), ("similar_products", similar)]


def _creative(client: AdserveClient) -> list[tuple[str, Any]]:
    banner = client.creative.compose_banner(
        request=BannerRequest.model_validate({"headline": "Summer sale", "formats": [{"width": 300, "height": 250}]})
    )
    assert isinstance(banner, BannerResponse) and banner.banners
    enhanced = client.creative.enhance(image=_png())
    assert Image.open(io.BytesIO(enhanced)).size == (64, 48)
    styled = client.creative.style_transfer(content=_png(), style=_png((32, 32)))
    assert styled[:8] == b"\x89PNG\r\n\x1a\n"
    return [("compose_banner", banner), ("enhance", enhanced), ("style_transfer", styled)]


def _campaign(client: AdserveClient) -> list[tuple[str, Any]]:
    answer = client.campaign.campaign(profile={"country": "France"}, k=1)
    assert answer.items
    stats = client.campaign.variant_stats()
    return [("campaign", answer), ("variant_stats", stats)]


CALLS: dict[str, Callable[[AdserveClient], list[tuple[str, Any]]]] = {
    "recommend": _recommend,
    "text": _text,
    "vision": _vision,
    "creative": _creative,
    "campaign": _campaign,
}


def test_every_service_endpoint_is_declared() -> None:
    """Each group of the client names its capability and at least one endpoint."""
    assert {g.capability for g in GROUPS} == set(CALLS)
    for group in GROUPS:
        assert endpoints_of(group), group


def test_client_calls_the_served_endpoints(hardened: tuple[ServiceUnderTest, BentoServer]) -> None:
    svc, server = hardened
    with AdserveClient(server.url, api_key=API_KEY) as client:
        assert client.ready(svc.name)
        results = CALLS[svc.name](client)
    assert all(name for name, _ in results)


def test_errors_carry_the_server_body(hardened: tuple[ServiceUnderTest, BentoServer]) -> None:
    svc, server = hardened
    with AdserveClient(server.url) as client, pytest.raises(AdserveError) as caught:  # no key
        getattr(client, svc.name).model_info()
    assert caught.value.status_code == 401 and "API key" in str(caught.value)


def test_async_client(hardened: tuple[ServiceUnderTest, BentoServer]) -> None:
    svc, server = hardened
    if svc.name != "text":
        pytest.skip("one service is enough for the async path")

    async def run() -> list[bool]:
        async with AsyncAdserveClient(server.url, api_key=API_KEY) as client:
            reports = await asyncio.gather(
                *(client.text.check_compliance(text=f"Soft cotton shirt number {i}") for i in range(4))
            )
            return [r.ok for r in reports]

    assert asyncio.run(run()) == [True] * 4


def test_retries_honour_retry_after() -> None:
    """429 then 503 with Retry-After, then 200: the client waits as told and returns the answer."""
    answers = iter([(429, {"retry-after": "0.2"}), (503, {"retry-after": "0"}), (200, {})])
    seen: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        import time

        seen.append(time.monotonic())
        status, headers = next(answers)
        body = {"error": "overloaded", "detail": "busy"} if status != 200 else {"ok": True, "violations": []}
        return httpx.Response(status, json=body, headers=headers)

    client = AdserveClient("http://test", transport=httpx.MockTransport(handler), retry=RetryPolicy(max_retries=3))
    report = client.text.check_compliance(text="plain")
    assert report.ok and len(seen) == 3
    assert seen[1] - seen[0] >= 0.19


def test_retries_are_bounded() -> None:
    client = AdserveClient(
        "http://test",
        transport=httpx.MockTransport(
            lambda r: httpx.Response(503, json={"error": "unavailable", "detail": "loading"})
        ),
        retry=RetryPolicy(max_retries=2, backoff_s=0.01),
    )
    with pytest.raises(AdserveError) as caught:
        client.text.check_compliance(text="plain")
    assert caught.value.status_code == 503 and caught.value.detail == "loading"


def test_files_are_uploaded_as_multipart() -> None:
    captured: dict[str, Any] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        captured["type"] = request.headers["content-type"]
        captured["body"] = request.content
        return httpx.Response(200, content=b"\x89PNG", headers={"content-type": "image/png"})

    client = AdserveClient("http://test", transport=httpx.MockTransport(handler))
    assert client.creative.enhance(image=b"raw-bytes", sharpen=0.2) == b"\x89PNG"
    assert captured["type"].startswith("multipart/form-data") and b"raw-bytes" in captured["body"]


def test_model_info(hardened: tuple[ServiceUnderTest, BentoServer]) -> None:
    """Every service names the models it serves, with creation time and the training metadata."""
    svc, server = hardened
    with AdserveClient(server.url, api_key=API_KEY) as client:
        info = getattr(client, svc.name).model_info()
    if svc.name == "campaign":
        return  # composes the others; its own list may be empty
    assert info.models and all(m.ready and m.tag and m.created for m in info.models)
    if svc.name == "recommend":
        (model,) = info.models
        assert model.metrics and model.lineage
