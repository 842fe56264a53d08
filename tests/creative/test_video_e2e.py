"""Video jobs over HTTP against a real ``bentoml serve``: submit, poll, download, decode; bad input;
cancellation; a worker killed in the middle of a job.

One server for the module, in S3 mode (moto): the model is pulled from S3, results are stored
there, and ``s3://`` inputs are read from the same bucket. The clips are generated here: moving
shapes over a gradient with an AAC tone, a few frames at a small size.
"""

from __future__ import annotations

import io
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import psutil
import pytest

from services.core.artifact_store import ArtifactStore
from services.core.settings import PlatformSettings
from services.creative.training.samples import product_photo, style_photo
from services.creative.video.clips import moving_shapes
from tests.support.bento_server import BentoServer
from tests.support.s3_server import TEST_CREDENTIALS, S3Server

from .conftest import to_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
TARGET = "services.creative.service:CreativeService"
WIDTH, HEIGHT, FRAMES, FPS = 96, 64, 12, 12


@pytest.fixture(scope="module")
def bucket(s3_server: S3Server) -> str:
    name = f"video-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(name)
    return name


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clips")
    return {
        "short": moving_shapes(folder / "short.mp4", width=WIDTH, height=HEIGHT, frames=FRAMES, fps=FPS),
        "long": moving_shapes(folder / "long.mp4", width=320, height=192, frames=240, fps=24),
        "wide": moving_shapes(folder / "wide.mp4", width=400, height=64, frames=4, fps=FPS, audio=False),
    }


@pytest.fixture(scope="module")
def server(
    tiny_model: str, s3_server: S3Server, bucket: str, base_env: dict[str, str], session_dir: Path
) -> Iterator[BentoServer]:
    with pytest.MonkeyPatch.context() as mp:
        for key, value in TEST_CREDENTIALS.items():
            mp.setenv(key, value)
        store = ArtifactStore(PlatformSettings(model_store=f"s3://{bucket}/models", s3_endpoint_url=s3_server.endpoint))
        store.publish(tiny_model, alias="production")
    env = {
        **base_env,
        **s3_server.env(bucket),
        "BENTOML_HOME": str(session_dir / f"video-home-{bucket}"),
        "ADSERVE_VAR_DIR": str(session_dir / f"video-var-{bucket}"),
        "ADSERVE_CREATIVE_MODEL": "creative-diffusion:production",
        "ADSERVE_CREATIVE_TORCH_THREADS": "1",
        "ADSERVE_CREATIVE_VIDEO_S3_BUCKETS": bucket,
        "ADSERVE_CREATIVE_VIDEO_MAX_SIDE": "320",
    }
    with BentoServer(TARGET, env) as srv:
        yield srv


def submit(server: BentoServer, data: dict[str, str], **files: bytes) -> Any:
    upload = {name: (f"{name}.bin", body, "application/octet-stream") for name, body in files.items()}
    return server.client.post("/style_video/submit", data=data, files=upload or None)


