"""Every use of BentoML internals, in one module, checked against the pinned BentoML version.

The platform relies on a few private parts of BentoML 1.4.40 (pinned in ``pyproject.toml`` and
``requirements.lock``). They are reached from here only, so that an upgrade has one place to
revisit; ``check_version`` refuses another version, and ``tests/core/test_bentoml_compat.py``
checks the shape of every part relied on (it fails loudly when an upgrade changes one).
Everything else uses BentoML's public API.

What is here: the adaptive-batching dispatcher (below), the media type of list outputs
(``fix_output_media_types``), the 429 of ``traffic.max_concurrency`` with ``Retry-After``
(``install_capacity_answers``), BentoML's tracing middleware only where spans are exported
(``install_tracing_switch``), the resolved BentoML home (``bentoml_home``), a header on every
request of a dependency client (``add_client_header``), one worker's ASGI app for the profiler
(``worker_asgi_app``), a bento's resolved requirements (``bento_requirements``) and the facts of
a service's APIs that the capability routes are derived from (``api_facts``).

The adaptive-batching dispatcher
    BentoML's ``CorkDispatcher`` (``bentoml/_internal/marshal/dispatcher.py``) fits a cost model
    ``o_a·n + o_b`` and learns ``wait``, the mean time the first request of a batch spent queued.
    Two behaviours follow that the platform cannot accept:

    * shedding at the floor: the oldest queued request is cancelled (503 "process is overloaded")
      as soon as its *predicted* latency ``w0 + o_a·n + o_b`` reaches ``max_latency_ms``; with 64
      clients on a slow machine the fitted ``o_a`` times the queue length crosses the limit while
      no request has waited anywhere near it;
    * the wait that outlives a burst: the dispatcher holds a batch open while
      ``n·(wn + 1 ms + o_a) <= 0.95·wait``. The learnt ``wait`` includes the wait it imposed, so
      after a burst a single client is held for the burst's queueing time on every request, and
      each new sample confirms it (p50 3 ms before a burst, 70–140 ms for minutes after).

    ``PlatformDispatcher`` keeps BentoML's controller and swaps in ``BoundedWaitOptimizer``: the
    latency prediction is zero, so only a request that has really waited ``max_latency_ms`` is
    shed, and the learnt wait is capped at ``ADSERVE_BATCH_WAIT_MS`` (default 0: a batch is
    dispatched as soon as the model is free and holds whatever queued while the previous batch
    ran — under load batches still form, and nothing outlives the load). The fitted cost model is
    kept in ``fitted`` for diagnostics.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import bentoml
from _bentoml_impl.server import app as service_app
from _bentoml_sdk.io_models import IORootModel
from _bentoml_sdk.method import APIMethod
from bentoml._internal.marshal import dispatcher
from bentoml._internal.server.http import traffic
from starlette.responses import JSONResponse

PINNED_VERSION = "1.4.40"


class UnsupportedBentoML(RuntimeError):
    """The installed BentoML is not the version whose internals this module was written against."""


def check_version(version: str | None = None) -> None:
    """Refuse any BentoML but the pinned one (the internals below are version-specific)."""
    found = version if version is not None else bentoml.__version__
    if found != PINNED_VERSION:
        raise UnsupportedBentoML(
            f"services.core.bentoml_compat is written for BentoML {PINNED_VERSION}, found {found}: "
            "re-check every internal it uses (tests/core/test_bentoml_compat.py) before changing the pin"
        )


# ---------------------------------------------------------------- adaptive batching


class BoundedWaitOptimizer(dispatcher.Optimizer):
    """BentoML's batching optimizer without latency prediction and with a capped learnt wait."""

    def __init__(self, max_latency: float, max_wait_s: float) -> None:
        super().__init__(max_latency)
        self.max_wait_s = max_wait_s
        self.fitted: tuple[float, float] = (self.o_a, self.o_b)
        self._bound()

    def trigger_refresh(self) -> None:
        super().trigger_refresh()
        self.fitted = (self.o_a, self.o_b)
        self._bound()

    def _bound(self) -> None:
        # the controller reads o_a/o_b for its latency prediction and its hold condition:
        # zero makes the prediction the real wait of the oldest request
        self.o_a = 0.0
        self.o_b = 0.0
        self.wait = min(self.wait, self.max_wait_s)


