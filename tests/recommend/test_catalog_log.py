"""Catalog items added at run time are durable and shared: every process serves them, a restart keeps them.

Unit level: the log on a folder and on the S3-compatible test server (append, read in order, the
size cap). Over HTTP: two real ``bentoml serve`` processes of the recommend service share one log
(two replicas of a deployment); an item added through one is recommendable from the other within
the poll interval, and a restarted process serves it again before it reports ready.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import bentoml
import pytest

from services.core.settings import PlatformSettings
from services.recommend.catalog_log import CatalogLog, CatalogLogFull
from services.recommend.schemas import CatalogItem
from tests.support.bento_server import BentoServer
from tests.support.s3_server import TEST_CREDENTIALS, S3Server

TARGET = "services.recommend.service:RecommendService"
NEW = {
    "item_id": "LOGGED-CUSHION-NAVY",
    "title": "NAVY LINEN CUSHION COVER",
    "price": 4.95,
    "description": "Square cushion cover in washed linen, navy blue.",
    "category": "Home > Textiles > Cushions",
    "attributes": {"colour": "navy", "material": "linen"},
}


def _item(n: int) -> CatalogItem:
    return CatalogItem(item_id=f"ITEM-{n}", title=f"ITEM NUMBER {n}")


def test_folder_log_appends_reads_in_order_and_caps(tmp_path: Path) -> None:
    writer, reader = CatalogLog(str(tmp_path), max_items=5), CatalogLog(str(tmp_path), max_items=5)
    writer.append([_item(1), _item(2)])
    writer.append([_item(2), _item(3)])  # an id logged again keeps its first entry
    assert [i.item_id for i in reader.read_new()] == ["ITEM-1", "ITEM-2", "ITEM-3"]
    assert reader.read_new() == []  # each document is read once
    writer.append([_item(4)])
    assert [i.item_id for i in reader.read_new()] == ["ITEM-4"]
    with pytest.raises(CatalogLogFull, match="at most 5"):
        writer.append([_item(5), _item(6)])
    assert not list(tmp_path.glob(".*.tmp"))


def test_s3_log_is_shared_by_two_handles(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    bucket = f"catalog-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(bucket)
    platform = PlatformSettings(s3_endpoint_url=s3_server.endpoint)
    one = CatalogLog(f"s3://{bucket}/additions", 100, platform)
    two = CatalogLog(f"s3://{bucket}/additions", 100, platform)
    one.append([_item(1)])
    two.append([_item(2)])
    assert [i.item_id for i in one.read_new()] == ["ITEM-1", "ITEM-2"]
    assert [i.item_id for i in two.read_new()] == ["ITEM-2"]  # it had read ITEM-1 before writing
    assert [i.item_id for i in two.items()] == ["ITEM-1", "ITEM-2"]


@pytest.fixture
def replicas(recommend_model: bentoml.Model, base_env: dict[str, str], tmp_path: Path) -> Iterator[list[BentoServer]]:
    env = {
        **base_env,
        "ADSERVE_RECOMMEND_CATALOG_LOG": str(tmp_path / "log"),
        "ADSERVE_RECOMMEND_CATALOG_POLL_S": "0.2",
    }
    servers = [BentoServer(TARGET, env, wait="none").start() for _ in range(2)]
    try:
        for server in servers:
            server.wait_ready(180)
        yield servers
    finally:
        for server in servers:
            server.stop()


def _known(server: BentoServer, item_id: str) -> bool:
    resp = server.client.post("/known_items", json={"item_ids": [item_id]})
    assert resp.status_code == 200, resp.text
    return item_id in resp.json()["known"]


def _similar(server: BentoServer, item_id: str) -> int:
    resp = server.client.post("/similar_items", json={"requests": [{"item_id": item_id, "k": 3}]})
    assert resp.status_code == 200, resp.text
    return len(resp.json()[0]["items"])


@pytest.mark.e2e
@pytest.mark.slow
def test_an_added_item_reaches_every_process_and_survives_a_restart(replicas: list[BentoServer]) -> None:
    first, second = replicas
    added = first.client.post("/catalog_items", json={"items": [NEW]})
    assert added.status_code == 200, added.text
    assert added.json()["added"] == [NEW["item_id"]]
    assert _known(first, NEW["item_id"]) and _similar(first, NEW["item_id"]) == 3  # at once where it was added
    deadline = time.monotonic() + 10
    while not _known(second, NEW["item_id"]):
        assert time.monotonic() < deadline, "the other process never folded the logged item in"
        time.sleep(0.2)
    assert _similar(second, NEW["item_id"]) == 3
    again = second.client.post("/catalog_items", json={"items": [NEW]}).json()
    assert again["added"] == [] and again["already_known"] == [NEW["item_id"]]

    first.stop()
    restarted = BentoServer(TARGET, first.env).start()  # same log; ready only after folding it in
    try:
        assert _known(restarted, NEW["item_id"]) and _similar(restarted, NEW["item_id"]) == 3
    finally:
        restarted.stop()
