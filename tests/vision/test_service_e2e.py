"""The vision service over HTTP from a real ``bentoml serve``: real PNG/JPEG/WebP uploads, every
endpoint, bad files (4xx, worker keeps serving), and adaptive batching under concurrent load."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Iterator

import bentoml
import httpx
import numpy as np
import pytest
from PIL import Image

from services.data.adapters.fashion_mnist import FASHION_CLASSES
from services.data.labelled_images import LabelledImages
from tests.support.bento_server import BentoServer, batches_larger_than_one
from tests.vision.samples import as_photo, b64, corrupt, encode, png_declaring, real_bomb_png, truncated

pytestmark = pytest.mark.e2e
TARGET = "services.vision.service:VisionService"
MAX_IMAGES = 8


@pytest.fixture(scope="module")
def server(tiny_cnn_model: bentoml.Model, base_env: dict[str, str]) -> Iterator[BentoServer]:
    env = {
        **base_env,
        "ADSERVE_VISION_MODEL": str(tiny_cnn_model.tag),
        "ADSERVE_VISION_MAX_IMAGES_PER_REQUEST": str(MAX_IMAGES),
        "ADSERVE_MAX_REQUEST_BYTES": str(2 * 1024 * 1024),
    }
    with BentoServer(TARGET, env) as srv:
        yield srv


@pytest.fixture(scope="module")
def product(fashion_test: LabelledImages) -> Image.Image:
    return Image.fromarray(fashion_test.images[0], mode="L")  # an ankle boot


def _item(data: bytes, **options: object) -> dict[str, object]:
    return {"image": b64(data), **options}


def test_classify_real_png_jpeg_and_webp(server: BentoServer, product: Image.Image) -> None:
    photo = as_photo(product, size=(480, 640))
    body = {
        "images": [
            _item(encode(product, "PNG"), top_k=1),
            _item(encode(photo, "JPEG", quality=90), top_k=3),
            _item(encode(photo, "WEBP"), top_k=10),
        ]
    }
    resp = server.client.post("/classify", json=body)
    assert resp.status_code == 200, resp.text
    results = resp.json()
    assert [len(r["labels"]) for r in results] == [1, 3, 10]
    assert all(r["model"].startswith("vision-classifier:") for r in results)
    for result in results:
        scores = [s["score"] for s in result["labels"]]
        assert scores == sorted(scores, reverse=True)
        assert all(s["label"] == FASHION_CLASSES[s["index"]] for s in result["labels"])


def test_embed_and_similar_products(server: BentoServer, fashion_test: LabelledImages) -> None:
    catalog_image = Image.fromarray(fashion_test.images[7], mode="L")  # in the demo catalog
    resp = server.client.post("/embed", json={"images": [_item(encode(catalog_image))]})
    assert resp.status_code == 200, resp.text
    [result] = resp.json()
    assert result["dim"] == len(result["embedding"]) == 32
    assert np.linalg.norm(result["embedding"]) == pytest.approx(1.0, abs=1e-4)

    resp = server.client.post("/similar_products", json={"image": b64(encode(catalog_image, "PNG")), "k": 4})
    assert resp.status_code == 200, resp.text
    found = resp.json()
    assert found["catalog_size"] == 500 and len(found["products"]) == 4
    assert found["products"][0]["product_id"] == "fmnist-test-00007"
    assert found["predicted_label"] in FASHION_CLASSES
    resp = server.client.post("/similar_products", json={"image": b64(encode(catalog_image, "JPEG"))})
    assert resp.status_code == 200 and len(resp.json()["products"]) == 10


PRODUCT_JPEG = encode(as_photo(Image.new("L", (28, 28)), size=(200, 300)), "JPEG")
PRODUCT_PNG = encode(Image.new("RGB", (120, 90), (200, 30, 30)), "PNG")
BAD_ITEMS: dict[str, tuple[object, str]] = {
    "corrupt jpeg": (b64(corrupt(PRODUCT_JPEG)), "JPEG, PNG or WebP"),
    "corrupt png": (b64(corrupt(PRODUCT_PNG)), "JPEG, PNG or WebP"),
    "truncated jpeg": (b64(truncated(PRODUCT_JPEG)), "truncated"),
    "truncated png": (b64(truncated(PRODUCT_PNG)), "truncated"),
    "text file": (b64(b"<html>not an image</html>"), "not a JPEG, PNG or WebP"),
    "zero-byte file": ("", "empty"),
    "zero-size png": (b64(png_declaring(0, 0)), "not a JPEG, PNG or WebP"),
    "bomb header": (b64(png_declaring(40_000, 40_000)), "too large"),
    "real bomb": (b64(real_bomb_png(9000)), "too large"),
    "not base64": ("%%%", "base64"),
    "not a string": (123, "base64"),
}


@pytest.mark.parametrize("name", list(BAD_ITEMS))
def test_bad_files_are_400_with_a_message(server: BentoServer, name: str) -> None:
    image, fragment = BAD_ITEMS[name]
    resp = server.client.post("/classify", json={"images": [{"image": image}]})
    assert resp.status_code == 400, resp.text
    assert fragment in resp.text
    resp = server.client.post("/similar_products", json={"image": image})
    assert resp.status_code == 400 and fragment in resp.text


@pytest.mark.parametrize(
    ("path", "body", "status", "fragment"),
    [
        ("/classify", {"images": []}, 400, "at least 1"),
        ("/classify", {"images": [_item(PRODUCT_PNG)] * (MAX_IMAGES + 1)}, 400, f"at most {MAX_IMAGES}"),
        ("/classify", {"images": [_item(PRODUCT_PNG, top_k=0)]}, 400, "greater than or equal"),
        ("/classify", {"images": [_item(PRODUCT_PNG, colour="red")]}, 400, "Extra inputs"),
        ("/classify", {"images": "x"}, 400, "array"),
        ("/embed", {"images": [{}]}, 400, "Field required"),
        ("/similar_products", {"image": b64(PRODUCT_PNG), "k": 0}, 400, "greater than or equal"),
        ("/similar_products", {"image": b64(PRODUCT_PNG), "k": 101}, 400, "less than or equal"),
        ("/classify", {"images": [_item(b"\xff" * 1_700_000)]}, 413, "larger than the limit"),
    ],
)
def test_bad_requests(server: BentoServer, path: str, body: dict[str, object], status: int, fragment: str) -> None:
    resp = server.client.post(path, json=body)
    assert resp.status_code == status, resp.text
    assert fragment in resp.text


def test_invalid_json_is_400(server: BentoServer) -> None:
    resp = server.client.post("/classify", content=b"{not json", headers={"content-type": "application/json"})
    assert resp.status_code == 400


def _post(url: str, path: str, body: dict[str, object]) -> int:
    with httpx.Client(base_url=url, timeout=60) as client:
        return client.post(path, json=body).status_code


def test_concurrent_load_is_batched_and_bad_requests_do_not_break_good_ones(
    server: BentoServer, fashion_test: LabelledImages
) -> None:
    good = [{"images": [_item(encode(Image.fromarray(fashion_test.images[i], mode="L")), top_k=2)]} for i in range(60)]
    bad = [{"images": [{"image": b64(truncated(PRODUCT_JPEG))}]}] * 12
    bodies = [(b, 200) for b in good] + [(b, 400) for b in bad]
    order = np.random.default_rng(0).permutation(len(bodies))
    with cf.ThreadPoolExecutor(16) as pool:
        futures = [(pool.submit(_post, server.url, "/classify", bodies[i][0]), bodies[i][1]) for i in order]
        assert [f.result() for f, _ in futures] == [expected for _, expected in futures]
    assert batches_larger_than_one(server.metrics(), "classify") > 0
    embed = [{"images": [_item(encode(Image.fromarray(fashion_test.images[i], mode="L")))]} for i in range(32)]
    with cf.ThreadPoolExecutor(16) as pool:
        assert set(pool.map(lambda b: _post(server.url, "/embed", b), embed)) == {200}
    assert batches_larger_than_one(server.metrics(), "embed") > 0


def test_worker_still_serves_after_everything(server: BentoServer, product: Image.Image) -> None:
    assert server.proc is not None and server.proc.poll() is None
    assert server.client.get("/readyz").status_code == 200
    resp = server.client.post("/classify", json={"images": [_item(encode(product, "WEBP"))]})
    assert resp.status_code == 200
    assert "status=500" not in server.log_text()
