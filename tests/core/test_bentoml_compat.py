"""The BentoML internals the platform relies on (services.core.bentoml_compat) still have the shape it expects.

These tests are meant to fail loudly on a BentoML upgrade: each names the internal that changed.
The dispatcher tests drive BentoML's real ``CorkDispatcher`` controller in-process with a batch
function of fixed cost, the way a slow machine sees it, and count shed requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import random
import re
import time
from pathlib import Path

import pytest
from _bentoml_impl.server import app as service_app
from bentoml._internal.marshal import dispatcher

from services.core import bentoml_compat

LOCK = Path(__file__).resolve().parents[2] / "requirements.lock"


def test_pinned_version_is_installed_and_locked() -> None:
    bentoml_compat.check_version()
    assert f"bentoml=={bentoml_compat.PINNED_VERSION}\n" in LOCK.read_text()
    with pytest.raises(bentoml_compat.UnsupportedBentoML, match=r"1\.4\.40, found 1\.5\.0"):
        bentoml_compat.check_version("1.5.0")


def test_dispatcher_shape_relied_on() -> None:
    optimizer = dispatcher.Optimizer(1.0)
    for name in ("o_a", "o_b", "wait"):
        assert isinstance(getattr(optimizer, name), (int, float)), f"Optimizer.{name} is gone"
    controller = inspect.getsource(dispatcher.CorkDispatcher.controller)
    for fragment in (
        "a = self.optimizer.o_a",
        "b = self.optimizer.o_b",
        "latency_0 = w0 + a * n + b",
        "<= self.optimizer.wait * decay",
    ):
        assert fragment in controller, f"CorkDispatcher.controller no longer has {fragment!r}"
    init = inspect.getsource(dispatcher.CorkDispatcher.__init__)
    assert "self.optimizer = Optimizer(self.max_latency)" in init
    factory = inspect.getsource(service_app.ServiceAppFactory.__init__)
    assert re.search(r"self\.dispatchers\[name\] = CorkDispatcher\(", factory), "ServiceAppFactory builds no dispatcher"


class Overloaded(Exception):
    pass


def _overloaded() -> None:
    raise Overloaded


async def _drive(
    cls: type[dispatcher.CorkDispatcher], clients: int, total: int, batch_s: float
) -> tuple[int, int, int]:
    """Train the dispatcher with single requests, then ``clients`` closed-loop clients send ``total``.

    Returns (answered, shed, batches of the burst).
    """
    batches: list[int] = []

    async def run_batch(items: tuple[int, ...]) -> list[int]:
        batches.append(len(items))
        await asyncio.sleep(batch_s)
        return list(items)

    disp = cls(max_latency_in_ms=1000, max_batch_size=128, fallback=_overloaded, get_batch_size=lambda _: 1)
    call = disp(run_batch)
    for i in range(12):  # BentoML's training phase: single requests
        await call(i)
    batches.clear()
    remaining = total
    answered = shed = 0

    async def client() -> None:
        nonlocal remaining, answered, shed
        while remaining > 0:
            remaining -= 1
            try:
                await call(remaining)
                answered += 1
            except Overloaded:
                shed += 1

    await asyncio.gather(*(client() for _ in range(clients)))
    disp.shutdown()
    return answered, shed, len(batches)


def test_platform_dispatcher_sheds_nothing_and_still_batches() -> None:
    bentoml_compat.PlatformDispatcher.max_wait_s = 0.0
    answered, shed, batches = asyncio.run(_drive(bentoml_compat.PlatformDispatcher, 64, 160, 0.03))
    assert (answered, shed) == (160, 0)
    assert batches <= 160 // 2, "requests queued behind a running batch should share the next one"


def test_platform_dispatcher_sheds_requests_that_really_waited() -> None:
    """Past max_latency_ms of real queueing (1 s here, 0.4 s per batch of at most 2) requests are shed."""

    async def go() -> tuple[int, int]:
        disp = bentoml_compat.PlatformDispatcher(
            max_latency_in_ms=1000, max_batch_size=2, fallback=_overloaded, get_batch_size=lambda _: 1
        )

        async def slow(items: tuple[int, ...]) -> list[int]:
            await asyncio.sleep(0.4)
            return list(items)

        call = disp(slow)
        results = await asyncio.gather(*(call(i) for i in range(12)), return_exceptions=True)
        disp.shutdown()
        shed = sum(isinstance(r, Overloaded) for r in results)
        return len(results) - shed, shed

    answered, shed = asyncio.run(go())
    assert shed > 0 and answered >= 2


def test_learnt_wait_is_capped_and_prediction_is_zero() -> None:
    opt = bentoml_compat.BoundedWaitOptimizer(1.0, max_wait_s=0.002)
    for n, wait in [(1, 0.0), (1, 0.0), (1, 0.0), (8, 0.08), (16, 0.09), (32, 0.1), (64, 0.12)]:
        opt.log_outbound(n=n, wait=wait, duration=0.001 + 0.0005 * n)
    opt.trigger_refresh()
    assert (opt.o_a, opt.o_b) == (0.0, 0.0)
    assert opt.wait == pytest.approx(0.002)
    assert opt.fitted[0] > 0.0, "the fitted cost model is kept for diagnostics"


def test_installed_in_the_service_app() -> None:
    bentoml_compat.install_dispatcher(0.0)
    assert service_app.CorkDispatcher is bentoml_compat.PlatformDispatcher


async def _hold_after_burst(cls: type[dispatcher.CorkDispatcher]) -> tuple[list[float], list[float]]:
    """Queue waits of a single client's requests before and after a burst of 64 closed-loop clients.

    The batch costs 20 ms and the clients' next requests arrive spread over 30 ms; after the burst the optimizer refreshes its estimates (BentoML does so
    every 5 s under traffic). Returns (waits before, waits after) in seconds.
    """
    waits: list[float] = []

    class Recording(cls):  # type: ignore[misc,valid-type]
        record_metrics = False

        async def outbound_call(self, inputs_info: tuple[dispatcher.Job, ...], training: bool = False) -> None:
            waits.append(time.time() - inputs_info[0].enqueue_time)
            await super().outbound_call(inputs_info, training=training)

    async def run_batch(items: tuple[int, ...]) -> list[int]:
        await asyncio.sleep(0.02)
        return list(items)

    disp = Recording(max_latency_in_ms=5000, max_batch_size=128, fallback=_overloaded, get_batch_size=lambda _: 1)
    call = disp(run_batch)
    for i in range(12):
        await call(i)
    waits.clear()
    for i in range(15):
        await call(i)
    before = list(waits)

    rng = random.Random(0)

    async def client() -> None:
        for i in range(40):
            await asyncio.sleep(rng.uniform(0.0, 0.03))  # the spread of HTTP round trips
            with contextlib.suppress(Overloaded):
                await call(i)

    await asyncio.gather(*(client() for _ in range(64)))
    disp.optimizer.trigger_refresh()
    waits.clear()
    for i in range(15):
        await call(i)
    after = list(waits)
    disp.shutdown()
    return before, after


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def test_stock_dispatcher_keeps_the_burst_wait() -> None:
    """The bug: after the burst a lone request is held for about the burst's queueing time."""
    before, after = asyncio.run(_hold_after_burst(dispatcher.CorkDispatcher))
    assert _median(before) < 0.005 < 0.01 < _median(after)