def status(server: BentoServer, task_id: str) -> dict[str, Any]:
    resp = server.client.get("/style_video/status", params={"task_id": task_id})
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def wait_for(server: BentoServer, task_id: str, done: Any, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            body = status(server, task_id)
        except Exception:  # the server is between workers
            time.sleep(0.2)
            continue
        if done(body):
            return body
        time.sleep(0.1)
    raise AssertionError(f"task {task_id} did not get there in {timeout}s: {body}")


def decode(data: bytes) -> dict[str, Any]:
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        audio = container.streams.audio[0] if container.streams.audio else None
        return {
            "codec": video.codec_context.name,
            "frames": len(frames),
            "size": (frames[0].shape[1], frames[0].shape[0]),
            "duration": float(video.duration * video.time_base),
            "fps": float(video.average_rate),
            "audio": audio.codec_context.name if audio else None,
            "audio_duration": float(audio.duration * audio.time_base) if audio else 0.0,
        }


def test_submit_poll_download_decode(server: BentoServer, clips: dict[str, Path], s3_server: S3Server) -> None:
    resp = submit(server, {"preset": "sunset", "strength": "0.9"}, video=clips["short"].read_bytes())
    assert resp.status_code == 200, resp.text
    task_id = resp.json()["task_id"]
    first = status(server, task_id)
    assert first["frames_total"] == FRAMES and first["state"] in {"queued", "running", "completed"}
    final = wait_for(server, task_id, lambda b: b["status"] != "in_progress")
    assert final["status"] == "completed" and final["state"] == "completed", (final, server.log_tail(40))
    assert final["frames_done"] == FRAMES and final["progress"] == 1.0 and final["audio"] == "copied aac"
    result = server.client.get("/style_video/get", params={"task_id": task_id})
    assert result.status_code == 200 and result.headers["content-type"] == "video/mp4"
    out = decode(result.content)
    assert out["codec"] == "h264" and out["frames"] == FRAMES and out["size"] == (WIDTH, HEIGHT)
    assert out["fps"] == pytest.approx(FPS) and out["duration"] == pytest.approx(FRAMES / FPS, abs=0.05)
    assert out["audio"] == "aac" and out["audio_duration"] == pytest.approx(FRAMES / FPS, abs=0.1)
    # the result is kept in the artifact store (S3 here) too
    assert final["result_uri"].startswith("s3://")
    bucket, key = final["result_uri"].removeprefix("s3://").split("/", 1)
    stored = s3_server.client().get_object(Bucket=bucket, Key=key)["Body"].read()
    assert stored == result.content


def test_s3_input_with_a_style_image(
    server: BentoServer, clips: dict[str, Path], s3_server: S3Server, bucket: str
) -> None:
    s3_server.client().put_object(Bucket=bucket, Key="inputs/short.mp4", Body=clips["short"].read_bytes())
    data = {"video_uri": f"s3://{bucket}/inputs/short.mp4", "texture": "0.3"}
    resp = submit(server, data, style=to_bytes(style_photo(), "JPEG"))
    assert resp.status_code == 200, resp.text
    final = wait_for(server, resp.json()["task_id"], lambda b: b["status"] != "in_progress")
    assert final["status"] == "completed", final
    result = server.client.get("/style_video/get", params={"task_id": final["task_id"]})
    assert decode(result.content)["frames"] == FRAMES


def bad_cases(clips: dict[str, Path], bucket: str) -> list[tuple[str, dict[str, str], dict[str, bytes], str]]:
    clip = clips["short"].read_bytes()
    png = to_bytes(product_photo((64, 64)))
    return [
        ("png as video", {"preset": "noir"}, {"video": png}, "not accepted"),
        ("text", {"preset": "noir"}, {"video": b"this is not a video" * 20}, "not a readable video"),
        ("empty", {"preset": "noir"}, {"video": b""}, "empty video"),
        ("truncated", {"preset": "noir"}, {"video": clip[: len(clip) // 2]}, "video"),
        ("too wide", {"preset": "noir"}, {"video": clips["wide"].read_bytes()}, "larger than the limit"),
        ("not multipart", {"preset": "noir"}, {}, "multipart/form-data"),
        ("no video", {}, {"style": png}, "either a video file"),
        ("both sources", {"preset": "noir", "video_uri": f"s3://{bucket}/x.mp4"}, {"video": clip}, "not both"),
        ("no style", {}, {"video": clip}, "style image"),
        ("bad preset", {"preset": "rainbow"}, {"video": clip}, "unknown preset"),
        ("bad style image", {}, {"video": clip, "style": b"junk"}, "style:"),
        ("bad option", {"preset": "noir", "strength": "3"}, {"video": clip}, "strength"),
        ("other bucket", {"video_uri": "s3://elsewhere/a.mp4"}, {"style": png}, "not one the service may read"),
        ("missing object", {"video_uri": f"s3://{bucket}/none.mp4"}, {"style": png}, "no video at"),
        ("not s3", {"video_uri": "https://example.com/a.mp4"}, {"style": png}, "s3://bucket/key"),
        ("video as text", {"preset": "noir", "video": "http://example.com/a.mp4"}, {"style": png}, "file upload"),
    ]


def test_bad_input_is_400_before_any_task(server: BentoServer, clips: dict[str, Path], bucket: str) -> None:
    for name, data, files, message in bad_cases(clips, bucket):
        resp = submit(server, data, **files)
        assert resp.status_code == 400, (name, resp.status_code, resp.text)
        assert message in resp.json()["error"] + resp.json().get("detail", ""), (name, resp.text)
        assert "task_id" not in resp.text, name


def test_the_blocking_route_checks_the_same_and_answers_the_mp4(server: BentoServer, clips: dict[str, Path]) -> None:
    upload = {"video": ("v.mp4", clips["short"].read_bytes(), "video/mp4")}
    resp = server.client.post("/style_video", data={"preset": "pastel"}, files=upload)
    assert resp.status_code == 200 and resp.headers["content-type"] == "video/mp4", resp.text
    assert decode(resp.content)["frames"] == FRAMES
    bad = server.client.post(
        "/style_video",
        data={"preset": "pastel", "video": "http://example.com/a.mp4"},
        files={"style": ("s.png", to_bytes(style_photo()), "image/png")},
    )
    assert bad.status_code == 400 and "file upload" in bad.json()["error"]
    bad = server.client.post(
        "/style_video", data={"preset": "pastel"}, files={"video": ("v.mp4", b"junk" * 99, "video/mp4")}
    )
    assert bad.status_code == 400 and "not a readable video" in bad.json()["error"]


def test_cancel_stops_a_running_job(server: BentoServer, clips: dict[str, Path]) -> None:
    resp = submit(server, {"preset": "ocean"}, video=clips["long"].read_bytes())
    assert resp.status_code == 200, resp.text
    task_id = resp.json()["task_id"]
    wait_for(server, task_id, lambda b: b["state"] == "running" and b["frames_done"] > 0)
    cancel = server.client.put("/style_video/cancel", params={"task_id": task_id})
    assert cancel.status_code == 200, cancel.text
    final = wait_for(server, task_id, lambda b: b["state"] == "canceled")
    assert final["status"] == "canceled" and final["frames_done"] < final["frames_total"]
    again = server.client.put("/style_video/cancel", params={"task_id": task_id})
    assert again.status_code == 409
    assert server.client.put("/style_video/cancel", params={"task_id": "0" * 32}).status_code == 404


def worker_processes(server: BentoServer) -> list[psutil.Process]:
    assert server.proc is not None
    children = psutil.Process(server.proc.pid).children(recursive=True)
    return [p for p in children if "_bentoml_impl.worker" in " ".join(p.cmdline())]


def test_a_job_whose_worker_dies_is_reported_failed(server: BentoServer, clips: dict[str, Path]) -> None:
    resp = submit(server, {"preset": "forest"}, video=clips["long"].read_bytes())
    assert resp.status_code == 200, resp.text
    task_id = resp.json()["task_id"]
    wait_for(server, task_id, lambda b: b["state"] == "running" and b["frames_done"] > 0)
    workers = worker_processes(server)
    assert len(workers) == 1
    workers[0].send_signal(signal.SIGKILL)
    final = wait_for(server, task_id, lambda b: b["status"] != "in_progress", timeout=120)
    assert final["status"] == "failed" and final["state"] == "failed", final
    assert "job lost" in final["error"] and final["frames_done"] < final["frames_total"]
    server.wait_ready(120)
    result = server.client.get("/style_video/get", params={"task_id": task_id})
    assert result.status_code == 500 and "job lost" in result.json()["error"]
