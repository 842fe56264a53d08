"""Decoding frames and writing H.264 MP4 with the source's audio, with PyAV.

* ``read_frames``: the first video stream as RGB ``uint8`` arrays, in presentation order.
* ``H264Writer``: RGB frames in, H.264 (libx264, yuv420p, CRF) at the source's average frame rate
  out (constant frame rate: frame ``i`` is shown at ``i / fps``). yuv420p needs even sides, so an
  odd width or height loses its last column or row.
* ``add_audio``: the encoded video and the source's first audio stream muxed into the final MP4,
  interleaved by time. AAC and MP3 are copied as they are; any other audio codec is re-encoded to AAC.
  The audio is cut at the end of the video.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

COPYABLE_AUDIO = {"aac", "mp3"}
AAC_BIT_RATE = 160_000


def even_size(width: int, height: int) -> tuple[int, int]:
    return width - width % 2, height - height % 2


def read_frames(path: Path) -> Iterator[np.ndarray]:
    """RGB frames (H, W, 3) ``uint8`` of the first video stream."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            yield frame.to_ndarray(format="rgb24")


class H264Writer:
    """``with H264Writer(path, width, height, fps) as w: w.write(rgb)``; video only (see ``add_audio``)."""

    def __init__(self, path: Path, width: int, height: int, fps: float, *, crf: int = 20, preset: str = "veryfast"):
        self.path = path
        self.width, self.height = even_size(width, height)
        self.rate = Fraction(fps).limit_denominator(1001)
        self.container: Any = av.open(str(path), mode="w", format="mp4")
        self.stream: Any = self.container.add_stream("libx264", rate=self.rate)
        self.stream.width, self.stream.height = self.width, self.height
        self.stream.pix_fmt = "yuv420p"
        self.stream.options = {"crf": str(crf), "preset": preset}
        self.frames = 0

    def write(self, rgb: np.ndarray) -> None:
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb[: self.height, : self.width]), format="rgb24")
        frame.pts = self.frames
        frame.time_base = 1 / self.rate
        self.container.mux(self.stream.encode(frame))
        self.frames += 1

    def close(self) -> None:
        if self.container is not None:
            self.container.mux(self.stream.encode(None))
            self.container.close()
            self.container = None

    def __enter__(self) -> H264Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def add_audio(video_path: Path, source_path: Path, out_path: Path) -> str | None:
    """Mux ``video_path`` with the first audio stream of ``source_path`` into ``out_path``.

    Returns what happened to the audio: ``"copied <codec>"``, ``"re-encoded <codec> to aac"``,
    or None when the source has no audio (the video is remuxed alone).
    """
    with (
        av.open(str(video_path)) as video_in,
        av.open(str(source_path)) as source,
        av.open(str(out_path), mode="w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        v_in = video_in.streams.video[0]
        v_out = out.add_stream_from_template(v_in)
        end_s = float(v_in.duration * v_in.time_base) if v_in.duration else None
        streams: list[Iterator[tuple[float, int, Any, Any]]] = [_timed(video_in.demux(v_in), v_out, 0)]
        outcome = None
        if source.streams.audio:
            a_in = source.streams.audio[0]
            name = a_in.codec_context.name
            name = "mp3" if name.startswith("mp3") else name  # the decoder may be called mp3float
            if name in COPYABLE_AUDIO:
                streams.append(_timed(source.demux(a_in), out.add_stream_from_template(a_in), 1, end_s))
                outcome = f"copied {name}"
            else:
                a_out = out.add_stream("aac", rate=a_in.codec_context.sample_rate or 48_000)
                a_out.bit_rate = AAC_BIT_RATE
                streams.append(_reencoded(source, a_in, a_out, end_s))
                outcome = f"re-encoded {name} to aac"
        for _, _, packet, stream in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
            packet.stream = stream
            out.mux(packet)
        return outcome


def _timed(
    packets: Iterator[Any], out_stream: Any, order: int, end_s: float | None = None
) -> Iterator[tuple[float, int, Any, Any]]:
    for packet in packets:
        if packet.dts is None or not packet.size:
            continue
        at = float(packet.dts * packet.time_base)
        if end_s is not None and packet.pts is not None and float(packet.pts * packet.time_base) >= end_s:
            break
        yield at, order, packet, out_stream


def _reencoded(source: Any, a_in: Any, a_out: Any, end_s: float | None) -> Iterator[tuple[float, int, Any, Any]]:
    resampler = av.AudioResampler(
        format="fltp", layout=a_out.codec_context.layout, rate=a_out.codec_context.sample_rate
    )
    done = False
    for frame in source.decode(a_in):
        if end_s is not None and frame.time is not None and frame.time >= end_s:
            done = True
        frames = [] if done else resampler.resample(frame)
        for packet in _encode_all(a_out, frames):
            yield float(packet.dts * packet.time_base), 1, packet, a_out
        if done:
            break
    for packet in _encode_all(a_out, [*resampler.resample(None), None]):
        yield float(packet.dts * packet.time_base), 1, packet, a_out


def _encode_all(stream: Any, frames: list[Any]) -> Iterator[Any]:
    for frame in frames:
        for packet in stream.encode(frame):
            if packet.dts is not None:
                yield packet