def test_platform_dispatcher_holds_nothing_after_a_burst() -> None:
    bentoml_compat.PlatformDispatcher.max_wait_s = 0.0
    before, after = asyncio.run(_hold_after_burst(bentoml_compat.PlatformDispatcher))
    assert _median(before) < 0.005 and _median(after) < 0.005


def test_list_output_media_type_is_fixed_once() -> None:
    import bentoml

    @bentoml.service
    class Echo:
        @bentoml.api(batchable=True)
        def echo(self, xs: list[int]) -> list[int]:
            return xs

        @bentoml.api
        def one(self, x: int) -> dict[str, int]:
            return {"x": x}

    assert Echo.apis["echo"].output_spec.media_type is None
    assert "echo" in bentoml_compat.fix_output_media_types(Echo)
    assert Echo.apis["echo"].output_spec.media_type == "application/json"
    assert bentoml_compat.fix_output_media_types(Echo) == [], "a second pass finds nothing left to fix"


def test_tracing_middleware_only_where_spans_are_exported() -> None:
    import bentoml
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    @bentoml.service
    class Plain:
        @bentoml.api
        def one(self, x: int) -> int:
            return x

    @bentoml.service(tracing={"exporter_type": "in_memory", "sample_rate": 1.0})
    class Traced:
        @bentoml.api
        def one(self, x: int) -> int:
            return x

    def middlewares(svc: object) -> list[type]:
        svc.inject_config()  # type: ignore[attr-defined]  # as Service.to_asgi does before building the app
        return [m.cls for m in service_app.ServiceAppFactory(svc, is_main=True).middlewares]

    try:
        bentoml_compat.install_tracing_switch(None)
        assert service_app.ServiceAppFactory is bentoml_compat.PlatformAppFactory
        Plain.inject_config()
        stock = super(bentoml_compat.PlatformAppFactory, bentoml_compat.PlatformAppFactory(Plain, is_main=True))
        assert OpenTelemetryMiddleware in [m.cls for m in stock.middlewares], "BentoML no longer adds it itself"
        assert OpenTelemetryMiddleware not in middlewares(Plain), "default config exports nothing: no spans"
        assert OpenTelemetryMiddleware in middlewares(Traced), "an exporter and a sample rate: spans kept"
        bentoml_compat.install_tracing_switch(True)
        assert OpenTelemetryMiddleware in middlewares(Plain)
        bentoml_compat.install_tracing_switch(False)
        assert OpenTelemetryMiddleware not in middlewares(Traced)
    finally:
        bentoml_compat.install_tracing_switch(None)
        Plain.inject_config()  # leave BentoML's global config without the tracing exporter


