"""Every use of BentoML internals, in one module, checked against the pinned BentoML version.

The platform relies on a few private parts of BentoML 1.4.40 (pinned in ``pyproject.toml`` and
``requirements.lock``). They are reached from here only, so that an upgrade has one place to
revisit; ``check_version`` refuses another version, and ``tests/core/test_bentoml_compat.py``
checks the shape of every part relied on (it fails loudly when an upgrade changes one).

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

from typing import Any

import bentoml
from _bentoml_impl.server import app as service_app
from bentoml._internal.marshal import dispatcher

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


class PlatformDispatcher(dispatcher.CorkDispatcher):  # type: ignore[type-arg]
    """BentoML's ``CorkDispatcher`` with ``BoundedWaitOptimizer`` (see the module docstring)."""

    max_wait_s: float = 0.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.optimizer = BoundedWaitOptimizer(self.max_latency, type(self).max_wait_s)


def install_dispatcher(max_wait_ms: float) -> None:
    """Make BentoML's service app build ``PlatformDispatcher`` for every batchable API.

    ``ServiceAppFactory.__init__`` looks the class up by name in its module when the worker
    builds its app, i.e. after the service module (which calls this) has been imported.
    """
    check_version()
    PlatformDispatcher.max_wait_s = max_wait_ms / 1000.0
    service_app.CorkDispatcher = PlatformDispatcher  # type: ignore[misc]
