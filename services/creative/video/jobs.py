"""Job records of ``/style_video`` tasks: state, progress, owner process, result, by task id.

BentoML keeps a task's status in its own SQLite result store, but a task whose worker process dies
stays ``in_progress`` there forever, and cancelling a running task is not supported by its local
server. So every job also has a small JSON record under ``<var>/video-jobs/<task_id>.json``, written
atomically (temporary file + rename) only by the process that runs the job:

* ``state``: queued, running, completed, failed, canceled; ``frames_done`` of ``frames_total``;
* the owner: host name, process id and that process's start time (a reused pid is not the owner),
  and ``updated_at``, refreshed at least every ``video_heartbeat_s`` while the job runs;
* ``error`` and ``result_uri`` when it ends.

A job counts as *dead* when it is queued or running and its owner is gone: on this host, its
process no longer exists (or is another process with the same id); elsewhere, its record has not
been refreshed for ``video_stale_after_s``. Cancelling writes a separate marker file
(``<task_id>.cancel``), so the owner, which checks it between frames, never overwrites a request.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import psutil

State = Literal["queued", "running", "completed", "failed", "canceled"]
ACTIVE: frozenset[str] = frozenset({"queued", "running"})
TASK_ID_CHARS = frozenset("0123456789abcdef")


def valid_task_id(task_id: str) -> bool:
    """BentoML task ids are 32 hex characters (uuid4().hex); nothing else names a record file."""
    return len(task_id) == 32 and set(task_id) <= TASK_ID_CHARS


def process_started(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


@dataclass(frozen=True)
class JobRecord:
    task_id: str
    state: State
    frames_done: int = 0
    frames_total: int = 0
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    pid_started: float | None = field(default_factory=lambda: process_started(os.getpid()))
    created_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)
    error: str | None = None
    result_uri: str | None = None
    audio: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def public(self) -> dict[str, Any]:
        """What callers see: progress and outcome, not the owner process."""
        total = self.frames_total
        return {
            "state": self.state,
            "frames_done": self.frames_done,
            "frames_total": total,
            "progress": round(self.frames_done / total, 4) if total else 0.0,
            "error": self.error,
            "result_uri": self.result_uri,
            "audio": self.audio,
        }


class JobBook:
    """Job records in one folder (``<var>/video-jobs``)."""

    def __init__(self, folder: Path, *, stale_after_s: float = 120.0) -> None:
        self.folder = folder
        self.stale_after_s = stale_after_s
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, task_id: str, suffix: str = ".json") -> Path:
        if not valid_task_id(task_id):
            raise KeyError(task_id)
        return self.folder / f"{task_id}{suffix}"

    def write(self, record: JobRecord) -> JobRecord:
        record = replace(record, updated_at=time.time())
        path = self._path(record.task_id)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps(record.as_dict()))
        os.replace(temp, path)
        return record

    def read(self, task_id: str) -> JobRecord | None:
        try:
            data = json.loads(self._path(task_id).read_text())
        except (KeyError, FileNotFoundError, ValueError):
            return None
        return JobRecord(**data)

    def request_cancel(self, task_id: str) -> None:
        self._path(task_id, ".cancel").touch()

    def cancel_requested(self, task_id: str) -> bool:
        try:
            return self._path(task_id, ".cancel").exists()
        except KeyError:
            return False

    def owner_gone(self, record: JobRecord) -> str | None:
        """Why the owner of an active job is gone, or None while it lives (or the job has ended)."""
        if record.state not in ACTIVE:
            return None
        if record.host == socket.gethostname():
            started = process_started(record.pid)
            if started is None:
                return f"the worker process running it (pid {record.pid}) exited before the job finished"
            if record.pid_started is not None and abs(started - record.pid_started) > 1.0:
                return f"the worker process running it (pid {record.pid}) was replaced before the job finished"
            return None
        age = time.time() - record.updated_at
        if age > self.stale_after_s:
            return f"the worker on {record.host} has not reported for {age:.0f} s"
        return None

    def settle(self, record: JobRecord) -> JobRecord:
        """The record, marked failed (and saved) if its owner is gone."""
        reason = self.owner_gone(record)
        if reason is None:
            return record
        return self.write(replace(record, state="failed", error=f"job lost: {reason}"))

    def active(self) -> list[JobRecord]:
        records = []
        for path in self.folder.glob("*.json"):
            record = self.read(path.stem)
            if record is not None and record.state in ACTIVE:
                records.append(record)
        return records
