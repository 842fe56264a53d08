"""Campaign payloads: users of the served recommender (or raw customer numbers) for ``/campaign``,
and view/click/purchase events on its catalogue for ``/feedback`` (stamped when sent)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import numpy as np

from .context import PayloadContext
from .recommend import catalog

EVENTS = ("view", "view", "view", "click", "add_to_cart", "purchase")


def campaign_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/campaign``: one known user, 3 products, square banners."""
    cat = catalog(ctx)
    rng = ctx.rng(41)
    return [{cat.user_field: cat.users[int(i)], "k": 3} for i in rng.integers(0, len(cat.users), size=n)]


def feedback_body(ctx: PayloadContext, rng: np.random.Generator, events: int = 5) -> dict[str, Any]:
    """``/feedback``: a few events of one user, each with a fresh idempotency key and the current time."""
    cat = catalog(ctx)
    user = cat.users[int(rng.integers(0, len(cat.users)))]
    who = "user" if cat.user_field == "user_id" else "customer_id"  # raw numbers: pseudonymized by the server
    now = datetime.now(UTC).isoformat()
    return {
        "events": [
            {
                "event_id": uuid.uuid4().hex,
                who: user,
                "item": cat.items[int(rng.integers(0, len(cat.items)))],
                "event": EVENTS[int(rng.integers(0, len(EVENTS)))],
                "ts": now,
            }
            for _ in range(events)
        ]
    }


def feedback_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    rng = ctx.rng(42)
    return [feedback_body(ctx, rng) for _ in range(n)]
