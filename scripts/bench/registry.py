"""The endpoint registry: for each service, how to start it and which tiny models ``--quick`` needs;
for each endpoint, its route, API method, payload builder and whether it is batched.

The offline ceiling and the naive baseline are generic (``inprocess.py``): both call the same API
function on the same runtime, so an entry only has to say how to build realistic request bodies.
A service joins the benchmark as soon as its ``services/<name>/service.py`` exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .payloads import campaign as camp
from .payloads import creative as cre
from .payloads import recommend as rec
from .payloads import text as txt
from .payloads import vision as vis
from .payloads.context import PayloadContext

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PayloadFactory = Callable[[PayloadContext, int], list[dict[str, Any]]]
ModelBuilder = Callable[[Path, Path], str]


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    target: str
    quick_models: tuple[str, ...] = ()  # names of builders in quick_models.py

    @property
    def module_file(self) -> Path:
        module = self.target.split(":", 1)[0]
        return PROJECT_ROOT / (module.replace(".", "/") + ".py")

    def available(self) -> bool:
        return self.module_file.exists()


@dataclass(frozen=True)
class EndpointSpec:
    service: ServiceSpec
    method: str
    path: str
    payload: PayloadFactory
    batchable: bool = True
    content: str = "json"  # "json" bodies; "multipart" endpoints are load-tested with locust only

    @property
    def key(self) -> str:
        return f"{self.service.name}.{self.method}"


RECOMMEND = ServiceSpec("recommend", "services.recommend.service:RecommendService", ("build_recommend",))
VISION = ServiceSpec("vision", "services.vision.service:VisionService", ("build_vision",))
TEXT = ServiceSpec("text", "services.text.service:TextService", ("build_text",))
CREATIVE = ServiceSpec("creative", "services.creative.service:CreativeService", ("build_creative",))
CAMPAIGN = ServiceSpec(
    "campaign", "services.campaign.service:CampaignService", ("build_recommend", "build_text", "build_creative")
)

SERVICES: dict[str, ServiceSpec] = {s.name: s for s in (RECOMMEND, VISION, TEXT, CREATIVE, CAMPAIGN)}

ENDPOINTS: list[EndpointSpec] = [
    EndpointSpec(RECOMMEND, "recommend", "/recommend", rec.recommend_bodies),
    EndpointSpec(RECOMMEND, "similar_items", "/similar_items", rec.similar_items_bodies),
    EndpointSpec(RECOMMEND, "recommend_for_profile", "/recommend_for_profile", rec.profile_bodies),
    EndpointSpec(VISION, "embed", "/embed", vis.embed_bodies),
    EndpointSpec(VISION, "classify", "/classify", vis.classify_bodies),
    EndpointSpec(VISION, "similar_products", "/similar_products", vis.similar_products_bodies, batchable=False),
    EndpointSpec(TEXT, "generate_description", "/generate_description", txt.description_bodies),
    EndpointSpec(TEXT, "summarize_reviews", "/summarize_reviews", txt.summary_bodies),
    EndpointSpec(TEXT, "check_compliance", "/check_compliance", txt.compliance_bodies, batchable=False),
    EndpointSpec(CREATIVE, "generate_image", "/generate_image", cre.generate_bodies),
    EndpointSpec(CREATIVE, "compose_banner", "/compose_banner", cre.banner_bodies, batchable=False),
    EndpointSpec(CAMPAIGN, "campaign", "/campaign", camp.campaign_bodies, batchable=False),
    EndpointSpec(CAMPAIGN, "feedback", "/feedback", camp.feedback_bodies, batchable=False),
]

# Endpoints with a target of their own in the issue; the others are measured and reported.
TARGET_BATCHED_VS_UNBATCHED = {"vision.embed", "vision.classify"}
TARGET_P99_VS_NOOP = {"recommend.recommend", "recommend.similar_items", "recommend.recommend_for_profile"}
DEFAULT_ENDPOINTS = (
    "recommend.recommend",
    "recommend.similar_items",
    "recommend.recommend_for_profile",
    "vision.embed",
    "vision.classify",
)
QUICK_ENDPOINTS = ("recommend.recommend",)


def endpoint(key: str) -> EndpointSpec:
    for spec in ENDPOINTS:
        if spec.key == key:
            return spec
    known = ", ".join(e.key for e in ENDPOINTS)
    raise KeyError(f"unknown endpoint {key!r}; known: {known}")


def select(keys: list[str] | None, *, batchable_only: bool = True) -> list[EndpointSpec]:
    """Endpoints by key ('all' = every available one), in registry order, grouped by service."""
    if not keys or keys == ["all"]:
        chosen = [e for e in ENDPOINTS if e.service.available()]
    else:
        wanted = {endpoint(k).key for k in keys}
        chosen = [e for e in ENDPOINTS if e.key in wanted]
    if batchable_only:
        chosen = [e for e in chosen if e.batchable and e.content == "json"]
    return chosen


def by_service(endpoints: list[EndpointSpec]) -> dict[str, list[EndpointSpec]]:
    grouped: dict[str, list[EndpointSpec]] = {}
    for spec in endpoints:
        grouped.setdefault(spec.service.name, []).append(spec)
    return grouped
