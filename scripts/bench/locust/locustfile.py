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


# ------------------------------------------------------------------ recommend
class RecommendUser(_JsonUser):
    host = _service_url("recommend")
    weight = 10
    key, path = "recommend.recommend", "/recommend"


class SimilarItemsUser(_JsonUser):
    host = _service_url("recommend")
    weight = 4
    key, path = "recommend.similar_items", "/similar_items"


class ProfileRecommendUser(_JsonUser):
    host = _service_url("recommend")
    weight = 2
    key, path = "recommend.recommend_for_profile", "/recommend_for_profile"


# ------------------------------------------------------------------ vision
class ClassifyUser(_JsonUser):
    host = _service_url("vision")
    weight = 4
    key, path = "vision.classify", "/classify"


class EmbedUser(_JsonUser):
    host = _service_url("vision")
    weight = 4
    key, path = "vision.embed", "/embed"


class SimilarProductsUser(_JsonUser):
    host = _service_url("vision")
    weight = 2
    key, path = "vision.similar_products", "/similar_products"


# ------------------------------------------------------------------ text
class DescriptionUser(_JsonUser):
    host = _service_url("text")
    weight = 3
    key, path = "text.generate_description", "/generate_description"


class SummaryUser(_JsonUser):
    host = _service_url("text")
    weight = 2
    key, path = "text.summarize_reviews", "/summarize_reviews"


class ComplianceUser(_JsonUser):
    host = _service_url("text")
    weight = 2
    key, path = "text.check_compliance", "/check_compliance"


# ------------------------------------------------------------------ creative
class GenerateImageUser(_JsonUser):
    host = _service_url("creative")
    weight = 1
    key, path = "creative.generate_image", "/generate_image"


class BannerUser(_JsonUser):
    host = _service_url("creative")
    weight = 1
    key, path = "creative.compose_banner", "/compose_banner"


class _ImageToolUser(_AdserveUser):
    abstract = True

    def on_start(self) -> None:
        self.photos = pools.photo_pool()
        self.headers = self.auth()

    def photo(self) -> tuple[str, bytes, str]:
        return ("product.jpg", random.choice(self.photos), "image/jpeg")


class EnhanceUser(_ImageToolUser):
    host = _service_url("creative")
    weight = 1

    @task
    def enhance(self) -> None:
        self.client.post(
            "/enhance",
            files={"image": self.photo()},
            data={"output_format": "jpeg"},
            headers=self.headers,
            name="/enhance",
        )


class StyleTransferUser(_ImageToolUser):
    host = _service_url("creative")
    weight = 1

    @task
    def style_transfer(self) -> None:
        files = {"content": self.photo(), "style": self.photo()}
        self.client.post("/style_transfer", files=files, headers=self.headers, name="/style_transfer")


class RestyleUser(_ImageToolUser):
    host = _service_url("creative")
    weight = 1

    @task
    def restyle(self) -> None:
        form = {"prompt": "watercolour product illustration", "strength": "0.5", "steps": "4"}
        self.client.post("/restyle", files={"image": self.photo()}, data=form, headers=self.headers, name="/restyle")


# ------------------------------------------------------------------ campaign
class CampaignUser(_JsonUser):
    host = _service_url("campaign")
    weight = 2
    key, path = "campaign.campaign", "/campaign"


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
