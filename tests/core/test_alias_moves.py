"""Alias moves against the real S3 server (moto over HTTP): published targets only, conditional writes.

Two publishers that read the alias at the same moment both try to move it; exactly one wins and
the other gets ``AliasConflictError`` naming where the alias points now, so neither overwrites the
other unseen. ``current`` and ``previous`` live in one document, and a rollback is one
conditional write too.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import bentoml
import pytest

from services.core.artifact_store import AliasConflictError, ArtifactNotFoundError, ArtifactStore
from services.core.model_ref import ModelRef
from services.core.settings import PlatformSettings
from tests.support.s3_server import TEST_CREDENTIALS, S3Server


@pytest.fixture
def store(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[ArtifactStore]:
    for key, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    bucket = f"aliases-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(bucket)
    yield ArtifactStore(
        PlatformSettings(model_store=f"s3://{bucket}/models", s3_endpoint_url=s3_server.endpoint, s3_backoff_s=0.01)
    )


def _published(store: ArtifactStore, name: str, count: int) -> list[str]:
    versions = []
    for n in range(count):
        with bentoml.models.create(name, metadata={"n": n}) as model:
            (Path(model.path) / "weights.txt").write_text(str(n))
        store.publish(str(model.tag))
        versions.append(model.tag.version or "")
    return versions


def _document(store: ArtifactStore, name: str, alias: str) -> dict[str, object]:
    body = store.client.get_object(Bucket=store.bucket, Key=store._key(name, "aliases", alias))["Body"].read()
    return json.loads(body)


def test_two_concurrent_publishers_cannot_overwrite_each_other(store: ArtifactStore) -> None:
    name = f"alias-race-{uuid.uuid4().hex[:6]}"
    base, mine, theirs = _published(store, name, 3)
    store.set_alias(name, "production", base)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def publisher(version: str) -> None:
        seen = store.alias_record(name, "production")  # both read the same document ...
        barrier.wait()  # ... before either writes
        try:
            store.move_alias(name, "production", version, seen)
            outcomes[version] = "moved"
        except AliasConflictError as exc:
            outcomes[version] = f"conflict: {exc}"

    threads = [threading.Thread(target=publisher, args=(v,)) for v in (mine, theirs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    winners = [v for v, o in outcomes.items() if o == "moved"]
    assert len(winners) == 1, outcomes
    loser = theirs if winners[0] == mine else mine
    assert outcomes[loser].startswith("conflict:") and winners[0] in outcomes[loser]
    document = _document(store, name, "production")
    assert document["current"] == winners[0] and document["previous"] == base and document["revision"] == 2
    assert store.resolve(ModelRef(name, "production")).version == winners[0]


def test_a_rollback_and_a_stale_update_job_do_not_overwrite_each_other(store: ArtifactStore) -> None:
    name = f"alias-rollback-{uuid.uuid4().hex[:6]}"
    first, second, third = _published(store, name, 3)
    store.set_alias(name, "production", first)
    store.set_alias(name, "production", second)
    job_read = store.alias_record(name, "production")  # the update job starts from `second` ...
    rolled = store.rollback_alias(name, "production")  # ... an operator rolls back meanwhile
    assert (rolled.current, rolled.previous) == (first, second)
    with pytest.raises(AliasConflictError, match=rf"now at {first}"):
        store.move_alias(name, "production", third, job_read)
    assert store.resolve(ModelRef(name, "production")).version == first
    document = _document(store, name, "production")
    assert (document["current"], document["previous"]) == (first, second)
    assert not store.client.list_objects_v2(Bucket=store.bucket, Prefix=store._key(name, "aliases", "previous")).get(
        "KeyCount"
    )


def test_an_alias_only_moves_to_a_published_version(store: ArtifactStore) -> None:
    name = f"alias-target-{uuid.uuid4().hex[:6]}"
    (version,) = _published(store, name, 1)
    with pytest.raises(ArtifactNotFoundError, match="manifest"):
        store.set_alias(name, "production", "20990101-never-published")
    assert store.alias_record(name, "production") is None
    created = store.set_alias(name, "production", version)
    assert (created.current, created.previous, created.revision) == (version, None, 1)
    with pytest.raises(AliasConflictError):  # "not set yet" is a condition too (If-None-Match)
        store.move_alias(name, "production", version, None)


def test_a_bare_version_document_still_resolves(store: ArtifactStore) -> None:
    name = f"alias-legacy-{uuid.uuid4().hex[:6]}"
    old, new = _published(store, name, 2)
    key = store._key(name, "aliases", "production")
    store.client.put_object(Bucket=store.bucket, Key=key, Body=old.encode())
    assert store.resolve(ModelRef(name, "production")).version == old
    moved = store.set_alias(name, "production", new)
    assert (moved.current, moved.previous) == (new, old)


def test_local_store_moves_are_conditional_too(tmp_path: Path) -> None:
    store = ArtifactStore(PlatformSettings(var_dir=tmp_path))
    name = f"alias-local-{uuid.uuid4().hex[:6]}"
    versions = []
    for n in range(2):
        with bentoml.models.create(name, metadata={"n": n}) as model:
            (Path(model.path) / "weights.txt").write_text(str(n))
        versions.append(model.tag.version or "")
    seen = store.alias_record(name, "staging")
    store.move_alias(name, "staging", versions[0], seen)
    with pytest.raises(AliasConflictError):
        store.move_alias(name, "staging", versions[1], seen)
    with pytest.raises(ArtifactNotFoundError):
        store.set_alias(name, "staging", "not-a-version")
    assert store.resolve(ModelRef(name, "staging")).version == versions[0]
