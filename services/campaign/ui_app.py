"""The playground at ``/ui`` of the campaign service: a page that shows what each capability does.

Plain HTML and JavaScript (``services/campaign/ui/``) calling the platform's own APIs: ``/campaign``
on this service, and the other capabilities through ``/ui/api/<capability>/<route>``, which
forwards the JSON body (and the caller's API key) to that capability's catalog route, so the page
needs one origin and no CORS. Only routes of the capability catalog with JSON bodies are forwarded.
``/ui/config.json`` tells the page what is served and gives it the schema examples to start from.
Where each capability is comes from ``ADSERVE_UI_<CAPABILITY>_URL`` (``scripts/start.sh`` sets
them), else the capability's catalog port on 127.0.0.1.
"""

from __future__ import annotations

import logging
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

from services.core.capabilities import get_catalog

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).with_name("ui")
FORWARDED_HEADERS = ("authorization", "x-api-key", "content-type", "accept")
SELF = "campaign"


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


def _example(model: type[BaseModel]) -> Any:
    return model.model_json_schema().get("example")


def page_config() -> dict[str, Any]:
    """What the page needs: the routes it may call and the schema examples to fill its forms with."""
    from services.campaign.schemas import CampaignRequest
    from services.recommend.schemas import ProfileRequest, RecommendRequest
    from services.text.schemas import DescriptionRequest, ProductReviews

    catalog = get_catalog()
    return {
        "capabilities": {
            name: {
                "base": "" if name == SELF else f"/ui/api/{name}",
                "routes": [r.path for r in cap.routes if r.content == "json"],
            }
            for name, cap in catalog.capabilities.items()
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
    return JSONResponse(page_config())


async def _forward(request: Request) -> Response:
    capability, route = request.path_params["capability"], "/" + request.path_params["route"]
    catalog = get_catalog()
    if capability not in catalog.capabilities or capability == SELF:
        return _error(404, "not_found", f"no capability {capability!r} behind the playground")
    allowed = {r.path for r in catalog[capability].routes if r.content == "json"}
    if route not in allowed:
        return _error(404, "not_found", f"{capability} has no JSON route {route}")
    settings = get_ui_settings()
    headers = {k: v for k, v in request.headers.items() if k.lower() in FORWARDED_HEADERS}
    client: httpx.AsyncClient = request.app.state.client
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
    return app


UI_APP = build_app()
