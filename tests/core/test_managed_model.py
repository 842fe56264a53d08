"""ManagedModel: a failed first load is retried with back-off; a version that failed is not pulled again.

The S3 case runs against the real moto server: a published version whose archive is corrupted in
the bucket fails its checksum once, and the moto request log shows it was downloaded exactly
once over three refresh polls; the next good version is swapped in as soon as the alias moves.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import bentoml
import pytest

from services.core.artifact_store import ArtifactStore
from services.core.managed_model import ManagedModel
from services.core.settings import PlatformSettings
from tests.support.s3_server import TEST_CREDENTIALS, S3Server


def _read_weights(model: bentoml.Model) -> str:
    return (Path(model.path) / "weights.txt").read_text()


def _toy(name: str, text: str) -> bentoml.Model:
    with bentoml.models.create(name) as model:
        (Path(model.path) / "weights.txt").write_text(text)
    return model


def test_a_failed_first_load_is_retried_with_back_off(tmp_path: Path) -> None:
    name = f"late-model-{uuid.uuid4().hex[:6]}"
    settings = PlatformSettings(
        recommend_model=f"{name}:latest",
        var_dir=tmp_path,
        model_load_backoff_s=0.05,
        model_load_backoff_max_s=0.2,
    )
    managed: ManagedModel[str] = ManagedModel("recommend_model", _read_weights)
    managed.start(settings)
    deadline = time.monotonic() + 10
    while managed.attempts < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert managed.attempts >= 3 and not managed.ready  # nothing to load yet: tried again, not given up
    assert managed.error is not None and name in managed.error
    _toy(name, "arrived late")
    assert managed.wait(10), managed.error
    assert managed.get() == "arrived late" and managed.error is None


def test_a_version_whose_loader_fails_is_not_loaded_again(tmp_path: Path) -> None:
    name = f"bad-loader-{uuid.uuid4().hex[:6]}"
    good = _toy(name, "good")
    settings = PlatformSettings(recommend_model=f"{name}:staging", var_dir=tmp_path)
    store = ArtifactStore(settings)
    store.set_alias(name, "staging", good.tag.version or "")
    calls: list[str] = []

    def loader(model: bentoml.Model) -> str:
        calls.append(str(model.tag))
        text = _read_weights(model)
        if text == "broken":
            raise ValueError("weights do not fit this code")
        return text

    managed: ManagedModel[str] = ManagedModel("recommend_model", loader)
    managed.load_now(settings)
    bad = _toy(name, "broken")
    store.set_alias(name, "staging", bad.tag.version or "")
    assert [managed.refresh(settings) for _ in range(3)] == [False, False, False]
    assert calls.count(str(bad.tag)) == 1 and managed.get() == "good"
    assert str(bad.tag) in managed.failed_versions()


@pytest.fixture
def s3_settings(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[PlatformSettings]:
    for key, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    bucket = f"managed-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(bucket)
    yield PlatformSettings(
        model_store=f"s3://{bucket}/models",
        s3_endpoint_url=s3_server.endpoint,
        s3_backoff_s=0.01,
        recommend_model="",
        var_dir=tmp_path,
    )


def _downloads(s3_server: S3Server, key: str) -> int:
    log = Path(s3_server._log.name).read_text(errors="replace")
    return sum(1 for line in log.splitlines() if '"GET ' in line and key in line)


def test_a_corrupt_version_is_downloaded_once_over_many_refresh_polls(
    s3_settings: PlatformSettings, s3_server: S3Server
) -> None:
    name = f"corrupt-{uuid.uuid4().hex[:6]}"
    settings = s3_settings.model_copy(update={"recommend_model": f"{name}:production"})
    store = ArtifactStore(settings)
    first = _toy(name, "first")
    store.publish(str(first.tag), alias="production")
    managed: ManagedModel[str] = ManagedModel("recommend_model", _read_weights)
    managed.load_now(settings)

    second = _toy(name, "second")
    store.publish(str(second.tag))
    key = store._key(name, f"{second.tag.version}.bentomodel")
    archive = bytearray(store.client.get_object(Bucket=store.bucket, Key=key)["Body"].read())
    archive[len(archive) // 2] ^= 0xFF
    store.client.put_object(Bucket=store.bucket, Key=key, Body=bytes(archive))
    bentoml.models.delete(str(second.tag))  # as on a serving task: only the S3 copy exists
    store.set_alias(name, "production", second.tag.version or "")
    before = _downloads(s3_server, key)
    assert [managed.refresh(settings) for _ in range(3)] == [False, False, False]
    assert _downloads(s3_server, key) - before == 1
    assert managed.get() == "first" and "SHA-256 mismatch" in managed.failed_versions()[str(second.tag)]

    third = _toy(name, "third")
    store.publish(str(third.tag), alias="production")
    assert managed.refresh(settings) and managed.get() == "third"
