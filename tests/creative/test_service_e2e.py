"""The creative service over HTTP: model pulled from S3, every route, bad input, batching."""

from __future__ import annotations

import base64
import io
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import bentoml
import pytest
from PIL import Image

from services.core.artifact_store import ArtifactStore
from services.core.settings import PlatformSettings
from services.creative.banner_layout import inside
from services.creative.schemas import BannerRequest, BannerResponse
from services.creative.training.samples import product_photo, style_photo
from tests.support.bento_server import BentoServer, batches_larger_than_one
from tests.support.s3_server import TEST_CREDENTIALS, S3Server

from .conftest import to_bytes

pytestmark = pytest.mark.e2e
TARGET = "services.creative.service:CreativeService"


@pytest.fixture(scope="module")
def server(tiny_model: str, s3_server: S3Server, base_env: dict[str, str], session_dir: Path) -> Iterator[BentoServer]:
    """A server with an empty local store that pulls the tiny model from S3 (GPU declared, CPU only)."""
    bucket = f"creative-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(bucket)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in TEST_CREDENTIALS.items():
            mp.setenv(key, value)
        store = ArtifactStore(PlatformSettings(model_store=f"s3://{bucket}/models", s3_endpoint_url=s3_server.endpoint))
        store.publish(tiny_model, alias="production")
    env = {
        **base_env,
        **s3_server.env(bucket),
        "BENTOML_HOME": str(session_dir / f"creative-home-{bucket}"),
        "ADSERVE_CREATIVE_MODEL": "creative-diffusion:production",
        "ADSERVE_CREATIVE_DEFAULT_STEPS": "2",
        "ADSERVE_CREATIVE_TORCH_THREADS": "1",
    }
    with BentoServer(TARGET, env) as srv:
        yield srv


def png_of(response_bytes: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(response_bytes))
    image.load()
    return image


def files(**images: bytes) -> dict[str, tuple[str, bytes, str]]:
    return {name: (f"{name}.bin", data, "application/octet-stream") for name, data in images.items()}


def test_model_was_pulled_from_s3_and_gpu_declaration_runs_on_cpu(server: BentoServer, tiny_model: str) -> None:
    log = server.log_text()
    assert "pulled and verified" in log
    assert "on cpu (float32)" in log
    resp = server.client.post("/generate_image", json={"requests": [{"prompt": "red dress", "seed": 5}]})
    assert resp.status_code == 200, resp.text
    body = resp.json()[0]
    assert body["model"] == tiny_model and body["seeds"] == [5] and body["steps"] == 2
    image = png_of(base64.b64decode(body["images"][0]["data_base64"]))
    assert image.format == "PNG" and image.size == (64, 64)


@pytest.mark.parametrize(
    "payload",
    [
        {"requests": []},
        {"requests": [{"prompt": ""}]},
        {"requests": [{"prompt": "ok", "width": 100}]},
        {"requests": [{"prompt": "ok", "steps": 1000}]},
        {"requests": [{"prompt": "ok", "guidance_scale": 99}]},
        {"requests": [{"prompt": "ok", "seed": "abc"}]},
        {"requests": [{"prompt": "x" * 5000}]},
        {"requests": "nope"},
        {},
    ],
)
def test_generate_rejects_bad_requests_with_400(server: BentoServer, payload: dict[str, object]) -> None:
    resp = server.client.post("/generate_image", json=payload)
    assert resp.status_code == 400, resp.text
    assert "error" in resp.text


def test_concurrent_prompts_are_batched(server: BentoServer) -> None:
    def one(i: int) -> int:
        body = {"requests": [{"prompt": f"product {i}", "seed": i, "steps": 2}]}
        return server.client.post("/generate_image", json=body).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(one, range(32)))
    assert codes == [200] * 32
    assert batches_larger_than_one(server.metrics(), "generate_image") > 0


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_style_transfer_accepts_each_upload_format(server: BentoServer, fmt: str) -> None:
    content = to_bytes(product_photo((160, 200)), fmt)
    style = to_bytes(style_photo(), fmt)
    resp = server.client.post("/style_transfer", files=files(content=content, style=style), data={"strength": "0.8"})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "image/png"
    assert png_of(resp.content).size == (160, 200)


def test_enhance_and_jpeg_output(server: BentoServer) -> None:
    image = to_bytes(product_photo((200, 160), cast=(20, 0, -20)), "JPEG")
    resp = server.client.post("/enhance", files=files(image=image), data={"output_format": "jpeg", "sharpen": "0"})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "image/jpeg"
    out = png_of(resp.content)
    assert out.format == "JPEG" and out.size == (200, 160)


def bomb_png() -> bytes:
    return to_bytes(Image.new("L", (9000, 9000)))  # 81 MP declared, ~80 kB on the wire


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not an image", "not a JPEG, PNG or WebP"),
        (b"", "empty"),
        (to_bytes(product_photo(), "JPEG")[:400], "corrupt or truncated"),
        (to_bytes(product_photo(), "GIF"), "not a JPEG, PNG or WebP"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, ""),
    ],
    ids=["text", "empty", "truncated-jpeg", "gif", "broken-png-header"],
)
def test_bad_uploads_are_400_with_a_message(server: BentoServer, data: bytes, message: str) -> None:
    good = to_bytes(style_photo())
    for route, upload in (("/style_transfer", files(content=data, style=good)), ("/enhance", files(image=data))):
        resp = server.client.post(route, files=upload)
        assert resp.status_code == 400, (route, resp.status_code, resp.text)
        assert message in resp.text


