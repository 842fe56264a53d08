"""Synthetic clips for tests, benchmarks and examples, written with PyAV.

``moving_shapes``: shapes crossing a colour gradient while the light slowly changes and, halfway,
a large bright shape enters (what makes per-frame colour statistics jump), with a sine tone as
AAC audio. Deterministic for a given size, frame count and seed.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np


def moving_shapes_frame(index: int, frames: int, width: int, height: int, seed: int = 0) -> np.ndarray:
    """Frame ``index`` of ``frames``: RGB ``uint8`` (H, W, 3)."""
    t = index / max(1, frames - 1)
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    xs = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    light = 0.85 + 0.15 * np.sin(2 * np.pi * t)
    image = np.stack(
        [60 + 150 * xs + 0 * ys, 90 + 100 * ys + 0 * xs, 170 - 90 * xs * ys],
        axis=-1,
    )
    image = (image * light).astype(np.float32)
    rng = np.random.default_rng(seed)
    speeds = rng.uniform(0.4, 1.0, 3)
    side = min(width, height)
    cx = int(width * (0.15 + 0.7 * ((t * speeds[0]) % 1.0)))
    cv2.circle(image, (cx, int(height * 0.35)), max(2, side // 7), (230, 60, 40), -1, cv2.LINE_AA)
    x0 = int(width * (0.8 - 0.6 * t * speeds[1]))
    y0 = int(height * (0.55 + 0.1 * np.sin(3 * np.pi * t)))
    cv2.rectangle(image, (x0, y0), (x0 + side // 4, y0 + side // 5), (250, 220, 70), -1, cv2.LINE_AA)
    if t > 0.5:  # a big bright panel slides in: the frame's colour statistics change a lot
        edge = int(width * (1.0 - (t - 0.5) * 1.2))
        cv2.rectangle(image, (edge, 0), (width, height // 2), (245, 245, 250), -1)
    noise = rng.normal(0, 2.0, image.shape).astype(np.float32)  # a little sensor noise, fixed per seed
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def moving_shapes(
    path: Path,
    *,
    width: int = 160,
    height: int = 96,
    frames: int = 24,
    fps: int = 12,
    audio: bool = True,
    codec: str = "libx264",
    seed: int = 0,
) -> Path:
    """Write the clip to ``path`` (MP4: H.264 + AAC tone at 440 Hz when ``audio``)."""
    with av.open(str(path), mode="w", format="mp4") as out:
        video = out.add_stream(codec, rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        if codec == "libx264":
            video.options = {"preset": "ultrafast", "crf": "18"}
        tone = None
        if audio:
            tone = out.add_stream("aac", rate=48_000)
            tone.bit_rate = 96_000
        for index in range(frames):
            frame = av.VideoFrame.from_ndarray(moving_shapes_frame(index, frames, width, height, seed), format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if tone is not None:
            rate, block = 48_000, 1024
            total = int(rate * frames / fps)
            for start in range(0, total, block):
                n = min(block, total - start)
                samples = 0.2 * np.sin(2 * np.pi * 440 * (np.arange(start, start + n) / rate))
                frame = av.AudioFrame.from_ndarray(samples.astype(np.float32)[None, :], format="fltp", layout="mono")
                frame.sample_rate, frame.pts = rate, start
                out.mux(tone.encode(frame))
            out.mux(tone.encode(None))
    return path
