"""HTTP around the ``/style_video`` task routes that BentoML generates (an ASGI middleware).

BentoML's ``<route>/submit`` stores the request and answers a task id at once; the work, and so
any validation, happens later. Three routes get more here, everything else passes through:

* ``POST <route>/submit`` (and the blocking ``POST <route>``): the form is checked before the task
  is created: one video source, one style, valid options, a style image that decodes, and the
  video probed with PyAV (container, codec, size, rate, duration, truncation; ``probe``). A bad
  request is a 400 with a message and no task. An accepted one gets its job record (queued, with
  the frame count) at once.
* ``GET <route>/status``: BentoML's answer plus the job record: ``state``, ``frames_done``,
  ``frames_total``, ``progress``, ``error``, ``result_uri``. A job whose worker died is reported
  ``failed`` (and BentoML's own record is corrected, so ``/get`` answers the error).
* ``PUT <route>/cancel``: marks the job for cancellation (the worker stops between two frames);
  404 for an unknown task, 409 for one that has already ended.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.requests import Request

from services.core.middleware import replay_body, send_json

from .jobs import ACTIVE, JobRecord
from .pipeline import VideoStyleOptions
from .probe import VideoInfo, VideoInputError, probe_video
from .results import VideoSourceUnavailableError
from .runner import VideoInput, VideoJobs, check_choices, style_image
from .task_store import mark_canceled, mark_failed

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
log = logging.getLogger(__name__)
FILE_FIELDS = ("video", "style")


class VideoJobsMiddleware:
    def __init__(self, app: ASGIApp, route: str = "/style_video") -> None:
        self.app = app
        self.route = route.rstrip("/")
        self._jobs: VideoJobs | None = None

    @property
    def jobs(self) -> VideoJobs:
        if self._jobs is None:
            self._jobs = VideoJobs()
        return self._jobs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path, method = scope.get("path", ""), scope.get("method", "GET")
            if path == f"{self.route}/submit" and method == "POST":
                await self._submit(scope, receive, send, record=True)
                return
            if path == self.route and method == "POST":  # the blocking call BentoML generates too
                await self._submit(scope, receive, send, record=False)
                return
            if path == f"{self.route}/status" and method == "GET":
                await self._status(scope, receive, send)
                return
            if path == f"{self.route}/cancel" and method == "PUT":
                await self._cancel(scope, send)
                return
        await self.app(scope, receive, send)

    # ------------------------------------------------------------------ submit
    async def _submit(self, scope: Scope, receive: Receive, send: Send, *, record: bool) -> None:
        body = await _read_all(receive)
        try:
            info = await self._check(scope, body)
        except VideoInputError as exc:
            await send_json(send, 400, {"error": str(exc)})
            return
        except ValidationError as exc:
            await send_json(send, 400, {"error": "invalid video job options", "detail": _errors(exc)})
            return
        except VideoSourceUnavailableError as exc:
            await send_json(send, 503, {"error": str(exc)})
            return
        if not record:
            await self.app(scope, replay_body(body, receive), send)
            return
        captured: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.body":
                captured.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._record_submitted(b"".join(captured), info)
            await send(message)

        await self.app(scope, replay_body(body, receive), capture)

    async def _check(self, scope: Scope, body: bytes) -> VideoInfo:
        request = Request(scope, replay_body(body, _disconnect))
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith("multipart/form-data"):
            raise VideoInputError("send the job as multipart/form-data (a 'video' file or 'video_uri', and a style)")
        form = await request.form()
        try:
            fields = {k: v for k, v in form.multi_items() if not isinstance(v, UploadFile)}
            files = {k: v for k, v in form.multi_items() if isinstance(v, UploadFile)}
            unexpected = set(files) - set(FILE_FIELDS)
            if unexpected:
                raise VideoInputError(f"unexpected file field(s): {', '.join(sorted(unexpected))}")
            for name in FILE_FIELDS:
                if name in fields:
                    raise VideoInputError(f"'{name}' must be a file upload (use 'video_uri' for an s3:// video)")
                if len(form.getlist(name)) > 1:
                    raise VideoInputError(f"send one '{name}' file, not several")
            options = VideoStyleOptions.model_validate(
                {k: v for k, v in fields.items() if k in VideoStyleOptions.model_fields}
            )
            with tempfile.TemporaryDirectory(prefix="adserve-video-check-") as tmp:
                video_path = None
                if "video" in files:
                    video_path = Path(tmp) / "video"
                    video_path.write_bytes(await files["video"].read())
                style = await files["style"].read() if "style" in files else None
                source = VideoInput(video_path, _text(fields.get("video_uri")), style, _text(fields.get("preset")))
                return await asyncio.to_thread(self._probe, source, options, Path(tmp))
        finally:
            await form.close()

    def _probe(self, source: VideoInput, options: VideoStyleOptions, folder: Path) -> VideoInfo:
        check_choices(source, options)
        style_image(source)
        return probe_video(self.jobs.fetch(source, folder), self.jobs.settings)

    def _record_submitted(self, body: bytes, info: VideoInfo) -> None:
        try:
            task_id = json.loads(body)["task_id"]
            self.jobs.book.write(JobRecord(task_id, "queued", frames_total=info.frames))
        except (ValueError, KeyError, TypeError):
            log.warning("video submit answered without a task id: %r", body[:200])

    # ------------------------------------------------------------------ status
    async def _status(self, scope: Scope, receive: Receive, send: Send) -> None:
        task_id = _task_id(scope)
        record = self.jobs.book.read(task_id) if task_id else None
        if record is not None:
            settled = self.jobs.book.settle(record)
            if settled.state == "failed" and record.state in ACTIVE:
                await mark_failed({settled.task_id: settled.error or "job lost"})
            record = settled
        start: Message = {}
        chunks: list[bytes] = []

        async def enrich(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            payload = b"".join(chunks)
            if record is not None and int(start.get("status", 500)) == 200:
                payload = json.dumps(self._status_body(json.loads(payload), record)).encode()
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(payload)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": payload})

        await self.app(scope, receive, enrich)

    def _status_body(self, body: dict[str, Any], record: JobRecord) -> dict[str, Any]:
        """BentoML's status and the job record together.

        ``status`` stays BentoML's (``/get`` answers once it is final), except that a cancelled
        job reads ``canceled`` and a lost one ``failed``. A job that has ended while BentoML is
        still storing its answer reads state ``finishing``.
        """
        body.update(record.public())
        if record.state == "canceled" or (record.state in ACTIVE and self.jobs.book.cancel_requested(record.task_id)):
            body["status"] = "canceled"
            if record.state in ACTIVE:
                body["state"] = "canceling"
        elif record.state == "failed" and (record.error or "").startswith("job lost"):
            body["status"] = "failed"
        elif record.state in ("completed", "failed") and body.get("status") == "in_progress":
            body["state"] = "finishing"
        return body

    # ------------------------------------------------------------------ cancel
    async def _cancel(self, scope: Scope, send: Send) -> None:
        task_id = _task_id(scope)
        if not task_id:
            await send_json(send, 400, {"error": "task_id is required"})
            return
        record = self.jobs.book.read(task_id)
        if record is None:
            await send_json(send, 404, {"error": "task_id not found"})
            return
        record = self.jobs.book.settle(record)
        if record.state not in ACTIVE:
            await send_json(send, 409, {"error": f"task {task_id} has already ended ({record.state})"})
            return
        self.jobs.book.request_cancel(task_id)
        await mark_canceled(task_id)
        await send_json(send, 200, {"task_id": task_id, "status": "canceled", "state": "canceling"})


def _task_id(scope: Scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("task_id")
    return values[0] if values else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())


async def _read_all(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _disconnect() -> Message:
    return {"type": "http.disconnect"}
