"""Check an input video before any work starts: container, codec, size, rate, duration, integrity.

Everything is read with PyAV (FFmpeg inside the wheel). The whole video stream is demuxed (packets,
not pixels: fast) so that a truncated file is found here and not after minutes of work, and the
first frame is decoded. Every refusal is a ``VideoInputError`` with a message for the caller.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from ..settings import CreativeSettings


class VideoInputError(ValueError):
    """The input is not a video this service accepts; the message says why."""


@dataclass(frozen=True)
class VideoInfo:
    container: str
    codec: str
    width: int
    height: int
    fps: float
    frames: int
    duration_s: float
    size_bytes: int
    audio_codec: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def frame_rate(stream: Any) -> Fraction | None:
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    return Fraction(rate) if rate else None


def probe_video(path: Path, settings: CreativeSettings) -> VideoInfo:
    """Describe the video at ``path`` or raise ``VideoInputError`` (limits are ``settings.video_*``)."""
    size = path.stat().st_size
    if size == 0:
        raise VideoInputError("empty video file")
    if size > settings.video_max_bytes:
        raise VideoInputError(f"video file has {size} bytes, more than the limit of {settings.video_max_bytes}")
    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise VideoInputError(f"not a readable video file ({_reason(exc)})") from None
    with container:
        return _describe(container, size, settings)


def _describe(container: Any, size: int, settings: CreativeSettings) -> VideoInfo:
    demuxers = set(container.format.name.split(","))
    if not demuxers & set(settings.video_formats):
        raise VideoInputError(
            f"container '{container.format.name}' is not accepted (accepted: {', '.join(settings.video_formats)})"
        )
    if not container.streams.video:
        raise VideoInputError("the file has no video stream")
    stream = container.streams.video[0]
    codec = stream.codec_context.name
    if codec not in settings.video_codecs:
        raise VideoInputError(f"video codec '{codec}' is not accepted (accepted: {', '.join(settings.video_codecs)})")
    width, height = stream.codec_context.width, stream.codec_context.height
    if width <= 0 or height <= 0:
        raise VideoInputError("the video stream has no frame size")
    if max(width, height) > settings.video_max_side:
        raise VideoInputError(f"video is {width}x{height}, larger than the limit of {settings.video_max_side} pixels")
    rate = frame_rate(stream)
    if rate is None or rate <= 0:
        raise VideoInputError("the video stream has no frame rate")
    if float(rate) > settings.video_max_fps:
        raise VideoInputError(f"video has {float(rate):.2f} frames/s, more than the limit of {settings.video_max_fps}")
    declared = _declared_duration(container, stream)
    if declared is not None and declared > settings.video_max_duration_s:
        raise VideoInputError(
            f"video lasts {declared:.2f} s, longer than the limit of {settings.video_max_duration_s} s"
        )
    packets = _count_packets(container, stream, size, settings.video_max_frames)
    if packets == 0:
        raise VideoInputError("the video stream holds no frames")
    duration = declared if declared is not None else packets / float(rate)
    if duration > settings.video_max_duration_s:
        raise VideoInputError(
            f"video lasts {duration:.2f} s, longer than the limit of {settings.video_max_duration_s} s"
        )
    _decode_first_frame(container)
    audio = container.streams.audio[0].codec_context.name if container.streams.audio else None
    return VideoInfo(
        container=container.format.name,
        codec=codec,
        width=width,
        height=height,
        fps=float(rate),
        frames=packets,
        duration_s=round(duration, 3),
        size_bytes=size,
        audio_codec=audio,
    )


def _declared_duration(container: Any, stream: Any) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _count_packets(container: Any, stream: Any, size: int, max_frames: int) -> int:
    """Video packets with data, every stream demuxed to the end.

    A read error is a corrupt file. A stream with fewer packets than its index declares, or a
    packet that the index places past the end of the file, is a truncated one (the demuxer stops
    quietly at the end of the data).
    """
    counts = dict.fromkeys(range(len(container.streams)), 0)
    try:
        for packet in container.demux():
            if not packet.size:
                continue
            if packet.pos is not None and packet.pos >= 0 and packet.pos + packet.size > size:
                raise VideoInputError("truncated video: the file ends inside its last frames")
            counts[packet.stream.index] += 1
            if counts[stream.index] > max_frames:
                raise VideoInputError(f"video has more than the limit of {max_frames} frames")
    except av.FFmpegError as exc:
        raise VideoInputError(f"corrupt or truncated video ({_reason(exc)})") from None
    for other in container.streams:
        if other.type in ("video", "audio") and other.frames and counts[other.index] < other.frames:
            raise VideoInputError(
                f"truncated video: {counts[other.index]} of {other.frames} {other.type} packets are in the file"
            )
    return counts[stream.index]


def _decode_first_frame(container: Any) -> None:
    try:
        container.seek(0)
        for _frame in container.decode(video=0):
            return
    except av.FFmpegError as exc:
        raise VideoInputError(f"corrupt video: the first frame does not decode ({_reason(exc)})") from None
    raise VideoInputError("corrupt video: no frame decodes")


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).split(": '")[0]
