"""Synthetic clips for tests, benchmarks and examples, written with PyAV.

* ``moving_shapes``: shapes crossing a colour gradient while the light slowly changes, a green
  "sale" badge that blinks (on three frames, off three) and, halfway, a large bright panel sliding
  in: what makes per-frame colour statistics jump. A sine tone as AAC audio.
* ``catalogue_pan``: a camera panning and slowly zooming across a shelf of real catalogue items
  (Fashion-MNIST articles, tinted) on a studio background, with the same blinking badge.
Deterministic for given sizes, frame counts and seeds.
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
    blink_badge(image, index)
    noise = rng.normal(0, 2.0, image.shape).astype(np.float32)  # a little sensor noise, fixed per seed
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def blink_badge(image: np.ndarray, index: int) -> None:
    """Draw the blinking badge (on for three frames, off for three) into ``image`` in place."""
    if (index // 3) % 2 == 1:
        height, width = image.shape[:2]
        cv2.rectangle(image, (width // 16, height * 5 // 9), (width * 6 // 16, height * 17 // 18), (30, 200, 90), -1)


def catalogue_frames(items: list[np.ndarray], frames: int, width: int, height: int) -> list[np.ndarray]:
    """A pan with a slow zoom across ``items`` (RGB uint8 pictures of one height) laid side by side."""
    gap = items[0].shape[0] // 8
    shelf_h = items[0].shape[0] + 2 * gap
    shelf_w = sum(item.shape[1] for item in items) + gap * (len(items) + 1)
    ys = np.linspace(0, 1, shelf_h, dtype=np.float32)[:, None, None]
    shelf = (np.array([236, 232, 226], np.float32) - 30 * ys) * np.ones((1, shelf_w, 1), np.float32)
    x = gap
    for item in items:
        shelf[gap : gap + item.shape[0], x : x + item.shape[1]] = item
        x += item.shape[1] + gap
    shelf = shelf.astype(np.uint8)
    out = []
    for index in range(frames):
        t = index / max(1, frames - 1)
        view_h = shelf_h * (1.0 - 0.25 * t)  # zoom in by a quarter over the clip
        view_w = view_h * width / height
        left = (shelf_w - view_w) * t
        top = (shelf_h - view_h) / 2
        crop = shelf[int(top) : int(top + view_h), int(left) : int(left + view_w)]
        frame = cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA)
        blink_badge(frame, index)
        out.append(frame)
    return out


def moving_shapes(
    path: Path,
    *,
    width: int = 160,
    height: int = 96,
    frames: int = 24,
    fps: int = 12,
    audio: bool = True,
    codec: str = "libx264",
    audio_codec: str = "aac",
    container: str = "mp4",
    seed: int = 0,
) -> Path:
    """Write the clip to ``path`` (by default MP4: H.264 + an AAC tone at 440 Hz when ``audio``)."""
    with av.open(str(path), mode="w", format=container) as out:
        video = out.add_stream(codec, rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        if codec == "libx264":
            video.options = {"preset": "ultrafast", "crf": "18"}
        tone, resampler = None, None
        if audio:
            tone = out.add_stream(audio_codec, rate=48_000)
            if audio_codec == "aac":
                tone.bit_rate = 96_000
            wanted = tone.codec_context.format.name
            resampler = None if wanted == "fltp" else av.AudioResampler(format=wanted, layout="mono", rate=48_000)
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
                for ready in resampler.resample(frame) if resampler else [frame]:
                    out.mux(tone.encode(ready))
            out.mux(tone.encode(None))
    return path
