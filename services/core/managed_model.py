"""A model a service declares as a class attribute, loaded in the background and swapped atomically.

``ManagedModel`` resolves its reference through the artifact store (pulling from S3 when
configured, with retries), turns the BentoML model into a ready-to-serve object with a loader
function, and exposes readiness. Until loading succeeds every call of ``get()`` raises a 503, and
``/readyz`` is false; a failed load is logged with the artifact's name and the reason.

A first load that fails is tried again with exponential back-off (``ADSERVE_MODEL_LOAD_BACKOFF_S``
doubling up to ``ADSERVE_MODEL_LOAD_BACKOFF_MAX_S``) in the same process, instead of the task
crash-looping; the same failure is logged once, then only counted. A version that failed for a
reason of its own (a corrupt archive, a loader error) is remembered: neither the retries nor the
refresh poll download it again, and the service moves on as soon as the alias points elsewhere.
A store that did not answer (``ArtifactStoreUnavailableError``) is not held against the version.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

import bentoml
from bentoml.exceptions import ServiceUnavailable

from .artifact_store import ArtifactStore, ArtifactStoreUnavailableError
from .model_ref import ModelRef
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
        self._failed: dict[str, str] = {}  # version tag -> why it cannot be loaded
        self.attempts = 0

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr_name = name

    def ref(self, settings: PlatformSettings | None = None) -> str:
        return str(getattr(settings or get_settings(), self.setting))

    # -------------------------------------------------------------- loading
    def failed_versions(self) -> dict[str, str]:
        """Versions that failed to load for a reason of their own, with the reason."""
        return dict(self._failed)

    def _load_version(self, store: ArtifactStore, tag: str) -> tuple[T, str]:
        """Pull when needed and load one concrete version; remember it when the version is at fault."""
        if tag in self._failed:
            raise RuntimeError(f"{tag} failed to load before ({self._failed[tag]}); not downloaded again")
        try:
            model = store.ensure_local(tag)
            with MODEL_LOAD_LOCK:
                value = self.loader(model)
        except ArtifactStoreUnavailableError:
            raise
        except Exception as exc:
            self._failed[tag] = str(exc)
            raise
        return value, str(model.tag)

    def load_now(self, settings: PlatformSettings | None = None) -> T:
        """Resolve, pull when needed, verify and load; on success the value becomes the served one."""
        settings = settings or get_settings()
        ref = self.ref(settings)
        store = ArtifactStore(settings)
        self.attempts += 1
        try:
            tag = str(store.resolve(ModelRef.parse(ref)))
            value, tag = self._load_version(store, tag)
        except Exception as exc:
            reason = f"{ref}: {exc}"
            if reason != self._error:
                log.error("model %s failed to load: %s", ref, exc)
            self._error = reason
            raise
        self.swap(value, tag)
        log.info("model %s loaded as %s", ref, tag)
        return value

    def start(self, settings: PlatformSettings | None = None) -> None:
        """Load in a background thread so that the worker answers /livez while the model is pulled.

        A failed load is tried again after a back-off that doubles up to the configured maximum,
        for as long as the process lives; readiness stays false meanwhile.
        """
        if self._thread is not None:
            return

        def run() -> None:
            platform = settings or get_settings()
            delay = platform.model_load_backoff_s
            while True:
                try:
                    self.load_now(settings)
                    return
                except Exception as exc:
                    log.info(
                        "model %s: attempt %d failed (%s); next try in %.0f s",
                        self.ref(settings),
                        self.attempts,
                        exc,
                        delay,
                    )
                time.sleep(delay)
                delay = min(delay * 2, platform.model_load_backoff_max_s)

        self._thread = threading.Thread(target=run, name=f"load-{self.setting}", daemon=True)
        self._thread.start()

    def refresh(self, settings: PlatformSettings | None = None) -> bool:
        """Re-resolve the reference (an alias may have moved); load and swap when the version changed.

        The served object is replaced only after the new one loaded completely; on any failure the
        current one keeps serving. A version that failed before is skipped without a download.
        Returns True when a new version was swapped in.
        """
        settings = settings or get_settings()
        store = ArtifactStore(settings)
        ref = self.ref(settings)
        try:
            tag = str(store.resolve(ModelRef.parse(ref)))
            if self._tag == tag or tag in self._failed:
                return False
            value, tag = self._load_version(store, tag)
        except Exception as exc:
            log.warning("refresh of %s failed, keeping %s: %s", ref, self._tag, exc)
            return False
        old = self._tag
        self.swap(value, tag)
        log.info("model %s swapped from %s to %s", ref, old, tag)
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
        """Until loaded or ``timeout`` seconds (retries go on in the background after it)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.ready and self._thread is not None and self._thread.is_alive():
            if deadline is not None and time.monotonic() >= deadline:
                break
            self._thread.join(0.1)
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
