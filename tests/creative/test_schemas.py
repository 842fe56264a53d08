"""Per-request validation: limits come from settings, bad images are refused before batching."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from services.creative.schemas import BannerRequest, GenerateRequest, decode_base64_image
from services.creative.training.samples import product_photo

from .conftest import to_bytes


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize(
    "fields",
    [
        {"prompt": ""},
        {"prompt": "x" * 501},
        {"prompt": "ok", "width": 100},
        {"prompt": "ok", "width": 2048},
        {"prompt": "ok", "height": 56},
        {"prompt": "ok", "steps": 0},
        {"prompt": "ok", "steps": 51},
        {"prompt": "ok", "guidance_scale": -1},
        {"prompt": "ok", "guidance_scale": 21},
        {"prompt": "ok", "seed": -1},
        {"prompt": "ok", "seed": 2**32},
        {"prompt": "ok", "num_images": 5},
        {"prompt": "ok", "negative_prompt": "n" * 501},
        {"prompt": "ok", "output_format": "gif"},
        {"prompt": "ok", "unknown": 1},
    ],
)
def test_generate_request_limits(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        GenerateRequest(**fields)  # type: ignore[arg-type]


def test_limits_follow_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADSERVE_CREATIVE_MAX_SIDE", "512")
    monkeypatch.setenv("ADSERVE_CREATIVE_MAX_STEPS", "4")
    from services.creative.settings import get_creative_settings

    get_creative_settings.cache_clear()
    with pytest.raises(ValidationError, match="between 64 and 512"):
        GenerateRequest(prompt="ok", width=640)
    with pytest.raises(ValidationError, match="between 1 and 4"):
        GenerateRequest(prompt="ok", steps=8)
    assert GenerateRequest(prompt="  ok  ", width=512, steps=4).prompt == "ok"


def test_base64_images_decode_or_fail_with_a_message() -> None:
    png = to_bytes(product_photo((40, 30)))
    assert decode_base64_image(b64(png)).size == (40, 30)
    assert decode_base64_image("data:image/png;base64," + b64(png)).size == (40, 30)
    assert decode_base64_image(b64(to_bytes(product_photo((40, 30)), "WEBP"))).size == (40, 30)
    for bad, message in [
        ("", "empty"),
        ("not base64 at all!", "base64"),
        (b64(b"hello world"), "not a JPEG, PNG or WebP"),
        (b64(to_bytes(product_photo(), "JPEG")[:300]), "corrupt or truncated"),
        (b64(to_bytes(product_photo(), "GIF")), "not a JPEG, PNG or WebP"),
    ]:
        with pytest.raises(ValueError, match=message):
            decode_base64_image(bad)


def test_banner_request_validation() -> None:
    ok = BannerRequest(
        headline="  Big   sale ", colours={"primary": "1f3a5f"}, formats=["square", {"width": 728, "height": 90}]
    )
    assert ok.headline == "Big sale" and ok.colours.primary == "#1F3A5F"
    for fields in [
        {"headline": ""},
        {"headline": "x", "colours": {"primary": "red"}},
        {"headline": "x", "formats": []},
        {"headline": "x", "formats": ["billboard"]},
        {"headline": "x", "formats": [{"width": 10000, "height": 100}]},
        {"headline": "x", "background": "generated"},
        {"headline": "x", "product_image": b64(b"nope")},
        {"headline": "x" * 121},
    ]:
        with pytest.raises(ValidationError):
            BannerRequest(**fields)  # type: ignore[arg-type]
