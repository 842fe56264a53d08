"""Integrity checks for model archives before they are imported into the model store.

An archive is refused when its checksum or size differs from the manifest, when it is not a
tar archive, when a member would land outside the store (absolute path, ``..``, links), or
when it lacks BentoML's ``model.yaml``.
"""

from __future__ import annotations

import hashlib
import tarfile
from pathlib import Path, PurePosixPath


class ArtifactIntegrityError(RuntimeError):
    """An artifact failed verification; the message names the artifact and the reason."""


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def verify_checksum(path: Path, expected_sha256: str, expected_size: int | None, label: str) -> None:
    size = path.stat().st_size
    if expected_size is not None and size != expected_size:
        raise ArtifactIntegrityError(
            f"{label}: size {size} bytes differs from the manifest's {expected_size} (truncated or altered)"
        )
    actual = sha256_file(path)
    if actual != expected_sha256:
        raise ArtifactIntegrityError(
            f"{label}: SHA-256 mismatch (manifest {expected_sha256[:12]}…, file {actual[:12]}…)"
        )


def verify_archive_members(path: Path, label: str) -> None:
    """Refuse archives that are not tar, are truncated, or have members escaping the target folder."""
    try:
        with tarfile.open(path, "r:*") as tar:
            members = tar.getmembers()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ArtifactIntegrityError(f"{label}: not a readable model archive ({exc})") from exc
    if not members:
        raise ArtifactIntegrityError(f"{label}: empty archive")
    has_manifest = False
    for member in members:
        name = PurePosixPath(member.name)
        if name.is_absolute() or ".." in name.parts:
            raise ArtifactIntegrityError(f"{label}: unsafe member path {member.name!r}")
        if member.issym() or member.islnk() or member.isdev() or member.isfifo():
            raise ArtifactIntegrityError(f"{label}: member {member.name!r} is a link or special file")
        if name.name == "model.yaml" and len(name.parts) <= 2:
            has_manifest = True
    if not has_manifest:
        raise ArtifactIntegrityError(f"{label}: archive has no model.yaml (wrong format)")
