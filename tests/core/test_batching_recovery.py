"""Burst → single client on a real ``bentoml serve``: the batching wait does not outlive the burst.

BentoML's dispatcher learnt, under a burst, to hold every batch for about the burst's queueing
time and kept doing so for a single client afterwards (``services.core.bentoml_compat``). The
server's own histogram of batch queue waits (``adserve_batch_queue_wait_seconds``) is read before
and after: a lone client's requests must again be dispatched at once, as they were before the
burst. No 503 may appear during the burst (64 clients are not overload for this service).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import bentoml
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from services.core.bentoml_compat import QUEUE_WAIT_METRIC
from tests.support.bento_server import BentoServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
TARGET = "services.recommend.service:RecommendService"
PROMPT_BUCKET = 0.01  # a lone request waits for nothing but the event loop: well under 10 ms


@pytest.fixture(scope="module")
def server(recommend_model: bentoml.Model, base_env: dict[str, str]) -> Iterator[BentoServer]:
    env = {**base_env, "ADSERVE_BATCHING_APIS": "recommend.recommend"}
    with BentoServer(TARGET, env) as srv:
        yield srv


def queue_waits(metrics_text: str) -> dict[float, float]:
    """Cumulative bucket counts (upper bound -> count) of the batch queue-wait histogram."""
    buckets: dict[float, float] = {}
    for family in text_string_to_metric_families(metrics_text):
        if family.name != QUEUE_WAIT_METRIC:
            continue
        for sample in family.samples:
            if sample.name == f"{QUEUE_WAIT_METRIC}_bucket":
                bound = float(sample.labels["le"])
                buckets[bound] = buckets.get(bound, 0.0) + sample.value
    return buckets


def prompt_share(before: dict[float, float], after: dict[float, float]) -> tuple[float, float]:
    """(batches between two scrapes, share of them dispatched within ``PROMPT_BUCKET``)."""
    total = after[float("inf")] - before.get(float("inf"), 0.0)
    prompt = after[PROMPT_BUCKET] - before.get(PROMPT_BUCKET, 0.0)
    return total, (prompt / total if total else 0.0)


async def _clients(url: str, bodies: list[dict[str, object]], clients: int, requests: int) -> list[int]:
    codes: list[int] = []
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=httpx.Limits(max_connections=clients)) as http:

        async def one(worker: int) -> None:
            for i in range(requests):
                resp = await http.post("/recommend", json=bodies[(worker * requests + i) % len(bodies)])
                codes.append(resp.status_code)

        await asyncio.gather(*(one(w) for w in range(clients)))
    return codes


def test_single_client_is_served_at_once_after_a_burst(server: BentoServer, catalog: dict[str, list[str]]) -> None:
    bodies: list[dict[str, object]] = [{"requests": [{"user_id": u, "k": 10}]} for u in catalog["users"][:200]]
    assert set(asyncio.run(_clients(server.url, bodies, 1, 30))) == {200}  # past BentoML's training phase
    start = queue_waits(server.metrics())
    assert set(asyncio.run(_clients(server.url, bodies, 1, 40))) == {200}
    pre = queue_waits(server.metrics())
    burst = asyncio.run(_clients(server.url, bodies, 64, 25))
    assert burst.count(200) == len(burst), f"shed under 64 clients: {sorted(set(burst))}"
    burst_end = queue_waits(server.metrics())
    assert set(asyncio.run(_clients(server.url, bodies, 1, 40))) == {200}
    post = queue_waits(server.metrics())

    pre_batches, pre_share = prompt_share(start, pre)
    burst_batches, _ = prompt_share(pre, burst_end)
    post_batches, post_share = prompt_share(burst_end, post)
    assert pre_batches == post_batches == 40, "a lone client's requests are batches of one"
    assert burst_batches < len(burst), "the burst formed batches larger than one"
    assert post_share >= min(0.75, pre_share - 0.2), (pre_share, post_share)
