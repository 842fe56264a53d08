"""A service's API functions called in-process, without BentoML's server: the shared path of the
offline ceiling and of the naive baseline.

The service class is instantiated as BentoML would (its managed models load through the artifact
store), request bodies are validated with a plain pydantic model built from the API function's
own annotations, and the undecorated function is called with the validated list.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import time
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, create_model

from services.core.service_kit import api_function, batch_params

from .schemas import BatchingConfig


def load_service(target: str) -> Any:
    """The ``bentoml.Service`` object named by ``module:Attribute``."""
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def start_instance(service: Any, timeout_s: float = 600.0) -> Any:
    """An instance of the service class with every managed model loaded (raises when one fails)."""
    from services.core.service_kit import managed_models

    instance = service.inner()
    deadline = time.monotonic() + timeout_s
    for model in managed_models(instance):
        model.wait(max(1.0, deadline - time.monotonic()))
        if not model.ready:
            raise RuntimeError(f"model {model.ref()} did not load: {model.error or 'timed out'}")
    while not _is_ready(instance):  # e.g. helpers warmed up in the background, as /readyz waits for
        if time.monotonic() > deadline:
            raise RuntimeError(f"{type(instance).__name__} not ready after {timeout_s:.0f}s")
        time.sleep(0.2)
    return instance


def _is_ready(instance: Any) -> bool:
    check = getattr(instance, "__is_ready__", None)
    if check is None:
        return True
    result = check()
    if inspect.isawaitable(result):
        result = asyncio.run(result)  # type: ignore[arg-type]
    return bool(result)


@dataclass(frozen=True)
class ApiCall:
    """One API of a service: the raw function, its request-body model and its output adapter."""

    name: str
    route: str
    func: Any
    body: type[BaseModel]
    param: str | None  # the single list parameter of a batched API
    output: TypeAdapter[Any]
    batching: BatchingConfig

    def validate_json(self, raw: bytes) -> BaseModel:
        return self.body.model_validate_json(raw)

    def items(self, body: BaseModel) -> list[Any]:
        if self.param is None:
            raise TypeError(f"{self.name} does not take one list parameter")
        return list(getattr(body, self.param))

    def call_batch(self, instance: Any, items: Sequence[Any]) -> Any:
        return self.func(instance, list(items))

    def call_body(self, instance: Any, body: BaseModel) -> Any:
        return self.func(instance, **{name: getattr(body, name) for name in type(body).model_fields})

    def dump_json(self, output: Any) -> bytes:
        return self.output.dump_json(output)


_SKIPPED = {"self", "ctx", "context"}


def api_call(service: Any, name: str) -> ApiCall:
    """Describe ``service.apis[name]`` for in-process use (JSON bodies only)."""
    api = service.apis[name]
    func = api_function(api)
    hints = typing.get_type_hints(func, include_extras=True)
    params = [p for p in inspect.signature(func).parameters.values() if p.name not in _SKIPPED]
    fields: dict[str, Any] = {}
    for p in params:
        default = ... if p.default is inspect.Parameter.empty else p.default
        fields[p.name] = (hints.get(p.name, Any), default)
    body = create_model(  # type: ignore[call-overload]
        f"{name}_body", __config__=ConfigDict(arbitrary_types_allowed=True, extra="forbid"), **fields
    )
    output = TypeAdapter(hints.get("return", Any))
    config = service.config or {}
    declared = batch_params(api)  # also for an API whose batching is off by default
    batching = BatchingConfig(
        max_batch_size=int(api.max_batch_size) if api.batchable else declared.get("max_batch_size"),
        max_latency_ms=int(api.max_latency_ms) if api.batchable else declared.get("max_latency_ms"),
        workers=_as_int(config.get("workers", 1)),
        threads=_as_int(config.get("threads", 1)),
    )
    param = params[0].name if len(params) == 1 else None
    return ApiCall(name, api.route, func, body, param, output, batching)


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
