"""Validation at the boundary: feedback events, campaign requests and settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from services.campaign.events import FeedbackEvent, as_log_event
from services.campaign.schemas import CampaignRequest
from services.campaign.settings import CampaignSettings, get_campaign_settings
from services.campaign.variants import check_arms
from services.core.feedback.settings import get_store_settings

NOW = datetime.now(UTC)


def _event(**changes: Any) -> dict[str, Any]:
    return {"user": "u_0123456789abcdef", "item": "85123A", "event": "click", "ts": NOW.isoformat(), **changes}


def test_valid_event_is_normalised() -> None:
    recent = (NOW - timedelta(days=1)).replace(tzinfo=None)
    event = FeedbackEvent.model_validate(
        _event(ts=recent.isoformat(), variant="friendly/coral_flat", item_title=" red  heart candle, a.b@example.com ")
    )
    assert event.ts.tzinfo is not None
    assert event.item_title == "RED HEART CANDLE, [EMAIL]"
    stored = as_log_event(event)
    assert stored.ts == pytest.approx(event.ts.timestamp()) and stored.variant == "friendly/coral_flat"


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"event": "like"}, "view"),
        ({"ts": (NOW + timedelta(hours=2)).isoformat()}, "future"),
        ({"ts": (NOW - timedelta(days=800)).isoformat()}, "older than"),
        ({"variant": "friendly"}, "pattern"),
        ({"variant": "Friendly/Coral"}, "pattern"),
        ({"user": ""}, "pseudonymous id"),
        ({"item": "a b"}, "pattern"),
        ({"event_id": "short"}, "pattern"),
        ({"item_price": -1}, "greater than or equal"),
        ({"surprise": 1}, "Extra inputs"),
    ],
)
def test_bad_events_are_refused_with_a_message(changes: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        FeedbackEvent.model_validate(_event(**changes))


def test_campaign_request_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    assert CampaignRequest(user_id="u_1").formats == ["square"]
    CampaignRequest(profile={"country": "France", "recent_item_ids": ["85123A"]}, k=2)
    for bad, fragment in [
        ({}, "exactly one"),
        ({"user_id": "u_1", "profile": {}}, "exactly one"),
        ({"user_id": "u_1", "k": 0}, "greater than or equal"),
        ({"user_id": "u_1", "k": 11}, "at most 10"),
        ({"user_id": "u_1", "formats": ["square", "square"]}, "distinct"),
        ({"user_id": "u_1", "formats": ["poster"]}, "square"),
        ({"user_id": "u_1", "formats": []}, "at least 1"),
        ({"user_id": "u_1", "language": "fr"}, "'en' or 'zh'"),
    ]:
        with pytest.raises(ValidationError, match=fragment):
            CampaignRequest.model_validate(bad)
    monkeypatch.setenv("ADSERVE_CAMPAIGN_MAX_K", "20")
    get_campaign_settings.cache_clear()
    assert CampaignRequest(user_id="u_1", k=20).k == 20


def test_settings_refuse_unusable_variants(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="at most 1"):
        CampaignSettings(exploration_floor=0.3)
    with pytest.raises(ValidationError, match="variant names"):
        CampaignSettings(copy_variants=("Loud!",))
    with pytest.raises(ValueError, match="unknown creative variants"):
        check_arms(("neutral",), ("neon",))
    monkeypatch.setenv("ADSERVE_CAMPAIGN_COPY_VARIANTS", '["neutral", "premium"]')
    monkeypatch.setenv("ADSERVE_FEEDBACK_DIR", "/tmp/somewhere")
    assert CampaignSettings().copy_variants == ("neutral", "premium")
    assert str(get_store_settings().database) == "/tmp/somewhere/events.sqlite3"
