"""The BentoML internals the platform relies on (services.core.bentoml_compat) still have the shape it expects.

These tests are meant to fail loudly on a BentoML upgrade: each names the internal that changed.
The dispatcher tests drive BentoML's real ``CorkDispatcher`` controller in-process with a batch
function of fixed cost, the way a slow machine sees it, and count shed requests.
"""

from __future__ import annotations

import asyncio
import inspect
import re
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


def test_stock_dispatcher_sheds_at_the_floor() -> None:
    """The bug: 64 clients, 30 ms per batch, nobody waits near 1 s, yet BentoML's prediction sheds."""
    answered, shed, _ = asyncio.run(_drive(dispatcher.CorkDispatcher, 64, 160, 0.03))
    assert shed > 0 and answered + shed == 160


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
