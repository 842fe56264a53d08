"""Video style transfer benchmark: flicker against naive per-frame transfer, frames per second on CPU.

``python -m scripts.bench.video [--frames 48] [--strip docs/creative/video_strip.png]``

Clips (``services.creative.video.clips``): ``shapes`` (moving shapes over a gradient, changing
light, a blinking badge, a panel sliding in) and ``catalogue`` (a pan and zoom across real
Fashion-MNIST catalogue items, the same badge), both 320x180. For each clip and style preset:

* flicker (``video.metrics.flicker``: mean absolute difference between consecutive output frames
  after warping by the input's DIS optical flow, trusted pixels only) of naive per-frame
  transfer (``style_transfer.style_transfer`` on every frame) and of the project's transfer
  (smoothed statistics + flow blending, default options), the input's own flicker (the floor),
  and how far the project's frames are from the naive ones (mean absolute difference);
* stylization frames per second of both, in-process.

End to end (``stylize_video``: decode, stylize, H.264 encode, audio mux) frames per second at
320x180, 640x360 and 1280x720. Writes a Markdown table to stdout and ``var/reports/bench/video.md``,
the numbers to ``var/reports/bench/video.json``, and a strip of frames (input / naive / project)
to ``--strip``.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from services.core.settings import get_settings
from services.creative.settings import CreativeSettings
from services.creative.style_transfer import style_transfer
from services.creative.training.samples import fashion_items
from services.creative.video.clips import catalogue_frames, moving_shapes, moving_shapes_frame
from services.creative.video.flow import grey, warp
from services.creative.video.metrics import dis_flow, flicker, mean_abs_diff
from services.creative.video.pipeline import VideoStyleOptions, make_blender, stylize_video
from services.creative.video.presets import preset_image
from services.creative.video.temporal import ReinhardStyler, to_uint8

SIZE = (320, 180)
TINTS = ((40, 60, 120), (150, 40, 50), (30, 110, 60), (120, 80, 20), (90, 30, 110), (20, 20, 20))


def clips(frames: int) -> dict[str, list[np.ndarray]]:
    width, height = SIZE
    data_dir = get_settings().data_dir
    items = [np.asarray(fashion_items(data_dir, count=6, side=200, tint=t)[i][1]) for i, t in enumerate(TINTS)]
    return {
        "shapes": [moving_shapes_frame(i, frames, width, height) for i in range(frames)],
        "catalogue": catalogue_frames(items, frames, width, height),
    }


def naive(frames: list[np.ndarray], style: Image.Image) -> list[np.ndarray]:
    return [np.asarray(style_transfer(Image.fromarray(f), style)) for f in frames]


def project(frames: list[np.ndarray], style: Image.Image, options: VideoStyleOptions) -> list[np.ndarray]:
    styler = ReinhardStyler(style, strength=options.strength, texture=options.texture, smoothing=options.smoothing)
    blender = make_blender(options, CreativeSettings())
    return [to_uint8(blender(f, styler(f, blender.motion(f)))) for f in frames]


def timed(fn, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - started


def flicker_rows(frames: int, presets: list[str]) -> tuple[list[dict[str, object]], dict[str, list[np.ndarray]]]:
    options = VideoStyleOptions()
    rows, strip = [], {}
    for clip_name, inputs in clips(frames).items():
        floor = flicker(inputs, inputs)
        for preset in presets:
            style = preset_image(preset)
            base, base_s = timed(naive, inputs, style)
            ours, ours_s = timed(project, inputs, style, options)
            base_f, ours_f = flicker(base, inputs), flicker(ours, inputs)
            rows.append(
                {
                    "clip": clip_name,
                    "preset": preset,
                    "frames": len(inputs),
                    "input_flicker": round(floor, 3),
                    "naive_flicker": round(base_f, 3),
                    "project_flicker": round(ours_f, 3),
                    "ratio": round(ours_f / base_f, 3),
                    "project_vs_naive_mad": round(mean_abs_diff(ours, base), 3),
                    "naive_fps": round(len(inputs) / base_s, 1),
                    "project_fps": round(len(inputs) / ours_s, 1),
                }
            )
            if clip_name == "catalogue" and preset == presets[0]:
                strip = {"input": inputs, "naive per-frame": base, "project": ours}
    return rows, strip


def end_to_end(sizes: list[tuple[int, int]], frames: int) -> list[dict[str, object]]:
    settings = CreativeSettings()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-video-") as tmp:
        for width, height in sizes:
            source = moving_shapes(Path(tmp) / f"in-{width}.mp4", width=width, height=height, frames=frames, fps=24)
            result = stylize_video(
                source, Path(tmp) / f"out-{width}.mp4", preset_image("sunset"), VideoStyleOptions(), settings
            )
            rows.append(
                {
                    "size": f"{width}x{height}",
                    "frames": result.frames,
                    "seconds": round(result.seconds, 2),
                    "fps": round(result.frames_per_s, 2),
                    "audio": result.audio,
                }
            )
    return rows


def change_map(frames: list[np.ndarray], inputs: list[np.ndarray], index: int, gain: float = 8.0) -> np.ndarray:
    """|frame - previous frame warped onto it| (the flicker metric's per-pixel term), times ``gain``."""
    if index == 0:
        return np.zeros_like(frames[0])
    flow = dis_flow(grey(inputs[index - 1]), grey(inputs[index]))
    diff = np.abs(warp(frames[index - 1], flow).astype(np.float32) - frames[index].astype(np.float32)).mean(axis=2)
    level = np.clip(diff * gain, 0, 255).astype(np.uint8)
    return np.repeat(level[..., None], 3, axis=2)


def save_strip(strip: dict[str, list[np.ndarray]], path: Path, picks: int = 6) -> None:
    """Rows input / naive / project, then each method's warped change from the previous frame (x8)."""
    total = len(next(iter(strip.values())))
    indices = [round(i * (total - 1) / (picks - 1)) for i in range(picks)]
    indices = sorted({*indices[:3], indices[2] + 1, indices[2] + 2, indices[2] + 3})[:picks]
    inputs = strip["input"]
    rows = []
    labelled: list[tuple[str, list[np.ndarray]]] = [
        (label, [frames[i] for i in indices]) for label, frames in strip.items()
    ]
    for label in ("naive per-frame", "project"):
        labelled.append((f"{label}: change x8", [change_map(strip[label], inputs, i) for i in indices]))
    for label, frames in labelled:
        row = np.concatenate(frames, axis=1).copy()
        cv2.rectangle(row, (0, 0), (8 + 8 * len(label), 18), (0, 0, 0), -1)
        cv2.putText(row, label, (4, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (255, 255, 255), 1, cv2.LINE_AA)
        rows.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.concatenate(rows, axis=0)).save(path, optimize=True)


def table(rows: list[dict[str, object]], e2e: list[dict[str, object]]) -> str:
    lines = [
        "| clip | preset | input flicker | naive flicker | project flicker | project / naive | project vs naive (MAD) "
        "| naive fps | project fps |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['clip']} | {r['preset']} | {r['input_flicker']} | {r['naive_flicker']} | {r['project_flicker']} "
            f"| {r['ratio']} | {r['project_vs_naive_mad']} | {r['naive_fps']} | {r['project_fps']} |"
        )
    lines += [
        "",
        "| end to end (decode, stylize, encode, mux) | frames | seconds | frames/s |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {r['size']} | {r['frames']} | {r['seconds']} | {r['fps']} |" for r in e2e]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=48)
    parser.add_argument("--e2e-frames", type=int, default=48)
    parser.add_argument("--preset", action="append", default=None)
    parser.add_argument("--strip", type=Path, default=Path("docs/creative/video_strip.png"))
    args = parser.parse_args()
    presets = args.preset or ["sunset", "ocean", "vintage"]
    cv2.setNumThreads(1)
    rows, strip = flicker_rows(args.frames, presets)
    save_strip(strip, args.strip)
    e2e = end_to_end([(320, 180), (640, 360), (1280, 720)], args.e2e_frames)
    report = {"machine": platform.processor() or platform.machine(), "flicker": rows, "end_to_end": e2e}
    out = get_settings().var_dir / "reports" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "video.json").write_text(json.dumps(report, indent=2) + "\n")
    text = table(rows, e2e)
    (out / "video.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
