"""The playground at ``/ui`` of the campaign service: a page that shows what each capability does.

Plain HTML and JavaScript (``services/campaign/ui/``) calling the platform's own APIs: ``/campaign``
on this service, and the other capabilities through ``/ui/api/<capability>/<route>``, which
forwards the JSON body (and the caller's API key) to that capability's route, so the page needs one
origin and no CORS. Only JSON routes are forwarded: the ones the running service lists in its
OpenAPI document (``/docs.json``, read with ``capabilities.openapi_json_paths`` and kept for
``ROUTES_TTL_S``), so this process imports no other capability's service module and always sees
what is deployed now. ``/ui/config.json`` tells the page what is served and gives it the schema
examples to start from. Where each capability is comes from ``ADSERVE_UI_<CAPABILITY>_URL``
(``scripts/start.sh`` sets them), else the capability's catalog port on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import logging
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel, Field, create_model
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from services.core.capabilities import get_catalog, openapi_json_paths

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).with_name("ui")
FORWARDED_HEADERS = ("authorization", "x-api-key", "content-type", "accept")
SELF = "campaign"
ROUTES_TTL_S = 60.0
OPENAPI_TIMEOUT_S = 5.0
# answered by every service, not what the page is for (service_kit.PlatformService and BentoML's own)
NOT_FORWARDED = ("/noop", "/model_info")


class _UiBase(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ADSERVE_UI_", extra="ignore", frozen=True)

    timeout_s: float = Field(120.0, gt=0, le=600, description="Budget of one forwarded call.")

    def url(self, capability: str) -> str:
        configured = getattr(self, f"{capability}_url", None)
        return (configured or f"http://127.0.0.1:{get_catalog().port(capability)}").rstrip("/")


UiSettings: type[_UiBase] = create_model(  # one ADSERVE_UI_<CAPABILITY>_URL per catalog capability
    "UiSettings",
    __base__=_UiBase,
    **{f"{name}_url": (str | None, Field(None, description=f"Base URL of {name}.")) for name in get_catalog().names},
)


@lru_cache(maxsize=1)
def get_ui_settings() -> _UiBase:
    return UiSettings()


class RouteSource:
    """The JSON routes of each capability, from its running service's OpenAPI document.

    An answer is kept for ``ttl_s``; when a service cannot be asked, the last answer is used, and
    ``None`` when there has been none (the service was never reachable).
    """

    def __init__(self, ttl_s: float = ROUTES_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._known: dict[str, tuple[float, list[str]]] = {}

    async def json_routes(self, client: httpx.AsyncClient, capability: str) -> list[str] | None:
        known = self._known.get(capability)
        if known and time.monotonic() - known[0] < self.ttl_s:
            return known[1]
        try:
            answer = await client.get(get_ui_settings().url(capability) + "/docs.json", timeout=OPENAPI_TIMEOUT_S)
            answer.raise_for_status()
            routes = openapi_json_paths(answer.json(), exclude=NOT_FORWARDED)
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("playground: no OpenAPI document from %s: %s", capability, exc)
            return known[1] if known else None
        self._known[capability] = (time.monotonic(), routes)
        return routes


def _example(model: type[BaseModel]) -> Any:
    return model.model_json_schema().get("example")


async def page_config(client: httpx.AsyncClient, source: RouteSource) -> dict[str, Any]:
    """What the page needs: the routes it may call (``null`` for a service that cannot be reached)
    and the schema examples to fill its forms with."""
    from services.campaign.schemas import CampaignRequest
    from services.recommend.schemas import ProfileRequest, RecommendRequest
    from services.text.schemas import DescriptionRequest, ProductReviews

    names = get_catalog().names
    routes = await asyncio.gather(*(source.json_routes(client, name) for name in names))
    return {
        "capabilities": {
            name: {"base": "" if name == SELF else f"/ui/api/{name}", "routes": found}
            for name, found in zip(names, routes, strict=True)
        },
        "examples": {
            "recommend": _example(RecommendRequest),
            "recommend_for_profile": _example(ProfileRequest),
            "campaign": _example(CampaignRequest),
            "generate_description": _example(DescriptionRequest),
            "summarize_reviews": _example(ProductReviews),
        },
    }


def _error(status: int, error: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status)


async def _index(request: Request) -> Response:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html")


async def _config(request: Request) -> Response:
    return JSONResponse(await page_config(request.app.state.client, request.app.state.routes))


async def _forward(request: Request) -> Response:
    capability, route = request.path_params["capability"], "/" + request.path_params["route"]
    if capability not in get_catalog().capabilities or capability == SELF:
        return _error(404, "not_found", f"no capability {capability!r} behind the playground")
    client: httpx.AsyncClient = request.app.state.client
    allowed = await request.app.state.routes.json_routes(client, capability)
    if allowed is None:
        return _error(502, "unavailable", f"{capability} is not reachable (no OpenAPI document)")
    if route not in allowed:
        return _error(404, "not_found", f"{capability} has no JSON route {route}")
    settings = get_ui_settings()
    headers = {k: v for k, v in request.headers.items() if k.lower() in FORWARDED_HEADERS}
    try:
        answer = await client.post(
            settings.url(capability) + route, content=await request.body(), headers=headers, timeout=settings.timeout_s
        )
    except httpx.TimeoutException:
        return _error(504, "timeout", f"{capability} did not answer within {settings.timeout_s:g} s")
    except httpx.HTTPError as exc:
        log.warning("playground: %s unreachable: %s", capability, exc)
        return _error(502, "unavailable", f"{capability} is not reachable ({type(exc).__name__})")
    keep = {k: v for k, v in answer.headers.items() if k.lower() in ("content-type", "retry-after")}
    return Response(answer.content, status_code=answer.status_code, headers=keep)


def build_app() -> Starlette:
    app = Starlette(
        routes=[
            Route("/", _index, methods=["GET"]),
            Route("/config.json", _config, methods=["GET"]),
            Route("/api/{capability}/{route:path}", _forward, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ]
    )
    app.state.client = httpx.AsyncClient()
    app.state.routes = RouteSource()
    return app


UI_APP = build_app()