def test_decompression_bomb_and_oversize_body(server: BentoServer) -> None:
    resp = server.client.post("/enhance", files=files(image=bomb_png()))
    assert resp.status_code == 400 and "pixels" in resp.text
    resp = server.client.post("/enhance", files=files(image=b"\xff" * (17 * 1024 * 1024)))
    assert resp.status_code == 413
    resp = server.client.post("/style_transfer", files=files(content=to_bytes(style_photo())))
    assert resp.status_code == 400  # style missing
    assert server.client.get("/livez").status_code == 200


def test_restyle_is_reproducible_and_validated(server: BentoServer) -> None:
    image = to_bytes(product_photo((150, 100)))
    form = {"prompt": "watercolour", "strength": "0.5", "steps": "4", "seed": "9", "size": "96"}
    first = server.client.post("/restyle", files=files(image=image), data=form)
    assert first.status_code == 200, first.text
    assert first.headers["x-seed"] == "9" and first.headers["content-type"] == "image/png"
    assert png_of(first.content).size == (96, 64)
    again = server.client.post("/restyle", files=files(image=image), data=form)
    assert again.content == first.content
    bad = server.client.post("/restyle", files=files(image=image), data={**form, "steps": "1", "strength": "0.5"})
    assert bad.status_code == 400 and "steps x strength" in bad.text
    bad = server.client.post("/restyle", files=files(image=b"junk"), data=form)
    assert bad.status_code == 400


def banner_payload(**extra: object) -> dict[str, object]:
    product = base64.b64encode(to_bytes(product_photo((300, 380)), "WEBP")).decode()
    return {
        "headline": "夏季新品 限时五折",
        "subheadline": "Free shipping on every order",
        "cta": "立即购买",
        "product_image": product,
        "colours": {"primary": "#C81E28", "secondary": "#FFD200"},
        "formats": ["square", "landscape", "story", "medium_rectangle", {"width": 640, "height": 360}],
        **extra,
    }


def test_compose_banner_over_json(server: BentoServer) -> None:
    resp = server.client.post("/compose_banner", json={"request": banner_payload()})
    assert resp.status_code == 200, resp.text
    body = BannerResponse.model_validate(resp.json())
    sizes = [(b.image.width, b.image.height) for b in body.banners]
    assert sizes == [(1080, 1080), (1200, 628), (1080, 1920), (300, 250), (640, 360)]
    assert body.banners[-1].format == "640x360"
    for banner in body.banners:
        image = png_of(base64.b64decode(banner.image.data_base64))
        assert image.size == (banner.image.width, banner.image.height) and image.format == "PNG"
        for text in banner.texts:
            assert inside(text.box, banner.safe_area) and text.contrast_ratio >= 4.5


def test_compose_banner_with_generated_background_and_python_client(server: BentoServer) -> None:
    request = BannerRequest.model_validate(
        banner_payload(background="generated", background_prompt="beach at sunset", seed=3, formats=["landscape"])
    )
    with bentoml.SyncHTTPClient(server.url, timeout=120) as client:
        result = client.compose_banner(request=request)
    body = BannerResponse.model_validate(result)
    assert [(b.image.width, b.image.height) for b in body.banners] == [(1200, 628)]
    assert all(t.contrast_ratio >= 4.5 for t in body.banners[0].texts)


@pytest.mark.parametrize(
    "request_body",
    [
        banner_payload(product_image="bm90IGFuIGltYWdl"),
        banner_payload(formats=["billboard"]),
        banner_payload(background="generated"),
        banner_payload(colours={"primary": "blue"}),
        {"headline": ""},
    ],
    ids=["bad-image", "bad-format", "no-prompt", "bad-colour", "empty-headline"],
)
def test_compose_banner_rejects_bad_requests(server: BentoServer, request_body: dict[str, object]) -> None:
    resp = server.client.post("/compose_banner", json={"request": request_body})
    assert resp.status_code == 400, resp.text


# Failures the fuzzer found, kept as fixed cases (each was a 500 once).
FUZZ_REGRESSIONS = [
    ({"headline": "\u000f", "output_format": "png"}, "headline"),
    ({"headline": "\u200b\u200d"}, "headline"),
    ({"headline": "ok", "cta": "\u0000"}, "cta"),
]


@pytest.mark.parametrize(("request_body", "field"), FUZZ_REGRESSIONS)
def test_unrenderable_text_is_422_naming_the_field(
    server: BentoServer, request_body: dict[str, object], field: str
) -> None:
    resp = server.client.post("/compose_banner", json={"request": request_body})
    assert resp.status_code == 422, resp.text
    assert f"request.{field}" in resp.json()["detail"], resp.text
