"""Locust users for every adserve endpoint, one class per endpoint, with realistic payloads drawn
from the shared data sets (see ``pools.py``).

    # everything behind one host (a gateway, or ./scripts/start.sh), headless, CSV results:
    .venv/bin/locust -f scripts/bench/locust/locustfile.py --host http://127.0.0.1:3000 \
        --headless -u 50 -r 10 -t 2m --csv var/reports/loadtest/run
    # one endpoint: name its class
    .venv/bin/locust -f scripts/bench/locust/locustfile.py --host http://127.0.0.1:3000 EmbedUser

Without ``--host`` each service's users go to ``ADSERVE_LOADTEST_<SERVICE>_URL`` (RECOMMEND,
VISION, TEXT, CREATIVE, CAMPAIGN), else ``ADSERVE_LOADTEST_URL``, else http://127.0.0.1:3000.
The API key comes from ``ADSERVE_LOADTEST_API_KEY`` (else the first of ``ADSERVE_API_KEYS``).
Every user is closed-loop (no think time) unless ``ADSERVE_LOADTEST_WAIT_S`` sets one.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import ClassVar

from locust import FastHttpUser, between, constant, task

# the repository root, for scripts.* and services.* (appended: locust removes sys.path[0] after the import)
sys.path.append(str(Path(__file__).resolve().parents[2]))

from scripts.bench.locust import pools

DEFAULT_URL = os.environ.get("ADSERVE_LOADTEST_URL", "http://127.0.0.1:3000")
WAIT_S = float(os.environ.get("ADSERVE_LOADTEST_WAIT_S", "0"))


def _api_key() -> str | None:
    key = os.environ.get("ADSERVE_LOADTEST_API_KEY")
    if key:
        return key
    keys = [k.strip() for k in os.environ.get("ADSERVE_API_KEYS", "").split(",") if k.strip()]
    return keys[0] if keys else None


def _service_url(service: str) -> str:
    return os.environ.get(f"ADSERVE_LOADTEST_{service.upper()}_URL", DEFAULT_URL)


class _AdserveUser(FastHttpUser):
    """Common settings: auth header, per-service host, think time."""

    abstract = True
    wait_time = between(0.5 * WAIT_S, 1.5 * WAIT_S) if WAIT_S > 0 else constant(0)
    network_timeout = 120.0
    connection_timeout = 10.0

    def auth(self) -> dict[str, str]:
        key = _api_key()
        return {"Authorization": f"Bearer {key}"} if key else {}


class _JsonUser(_AdserveUser):
    """POSTs bodies of one registered endpoint, round-robin from a random start."""

    abstract = True
    key = ""
    path = ""

    def on_start(self) -> None:
        self.bodies = pools.json_pool(self.key)
        self.next = random.randrange(len(self.bodies))
        self.headers = {"Content-Type": "application/json", **self.auth()}

    @task
    def call(self) -> None:
        body = self.bodies[self.next % len(self.bodies)]
        self.next += 1
        self.client.post(self.path, data=body, headers=self.headers, name=self.path)


def _json_user(name: str, key: str, path: str, weight: int) -> type[_JsonUser]:
    """The user class of one registered JSON endpoint (``key``: ``<service>.<method>``), on its service's host."""
    attrs = {
        "__module__": __name__,
        "host": _service_url(key.split(".")[0]),
        "weight": weight,
        "key": key,
        "path": path,
    }
    return type(name, (_JsonUser,), attrs)


class _ImageToolUser(_AdserveUser):
    """POSTs product photos (one per name in ``images``) and the ``form`` fields to ``path`` (multipart)."""

    abstract = True
    host = _service_url("creative")
    weight = 1
    path = ""
    images: ClassVar[tuple[str, ...]] = ("image",)
    form: ClassVar[dict[str, str]] = {}

    def on_start(self) -> None:
        self.photos = pools.photo_pool()
        self.headers = self.auth()

    def photo(self) -> tuple[str, bytes, str]:
        return ("product.jpg", random.choice(self.photos), "image/jpeg")

    @task
    def call(self) -> None:
        files = {name: self.photo() for name in self.images}
        self.client.post(self.path, files=files, data=self.form, headers=self.headers, name=self.path)


def _image_user(name: str, path: str, images: tuple[str, ...], form: dict[str, str]) -> type[_ImageToolUser]:
    attrs = {"__module__": __name__, "path": path, "images": images, "form": form}
    return type(name, (_ImageToolUser,), attrs)


# One class per endpoint, named for the command line (e.g. EmbedUser); weights set the traffic mix.
RecommendUser = _json_user("RecommendUser", "recommend.recommend", "/recommend", weight=10)
SimilarItemsUser = _json_user("SimilarItemsUser", "recommend.similar_items", "/similar_items", weight=4)
ProfileRecommendUser = _json_user(
    "ProfileRecommendUser", "recommend.recommend_for_profile", "/recommend_for_profile", weight=2
)
ClassifyUser = _json_user("ClassifyUser", "vision.classify", "/classify", weight=4)
EmbedUser = _json_user("EmbedUser", "vision.embed", "/embed", weight=4)
SimilarProductsUser = _json_user("SimilarProductsUser", "vision.similar_products", "/similar_products", weight=2)
DescriptionUser = _json_user("DescriptionUser", "text.generate_description", "/generate_description", weight=3)
SummaryUser = _json_user("SummaryUser", "text.summarize_reviews", "/summarize_reviews", weight=2)
ComplianceUser = _json_user("ComplianceUser", "text.check_compliance", "/check_compliance", weight=2)
GenerateImageUser = _json_user("GenerateImageUser", "creative.generate_image", "/generate_image", weight=1)
BannerUser = _json_user("BannerUser", "creative.compose_banner", "/compose_banner", weight=1)
CampaignUser = _json_user("CampaignUser", "campaign.campaign", "/campaign", weight=2)
EnhanceUser = _image_user("EnhanceUser", "/enhance", ("image",), {"output_format": "jpeg"})
StyleTransferUser = _image_user("StyleTransferUser", "/style_transfer", ("content", "style"), {})
RestyleUser = _image_user(
    "RestyleUser",
    "/restyle",
    ("image",),
    {"prompt": "watercolour product illustration", "strength": "0.5", "steps": "4"},
)


class FeedbackUser(_AdserveUser):
    """Feedback events are stamped with the current time and a fresh idempotency key per request."""

    host = _service_url("campaign")
    weight = 4

    def on_start(self) -> None:
        import json

        import numpy as np

        from scripts.bench.payloads.campaign import feedback_body

        self.rng = np.random.default_rng(random.randrange(2**31))
        self.make = lambda: json.dumps(feedback_body(pools.context(), self.rng)).encode()
        self.headers = {"Content-Type": "application/json", **self.auth()}

    @task
    def feedback(self) -> None:
        self.client.post("/feedback", data=self.make(), headers=self.headers, name="/feedback")
