"""Alias documents: where an alias points now (``current``) and where it pointed before (``previous``).

One JSON document per alias, ``{"current", "previous", "revision", "updated_at", "updated_by"}``,
so a rollback target can never drift from the alias it belongs to. Every move is a
compare-and-set against the document the mover read: in S3 a conditional ``PutObject``
(``If-Match`` with the ETag read, ``If-None-Match: *`` for a new alias); in the local store a
revision check under an exclusive file lock. The revision grows with every move, so two
documents never have the same bytes (and an S3 ETag never comes back after A -> B -> A).
A document that is a bare version string (the layout before alias documents) reads as
``current`` with no ``previous``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


class AliasConflictError(RuntimeError):
    """The alias moved between reading it and writing it: someone else's move is not overwritten."""


@dataclass(frozen=True)
class AliasRecord:
    """One alias document, and the token the next conditional write must present."""

    current: str
    previous: str | None = None
    revision: int = 0
    updated_at: str = ""
    updated_by: str = ""
    token: str | None = None  # S3 ETag, or the local revision as text

    def moved_to(self, version: str) -> AliasRecord:
        """The document after moving to ``version`` (the old current becomes previous)."""
        previous = self.current if version != self.current else self.previous
        return AliasRecord(version, previous, self.revision + 1, _now(), _writer())

    def rolled_back(self) -> AliasRecord:
        """The document after a rollback: current and previous swap."""
        if not self.previous:
            raise ValueError("the alias has no previous version to roll back to")
        return AliasRecord(self.previous, self.current, self.revision + 1, _now(), _writer())

    def to_bytes(self) -> bytes:
        body = {
            "current": self.current,
            "previous": self.previous,
            "revision": self.revision,
            "updated_at": self.updated_at,
            "updated_by": self.updated_by,
        }
        return json.dumps(body, indent=2).encode()

    @classmethod
    def from_bytes(cls, data: bytes, token: str | None = None) -> AliasRecord:
        text = data.decode().strip()
        if not text.startswith("{"):
            return cls(current=text, token=token)
        body = json.loads(text)
        return cls(
            current=str(body["current"]),
            previous=str(body["previous"]) if body.get("previous") else None,
            revision=int(body.get("revision", 0)),
            updated_at=str(body.get("updated_at", "")),
            updated_by=str(body.get("updated_by", "")),
            token=token,
        )


def first_record(version: str) -> AliasRecord:
    return AliasRecord(version, None, 1, _now(), _writer())


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _writer() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# ------------------------------------------------------------------ local documents
@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def read_local(path: Path) -> AliasRecord | None:
    if not path.exists():
        return None
    record = AliasRecord.from_bytes(path.read_bytes())
    return with_token(record, str(record.revision))


def write_local(path: Path, record: AliasRecord, expected: AliasRecord | None, *, check: bool = True) -> AliasRecord:
    """Replace the local document atomically if it is still ``expected`` (None: must not exist)."""
    with _locked(path):
        now = read_local(path)
        if check:
            seen = now.token if now is not None else None
            wanted = expected.token if expected is not None else None
            if seen != wanted:
                moved = f"now at {now.current} (revision {now.revision})" if now else "deleted"
                raise AliasConflictError(f"alias {path.parent.name}:{path.name} was moved meanwhile: {moved}")
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_bytes(record.to_bytes())
        os.replace(temp, path)
    return with_token(record, str(record.revision))


def with_token(record: AliasRecord, token: str | None) -> AliasRecord:
    """``record`` carrying the token of the write that stored it."""
    return AliasRecord(
        record.current, record.previous, record.revision, record.updated_at, record.updated_by, token=token
    )
