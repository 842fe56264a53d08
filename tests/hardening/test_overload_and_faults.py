"""Overload, killed workers and a slow model store: the services degrade with clear answers, then recover."""

from __future__ import annotations

import json
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import bentoml
import httpx
import psutil
import pytest

from services.core.artifact_store import ArtifactStore
from services.core.settings import PlatformSettings, get_settings
from tests.support.bento_server import BentoServer
from tests.support.s3_server import TEST_CREDENTIALS, S3Server
from tests.support.slow_proxy import SlowProxy

from .conftest import API_KEY, CAPACITY
from .services import ServiceUnderTest

pytestmark = pytest.mark.e2e


AUTH = {"Authorization": f"Bearer {API_KEY}"}


def _latencies(client: httpx.Client, svc: ServiceUnderTest, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        assert client.post(svc.probe_path, json=svc.probe_body, headers=AUTH).status_code == 200
        out.append(time.perf_counter() - t0)
    return out


def test_burst_of_twice_capacity_gets_only_429_or_503_and_recovers(hardened) -> None:  # type: ignore[no-untyped-def]
    svc, server = hardened
    baseline = statistics.median(_latencies(server.client, svc, 15))
    stop = threading.Event()
    live_codes: list[int] = []

    def watch_liveness() -> None:
        with httpx.Client(base_url=server.url, timeout=5) as c:
            while not stop.is_set():
                live_codes.append(c.get("/livez").status_code)
                time.sleep(0.1)

    def hammer(_: int) -> list[tuple[int, str | None, float]]:
        seen = []
        with httpx.Client(base_url=server.url, timeout=30, headers=AUTH) as c:
            deadline = time.monotonic() + 6
            while time.monotonic() < deadline:
                t0 = time.perf_counter()
                r = c.post(svc.probe_path, json=svc.probe_body)
                seen.append((r.status_code, r.headers.get("retry-after"), time.perf_counter() - t0))
        return seen

    watcher = threading.Thread(target=watch_liveness)
    watcher.start()
    with ThreadPoolExecutor(max_workers=2 * CAPACITY) as pool:
        results = [x for batch in pool.map(hammer, range(2 * CAPACITY)) for x in batch]
    stop.set()
    watcher.join()
    codes = {code for code, _, _ in results}
    assert codes <= {200, 429, 503}, codes
    assert 200 in codes and 429 in codes, "2x capacity should both admit and shed requests"
    assert all(retry for code, retry, _ in results if code in (429, 503))
    assert live_codes and set(live_codes) == {200}
    deadline = time.monotonic() + 20
    while True:
        after = statistics.median(_latencies(server.client, svc, 10))
        if after <= max(3 * baseline, baseline + 0.05) or time.monotonic() > deadline:
            break
    recovery_s = time.monotonic() - (deadline - 20)
    assert after <= max(3 * baseline, baseline + 0.05), (baseline, after)
    assert server.proc is not None and server.proc.poll() is None
    admitted = sorted(lat for code, _, lat in results if code == 200)
    figures = {
        "service": svc.name,
        "capacity": CAPACITY,
        "clients": 2 * CAPACITY,
        "requests": len(results),
        "status_counts": {str(c): sum(1 for x, _, _ in results if x == c) for c in sorted(codes)},
        "admitted_p50_ms": round(1000 * admitted[len(admitted) // 2], 1),
        "admitted_p99_ms": round(1000 * admitted[int(0.99 * (len(admitted) - 1))], 1),
        "baseline_p50_ms": round(1000 * baseline, 1),
        "after_p50_ms": round(1000 * after, 1),
        "recovery_s": round(recovery_s, 2),
        "livez_checks": len(live_codes),
    }
    out = get_settings().var_dir / "reports" / "hardening" / f"overload-{svc.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures))


def test_killed_worker_is_restarted_and_serves_again(hardened) -> None:  # type: ignore[no-untyped-def]
    svc, server = hardened
    assert server.proc is not None
    workers = [
        p
        for p in psutil.Process(server.proc.pid).children(recursive=True)
        if "_bentoml_impl.worker" in " ".join(p.cmdline())
    ]
    assert workers, "no worker process found"
    victim = workers[0].pid
    workers[0].kill()
    t0 = time.monotonic()
    while time.monotonic() - t0 < 90:
        try:
            if server.client.post(svc.probe_path, json=svc.probe_body, headers=AUTH, timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    recovered = time.monotonic() - t0
    assert recovered < 90, "service did not answer within 90 s of the worker being killed"
    alive = [p.pid for p in psutil.Process(server.proc.pid).children(recursive=True)]
    assert victim not in alive
    out = get_settings().var_dir / "reports" / "hardening" / f"worker-kill-{svc.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"service": svc.name, "answering_again_after_s": round(recovered, 2)}))


def test_slow_model_store_gives_retries_then_readyz_false(
    recommend_model: bentoml.Model,
    s3_server: S3Server,
    base_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    bucket = f"slow-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(bucket)
    ArtifactStore(PlatformSettings(model_store=f"s3://{bucket}/models", s3_endpoint_url=s3_server.endpoint)).publish(
        str(recommend_model.tag), alias="production"
    )
    with SlowProxy(s3_server.port, delay=3.0) as proxy:
        env = {
            **base_env,
            **s3_server.env(bucket),
            "ADSERVE_S3_ENDPOINT_URL": proxy.url,
            "BENTOML_HOME": str(tmp_path / "home"),
            "ADSERVE_RECOMMEND_MODEL": "recommend-lightfm:production",
            "ADSERVE_S3_READ_TIMEOUT_S": "1",
            "ADSERVE_S3_MAX_ATTEMPTS": "2",
        }
        with BentoServer("services.recommend.service:RecommendService", env, wait="live") as srv:
            deadline = time.monotonic() + 60
            while "failed to load" not in srv.log_text() and time.monotonic() < deadline:
                time.sleep(0.3)
            log = srv.log_text()
            assert "unavailable after 2 attempts" in log  # botocore retried, then the clear error
            assert not srv.is_ready() and srv.client.get("/livez").status_code == 200
