"""Real pretrained weights replace the default by configuration: a Hugging Face ViT (random weights,
built from a config) is published to a real S3 server and served by a fresh ``bentoml serve`` that
has nothing locally and pulls it by alias."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import bentoml
import pytest
from PIL import Image

from services.core.artifact_store import ArtifactStore
from services.core.settings import PlatformSettings
from services.data.adapters.fashion_mnist import FASHION_CLASSES
from services.data.labelled_images import LabelledImages
from tests.support.bento_server import BentoServer
from tests.support.s3_server import TEST_CREDENTIALS, S3Server
from tests.vision.samples import as_photo, b64, encode, truncated

pytestmark = pytest.mark.e2e
BUCKET = "vision-models"


@pytest.fixture(scope="module")
def vit_server(
    tiny_vit_model: bentoml.Model,
    s3_server: S3Server,
    base_env: dict[str, str],
    session_dir: Path,
) -> Iterator[BentoServer]:
    s3_server.create_bucket(BUCKET)
    env = s3_server.env(BUCKET)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in TEST_CREDENTIALS.items():
            mp.setenv(key, value)
        settings = PlatformSettings(model_store=env["ADSERVE_MODEL_STORE"], s3_endpoint_url=s3_server.endpoint)
        ArtifactStore(settings).publish(str(tiny_vit_model.tag), alias="production")
    fresh_home = session_dir / "bentoml-vision-fresh"  # nothing local: the server must pull
    server_env = {
        **base_env,
        **env,
        "BENTOML_HOME": str(fresh_home),
        "ADSERVE_VISION_MODEL": f"{tiny_vit_model.tag.name}:production",
    }
    with BentoServer("services.vision.service:VisionService", server_env) as srv:
        yield srv


def test_vit_is_pulled_from_s3_and_serves_every_endpoint(
    vit_server: BentoServer, tiny_vit_model: bentoml.Model, fashion_test: LabelledImages
) -> None:
    product = Image.fromarray(fashion_test.images[3], mode="L")
    body = {"images": [{"image": b64(encode(product)), "top_k": 2}, {"image": b64(encode(as_photo(product), "JPEG"))}]}
    resp = vit_server.client.post("/classify", json=body)
    assert resp.status_code == 200, resp.text
    results = resp.json()
    assert [len(r["labels"]) for r in results] == [2, 3]
    assert {r["model"] for r in results} == {str(tiny_vit_model.tag)}
    assert all(s["label"] in FASHION_CLASSES for r in results for s in r["labels"])

    resp = vit_server.client.post("/embed", json={"images": [{"image": b64(encode(product, "WEBP"))}]})
    assert resp.status_code == 200 and resp.json()[0]["dim"] == 32

    resp = vit_server.client.post("/similar_products", json={"image": b64(encode(product)), "k": 3})
    assert resp.status_code == 200, resp.text
    assert resp.json()["catalog_size"] == 200
    assert resp.json()["products"][0]["product_id"] == "fmnist-test-00003"

    resp = vit_server.client.post("/classify", json={"images": [{"image": b64(truncated(encode(product)))}]})
    assert resp.status_code == 400 and "truncated" in resp.text


def test_the_server_pulled_into_its_own_empty_store(
    vit_server: BentoServer, tiny_vit_model: bentoml.Model, session_dir: Path
) -> None:
    tag = tiny_vit_model.tag
    pulled = session_dir / "bentoml-vision-fresh" / "models" / tag.name / str(tag.version)
    assert (pulled / "config.json").is_file() and (pulled / "catalog" / "embeddings.npy").is_file()