def test_capacity_middleware_shape_relied_on() -> None:
    from bentoml._internal.server.http import traffic

    source = inspect.getsource(traffic)
    for fragment in ("class MaxConcurrencyMiddleware", "self._semaphore", "self.skip_paths"):
        assert fragment in source, f"bentoml's traffic module no longer has {fragment!r}"
    bentoml_compat.install_capacity_answers()
    assert traffic.MaxConcurrencyMiddleware is bentoml_compat.RetryAfterMaxConcurrency
    factory = inspect.getsource(bentoml_compat.PlatformAppFactory.__bases__[0])  # BentoML's own
    assert "MaxConcurrencyMiddleware" in factory, "the service app no longer reads the class from traffic"


def test_home_and_client_headers() -> None:
    import os

    assert bentoml_compat.bentoml_home() == Path(os.environ["BENTOML_HOME"])

    from _bentoml_impl.client import RemoteProxy
    from _bentoml_impl.client.proxy2 import AsyncClient

    assert inspect.getsource(RemoteProxy).count("AsyncClient(") >= 1, "proxies no longer build proxy2.AsyncClient"
    client = AsyncClient("http://127.0.0.1:9", server_ready_timeout=0)  # connects lazily
    assert bentoml_compat.add_client_header(client, "X-API-Key", "k")
    assert client.default_headers["X-API-Key"] == "k"
    assert client._session_manager._headers["X-API-Key"] == "k", "the pooled session would not send it"
    assert not bentoml_compat.add_client_header(object(), "X-API-Key", "k")


def test_worker_entry_points_exist() -> None:
    from _bentoml_impl import loader
    from bentoml._internal.context import server_context

    assert callable(loader.load)
    for name in ("service_type", "service_name", "worker_index", "bento_name", "bento_version"):
        assert hasattr(server_context, name), f"server_context.{name} is gone"
