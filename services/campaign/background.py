"""Periodic jobs a campaign worker may run: shipping feedback to S3 (the recommender update is recommend's job)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


def every(seconds: float, name: str, job: Callable[[], object]) -> threading.Thread | None:
    """Run ``job`` every ``seconds`` in a daemon thread (0 = never); failures are logged, not fatal."""
    if seconds <= 0:
        return None

    def loop() -> None:
        while True:
            time.sleep(seconds)
            try:
                job()
            except Exception:
                log.exception("background job %s failed; retrying in %.0f s", name, seconds)

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    return thread
