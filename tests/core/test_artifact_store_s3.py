"""Publish and pull through a real S3-compatible server over HTTP; every integrity failure is refused."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import bentoml
import pytest

from services.core.artifact_store import (
    ArtifactIntegrityError,
    ArtifactNotFoundError,
    ArtifactStore,
    ArtifactStoreUnavailableError,
)
from services.core.settings import PlatformSettings
from tests.support.ports import free_port
from tests.support.s3_server import TEST_CREDENTIALS, S3Server


@pytest.fixture
def store(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[ArtifactStore]:
    for key, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    bucket = f"models-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(bucket)
    yield ArtifactStore(
        PlatformSettings(model_store=f"s3://{bucket}/models", s3_endpoint_url=s3_server.endpoint, s3_max_attempts=2)
    )


def _toy_model(name: str = "toy-model") -> bentoml.Model:
    with bentoml.models.create(name, metadata={"metrics": {"acc": 0.9}}) as model:
        (Path(model.path) / "weights.txt").write_text("w" * 1000)
    return model


def _put(store: ArtifactStore, name: str, version: str, archive: bytes, manifest_bytes: bytes | None = None) -> None:
    manifest = {"name": name, "version": version, "sha256": hashlib.sha256(archive).hexdigest(), "size": len(archive)}
    store.client.put_object(Bucket=store.bucket, Key=store._key(name, f"{version}.bentomodel"), Body=archive)
    store.client.put_object(
        Bucket=store.bucket,
        Key=store._key(name, f"{version}.manifest.json"),
        Body=manifest_bytes if manifest_bytes is not None else json.dumps(manifest).encode(),
    )


def test_publish_then_pull_into_an_empty_store(store: ArtifactStore) -> None:
    model = _toy_model()
    published = store.publish(str(model.tag), alias="production")
    keys = {o["Key"] for o in store.client.list_objects_v2(Bucket=store.bucket)["Contents"]}
    version = model.tag.version
    assert {
        f"models/toy-model/{version}.bentomodel",
        f"models/toy-model/{version}.manifest.json",
        "models/toy-model/aliases/production",
    } <= keys
    assert published.uri.endswith(f"{version}.bentomodel") and len(published.sha256) == 64
    bentoml.models.delete(str(model.tag))
    pulled = store.pull("toy-model:production")
    assert pulled.tag == model.tag
    assert (Path(pulled.path) / "weights.txt").read_text() == "w" * 1000
    assert store.list_remote_versions("toy-model") == [version]


def test_checksum_mismatch_is_refused(store: ArtifactStore) -> None:
    model = _toy_model("toy-corrupt")
    store.publish(str(model.tag))
    key = store._key("toy-corrupt", f"{model.tag.version}.bentomodel")
    data = bytearray(store.client.get_object(Bucket=store.bucket, Key=key)["Body"].read())
    data[len(data) // 2] ^= 0xFF
    store.client.put_object(Bucket=store.bucket, Key=key, Body=bytes(data))
    bentoml.models.delete(str(model.tag))
    with pytest.raises(ArtifactIntegrityError, match=rf"toy-corrupt:{model.tag.version}.*SHA-256 mismatch"):
        store.pull(str(model.tag))
    assert store.local_model(model.tag) is None  # type: ignore[arg-type]


def test_truncated_archive_is_refused(store: ArtifactStore) -> None:
    model = _toy_model("toy-trunc")
    store.publish(str(model.tag))
    key = store._key("toy-trunc", f"{model.tag.version}.bentomodel")
    data = store.client.get_object(Bucket=store.bucket, Key=key)["Body"].read()
    store.client.put_object(Bucket=store.bucket, Key=key, Body=data[: len(data) // 2])
    with pytest.raises(ArtifactIntegrityError, match="truncated"):
        store.pull(str(model.tag), force=True)
    # a truncated archive whose manifest was written for the truncated bytes is still refused
    _put(store, "toy-trunc2", "v1", data[: len(data) // 2])
    with pytest.raises(ArtifactIntegrityError, match=r"not a readable model archive|no model\.yaml"):
        store.pull("toy-trunc2:v1")


def test_wrong_format_is_refused(store: ArtifactStore) -> None:
    _put(store, "toy-format", "v1", b"PK\x03\x04 this is not a tar archive" * 20)
    with pytest.raises(ArtifactIntegrityError, match="not a readable model archive"):
        store.pull("toy-format:v1")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("weights.bin")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    _put(store, "toy-format", "v2", buf.getvalue())
    with pytest.raises(ArtifactIntegrityError, match=r"no model\.yaml"):
        store.pull("toy-format:v2")


def test_path_traversal_member_is_refused_before_anything_is_written(store: ArtifactStore, tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, body in (("model.yaml", b"name: evil\n"), ("../../evil.txt", b"owned")):
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    _put(store, "toy-evil", "v1", buf.getvalue())
    with pytest.raises(ArtifactIntegrityError, match="unsafe member path"):
        store.pull("toy-evil:v1")
    from bentoml._internal.configuration.containers import BentoMLContainer

    home = Path(BentoMLContainer.bentoml_home.get())
    assert not (home.parent / "evil.txt").exists() and not (home / "evil.txt").exists()


def test_unreadable_manifest_and_missing_alias(store: ArtifactStore) -> None:
    _put(store, "toy-manifest", "v1", b"x", manifest_bytes=b"{not json")
    with pytest.raises(ArtifactIntegrityError, match="unreadable manifest"):
        store.pull("toy-manifest:v1")
    with pytest.raises(ArtifactNotFoundError, match="alias toy-manifest:production is not set"):
        store.pull("toy-manifest:production")
    with pytest.raises(ArtifactNotFoundError, match="not found"):
        store.pull("toy-manifest:v9")


def test_store_down_gives_retries_then_a_clear_error() -> None:
    down = ArtifactStore(
        PlatformSettings(
            model_store="s3://bucket/models",
            s3_endpoint_url=f"http://127.0.0.1:{free_port()}",
            s3_max_attempts=3,
            s3_connect_timeout_s=0.5,
        )
    )
    with pytest.raises(ArtifactStoreUnavailableError, match="unavailable after 3 attempts"):
        down.pull("anything:v1")
