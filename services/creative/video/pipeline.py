"""One video through the style transfer: decode, stylize frame by frame steadily, encode, add audio.

``stylize_video`` is plain model code: no HTTP, no job records. It reports ``(frames_done,
frames_total)`` through ``on_progress`` after every frame and stops with ``JobCanceledError`` as
soon as ``should_stop()`` is true (checked between frames).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image
from pydantic import BaseModel, Field

from ..settings import CreativeSettings
from .media import H264Writer, add_audio, even_size, read_frames
from .probe import VideoInfo, probe_video
from .temporal import DiffusionStyler, FlowBlender, FrameStyler, ReinhardStyler, to_uint8


class JobCanceledError(RuntimeError):
    """The job was cancelled between two frames."""


class VideoStyleOptions(BaseModel):
    """How a video is stylized (the fields of ``/style_video`` other than the files)."""

    strength: float = Field(1.0, ge=0.0, le=1.0, description="0 keeps the input, 1 the full transfer.")
    texture: float = Field(0.0, ge=0.0, le=1.0, description="Move the fine-detail energy toward the style's.")
    smoothing: float = Field(
        0.88, ge=0.0, le=0.99, description="Weight of the past in the moving average of colour statistics."
    )
    flow_blend: float = Field(
        0.97,
        ge=0.0,
        le=0.99,
        description="Weight of the previous output, warped by optical flow, where motion is trusted.",
    )
    prompt: str | None = Field(None, min_length=1, max_length=500, description="Diffusion image-to-image per frame.")
    diffusion_strength: float = Field(0.35, ge=0.01, le=1.0)
    steps: int | None = Field(None, ge=1, le=500)
    guidance_scale: float | None = Field(None, ge=0.0, le=100.0)
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Diffusion seed: the same starting noise for every frame.")


@dataclass(frozen=True)
class VideoResult:
    path: Path
    frames: int
    width: int
    height: int
    fps: float
    duration_s: float
    audio: str | None
    seconds: float

    @property
    def frames_per_s(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0


def make_styler(options: VideoStyleOptions, style: Image.Image | None, engine: Any | None) -> FrameStyler:
    if options.prompt is not None:
        if engine is None:
            raise ValueError("a prompt needs the diffusion model")
        return DiffusionStyler(
            engine,
            prompt=options.prompt,
            strength=options.diffusion_strength,
            steps=options.steps,
            guidance=options.guidance_scale,
            seed=options.seed,
            smoothing=options.smoothing,
        )
    if style is None:
        raise ValueError("a style image or preset is needed")
    return ReinhardStyler(style, strength=options.strength, texture=options.texture, smoothing=options.smoothing)


def make_blender(options: VideoStyleOptions, settings: CreativeSettings) -> FlowBlender:
    """The flow blender; it also tracks motion for the Reinhard styler's statistics when they are smoothed."""
    return FlowBlender(
        options.flow_blend,
        flow_side=settings.video_flow_side,
        threshold=settings.video_flow_agreement,
        track=options.prompt is None and options.smoothing > 0,
    )


def stylize_video(
    source: Path,
    output: Path,
    style: Image.Image | None,
    options: VideoStyleOptions,
    settings: CreativeSettings,
    *,
    engine: Any | None = None,
    info: VideoInfo | None = None,
    on_progress: Callable[[int, int], None] = lambda done, total: None,
    should_stop: Callable[[], bool] = lambda: False,
) -> VideoResult:
    """Stylize ``source`` into ``output`` (MP4, H.264, the source's audio); see the module docstring."""
    info = info or probe_video(source, settings)
    styler = make_styler(options, style, engine)
    blender = make_blender(options, settings)
    width, height = even_size(info.width, info.height)
    started = time.perf_counter()
    done = 0
    with tempfile.TemporaryDirectory(prefix="adserve-video-") as tmp:
        silent = Path(tmp) / "video.mp4"
        with H264Writer(
            silent, info.width, info.height, info.fps, crf=settings.video_crf, preset=settings.video_x264_preset
        ) as writer:
            for frame in read_frames(source):
                if should_stop():
                    raise JobCanceledError("canceled")
                writer.write(to_uint8(blender(frame, styler(frame, blender.motion(frame)))))
                done += 1
                on_progress(done, max(done, info.frames))
        audio = add_audio(silent, source, output)
    seconds = time.perf_counter() - started
    return VideoResult(output, done, width, height, info.fps, round(done / info.fps, 3), audio, seconds)
