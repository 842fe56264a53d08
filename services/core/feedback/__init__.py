"""The feedback store shared by its writer (campaign) and its readers (the recommender update, shipping).

``open_store()`` picks the backend from the settings: PostgreSQL when ``ADSERVE_FEEDBACK_DSN`` is
set, else the embedded SQLite log.
"""

from __future__ import annotations

from .settings import FeedbackStoreSettings, get_store_settings
from .store import (
    AppendResult,
    CursorConflict,
    CursorState,
    FeedbackStore,
    FeedbackStoreError,
    LogEvent,
    RunRecord,
    StoredEvent,
    StoreUnavailable,
    VariantCounts,
)

__all__ = [
    "AppendResult",
    "CursorConflict",
    "CursorState",
    "FeedbackStore",
    "FeedbackStoreError",
    "LogEvent",
    "RunRecord",
    "StoreUnavailable",
    "StoredEvent",
    "VariantCounts",
    "open_store",
]


def open_store(settings: FeedbackStoreSettings | None = None) -> FeedbackStore:
    settings = settings or get_store_settings()
    if settings.dsn is not None:
        from .postgres import PostgresFeedbackStore

        return PostgresFeedbackStore(
            settings.dsn.get_secret_value(),
            min_size=settings.pool_min_size,
            max_size=settings.pool_max_size,
            timeout_s=settings.pool_timeout_s,
        )
    from .sqlite import SqliteFeedbackStore

    return SqliteFeedbackStore(settings.database, settings.busy_timeout_ms)
