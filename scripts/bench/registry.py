"""The endpoint registry: for each service, how to start it and which tiny models ``--quick`` needs;
for each endpoint, its API method and payload builder. Services come from the capability catalog
(``services/catalog.yaml``); the route, batchable flag and content type of an endpoint are read from
its service class when first asked for (``Capability.route``), so importing the registry is cheap.

The offline ceiling and the naive baseline are generic (``inprocess.py``): both call the same API
function on the same runtime, so an entry only has to say how to build realistic request bodies.
A service joins the benchmark as soon as its ``services/<name>/service.py`` exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.core.capabilities import Route, get_catalog

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
    payload: PayloadFactory

    @property
    def key(self) -> str:
        return f"{self.service.name}.{self.method}"

    @property
    def route(self) -> Route:
        """The service's route of this API (imports the service module on first use)."""
        return get_catalog()[self.service.name].route(self.method)

    @property
    def path(self) -> str:
        return self.route.path

    @property
    def batchable(self) -> bool:
        return self.route.batchable

    @property
    def content(self) -> str:
        """``json`` bodies, or ``multipart`` (load-tested with locust only)."""
        return "multipart" if self.route.content == "multipart" else "json"


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


ENDPOINTS: list[EndpointSpec] = [
    EndpointSpec(RECOMMEND, "recommend", rec.recommend_bodies),
    EndpointSpec(RECOMMEND, "similar_items", rec.similar_items_bodies),
    EndpointSpec(RECOMMEND, "recommend_for_profile", rec.profile_bodies),
    EndpointSpec(VISION, "embed", vis.embed_bodies),
    EndpointSpec(VISION, "classify", vis.classify_bodies),
    EndpointSpec(VISION, "similar_products", vis.similar_products_bodies),
    EndpointSpec(TEXT, "generate_description", txt.description_bodies),
    EndpointSpec(TEXT, "summarize_reviews", txt.summary_bodies),
    EndpointSpec(TEXT, "check_compliance", txt.compliance_bodies),
    EndpointSpec(CREATIVE, "generate_image", cre.generate_bodies),
    EndpointSpec(CREATIVE, "compose_banner", cre.banner_bodies),
    EndpointSpec(CAMPAIGN, "campaign", camp.campaign_bodies),
    EndpointSpec(CAMPAIGN, "feedback", camp.feedback_bodies),
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
