"""Cost budgets per request: past one, a 422 that names the limit and the value.

Unit checks on the request models with small budgets (``ADSERVE_BUDGET_*``), then each budget
over HTTP against the shared hardened servers at their default budgets: a vision batch whose
images declare more pixels than the budget (PNG headers without pixel data: refused before any
decode), banners whose formats add up past the pixel budget, and a campaign whose fan-out
(k x formats) is over its budget.
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from services.core import budgets
from tests.support.bento_server import BentoServer

from .conftest import API_KEY
from .services import TINY_PNG_B64, ServiceUnderTest


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width x height`` but holds (almost) no pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"")) + _chunk(b"IEND", b"")


HUGE_HEADER_B64 = base64.b64encode(_png_header(6000, 6000)).decode()  # 36 MP declared, a few bytes sent


@pytest.fixture
def small_budgets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "MAX_IMAGE_PIXELS": "2000",
        "MAX_DIFFUSION_WORK": "1000000",
        "MAX_BANNER_RENDERS": "2",
        "MAX_BANNER_PIXELS": "200000",
        "MAX_CAMPAIGN_RENDERS": "4",
    }.items():
        monkeypatch.setenv(f"ADSERVE_BUDGET_{name}", value)
    budgets.get_budget_settings.cache_clear()
    yield
    budgets.get_budget_settings.cache_clear()


def _budget_error(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    errors = exc.value.errors()
    assert all(e["type"] == "budget_exceeded" for e in errors), errors
    return "; ".join(e["msg"] for e in errors)


def test_vision_images_of_one_request_share_the_pixel_budget(small_budgets: None) -> None:
    from services.vision.schemas import ClassifyBatch

    batch = TypeAdapter(ClassifyBatch)
    assert len(batch.validate_python([{"image": TINY_PNG_B64}])) == 1  # 40 x 32 = 1280 pixels
    with pytest.raises(ValidationError) as exc:
        batch.validate_python([{"image": TINY_PNG_B64}, {"image": TINY_PNG_B64}])
    assert "is 2560, over the limit ADSERVE_BUDGET_MAX_IMAGE_PIXELS = 2000" in _budget_error(exc)


def test_diffusion_work_counts_images_steps_and_pixels(small_budgets: None) -> None:
    from services.creative.schemas import GenerateBatch

    batch = TypeAdapter(GenerateBatch)
    one = {"prompt": "a red shoe", "width": 256, "height": 256, "steps": 2, "num_images": 2}  # 262,144 each
    assert len(batch.validate_python([one] * 3)) == 3  # 786,432
    with pytest.raises(ValidationError) as exc:
        batch.validate_python([one] * 4)  # 1,048,576
    assert "is 1048576, over the limit ADSERVE_BUDGET_MAX_DIFFUSION_WORK = 1000000" in _budget_error(exc)


def test_banner_renders_and_pixels_have_budgets(small_budgets: None) -> None:
    from services.creative.schemas import BannerRequest

    assert BannerRequest(headline="Sale", formats=["medium_rectangle"])  # 300 x 250
    with pytest.raises(ValidationError) as exc:
        BannerRequest(headline="Sale", formats=["square", "landscape", "story"])
    message = _budget_error(exc)
    assert "banner formats rendered by this request is 3, over the limit ADSERVE_BUDGET_MAX_BANNER_RENDERS = 2" in (
        message
    )
    with pytest.raises(ValidationError) as exc:
        BannerRequest(headline="Sale", formats=[{"width": 500, "height": 500}])
    assert "is 250000, over the limit ADSERVE_BUDGET_MAX_BANNER_PIXELS = 200000" in _budget_error(exc)


def test_campaign_fan_out_has_a_budget(small_budgets: None) -> None:
    from services.campaign.schemas import CampaignRequest

    assert CampaignRequest(user_id="u_1", k=2, formats=["square", "landscape"])
    with pytest.raises(ValidationError) as exc:
        CampaignRequest(user_id="u_1", k=3, formats=["square", "landscape"])
    assert "campaign fan-out (k x banner formats) is 6, over the limit ADSERVE_BUDGET_MAX_CAMPAIGN_RENDERS = 4" in (
        _budget_error(exc)
    )


def test_declared_pixels_reads_only_the_header(tmp_path: Path) -> None:
    assert budgets.declared_pixels(_png_header(6000, 6000)) == 36_000_000
    path = tmp_path / "header.png"
    path.write_bytes(_png_header(300, 200))
    assert budgets.declared_pixels(path) == 60_000
    assert budgets.declared_pixels(b"not an image") == 0


# ------------------------------------------------------------------ over HTTP, default budgets
def _over_budget(service: str) -> tuple[str, dict[str, object], str] | None:
    big = {"width": 4096, "height": 4096}
    return {
        "vision": (
            "/classify",
            {"images": [{"image": HUGE_HEADER_B64}, {"image": HUGE_HEADER_B64}]},
            "is 72000000, over the limit ADSERVE_BUDGET_MAX_IMAGE_PIXELS = 67108864",
        ),
        "creative": (
            "/compose_banner",
            {"request": {"headline": "Sale", "background": "flat", "formats": [big, big, big]}},
            "is 50331648, over the limit ADSERVE_BUDGET_MAX_BANNER_PIXELS = 33554432",
        ),
        "campaign": (
            "/campaign",
            {"profile": {"country": "France"}, "k": 10, "formats": ["square", "landscape", "story"]},
            "is 30, over the limit ADSERVE_BUDGET_MAX_CAMPAIGN_RENDERS = 24",
        ),
    }.get(service)


@pytest.mark.e2e
def test_over_budget_requests_get_422_naming_limit_and_value(hardened: tuple[ServiceUnderTest, BentoServer]) -> None:
    svc, server = hardened
    case = _over_budget(svc.name)
    if case is None:
        pytest.skip(f"{svc.name} has no per-request cost budget")
    path, body, expected = case
    resp = server.client.post(path, json=body, headers={"X-API-Key": API_KEY})
    assert resp.status_code == 422, resp.text
    assert expected in resp.text, resp.text
    assert server.client.get("/livez").status_code == 200
