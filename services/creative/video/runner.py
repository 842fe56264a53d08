"""Running one ``/style_video`` job: inputs, a slot, the job record, the pipeline, the result.

``VideoJobs.run`` is what the service's task method calls. It keeps the job record (``jobs``) up to
date from queued to completed, failed or canceled, waits for one of ``video_max_running_jobs``
slots (checking for cancellation while it waits), reads the input (upload or ``s3://``), probes it,
stylizes it and keeps the result in the artifact store (``results``).
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import bentoml
from PIL import Image

from services.core.settings import PlatformSettings, get_settings

from ..image_io import read_upload
from ..settings import CreativeSettings, get_creative_settings
from .jobs import JobBook, JobRecord
from .pipeline import JobCanceledError, VideoResult, VideoStyleOptions, stylize_video
from .presets import PRESETS, preset_image
from .probe import VideoInputError, probe_video
from .results import ResultStore

log = logging.getLogger(__name__)
SLOT_POLL_S = 0.5
RECORD_EVERY_S = 0.25


@dataclass(frozen=True)
class VideoInput:
    """Where the video and the style come from (exactly one of each, or a prompt instead of a style)."""

    video: Path | None = None
    video_uri: str | None = None
    style: Path | bytes | None = None
    preset: str | None = None


def check_choices(source: VideoInput, options: VideoStyleOptions) -> None:
    """Exactly one video source, and a style image or a preset unless a prompt is given."""
    if (source.video is None) == (source.video_uri is None):
        raise VideoInputError("send either a video file ('video') or an s3:// URI ('video_uri'), not both or neither")
    if source.style is not None and source.preset is not None:
        raise VideoInputError("send either a style image ('style') or a preset name ('preset'), not both")
    if options.prompt is None and source.style is None and source.preset is None:
        raise VideoInputError("a style image ('style'), a preset name ('preset') or a diffusion prompt is needed")
    if source.preset is not None and source.preset not in PRESETS:
        raise VideoInputError(f"unknown preset '{source.preset}' (presets: {', '.join(sorted(PRESETS))})")


def style_image(source: VideoInput) -> Image.Image | None:
    if source.preset is not None:
        return preset_image(source.preset)
    if source.style is None:
        return None
    try:
        return read_upload(source.style)
    except ValueError as exc:
        raise VideoInputError(f"style: {exc}") from None


def is_random_model(tag: str) -> bool:
    """True for the tiny random pipeline, which paints noise (per-frame diffusion needs real weights)."""
    try:
        return bentoml.models.get(tag).info.labels.get("kind") == "tiny-random"
    except bentoml.exceptions.NotFound:
        return False


class VideoJobs:
    """The video jobs of one worker process."""

    def __init__(self, settings: CreativeSettings | None = None, platform: PlatformSettings | None = None) -> None:
        self.settings = settings or get_creative_settings()
        self.platform = platform or get_settings()
        self.book = JobBook(self.platform.var_dir / "video-jobs", stale_after_s=self.settings.video_stale_after_s)
        self.results = ResultStore(self.platform)
        self.slots = threading.BoundedSemaphore(self.settings.video_max_running_jobs)

    def fetch(self, source: VideoInput, folder: Path) -> Path:
        if source.video is not None:
            if not source.video.is_file():
                raise VideoInputError("expected a video file upload")
            return source.video
        return self.results.fetch(str(source.video_uri), folder / "input", self.settings)

    def sweep(self) -> list[JobRecord]:
        """Mark the active jobs whose owner is gone as failed; returns them (called at start-up)."""
        lost = []
        for record in self.book.active():
            settled = self.book.settle(record)
            if settled.state == "failed":
                log.warning("video job %s: %s", settled.task_id, settled.error)
                lost.append(settled)
        return lost

    def run(
        self,
        task_id: str | None,
        source: VideoInput,
        options: VideoStyleOptions,
        output_dir: Path,
        engine: Callable[[], Any] | None = None,
    ) -> VideoResult:
        """Run one job to its end; the record says how it ended. Raises what stopped it."""
        task_id = task_id or uuid.uuid4().hex
        existing = self.book.read(task_id)
        record = self.book.write(JobRecord(task_id, "queued", frames_total=existing.frames_total if existing else 0))
        try:
            check_choices(source, options)
            self._wait_for_slot(task_id)
            try:
                result = self._work(record, source, options, output_dir, engine)
            finally:
                self.slots.release()
        except JobCanceledError:
            self.book.write(replace(self.book.read(task_id) or record, state="canceled", error="canceled by request"))
            raise
        except VideoInputError as exc:
            self.book.write(replace(self.book.read(task_id) or record, state="failed", error=str(exc)))
            raise
        except Exception as exc:
            log.exception("video job %s failed", task_id)
            self.book.write(
                replace(
                    self.book.read(task_id) or record, state="failed", error=f"internal error ({type(exc).__name__})"
                )
            )
            raise
        return result

    def _wait_for_slot(self, task_id: str) -> None:
        while not self.slots.acquire(timeout=SLOT_POLL_S):
            if self.book.cancel_requested(task_id):
                raise JobCanceledError("canceled while queued")
        if self.book.cancel_requested(task_id):
            self.slots.release()
            raise JobCanceledError("canceled while queued")

    def _work(
        self,
        record: JobRecord,
        source: VideoInput,
        options: VideoStyleOptions,
        output_dir: Path,
        engine: Callable[[], Any] | None,
    ) -> VideoResult:
        task_id = record.task_id
        with tempfile.TemporaryDirectory(prefix="adserve-video-in-") as tmp:
            path = self.fetch(source, Path(tmp))
            info = probe_video(path, self.settings)
            style = style_image(source)
            diffusion = None
            if options.prompt is not None:
                diffusion = engine() if engine is not None else None
                if diffusion is None or is_random_model(diffusion.tag):
                    raise VideoInputError(
                        "per-frame diffusion needs real weights; the configured creative model is the tiny random "
                        "pipeline (use a style image or preset, or configure real weights)"
                    )
            state = {"record": self.book.write(replace(record, state="running", frames_total=info.frames)), "at": 0.0}

            def progress(done: int, total: int) -> None:
                now = time.monotonic()
                if now - state["at"] >= RECORD_EVERY_S or done == total:
                    state["record"] = self.book.write(replace(state["record"], frames_done=done, frames_total=total))
                    state["at"] = now

            output = output_dir / f"{task_id}.mp4"
            result = stylize_video(
                path,
                output,
                style,
                options,
                self.settings,
                engine=diffusion,
                info=info,
                on_progress=progress,
                should_stop=lambda: self.book.cancel_requested(task_id),
            )
        uri = self.results.put(task_id, output)
        self.book.write(
            replace(
                state["record"],
                state="completed",
                frames_done=result.frames,
                frames_total=result.frames,
                result_uri=uri,
                audio=result.audio,
            )
        )
        log.info(
            "video job %s: %d frames in %.1f s (%.1f frames/s), %s",
            task_id,
            result.frames,
            result.seconds,
            result.frames_per_s,
            uri,
        )
        return result
