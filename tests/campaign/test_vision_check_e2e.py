"""The campaign's vision check against a real vision server: images reach /classify intact over JSON
(the typed client sends uploads as their base64 file), and a confident label of another kind of
product is reported as a listing mismatch."""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import Iterator

import bentoml
import pytest
from PIL import Image

from services.campaign.composer import Composer
from services.campaign.remote import RemoteDependencies
from services.campaign.schemas import CampaignRequest
from services.campaign.settings import CampaignSettings
from services.client import AsyncAdserveClient
from tests.campaign.test_composer import FakeDependencies
from tests.support.bento_server import BentoServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def vision(tiny_cnn_model: bentoml.Model, base_env: dict[str, str]) -> Iterator[BentoServer]:
    with BentoServer(
        "services.vision.service:VisionService", {**base_env, "ADSERVE_VISION_MODEL": str(tiny_cnn_model.tag)}
    ) as srv:
        yield srv


def _photo() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (240, 240, 240)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def test_images_are_classified_and_mismatches_reported(vision: BentoServer, tmp_path: object) -> None:
    async def run() -> object:
        async with AsyncAdserveClient(vision.url, urls={"vision": vision.url}) as client:
            remote = RemoteDependencies(None, None, None, client)
            [answer] = await remote.classify([_photo()])
            assert answer.labels and 0.0 <= answer.labels[0].score <= 1.0
            deps = FakeDependencies()
            deps.classify = remote.classify  # type: ignore[method-assign]
            deps.raw_items = [
                {
                    "item_id": "s1",
                    "title": "Women Black Sandals",
                    "score": 1.0,
                    "attributes": {"article_type": "Laptop Bag"},
                    "image_uri": f"data:image/png;base64,{_photo()}",
                }
            ]
            composer = Composer(
                deps, CampaignSettings(vision_min_score=0.0), lambda n: [("neutral", "navy_gradient")] * n
            )
            return await composer.run(CampaignRequest(user_id="u_1", k=1))

    response = asyncio.run(run())
    item = response.items[0]  # type: ignore[attr-defined]
    assert response.degraded == []  # type: ignore[attr-defined]
    assert item.listing_check is not None and item.listing_check.predicted_label
    if item.listing_check.agrees is False:
        assert any(n.startswith("listing: the image looks like") for n in item.notes)
