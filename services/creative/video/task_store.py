"""Corrections to BentoML's own task records (its SQLite result store, BentoML 1.4).

BentoML leaves a task ``in_progress`` when the process running it dies, and its local server does
not cancel running tasks. The job records (``jobs``) know better; these functions write what they
know into BentoML's store, so that its generated ``/status`` and ``/get`` agree: a lost job is
``failed`` with an error body, a cancelled one ``canceled``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.responses import JSONResponse

log = logging.getLogger(__name__)


def _store_file() -> Path | None:
    from bentoml._internal.configuration.containers import BentoMLContainer

    path = Path(BentoMLContainer.result_store_file.get())
    return path if path.exists() else None


async def mark_failed(errors: dict[str, str]) -> None:
    """Record each task (id -> error message) as failed with a 500 error body, if still in progress."""
    from _bentoml_impl.tasks import ResultStatus, Sqlite3Store

    path = _store_file()
    if path is None or not errors:
        return
    async with Sqlite3Store(str(path)) as store:
        for task_id, error in errors.items():
            try:
                row = await store.get_status(task_id)
            except KeyError:
                continue
            if row.status in (ResultStatus.IN_PROGRESS, ResultStatus.CANCELED, ResultStatus.PENDING):
                await store.set_result(task_id, JSONResponse({"error": error}, status_code=500), ResultStatus.FAILED)
                log.warning("task %s recorded as failed: %s", task_id, error)


async def mark_canceled(task_id: str) -> None:
    from _bentoml_impl.tasks import ResultStatus, Sqlite3Store

    path = _store_file()
    if path is None:
        return
    async with Sqlite3Store(str(path)) as store:
        await store.set_status(task_id, ResultStatus.CANCELED)
