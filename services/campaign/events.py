"""Feedback events as the API accepts them, and the answers of ``/feedback`` and ``/variant_stats``.

Every event is checked while the request is parsed (ids, event type, variant format, time within
the accepted window), so a bad event is a 400 for its request and nothing of it is stored.
``event_id`` is an idempotency key: a retried request stores each event once. ``user`` is a
pseudonymous id (``u_`` and 16 hex characters); a caller holding only the raw customer number
sends ``customer_id`` instead, which is pseudonymized with the server's key right here, before
anything is stored or logged. Items are checked against the recommender's catalog by the service
(``services.campaign.catalog``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from services.core.feedback import LogEvent
from services.core.privacy import pseudonymize, scrub_pii
from services.core.schema_examples import schema_example_at_build
from services.core.settings import get_settings
from services.core.text_types import clean_display_text

from .settings import get_feedback_settings

EventType = Literal["view", "click", "add_to_cart", "purchase"]
EVENT_TYPES: tuple[EventType, ...] = ("view", "click", "add_to_cart", "purchase")
IdText = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w.\-]+$")]
PSEUDONYM_PATTERN = r"^u_[0-9a-f]{16}$"
_PSEUDONYM = re.compile(PSEUDONYM_PATTERN)
VARIANT_PATTERN = r"^[a-z0-9_]{1,24}/[a-z0-9_]{1,24}$"
VariantId = Annotated[str, Field(pattern=VARIANT_PATTERN, description="'<copy>/<creative>' as returned by /campaign.")]


def _in_window(value: datetime) -> datetime:
    settings = get_feedback_settings()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    now = datetime.now(UTC)
    if value > now + timedelta(seconds=settings.max_clock_skew_s):
        raise ValueError("event time is in the future")
    if value < now - timedelta(days=settings.max_event_age_days):
        raise ValueError(f"event time is older than {settings.max_event_age_days:g} days")
    return value.astimezone(UTC)


def _example_event() -> dict[str, object]:
    """A click on a recommended item, timed when the schema is generated (events must be recent)."""
    return {
        "event_id": "6f1c2a9e-7b1d-4c3e-9a55-0d2f7e8b4c10",
        "user": "u_3f2a9c1b7d4e6a80",
        "item": "85123A",
        "event": "click",
        "variant": "friendly/coral_flat",
        "ts": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }


class FeedbackEvent(BaseModel):
    """One user interaction with an item, optionally with the variant the user was shown."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra=schema_example_at_build(_example_event)
    )

    event_id: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9._:\-]{8,64}$",
        description="Idempotency key (a UUID): a retried event is stored once.",
    )
    user: str | None = Field(
        None,
        max_length=64,
        json_schema_extra={"pattern": PSEUDONYM_PATTERN},
        description="Pseudonymous user id (u_ and 16 hex characters); or send customer_id.",
    )
    customer_id: IdText | None = Field(
        None, description="Raw customer number: pseudonymized on the server, never stored as sent.", exclude=True
    )
    item: IdText = Field(description="Item id (stock code).")
    event: EventType
    variant: VariantId | None = None
    ts: Annotated[datetime, AfterValidator(_in_window)]
    item_title: str | None = Field(
        None, min_length=1, max_length=200, description="Title of an item the recommender does not know yet."
    )
    item_price: float | None = Field(None, ge=0.0, le=1_000_000.0)

    @field_validator("item_title")
    @classmethod
    def _scrub(cls, value: str | None) -> str | None:
        return None if value is None else clean_display_text(scrub_pii(value)).upper()

    @field_validator("user")
    @classmethod
    def _pseudonym(cls, value: str | None) -> str | None:
        if value is not None and not _PSEUDONYM.fullmatch(value):
            raise ValueError(
                "user must be a pseudonymous id (u_ and 16 hex characters); send a raw customer number as customer_id"
            )
        return value

    @model_validator(mode="after")
    def _pseudonymous_user(self) -> FeedbackEvent:
        if (self.user is None) == (self.customer_id is None):
            raise ValueError("send exactly one of user (pseudonymous, u_…) or customer_id (raw customer number)")
        if self.customer_id is not None:
            self.user = pseudonymize(self.customer_id, get_settings().hmac_key())
            self.customer_id = None
        return self


def _batch_size(events: list[FeedbackEvent]) -> list[FeedbackEvent]:
    limit = get_feedback_settings().max_events_per_request
    if len(events) > limit:
        raise ValueError(f"at most {limit} events per request (got {len(events)})")
    return events


EventBatch = Annotated[list[FeedbackEvent], Field(min_length=1), AfterValidator(_batch_size)]


class FeedbackAck(BaseModel):
    """Sent only after the events are committed (SQLite WAL with synchronous=FULL, or PostgreSQL)."""

    accepted: int = Field(description="Events stored by this request.")
    duplicates: int = Field(description="Events whose event_id was already stored (retries).")
    last_seq: int = Field(
        description="Sequence number of the newest numbered event (PostgreSQL numbers events when they are read)."
    )


class ArmReport(BaseModel):
    arm: str
    views: int
    clicks: int
    add_to_cart: int
    purchases: int
    successes: int
    posterior_mean: float
    selection_probability: float


class FamilyReport(BaseModel):
    family: Literal["copy", "creative"]
    reward_event: str
    exploration_floor: float
    arms: list[ArmReport]
    leader: str = Field(description="The arm with the highest posterior mean.")


class VariantStatsResponse(BaseModel):
    families: list[FamilyReport]
    events_logged: int


def as_log_event(event: FeedbackEvent) -> LogEvent:
    return LogEvent(
        user=event.user or "",
        item=event.item,
        event=event.event,
        ts=event.ts.timestamp(),
        variant=event.variant,
        event_id=event.event_id,
        item_title=event.item_title,
        item_price=event.item_price,
    )
