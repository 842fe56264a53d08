"""``/feedback`` over HTTP on the PostgreSQL store, with the database SIGKILLed and restarted mid-stream.

The campaign runs as its container does (``start-http-server``, dependencies given as URLs that
are down: ``/feedback`` does not need them) with ``ADSERVE_FEEDBACK_DSN``. Four clients stream
events and resend every unacknowledged request with the same ids; while they stream, PostgreSQL
is SIGKILLed and restarted. Requests during the outage get a 503 (never a 500), and afterwards
every acknowledged event is stored exactly once and counted once.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr

from services.core.feedback import open_store
from services.core.feedback.settings import FeedbackStoreSettings
from tests.campaign.servers import SplitServer
from tests.support.bento_server import BentoServer
from tests.support.ports import free_port
from tests.support.postgres_server import PostgresServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
API_KEY = "pg-feedback-key-3a1f"
TARGET = "services.campaign.service:CampaignService"


@pytest.fixture(scope="module")
def dsn(postgres_server: PostgresServer) -> str:
    return postgres_server.create_database(f"e2e_{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="module")
def campaign(base_env: dict[str, str], dsn: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BentoServer]:
    env = {
        **base_env,
        "BENTOML_HOME": str(tmp_path_factory.mktemp("pg-campaign") / "home"),
        "ADSERVE_API_KEYS": API_KEY,
        "ADSERVE_FEEDBACK_DSN": dsn,
        "ADSERVE_FEEDBACK_POOL_TIMEOUT_S": "2",
        "ADSERVE_CAMPAIGN_STATS_CACHE_S": "0",
        "ADSERVE_FEEDBACK_CHECK_ITEMS": "false",  # recommend is down here: nothing could check the items
    }
    down = {name: f"http://127.0.0.1:{free_port()}" for name in ("recommend", "text", "creative")}
    with SplitServer(TARGET, env, down, wait="live") as srv:
        srv.client.headers["X-API-Key"] = API_KEY
        yield srv


def test_feedback_survives_a_database_crash(campaign: BentoServer, postgres_server: PostgresServer, dsn: str) -> None:
    acked: list[str] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def stream(worker: int) -> None:
        with httpx.Client(base_url=campaign.url, headers={"X-API-Key": API_KEY}, timeout=30) as client:
            while not stop.is_set():
                ids = [f"pg{worker}-{uuid.uuid4().hex}" for _ in range(5)]
                now = datetime.now(UTC).isoformat()
                body = {
                    "events": [
                        {
                            "event_id": i,
                            "user": f"u_{worker:016x}",
                            "item": "85123A",
                            "event": "view",
                            "variant": "neutral/navy_gradient",
                            "ts": now,
                        }
                        for i in ids
                    ]
                }
                while True:  # resend the same ids until acknowledged
                    try:
                        code = client.post("/feedback", json=body).status_code
                    except httpx.HTTPError:
                        code = 0
                    with lock:
                        statuses[code] = statuses.get(code, 0) + 1
                    if code == 200:
                        with lock:
                            acked.extend(ids)
                        break
                    time.sleep(0.2)

    threads = [threading.Thread(target=stream, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acked) < 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    before_crash = len(acked)
    postgres_server.kill9()
    time.sleep(2.0)
    postgres_server.start()
    target = len(acked) + 200
    while len(acked) < target and time.monotonic() < deadline + 90:
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(60)
    with open_store(FeedbackStoreSettings(dsn=SecretStr(dsn))) as store:
        stored = store.event_ids()
        views = store.variant_counts()["creative"]["navy_gradient"].views
    missing = set(acked) - stored
    print(f"\n{len(acked)} acknowledged ({before_crash} before the crash), {len(stored)} stored, statuses {statuses}")
    assert before_crash >= 200 and len(acked) >= target
    assert not missing, f"{len(missing)} acknowledged events lost"
    assert views == len(stored)
    assert set(statuses) <= {0, 200, 503}, statuses  # the outage is a 503, never a 500
    stats = campaign.client.post("/variant_stats", json={}).json()
    assert stats["events_logged"] == len(stored)
