"""How every service is declared: ``platform_service`` wraps ``bentoml.service`` and ``batch_api``
wraps ``bentoml.api`` so that all services share auth, body limits, readiness, log redaction and
the batching switch (``ADSERVE_BATCHING=false`` turns adaptive batching off for benchmarks).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import bentoml

from .bentoml_compat import install_dispatcher
from .managed_model import ManagedModel
from .middleware import PlatformMiddleware
from .model_info import ModelInfoResponse, describe
from .overload import install as install_overload_answers
from .redaction import install_redaction
from .settings import get_settings

C = TypeVar("C", bound=type)


def managed_models(obj: object) -> list[ManagedModel[Any]]:
    return [v for v in vars(type(obj)).values() if isinstance(v, ManagedModel)]


class PlatformService:
    """Base class of every service: starts its managed models and reports readiness."""

    def __init__(self) -> None:
        logging.getLogger("services").setLevel(logging.INFO)
        install_redaction(get_settings().secret_values())
        settings = get_settings()
        for model in managed_models(self):
            model.start()
            model.start_refreshing(settings.model_refresh_s)

    def __is_ready__(self) -> bool:
        return all(model.ready for model in managed_models(self))

    @bentoml.api(route="/noop")
    def noop(self) -> dict[str, bool]:
        """Does nothing: the HTTP floor for benchmarks (same server, same middleware)."""
        return {"ok": True}

    @bentoml.api(route="/model_info")
    def model_info(self) -> ModelInfoResponse:
        """The served models: tags, creation times, metrics and data lineage from their metadata."""
        name = getattr(type(self), "name", None) or type(self).__name__
        return ModelInfoResponse(service=str(name), models=[describe(m) for m in managed_models(self)])


def platform_service(**service_kwargs: Any) -> Callable[[C], Any]:
    """``bentoml.service`` plus the platform middleware.

    ``ADSERVE_MAX_CONCURRENCY`` and ``ADSERVE_TIMEOUT_S``, when set, override the service's
    ``traffic`` values for one deployment (capacity tuning without a code change).
    """

    def decorate(cls: C) -> Any:
        install_overload_answers()
        settings = get_settings()
        install_dispatcher(settings.batch_wait_ms)
        traffic = dict(service_kwargs.pop("traffic", {}) or {})
        if settings.max_concurrency is not None:
            traffic["max_concurrency"] = settings.max_concurrency
        if settings.timeout_s is not None:
            traffic["timeout"] = settings.timeout_s
        svc = bentoml.service(traffic=traffic, **service_kwargs)(cls)
        svc.add_asgi_middleware(PlatformMiddleware)
        return svc

    return decorate


def batch_api(*, max_batch_size: int, max_latency_ms: int, **api_kwargs: Any) -> Callable[..., Any]:
    """``bentoml.api(batchable=True, ...)`` unless batching is switched off by configuration."""
    if get_settings().batching:
        return bentoml.api(batchable=True, max_batch_size=max_batch_size, max_latency_ms=max_latency_ms, **api_kwargs)
    return bentoml.api(**api_kwargs)
