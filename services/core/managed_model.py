"""A model a service declares as a class attribute, loaded in the background and swapped atomically.

``ManagedModel`` resolves its reference through the artifact store (pulling from S3 when
configured, with retries), turns the BentoML model into a ready-to-serve object with a loader
function, and exposes readiness. Until loading succeeds every call of ``get()`` raises a 503, and
``/readyz`` is false; a failed load is logged once with the artifact's name and the reason.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

import bentoml
from bentoml.exceptions import ServiceUnavailable

from .artifact_store import ArtifactStore
from .settings import PlatformSettings, get_settings

log = logging.getLogger(__name__)
T = TypeVar("T")

# transformers and diffusers keep loading state in module globals, so two loads at once (one thread
# per managed model) can leave weights on the meta device: loaders run one at a time per process.
# Re-entrant, so a loader may take it again around its own ``from_pretrained`` calls.
MODEL_LOAD_LOCK = threading.RLock()


class ManagedModel(Generic[T]):
    """Declared on a service class: ``recommender = ManagedModel("recommend_model", load_recommender)``."""

    def __init__(self, setting: str, loader: Callable[[bentoml.Model], T]) -> None:
        self.setting = setting
        self.loader = loader
        self._value: T | None = None
        self._tag: str | None = None
        self._error: str | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr_name = name

    def ref(self, settings: PlatformSettings | None = None) -> str:
        return str(getattr(settings or get_settings(), self.setting))

    # -------------------------------------------------------------- loading
    def load_now(self, settings: PlatformSettings | None = None) -> T:
        """Resolve, pull when needed, verify and load; on success the value becomes the served one."""
        settings = settings or get_settings()
        ref = self.ref(settings)
        try:
            model = ArtifactStore(settings).ensure_local(ref)
            with MODEL_LOAD_LOCK:
                value = self.loader(model)
        except Exception as exc:
            self._error = f"{ref}: {exc}"
            log.error("model %s failed to load: %s", ref, exc)
            raise
        self.swap(value, str(model.tag))
        log.info("model %s loaded as %s", ref, model.tag)
        return value

    def start(self, settings: PlatformSettings | None = None) -> None:
        """Load in a background thread so that the worker answers /livez while the model is pulled."""
        if self._thread is not None:
            return

        def run() -> None:
            with contextlib.suppress(Exception):  # logged in load_now; readiness stays false
                self.load_now(settings)

        self._thread = threading.Thread(target=run, name=f"load-{self.setting}", daemon=True)
        self._thread.start()

    def refresh(self, settings: PlatformSettings | None = None) -> bool:
        """Re-resolve the reference (an alias may have moved); load and swap when the version changed.

        The served object is replaced only after the new one loaded completely; on any failure the
        current one keeps serving. Returns True when a new version was swapped in.
        """
        settings = settings or get_settings()
        store = ArtifactStore(settings)
        ref = self.ref(settings)
        try:
            from .model_ref import ModelRef

            resolved = store.resolve(ModelRef.parse(ref))
            if self._tag == str(resolved):
                return False
            model = store.ensure_local(str(resolved))
            with MODEL_LOAD_LOCK:
                value = self.loader(model)
        except Exception as exc:
            log.warning("refresh of %s failed, keeping %s: %s", ref, self._tag, exc)
            return False
        old = self._tag
        self.swap(value, str(model.tag))
        log.info("model %s swapped from %s to %s", ref, old, model.tag)
        return True

    def start_refreshing(self, every_s: float, settings: PlatformSettings | None = None) -> None:
        """Poll the reference every ``every_s`` seconds in a daemon thread (0 disables)."""
        if every_s <= 0:
            return

        def loop() -> None:
            while True:
                time.sleep(every_s)
                if self.ready:
                    self.refresh(settings)

        threading.Thread(target=loop, name=f"refresh-{self.setting}", daemon=True).start()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.ready

    # -------------------------------------------------------------- serving
    def swap(self, value: T, tag: str) -> None:
        """Replace the served object in one reference assignment; readers see old or new, never a mix."""
        with self._lock:
            self._value, self._tag, self._error = value, tag, None

    @property
    def ready(self) -> bool:
        return self._value is not None

    @property
    def tag(self) -> str | None:
        return self._tag

    @property
    def error(self) -> str | None:
        return self._error

    def get(self) -> T:
        value = self._value
        if value is None:
            reason = f" (load failed: {self._error})" if self._error else " (still loading)"
            raise ServiceUnavailable(f"model {self.ref()} is not ready{reason}")
        return value

    def peek(self) -> T | None:
        return self._value
