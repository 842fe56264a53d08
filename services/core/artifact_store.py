"""Artifact store: BentoML models published to and pulled from S3 (or any S3-compatible server).

Layout under ``s3://BUCKET/PREFIX``::

    <name>/<version>.bentomodel        the archive from ``bentoml.models.export_model``
    <name>/<version>.manifest.json     SHA-256, size, metadata and lineage of that archive
    <name>/aliases/<alias>             the alias document: current and previous version (``aliases``)

Uploads and downloads go through boto3's transfer manager. A pull verifies size, checksum and
archive members before ``bentoml.models.import_model`` touches the local store. Moving an alias
checks that the target version is published (its manifest) and is a conditional write of the alias
document (``If-Match`` / ``If-None-Match``), so concurrent movers cannot overwrite each other unseen.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import bentoml
from bentoml.exceptions import NotFound as BentoNotFound

from .aliases import AliasConflictError, AliasRecord, first_record, read_local, with_token, write_local
from .archive_check import ArtifactIntegrityError, sha256_file, verify_archive_members, verify_checksum
from .bentoml_compat import bentoml_home
from .model_ref import ModelRef
from .settings import PlatformSettings, get_settings

log = logging.getLogger(__name__)
T = TypeVar("T")


class ArtifactNotFoundError(LookupError):
    """A model, version or alias that exists neither locally nor in the remote store."""


class ArtifactStoreUnavailableError(RuntimeError):
    """The remote store did not answer after all retries."""


__all__ = [
    "AliasConflictError",
    "AliasRecord",
    "ArtifactIntegrityError",
    "ArtifactNotFoundError",
    "ArtifactStore",
    "ArtifactStoreUnavailableError",
    "PublishedArtifact",
]


@dataclass(frozen=True)
class PublishedArtifact:
    name: str
    version: str
    uri: str
    sha256: str
    size: int
    alias: str | None


class ArtifactStore:
    """Local BentoML model store, optionally backed by an S3 bucket."""

    def __init__(self, settings: PlatformSettings | None = None) -> None:
        self.settings = settings or get_settings()
        self._client: Any = None

    # ------------------------------------------------------------------ S3 plumbing
    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config

            cfg = Config(
                region_name=self.settings.s3_region,
                connect_timeout=self.settings.s3_connect_timeout_s,
                read_timeout=self.settings.s3_read_timeout_s,
                retries={"max_attempts": self.settings.s3_max_attempts, "mode": self.settings.s3_retry_mode},
            )
            self._client = boto3.client("s3", endpoint_url=self.settings.s3_endpoint_url, config=cfg)
        return self._client

    def _key(self, *parts: str) -> str:
        _, prefix = self.settings.s3_bucket_and_prefix
        return "/".join(p for p in (prefix, *parts) if p)

    @property
    def bucket(self) -> str:
        return self.settings.s3_bucket_and_prefix[0]

    def call(self, what: str, fn: Callable[[], T]) -> T:
        """Run an S3 call; botocore retries it (``ADSERVE_S3_RETRY_MODE``, ``ADSERVE_S3_MAX_ATTEMPTS``).

        A missing key is ``ArtifactNotFoundError``; a failure left after botocore's retries (server
        errors, throttling, connection problems) is ``ArtifactStoreUnavailableError``.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn()
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}:
                raise ArtifactNotFoundError(f"{what}: not found in {self.settings.model_store}") from exc
            if code not in {"500", "502", "503", "504", "SlowDown", "InternalError", "RequestTimeout"}:
                raise
            err: Exception = exc
        except BotoCoreError as exc:
            err = exc
        attempts = self.settings.s3_max_attempts
        raise ArtifactStoreUnavailableError(
            f"{what}: model store {self.settings.model_store} unavailable after {attempts} attempts ({err})"
        ) from err

    def _require_s3(self) -> None:
        if not self.settings.uses_s3:
            raise ValueError("this operation needs ADSERVE_MODEL_STORE=s3://bucket/prefix")

    # ------------------------------------------------------------------ aliases
    def _local_alias_path(self, name: str, alias: str) -> Path:
        return bentoml_home() / "aliases" / name / alias

    def resolve(self, ref: ModelRef) -> ModelRef:
        """Turn an alias into a concrete version (remote alias first, then local alias, then latest)."""
        if not ref.is_alias:
            return ref
        if ref.version == "previous":
            raise ArtifactNotFoundError(
                f"{ref}: 'previous' is kept in each alias document; use alias_record(name, alias).previous"
            )
        if self.settings.uses_s3:
            record = self.alias_record(ref.name, ref.version, remote_only=True)
            if record is not None:
                return ModelRef(ref.name, record.current)
            if ref.version != "latest":
                raise ArtifactNotFoundError(f"alias {ref} is not set in {self.settings.model_store}")
        local = read_local(self._local_alias_path(ref.name, ref.version))
        if local is not None:
            return ModelRef(ref.name, local.current)
        if ref.version == "latest":
            if self.settings.uses_s3:
                versions = self.list_remote_versions(ref.name)
                if versions:
                    return ModelRef(ref.name, versions[-1])
            try:
                return ModelRef(ref.name, bentoml.models.get(f"{ref.name}:latest").tag.version or "")
            except BentoNotFound:
                raise ArtifactNotFoundError(f"model {ref.name} has no version in the local store") from None
        raise ArtifactNotFoundError(f"alias {ref} is not set")

    def alias_record(self, name: str, alias: str, *, remote_only: bool = False) -> AliasRecord | None:
        """The alias document (with its write token), from S3 when configured, else local; None if unset."""
        if self.settings.uses_s3:
            try:
                obj = self.call(
                    f"alias {name}:{alias}",
                    lambda: self.client.get_object(Bucket=self.bucket, Key=self._key(name, "aliases", alias)),
                )
            except ArtifactNotFoundError:
                return None
            return AliasRecord.from_bytes(obj["Body"].read(), token=str(obj["ETag"]))
        if remote_only:
            return None
        return read_local(self._local_alias_path(name, alias))

    def set_alias(self, name: str, alias: str, version: str) -> AliasRecord:
        """Move an alias to a published version; fails with ``AliasConflictError`` if it moves meanwhile."""
        return self.move_alias(name, alias, version, self.alias_record(name, alias))

    def rollback_alias(self, name: str, alias: str) -> AliasRecord:
        """Swap the alias's current and previous versions (one conditional write)."""
        record = self.alias_record(name, alias)
        if record is None:
            raise ArtifactNotFoundError(f"alias {name}:{alias} is not set")
        return self._write_alias(name, alias, record.rolled_back(), record)

    def move_alias(self, name: str, alias: str, version: str, expected: AliasRecord | None) -> AliasRecord:
        """Point ``alias`` at ``version`` if the alias is still ``expected`` (None: not set yet).

        ``expected`` is the document the caller read and based its decision on; if anyone moved the
        alias since, nothing is written and ``AliasConflictError`` says where it points now.
        """
        if alias in {"latest", "previous"}:
            raise ValueError(f"'{alias}' is not a movable alias")
        self._require_version(name, version)
        record = expected.moved_to(version) if expected is not None else first_record(version)
        return self._write_alias(name, alias, record, expected)

    def _require_version(self, name: str, version: str) -> None:
        """An alias may only point at a version whose manifest is published (local store: the model)."""
        if self.settings.uses_s3:
            self.call(
                f"manifest of {name}:{version}",
                lambda: self.client.head_object(Bucket=self.bucket, Key=self._key(name, f"{version}.manifest.json")),
            )
        elif self.local_model(ModelRef(name, version)) is None:
            raise ArtifactNotFoundError(f"model {name}:{version} is not in the local store")

    def _write_alias(self, name: str, alias: str, record: AliasRecord, expected: AliasRecord | None) -> AliasRecord:
        local = self._local_alias_path(name, alias)
        if not self.settings.uses_s3:
            written = write_local(local, record, expected)
        else:
            written = self._put_alias(name, alias, record, expected)
            write_local(local, written, None, check=False)  # a local copy of the remote document
        log.info(
            "alias %s:%s -> %s (previous %s, revision %d)",
            name,
            alias,
            record.current,
            record.previous,
            record.revision,
        )
        return written

    def _put_alias(self, name: str, alias: str, record: AliasRecord, expected: AliasRecord | None) -> AliasRecord:
        from botocore.exceptions import ClientError

        key = self._key(name, "aliases", alias)
        condition = {"IfMatch": expected.token} if expected is not None and expected.token else {"IfNoneMatch": "*"}
        try:
            answer = self.call(
                f"set alias {name}:{alias}",
                lambda: self.client.put_object(
                    Bucket=self.bucket, Key=key, Body=record.to_bytes(), ContentType="application/json", **condition
                ),
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in {
                "PreconditionFailed",
                "412",
                "ConditionalRequestConflict",
            }:
                raise
            now = self.alias_record(name, alias)
            if now is not None and (now.revision, now.updated_at, now.updated_by) == (
                record.revision,
                record.updated_at,
                record.updated_by,
            ):
                return now  # our own write, answered late and retried
            where = f"now at {now.current} (revision {now.revision}, by {now.updated_by})" if now else "deleted"
            raise AliasConflictError(f"alias {name}:{alias} was moved by someone else meanwhile: {where}") from None
        return with_token(record, str(answer["ETag"]))

    def list_remote_versions(self, name: str) -> list[str]:
        """Published versions of a model, oldest first (by manifest creation time)."""
        self._require_s3()
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._key(name) + "/")
        found = []
        for page in pages:
            for obj in page.get("Contents", []):
                key = obj["Key"]
                if key.endswith(".manifest.json"):
                    found.append((obj["LastModified"], key.rsplit("/", 1)[-1].removesuffix(".manifest.json")))
        return [v for _, v in sorted(found)]

    # ------------------------------------------------------------------ publish / pull
    def publish(self, ref_text: str, alias: str | None = None) -> PublishedArtifact:
        """Export a local model and upload it with its SHA-256 manifest; optionally move an alias."""
        from boto3.s3.transfer import TransferConfig

        self._require_s3()
        model = bentoml.models.get(str(self.resolve(ModelRef.parse(ref_text))))
        name, version = model.tag.name, model.tag.version or ""
        with tempfile.TemporaryDirectory(prefix="adserve-publish-") as tmp:
            archive = Path(tmp) / f"{version}.bentomodel"
            bentoml.models.export_model(model.tag, str(archive))
            digest, size = sha256_file(archive), archive.stat().st_size
            key = self._key(name, f"{version}.bentomodel")
            self.call(
                f"upload {name}:{version}",
                lambda: self.client.upload_file(
                    str(archive), self.bucket, key, Config=TransferConfig(multipart_threshold=64 * 1024 * 1024)
                ),
            )
        manifest = {
            "name": name,
            "version": version,
            "sha256": digest,
            "size": size,
            "published_at": datetime.now(UTC).isoformat(),
            "metadata": _jsonable(model.info.metadata),
            "labels": dict(model.info.labels),
        }
        self.call(
            f"upload manifest {name}:{version}",
            lambda: self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(name, f"{version}.manifest.json"),
                Body=json.dumps(manifest, indent=2).encode(),
                ContentType="application/json",
            ),
        )
        if alias:
            self.set_alias(name, alias, version)
        uri = f"s3://{self.bucket}/{key}"
        log.info("published %s:%s to %s (sha256 %s, %d bytes)", name, version, uri, digest, size)
        return PublishedArtifact(name, version, uri, digest, size, alias)

    def local_model(self, ref: ModelRef) -> bentoml.Model | None:
        try:
            return bentoml.models.get(str(ref))
        except BentoNotFound:
            return None

    def pull(self, ref_text: str, force: bool = False) -> bentoml.Model:
        """Resolve, download, verify and import a model; returns the local BentoML model."""
        from boto3.s3.transfer import TransferConfig

        self._require_s3()
        ref = self.resolve(ModelRef.parse(ref_text))
        if not force and (existing := self.local_model(ref)) is not None:
            return existing
        label = f"artifact {ref} from {self.settings.model_store}"
        body = self.call(
            f"manifest of {ref}",
            lambda: self.client.get_object(Bucket=self.bucket, Key=self._key(ref.name, f"{ref.version}.manifest.json")),
        )
        try:
            manifest = json.loads(body["Body"].read())
            expected_sha, expected_size = str(manifest["sha256"]), int(manifest["size"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ArtifactIntegrityError(f"{label}: unreadable manifest ({exc})") from exc
        with tempfile.TemporaryDirectory(prefix="adserve-pull-") as tmp:
            archive = Path(tmp) / f"{ref.version}.bentomodel"
            self.call(
                f"download {ref}",
                lambda: self.client.download_file(
                    self.bucket,
                    self._key(ref.name, f"{ref.version}.bentomodel"),
                    str(archive),
                    Config=TransferConfig(multipart_threshold=64 * 1024 * 1024),
                ),
            )
            verify_checksum(archive, expected_sha, expected_size, label)
            verify_archive_members(archive, label)
            if force and self.local_model(ref) is not None:
                bentoml.models.delete(str(ref))
            model = bentoml.models.import_model(str(archive))
        if model.tag.name != ref.name or model.tag.version != ref.version:
            bentoml.models.delete(str(model.tag))
            raise ArtifactIntegrityError(f"{label}: archive holds {model.tag}, not {ref}")
        log.info("pulled and verified %s (sha256 %s)", ref, expected_sha[:12])
        return model

    def ensure_local(self, ref_text: str) -> bentoml.Model:
        """The model for a reference: local when present, else pulled from S3 when configured."""
        ref = ModelRef.parse(ref_text)
        if self.settings.uses_s3:
            return self.pull(str(ref))
        resolved = self.resolve(ref)
        model = self.local_model(resolved)
        if model is None:
            raise ArtifactNotFoundError(
                f"model {resolved} is not in the local store; train it (scripts/cli.py) or set ADSERVE_MODEL_STORE"
            )
        return model


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))
