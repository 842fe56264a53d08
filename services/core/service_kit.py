"""How every service is declared: ``platform_service`` wraps ``bentoml.service`` and ``batch_api``
wraps ``bentoml.api`` so that all services share auth, body limits, readiness, log redaction,
the serving settings (workers, access log) and the batching switches.

Adaptive batching is chosen per API: ``batch_api(batched=...)`` is the API's default (the
benchmarks decide it), ``ADSERVE_BATCHING_APIS`` lists the batched APIs for one deployment, and
``ADSERVE_BATCHING=false`` turns batching off everywhere (the benchmarks' unbatched mode).

An unbatched API may run *inline*: its function is called on the worker's event loop instead of
BentoML's API thread (``batch_api(inline=True)``, ``ADSERVE_INLINE_APIS``). For a cheap, CPU-only
function with a bounded cost this saves the thread hop and the GIL hand-over between the loop and
the thread, which cost more than the recommend model call itself (docs/benchmarks.md); a function
that does I/O or runs for more than a few milliseconds must stay on the thread, since the loop
serves nothing else while it runs.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import bentoml

from .bentoml_compat import (
    fix_output_media_types,
    install_capacity_answers,
    install_dispatcher,
    install_tracing_switch,
)
from .managed_model import ManagedModel
from .middleware import PlatformMiddleware
from .model_info import ModelInfoResponse, describe
from .redaction import install_redaction
from .settings import PlatformSettings, get_settings

C = TypeVar("C", bound=type)
F = TypeVar("F", bound=Callable[..., Any])


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
    async def noop(self) -> dict[str, bool]:
        """Does nothing: the HTTP floor for benchmarks (same server, same middleware, no thread hop)."""
        return {"ok": True}

    @bentoml.api(route="/model_info")
    def model_info(self) -> ModelInfoResponse:
        """The served models: tags, creation times, metrics and data lineage from their metadata."""
        name = getattr(type(self), "name", None) or type(self).__name__
        return ModelInfoResponse(service=str(name), models=[describe(m) for m in managed_models(self)])


def serving_config(settings: PlatformSettings, service_kwargs: dict[str, Any], *, access_log: bool) -> dict[str, Any]:
    """The service's BentoML config with the deployment's settings applied.

    ``ADSERVE_MAX_CONCURRENCY`` and ``ADSERVE_TIMEOUT_S`` override ``traffic``; ``ADSERVE_WORKERS``
    overrides the worker count, whose default is one per core (``cpu_count``) for a service that
    declares none and asks for no GPU; ``ADSERVE_ACCESS_LOG`` overrides the service's access-log
    default.
    """
    config = dict(service_kwargs)
    traffic = dict(config.pop("traffic", {}) or {})
    if settings.max_concurrency is not None:
        traffic["max_concurrency"] = settings.max_concurrency
    if settings.timeout_s is not None:
        traffic["timeout"] = settings.timeout_s
    config["traffic"] = traffic
    if settings.workers is not None:
        config["workers"] = settings.workers
    elif "workers" not in config:
        config["workers"] = 1 if "gpu" in (config.get("resources") or {}) else "cpu_count"
    logging_config = dict(config.get("logging") or {})
    enabled = access_log if settings.access_log is None else settings.access_log
    logging_config["access"] = {**dict(logging_config.get("access") or {}), "enabled": enabled}
    config["logging"] = logging_config
    return config


def platform_service(*, access_log: bool = True, **service_kwargs: Any) -> Callable[[C], Any]:
    """``bentoml.service`` plus the platform middleware and serving settings (``serving_config``).

    ``access_log=False`` for high-rate services: the access line per request costs a measurable
    share of the event loop (docs/benchmarks.md).
    """

    def decorate(cls: C) -> Any:
        install_capacity_answers()
        settings = get_settings()
        install_dispatcher(settings.batch_wait_ms)
        install_tracing_switch(settings.tracing)
        svc = bentoml.service(**serving_config(settings, service_kwargs, access_log=access_log))(cls)
        fix_output_media_types(svc)
        svc.add_asgi_middleware(PlatformMiddleware)
        return svc

    return decorate


def api_key(func: Callable[..., Any]) -> str:
    """``<capability>.<function>`` for an API defined in ``services/<capability>/``."""
    parts = func.__module__.split(".")
    capability = parts[1] if len(parts) > 1 and parts[0] == "services" else parts[0]
    return f"{capability}.{func.__name__}"


def batch_capable(api: Any) -> bool:
    """Whether a service API is declared with ``batch_api`` (batched now or only when switched on)."""
    return bool(api.batchable or batch_params(api))


def batch_params(api: Any) -> dict[str, int]:
    """``max_batch_size`` and ``max_latency_ms`` given to ``batch_api`` (empty for other APIs)."""
    return dict(getattr(api.func, "batch_params", None) or {})


def batched_by_default(api: Any) -> bool:
    """Whether a ``batch_api`` API batches unless configured otherwise (its ``batched`` argument)."""
    return bool(getattr(api.func, "batched_by_default", True))


def runs_inline(api: Any) -> bool:
    """Whether a service API's function is called on the event loop (``batch_api(inline=True)``)."""
    return bool(getattr(api.func, "runs_inline", False))


def api_function(api: Any) -> Any:
    """The plain function of a service API, called synchronously (unwrapped when it runs inline)."""
    return api.func.__wrapped__ if runs_inline(api) else api.func


def _on_event_loop(func: F) -> Any:
    """``func`` as a coroutine function, so that BentoML calls it on the loop instead of its thread;
    the signature and annotations BentoML reads are the function's own (``functools.wraps``)."""

    @functools.wraps(func)
    async def inline(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    inline.runs_inline = True  # type: ignore[attr-defined]
    return inline


def batch_api(
    *, max_batch_size: int, max_latency_ms: int, batched: bool = True, inline: bool = False, **api_kwargs: Any
) -> Callable[[F], Any]:
    """``bentoml.api(batchable=True, ...)`` when the API is batched (``PlatformSettings.batched``).

    ``batched`` is the API's default; the same function serves either way (a list in, a list out).
    ``inline`` is the default of an unbatched API's placement (``PlatformSettings.inline``): on the
    event loop instead of the API thread (module docstring). A batched API always runs on the
    thread, where the loop goes on parsing the requests of the next batch meanwhile.
    """

    def decorate(func: F) -> Any:
        func.batch_params = {"max_batch_size": max_batch_size, "max_latency_ms": max_latency_ms}  # type: ignore[attr-defined]
        func.batched_by_default = batched  # type: ignore[attr-defined]
        settings = get_settings()
        key = api_key(func)
        if settings.batched(key, batched):
            return bentoml.api(
                batchable=True, max_batch_size=max_batch_size, max_latency_ms=max_latency_ms, **api_kwargs
            )(func)
        return bentoml.api(**api_kwargs)(_on_event_loop(func) if settings.inline(key, inline) else func)

    return decorate
