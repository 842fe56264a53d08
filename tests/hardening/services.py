"""The services the hardening tests walk: target, the model fixtures they need, fuzz budget."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from PIL import Image


def _png_b64(size: tuple[int, int] = (40, 32)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


TINY_PNG_B64 = _png_b64()


@dataclass(frozen=True)
class ServiceUnderTest:
    name: str
    target: str
    model_fixtures: tuple[str, ...]
    probe_path: str
    probe_body: dict[str, object]
    fuzz_examples: int = 500  # per operation; the run must reach >= 1000 cases in total
    env: tuple[tuple[str, str], ...] = ()


SERVICES = [
    ServiceUnderTest(
        "recommend",
        "services.recommend.service:RecommendService",
        ("recommend_model",),
        "/recommend_for_profile",
        {"requests": [{"country": "France", "k": 10}]},
        fuzz_examples=250,  # seven operations
    ),
    ServiceUnderTest(
        "vision",
        "services.vision.service:VisionService",
        ("tiny_cnn_model",),
        "/classify",
        {"images": [{"image": TINY_PNG_B64, "top_k": 3}]},
        fuzz_examples=700,
    ),
    ServiceUnderTest(
        "text",
        "services.text.service:TextService",
        ("generator_model", "summarizer_model"),
        "/check_compliance",
        {"text": "The best cotton shirt, 100% guaranteed!", "language": "en"},
        fuzz_examples=250,
    ),
    ServiceUnderTest(
        "creative",
        "services.creative.service:CreativeService",
        ("tiny_model",),
        "/compose_banner",
        {"request": {"headline": "Summer sale", "formats": [{"width": 300, "height": 250}], "background": "flat"}},
        fuzz_examples=120,  # eleven operations with the video task routes
        env=(("ADSERVE_CREATIVE_MAX_SIDE", "128"), ("ADSERVE_CREATIVE_MAX_STEPS", "3")),
    ),
    ServiceUnderTest(
        "campaign",
        "services.campaign.service:CampaignService",
        ("recommend_model", "generator_model", "summarizer_model", "tiny_model"),
        "/campaign",
        {"profile": {"country": "France"}, "k": 1},
        fuzz_examples=450,
        env=(("ADSERVE_CREATIVE_GPUS", "0"), ("ADSERVE_CREATIVE_MAX_SIDE", "128"), ("ADSERVE_CREATIVE_MAX_STEPS", "3")),
    ),
]