QUEUE_WAIT_METRIC = "adserve_batch_queue_wait_seconds"
QUEUE_WAIT_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


@lru_cache(maxsize=1)
def _queue_wait_histogram() -> Any:
    """Created at the first batch, in the worker, once BentoML has set up multiprocess metrics."""
    from prometheus_client import Histogram

    return Histogram(
        QUEUE_WAIT_METRIC,
        "Time the oldest request of each adaptive batch waited in the dispatcher's queue.",
        buckets=QUEUE_WAIT_BUCKETS,
    )


class PlatformDispatcher(dispatcher.CorkDispatcher):  # type: ignore[type-arg]
    """BentoML's ``CorkDispatcher`` with ``BoundedWaitOptimizer`` (see the module docstring), and the
    queue wait of every batch as a Prometheus histogram (``adserve_batch_queue_wait_seconds``)."""

    max_wait_s: float = 0.0
    record_metrics: bool = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.optimizer = BoundedWaitOptimizer(self.max_latency, type(self).max_wait_s)

    async def outbound_call(self, inputs_info: tuple[Any, ...], training: bool = False) -> None:
        if self.record_metrics and inputs_info:
            _queue_wait_histogram().observe(max(0.0, time.time() - inputs_info[0].enqueue_time))
        await super().outbound_call(inputs_info, training=training)


def install_dispatcher(max_wait_ms: float) -> None:
    """Make BentoML's service app build ``PlatformDispatcher`` for every batchable API.

    ``ServiceAppFactory.__init__`` looks the class up by name in its module when the worker
    builds its app, i.e. after the service module (which calls this) has been imported.
    """
    check_version()
    PlatformDispatcher.max_wait_s = max_wait_ms / 1000.0
    service_app.CorkDispatcher = PlatformDispatcher  # type: ignore[misc]


# ---------------------------------------------------------------- tracing middleware


def tracing_exports() -> bool:
    """Whether BentoML's tracing configuration exports any span: an ``exporter_type`` and a
    ``sample_rate`` above 0 (BentoML's tracer provider drops every span otherwise)."""
    from bentoml._internal.configuration.containers import BentoMLContainer

    rate = BentoMLContainer.tracing.sample_rate.get()
    return bool(BentoMLContainer.tracing.exporter_type.get()) and bool(rate and rate > 0)


class PlatformAppFactory(service_app.ServiceAppFactory):
    """BentoML's service app without the OpenTelemetry ASGI middleware when tracing is off.

    BentoML adds ``OpenTelemetryMiddleware`` to every service whether or not a span can ever be
    exported; with the default configuration (no exporter, sample rate 0) it still opens five
    spans per request, the largest single cost of BentoML's per-request path (docs/benchmarks.md:
    the no-op route 1.8x faster without it). ``tracing`` is the platform setting (None: follow
    BentoML's tracing configuration). Without the middleware BentoML sets no request id, so
    responses carry no ``X-BentoML-Request-ID`` header.
    """

    tracing: bool | None = None

    @property
    def middlewares(self) -> list[Any]:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        found = super().middlewares
        enabled = tracing_exports() if type(self).tracing is None else type(self).tracing
        return found if enabled else [m for m in found if m.cls is not OpenTelemetryMiddleware]


def install_tracing_switch(tracing: bool | None) -> None:
    """Make ``Service.to_asgi`` build ``PlatformAppFactory`` (looked up in its module at call time)."""
    check_version()
    PlatformAppFactory.tracing = tracing
    service_app.ServiceAppFactory = PlatformAppFactory  # type: ignore[misc]


# ---------------------------------------------------------------- output media types


def fix_output_media_types(service: Any) -> list[str]:
    """Compute the media type of every list (root-model) output once, when the service is declared.

    BentoML's ``IORootModel.mime_type()`` (``_bentoml_sdk/io_models.py``) regenerates the output
    type's whole JSON schema on every response only to find ``application/json`` for a list; a set
    ``media_type`` class attribute is returned as is. Streaming outputs are left alone. Returns the
    names of the APIs fixed.
    """
    fixed = []
    for name, api in service.apis.items():
        spec = api.output_spec
        if issubclass(spec, IORootModel) and spec.media_type is None and not api.is_stream:
            spec.media_type = spec.mime_type()
            fixed.append(name)
    return fixed


# ---------------------------------------------------------------- bento build


