"""The endpoint registry: for each service, how to start it and which tiny models ``--quick`` needs;
for each endpoint, its API method and payload builder. Services, routes and batchable flags come
from the capability catalog (``services/catalog.yaml``).

The offline ceiling and the naive baseline are generic (``inprocess.py``): both call the same API
function on the same runtime, so an entry only has to say how to build realistic request bodies.
A service joins the benchmark as soon as its ``services/<name>/service.py`` exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.core.capabilities import get_catalog

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


QUICK_MODELS: dict[str, tuple[str, ...]] = {
    "recommend": ("build_recommend",),
    "vision": ("build_vision",),
    "text": ("build_text",),
    "creative": ("build_creative",),
    "campaign": ("build_recommend", "build_text", "build_creative"),
}
SERVICES: dict[str, ServiceSpec] = {
    name: ServiceSpec(name, get_catalog()[name].service, QUICK_MODELS[name]) for name in QUICK_MODELS
}
RECOMMEND, VISION, TEXT, CREATIVE, CAMPAIGN = (
    SERVICES[n] for n in ("recommend", "vision", "text", "creative", "campaign")
)


def _spec(service: ServiceSpec, method: str, payload: PayloadFactory) -> EndpointSpec:
    """An endpoint of the catalog (route, batchable, content type) with the payload builder of this benchmark."""
    route = get_catalog()[service.name].route(method)
    content = "multipart" if route.content == "multipart" else "json"
    return EndpointSpec(service, method, route.path, payload, batchable=route.batchable, content=content)


ENDPOINTS: list[EndpointSpec] = [
    _spec(RECOMMEND, "recommend", rec.recommend_bodies),
    _spec(RECOMMEND, "similar_items", rec.similar_items_bodies),
    _spec(RECOMMEND, "recommend_for_profile", rec.profile_bodies),
    _spec(VISION, "embed", vis.embed_bodies),
    _spec(VISION, "classify", vis.classify_bodies),
    _spec(VISION, "similar_products", vis.similar_products_bodies),
    _spec(TEXT, "generate_description", txt.description_bodies),
    _spec(TEXT, "summarize_reviews", txt.summary_bodies),
    _spec(TEXT, "check_compliance", txt.compliance_bodies),
    _spec(CREATIVE, "generate_image", cre.generate_bodies),
    _spec(CREATIVE, "compose_banner", cre.banner_bodies),
    _spec(CAMPAIGN, "campaign", camp.campaign_bodies),
    _spec(CAMPAIGN, "feedback", camp.feedback_bodies),
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
