"""An electronics catalog, generated with its own column names, event values and mapping file, goes
through validate → ingest → train (tiny settings) → serve (real ``bentoml serve``) → recommend,
describe and classify over HTTP; a catalog item added after training is recommendable at once.
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from scripts.cli import app
from tests.data.shop import Shop, draw, make_shop
from tests.support.bento_server import PROJECT_ROOT, BentoServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@dataclass
class Deployed:
    shop: Shop
    dataset: Path
    recommend: BentoServer
    text: BentoServer
    vision: BentoServer


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory, base_env: dict[str, str]) -> Iterator[Deployed]:
    root = tmp_path_factory.mktemp("other-domain")
    shop = make_shop(root / "export")
    runner = CliRunner()
    checked = runner.invoke(app, ["data", "validate", "--mapping", str(shop.mapping)])
    assert checked.exit_code == 0, checked.output
    assert "valid: no problems found" in checked.output
    dataset = root / "dataset"
    ingested = runner.invoke(app, ["data", "ingest", "--mapping", str(shop.mapping), "--out", str(dataset)])
    assert ingested.exit_code == 0, ingested.output

    env = {**base_env, "BENTOML_HOME": str(root / "home")}  # its own store: the session's `latest` stay put
    trained = subprocess.run(
        [sys.executable, "-m", "tests.data.train_models", str(dataset), str(root / "reports")],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert trained.returncode == 0, trained.stderr[-3000:]
    servers = [
        BentoServer(f"services.{name}.service:{cls}", env, wait="none")
        for name, cls in (("recommend", "RecommendService"), ("text", "TextService"), ("vision", "VisionService"))
    ]
    try:
        for srv in servers:
            srv.start()
        for srv in servers:
            srv.wait_ready(240)
        yield Deployed(shop, dataset, *servers)
    finally:
        for srv in servers:
            srv.stop()
            srv.client.close()


def test_ingested_data_set_is_pseudonymized_parquet(deployed: Deployed) -> None:
    inter = pd.read_parquet(deployed.dataset / "interactions.parquet")
    assert inter["user_id"].str.startswith("u_").all() and not inter["user_id"].isin(deployed.shop.customers).any()
    assert set(inter["event"]) == {"view", "click", "cart", "purchase"}
    assert {"catalog", "users", "interactions", "reviews"} <= {p.stem for p in deployed.dataset.glob("*.parquet")}
    assert (deployed.dataset / "cleaning_report.json").exists() and (deployed.dataset / "manifest.json").exists()


def test_recommendations_carry_catalog_attributes_and_images(deployed: Deployed) -> None:
    resp = deployed.recommend.client.post("/recommend", json={"requests": [{"customer_id": "C0001", "k": 5}]})
    assert resp.status_code == 200, resp.text
    [answer] = resp.json()
    assert len(answer["items"]) == 5
    item = answer["items"][0]
    assert item["item_id"] in deployed.shop.skus
    assert item["attributes"]["category"].startswith("Electronics > ")
    assert {"brand", "colour", "warranty"} <= set(item["attributes"])
    assert item["image_uri"].endswith(f"photos/{item['item_id']}.png") and Path(item["image_uri"]).exists()


def test_new_user_profile_from_user_attributes(deployed: Deployed) -> None:
    body = {
        "requests": [{"country": "Japan", "attributes": {"segment": "gold"}, "recent_item_ids": ["PHO-001"], "k": 5}]
    }
    resp = deployed.recommend.client.post("/recommend_for_profile", json=body)
    assert resp.status_code == 200, resp.text
    items = resp.json()[0]["items"]
    assert len(items) == 5 and "PHO-001" not in {i["item_id"] for i in items}


def test_item_added_after_training_is_recommendable_at_once(deployed: Deployed) -> None:
    client = deployed.recommend.client
    new = {
        "item_id": "HEA-900",
        "title": "Voltra Black headphones 900",
        "price": 120.0,
        "category": "Electronics > Audio > Headphones",
        "attributes": {"brand": "Voltra", "colour": "Black"},
        "image_uri": "s3://shop/photos/HEA-900.png",
    }
    resp = client.post("/catalog_items", json={"items": [new]})
    assert resp.status_code == 200, resp.text
    assert resp.json()["added"] == ["HEA-900"] and resp.json()["items"] == len(deployed.shop.skus) + 1
    again = client.post("/catalog_items", json={"items": [new]}).json()
    assert again["added"] == [] and again["already_known"] == ["HEA-900"]
    similar = client.post("/similar_items", json={"requests": [{"item_id": "HEA-900", "k": 5}]})
    assert similar.status_code == 200, similar.text
    everything = client.post("/recommend", json={"requests": [{"customer_id": "C0002", "k": 100}]}).json()[0]
    added = [i for i in everything["items"] if i["item_id"] == "HEA-900"]
    assert added and added[0]["attributes"]["brand"] == "Voltra" and added[0]["image_uri"] == new["image_uri"]
    bad = client.post("/catalog_items", json={"items": [{"item_id": "bad id!", "title": "x"}]})
    assert bad.status_code == 400


def test_describe_a_product_of_the_catalog(deployed: Deployed) -> None:
    attrs = {"brand": "Kessel", "category": ["Electronics", "Computers", "Laptops"], "colour": "Silver"}
    resp = deployed.text.client.post("/generate_description", json={"items": [{"attributes": attrs, "seed": 3}]})
    assert resp.status_code == 200, resp.text
    [result] = resp.json()
    assert result["title"] and result["description"] and result["model"].startswith("text-generator:")
    assert result["description_source"] in ("model", "template"), result
    # the catalog has descriptions (its `blurb` column): the generator was trained to write them
    report = json.loads((deployed.dataset.parent / "reports" / "text" / "generator_report.json").read_text())
    assert report["writes"] == ["title", "description"] and report["data"]["pairs_with_description"] > 0


def test_classify_a_product_photo_into_the_catalog_categories(deployed: Deployed) -> None:
    import random

    buf = io.BytesIO()
    draw("Phones", random.Random(99)).save(buf, format="PNG")
    body = {"images": [{"image": base64.b64encode(buf.getvalue()).decode(), "top_k": 4}]}
    resp = deployed.vision.client.post("/classify", json=body)
    assert resp.status_code == 200, resp.text
    [result] = resp.json()
    labels = {p["label"] for p in result["labels"]}
    assert labels == {"Headphones", "Laptops", "Phones", "Cables"}
