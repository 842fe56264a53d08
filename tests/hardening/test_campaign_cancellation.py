"""Deadlines propagate: a campaign call that ends early ends its dependency calls too.

The campaign runs alone (``bentoml serve``), wired by URL to a recommend dependency that accepts
and never answers, seen through the slow proxy (``tests/support/slow_proxy.py``), which counts the
connections the campaign holds to it. Each dependency budget is two minutes, so a call still held
after a few seconds was left running:

* the client disconnects after one second: the campaign cancels the recommend call and closes
  its connection;
* the request timeout (``ADSERVE_TIMEOUT_S``) fires: BentoML answers 504 and the call is
  cancelled with the request.

Meanwhile the campaign stays ready: a dependency outage is not the campaign's own state. The
campaign's own deadline (``ADSERVE_CAMPAIGN_DEADLINE_S``) caps every dependency budget; that is
checked in-process with the composer tests' fake dependencies.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from services.campaign.composer import Composer
from services.campaign.schemas import CampaignRequest
from services.campaign.settings import CampaignSettings
from tests.campaign.servers import BlackHole
from tests.campaign.test_composer import FakeDependencies
from tests.support.bento_server import BentoServer
from tests.support.ports import free_port
from tests.support.slow_proxy import SlowProxy

pytestmark = [pytest.mark.e2e, pytest.mark.slow]  # two campaign servers of their own
TARGET = "services.campaign.service:CampaignService"
API_KEY = "cancel-key-71d0c2"
HELD_AT_MOST_S = 10.0  # well below every dependency budget (120 s): what is still open then was left running


@pytest.fixture(scope="module")
def hanging_recommend() -> Iterator[SlowProxy]:
    with BlackHole() as url, SlowProxy(int(url.rsplit(":", 1)[1]), delay=0.0) as proxy:
        yield proxy


def _campaign(base_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory, proxy: SlowProxy, **extra: str):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("cancel-campaign")
    env = {
        **base_env,
        "BENTOML_HOME": str(folder / "home"),
        "ADSERVE_API_KEYS": API_KEY,
        "ADSERVE_FEEDBACK_DIR": str(folder / "feedback"),
        "ADSERVE_CAMPAIGN_RECOMMEND_URL": proxy.url,
        "ADSERVE_CAMPAIGN_TEXT_URL": f"http://127.0.0.1:{free_port()}",
        "ADSERVE_CAMPAIGN_CREATIVE_URL": f"http://127.0.0.1:{free_port()}",
        "ADSERVE_CAMPAIGN_RECOMMEND_TIMEOUT_S": "120",
        **extra,
    }
    return BentoServer(TARGET, env)


@pytest.fixture(scope="module")
def campaign(
    base_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory, hanging_recommend: SlowProxy
) -> Iterator[BentoServer]:
    with _campaign(
        base_env,
        tmp_path_factory,
        hanging_recommend,
        ADSERVE_CAMPAIGN_DEADLINE_S="600",
        ADSERVE_CAMPAIGN_TIMEOUT_S="600",
    ) as srv:
        srv.client.headers["X-API-Key"] = API_KEY
        yield srv


def _released(proxy: SlowProxy, within_s: float = HELD_AT_MOST_S) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if proxy.open_connections == 0:
            return True
        time.sleep(0.1)
    return False


def _held(proxy: SlowProxy, accepted_before: int) -> None:
    deadline = time.monotonic() + 30
    while proxy.accepted == accepted_before and time.monotonic() < deadline:
        time.sleep(0.05)
    # The proxy never answers, so an accepted call stays open until the campaign cancels it (it may
    # already have, by the time this looks: the client gave up first).
    assert proxy.accepted > accepted_before, "the campaign never called recommend"


def test_a_client_that_disconnects_cancels_the_dependency_calls(
    campaign: BentoServer, hanging_recommend: SlowProxy
) -> None:
    assert campaign.is_ready()  # its dependency hangs; the campaign itself is ready
    before = hanging_recommend.accepted
    with (
        httpx.Client(base_url=campaign.url, headers={"X-API-Key": API_KEY}, timeout=1.0) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.post("/campaign", json={"profile": {"country": "France"}, "k": 1})
    _held(hanging_recommend, before)
    assert _released(hanging_recommend), f"{hanging_recommend.open_connections} dependency call(s) left running"
    assert "client disconnected: campaign and its dependency calls cancelled" in campaign.log_text()
    assert campaign.is_ready() and campaign.client.get("/livez").status_code == 200


def test_the_request_timeout_cancels_the_dependency_calls(
    base_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory, hanging_recommend: SlowProxy
) -> None:
    with _campaign(base_env, tmp_path_factory, hanging_recommend, ADSERVE_TIMEOUT_S="2") as srv:
        srv.client.headers["X-API-Key"] = API_KEY
        before = hanging_recommend.accepted
        resp = srv.client.post("/campaign", json={"profile": {"country": "France"}, "k": 1})
        assert resp.status_code == 504, resp.text
        assert hanging_recommend.accepted > before
        assert _released(hanging_recommend), f"{hanging_recommend.open_connections} dependency call(s) left running"


def test_the_campaign_deadline_caps_every_dependency_budget() -> None:
    deps = FakeDependencies(delay=5.0)  # text and creative take 5 s; their own budgets are 10 s
    chooser = lambda n: [("friendly", "coral_flat")] * n  # noqa: E731
    composer = Composer(deps, CampaignSettings(deadline_s=0.5), chooser)
    response = asyncio.run(composer.run(CampaignRequest(user_id="u_1", k=2)))
    assert response.degraded == ["text: timeout", "creative: timeout"] and len(response.items) == 2