def bento_requirements(bentofile: Path, build_ctx: Path, work_dir: Path) -> list[str]:
    """The ``env/python/requirements.txt`` that ``bentoml build -f bentofile`` writes into the bento
    (what its image installs), produced by BentoML's own build step for the ``python:`` section."""
    from bentoml._internal.bento.build_config import BentoBuildConfig

    with bentofile.open() as stream:
        config = BentoBuildConfig.from_yaml(stream).with_defaults()
    config.python.write_to_bento(work_dir, str(build_ctx))
    return (work_dir / "env" / "python" / "requirements.txt").read_text().splitlines()


# ---------------------------------------------------------------- capacity answers

RETRY_AFTER_S = "1"


class RetryAfterMaxConcurrency(traffic.MaxConcurrencyMiddleware):
    """BentoML's ``traffic.max_concurrency`` guard (429 without ``Retry-After``) with the header and a
    clearer message. BentoML reads the class by name from its traffic module when it builds the
    server app, so ``traffic={"max_concurrency": N}`` keeps working unchanged."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and scope["path"] not in self.skip_paths and self._semaphore.locked():
            resp = JSONResponse(
                {"error": "server at capacity, retry later"}, status_code=429, headers={"Retry-After": RETRY_AFTER_S}
            )
            await resp(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def install_capacity_answers() -> None:
    check_version()
    if traffic.MaxConcurrencyMiddleware is not RetryAfterMaxConcurrency:
        traffic.MaxConcurrencyMiddleware = RetryAfterMaxConcurrency  # type: ignore[misc]


# ---------------------------------------------------------------- model store and clients


def bentoml_home() -> Path:
    """The BentoML home folder as BentoML resolved it (``BENTOML_HOME`` or its configured default)."""
    from bentoml._internal.configuration.containers import BentoMLContainer

    return Path(BentoMLContainer.bentoml_home.get())


def add_client_header(client: Any, name: str, value: str) -> bool:
    """Send a header with every request of a BentoML HTTP client (a dependency proxy's client).

    ``default_headers`` is copied into the client's pooled session when the session is created, so
    a session that already exists gets the header too. False when ``client`` is no HTTP client.
    """
    headers = getattr(client, "default_headers", None)
    if not isinstance(headers, dict):
        return False
    headers[name] = value
    shared = getattr(getattr(client, "_session_manager", None), "_headers", None)
    if isinstance(shared, dict) and shared is not headers:
        shared[name] = value
    return True


# ---------------------------------------------------------------- one worker in-process (profiling)


def worker_asgi_app(target: str) -> Any:
    """The ASGI app of one BentoML worker for ``module:Service``, built as ``bentoml serve`` builds it."""
    from _bentoml_impl.loader import load
    from bentoml._internal.context import server_context
    from bentoml._internal.log import configure_server_logging

    check_version()
    configure_server_logging()
    service = load(target, standalone_load=True)
    server_context.service_type = "entry_service"
    server_context.service_name = service.name
    server_context.worker_index = 1
    server_context.bento_name = service.name
    server_context.bento_version = "not available"
    return service.to_asgi(is_main=True)


# ---------------------------------------------------------------- API facts (capability routes)


@dataclass(frozen=True)
class ApiFacts:
    """What one API of a service (or of a base class) declares, read from BentoML's ``APIMethod``."""

    method: str
    route: str
    batchable: bool
    stream: bool
    task: bool
    input_mime: str
    func: Any


def _facts(method: str, api: Any) -> ApiFacts:
    return ApiFacts(
        method=method,
        route=api.route,
        batchable=bool(api.batchable),
        stream=bool(api.is_stream),
        task=bool(api.is_task),
        input_mime=api.input_spec.mime_type(),
        func=api.func,
    )


def api_facts(service: Any) -> list[ApiFacts]:
    """Every API of a BentoML service (``Service.apis``, in declaration order)."""
    return [_facts(method, api) for method, api in service.apis.items()]


def class_api_facts(cls: type) -> list[ApiFacts]:
    """The APIs a plain class declares with ``bentoml.api`` (e.g. a base class shared by services)."""
    return [_facts(method, api) for method, api in vars(cls).items() if isinstance(api, APIMethod)]


def openapi_document(service: Any) -> dict[str, Any]:
    """The OpenAPI document a running service answers at ``/docs.json`` (``ServiceAppFactory``)."""
    return dict(service.openapi_spec.asdict())
