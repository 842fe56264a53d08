#!/usr/bin/env bash
# One prepared check of every GPU path of the project, with timings.
#
#   creative: the diffusion pipeline in fp16 with attention slicing on CUDA (float32 on CPU),
#             text-to-image at batch 1 and larger batches, and image-to-image sharing components.
#             Uses the configured creative model when it is in the local store, else builds the
#             tiny random pipeline on the fly (same loading code).
#   text:     GeneratorRuntime.generate_batch of services/text, batch 1 against a batch.
#   vision:   VisionRuntime.classify_batch of services/vision, batch 1 against a batch.
#   video:    per-frame diffusion image-to-image of /style_video (services/creative/video) on the
#             creative pipeline above: ms per frame, the same seed every frame, flicker without and
#             with the temporal steps (smoothed colour statistics, optical-flow blending).
# text, vision and video are skipped, with the reason, when their code or model is not there.
#
# Usage: bash scripts/gpu_check.sh [--quick] [--steps N] [--batch N] [--docs-dir DIR]
# Prints a JSON report and writes it to docs/benchmarks/gpu/<device>[-quick].json (the device name
# in the file name and in the report; `python -m scripts.bench gpu-table` renders them into
# docs/benchmarks.md) and to $OUT/gpu_check.json when $OUT is set. Runs on CPU too (then the
# timings are CPU timings, filed under cpu-…); --quick keeps it to seconds there.
# On a machine without the project's venv, python3 needs diffusers, pydantic and
# pydantic-settings (carry them as wheels); bentoml is only needed to read models from the store.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false PYTHONUNBUFFERED=1
exec "$PYTHON" - "$@" <<'PYTHON_CHECK'
import argparse
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, os.getcwd())
import numpy as np
import torch

parser = argparse.ArgumentParser(prog="gpu_check.sh")
parser.add_argument("--quick", action="store_true", help="tiny sizes and few steps (CPU smoke run)")
parser.add_argument("--steps", type=int, default=None, help="denoising steps (default 2 quick, 20 full)")
parser.add_argument("--batch", type=int, default=None, help="batch size (default 4 quick, 8 full)")
parser.add_argument("--docs-dir", default="docs/benchmarks/gpu", help="folder of the per-device JSON reports")
args = parser.parse_args()
QUICK = args.quick
STEPS = args.steps or (2 if QUICK else 20)
BATCH = args.batch or (4 if QUICK else 8)
CUDA = torch.cuda.is_available()
if not CUDA:
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))


def sync() -> None:
    if CUDA:
        torch.cuda.synchronize()


def timed(fn, repeats: int = 2) -> float:
    """Best of ``repeats`` wall times in ms, after one warm-up call."""
    fn()
    sync()
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        sync()
        best = min(best, (time.perf_counter() - started) * 1000)
    return round(best, 2)


def store_model(setting: str):
    """The configured model from the local BentoML store (pulled from S3 when configured)."""
    from services.core.artifact_store import ArtifactStore
    from services.core.settings import get_settings

    return ArtifactStore().ensure_local(getattr(get_settings(), setting))


def check_creative() -> dict:
    from services.creative.diffusion import load_pipelines, native_side
    from services.creative.training.samples import product_photo
    from services.creative.settings import CreativeSettings
    from services.creative.training.tiny_pipeline import TinyConfig, build_pipeline

    out: dict = {}
    folder = None
    if not QUICK:
        try:
            model = store_model("creative_model")
            folder, out["model"] = model.path, str(model.tag)
        except Exception as exc:  # no bentoml here, or no model in the store
            out["store"] = f"no stored creative model ({type(exc).__name__}: {exc}); using the tiny pipeline"
    tmp = tempfile.TemporaryDirectory(prefix="gpu-check-creative-")
    if folder is None:
        config = TinyConfig(sample_size=8 if QUICK else 64)
        started = time.perf_counter()
        build_pipeline(Path(tmp.name), ["red summer dress", "leather bag", "white sneakers"], config)
        out["model"] = f"tiny random pipeline, {config.native_side}px native"
        out["build_ms"] = round((time.perf_counter() - started) * 1000, 1)
        folder = tmp.name
    settings = CreativeSettings(device="auto", fp16=True, attention_slicing=True)
    started = time.perf_counter()
    text2img, img2img, device, dtype = load_pipelines(folder, settings)
    sync()
    out["load_ms"] = round((time.perf_counter() - started) * 1000, 1)
    side = native_side(text2img)
    out.update(device=device, dtype=dtype, side=side, steps=STEPS, batch=BATCH)
    processors = text2img.unet.attn_processors.values()
    out["attention_slicing"] = any("Sliced" in type(p).__name__ for p in processors)
    out["img2img_shares_unet"] = img2img.unet is text2img.unet

    def generate(n: int, output_type: str = "pil"):
        gens = [torch.Generator("cpu").manual_seed(i) for i in range(n)]
        with torch.inference_mode():
            return text2img(
                prompt=[f"studio photo of product {i}" for i in range(n)], output_type=output_type,
                num_inference_steps=STEPS, guidance_scale=7.5, generator=gens, height=side, width=side,
            ).images

    one = timed(lambda: generate(1))
    many = timed(lambda: generate(BATCH))
    out["text2img_ms_per_image_batch1"] = one
    out[f"text2img_ms_per_image_batch{BATCH}"] = round(many / BATCH, 2)
    out["batching_speedup_per_image"] = round(one / (many / BATCH), 2)
    source = product_photo((side, side))
    out["img2img_ms_strength0.6"] = timed(
        lambda: img2img(
            prompt="watercolour", image=source, strength=0.6, num_inference_steps=max(STEPS, 2),
            generator=torch.Generator("cpu").manual_seed(0),
        )
    )
    pixels = generate(2, output_type="np")  # fp16 overflow shows up as NaN before the PIL conversion
    out["output_finite"] = bool(np.isfinite(pixels).all()) and float(np.std(pixels)) > 0
    if CUDA:
        out["cuda_peak_mib"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    PIPELINES["creative"] = (text2img, img2img, device, dtype, side, out["model"])
    tmp.cleanup()
    return out


PIPELINES: dict = {}


def check_video() -> dict:
    if "creative" not in PIPELINES:
        return {"skipped": "the creative check did not load a pipeline"}
    try:
        from PIL import Image

        from services.creative.diffusion import Defaults, DiffusionEngine
        from services.creative.video.clips import moving_shapes_frame
        from services.creative.video.metrics import flicker
        from services.creative.video.temporal import DiffusionStyler, FlowBlender, to_uint8
    except ImportError as exc:
        return {"skipped": f"video code or its libraries (PyAV, OpenCV) unavailable ({exc})"}
    text2img, img2img, device, dtype, side, model = PIPELINES["creative"]
    engine = DiffusionEngine(text2img, img2img, device, dtype, Defaults(side, max(STEPS, 2), 7.5), model, 1)
    n = 6 if QUICK else 16
    frames = [moving_shapes_frame(i, n, side, side) for i in range(n)]

    def run(smoothing: float, blend: float) -> tuple[list, float]:
        styler = DiffusionStyler(engine, prompt="watercolour product video", strength=0.5, steps=max(STEPS, 2),
                                 guidance=7.5, seed=7, smoothing=smoothing)
        blender = FlowBlender(blend)
        sync()
        started = time.perf_counter()
        out = [to_uint8(blender(f, styler(f))) for f in frames]
        sync()
        return out, (time.perf_counter() - started) * 1000 / n

    engine.restyle(Image.fromarray(frames[0]), "warm-up", negative_prompt=None, strength=0.5, steps=max(STEPS, 2),
                   guidance_scale=7.5, seed=7, side=None)
    plain, plain_ms = run(0.0, 0.0)
    steady, steady_ms = run(0.7, 0.9)
    return {
        "model": model,
        "frames": n,
        "side": side,
        "ms_per_frame_plain": round(plain_ms, 1),
        "ms_per_frame_steady": round(steady_ms, 1),
        "flicker_plain": round(flicker(plain, frames), 3),
        "flicker_steady": round(flicker(steady, frames), 3),
        "output_finite": bool(all(np.isfinite(f).all() for f in steady)),
    }


def check_text() -> dict:
    if not Path("services/text/generator.py").exists():
        return {"skipped": "services/text has no generator module"}
    try:
        from services.text.generator import load_generator
        from services.text.schemas import DescriptionRequest

        model = store_model("text_generator_model")
    except Exception as exc:
        return {"skipped": f"text generator unavailable here ({type(exc).__name__}: {exc})"}
    runtime = load_generator(model)
    items = [
        DescriptionRequest(
            attributes={"brand": "Acme", "category": ["Apparel", "Topwear", "Shirts"], "colour": "Blue"},
            seed=i,
            max_new_tokens=16 if QUICK else 32,
        )
        for i in range(BATCH * 2)
    ]
    one = timed(lambda: runtime.generate_batch(items[:1]))
    many = timed(lambda: runtime.generate_batch(items))
    return {
        "model": str(model.tag),
        "ms_per_item_batch1": one,
        f"ms_per_item_batch{len(items)}": round(many / len(items), 2),
        "batching_speedup_per_item": round(one / (many / len(items)), 2),
    }


def check_vision() -> dict:
    if not Path("services/vision/runtime.py").exists():
        return {"skipped": "services/vision has no runtime module"}
    try:
        from PIL import Image

        from services.vision.runtime import load_runtime

        model = store_model("vision_model")
    except Exception as exc:
        return {"skipped": f"vision classifier unavailable here ({type(exc).__name__}: {exc})"}
    runtime = load_runtime(model)
    rng = np.random.default_rng(0)
    n = 16 if QUICK else 64
    images = [Image.fromarray(rng.integers(0, 255, (224, 224, 3), dtype=np.uint8)) for _ in range(n)]
    one = timed(lambda: runtime.classify_batch(images[:1]))
    many = timed(lambda: runtime.classify_batch(images))
    return {
        "model": str(model.tag),
        "ms_per_image_batch1": one,
        f"ms_per_image_batch{n}": round(many / n, 3),
        "batching_speedup_per_image": round(one / (many / n), 2),
    }


report: dict = {
    "quick": QUICK,
    "python": platform.python_version(),
    "torch": torch.__version__,
    "device": torch.cuda.get_device_name(0) if CUDA else f"cpu ({torch.get_num_threads()} threads)",
}
failed = False
for name, check in (
    ("creative", check_creative), ("text", check_text), ("vision", check_vision), ("video", check_video)
):
    started = time.perf_counter()
    try:
        report[name] = check()
    except Exception as exc:
        traceback.print_exc()
        report[name] = {"error": f"{type(exc).__name__}: {exc}"}
        failed = True
    report[name]["wall_s"] = round(time.perf_counter() - started, 1)
    print(f"[gpu_check] {name}: {json.dumps(report[name])}", file=sys.stderr)
report["written_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
text = json.dumps(report, indent=2)
print(text)
slug = "".join(c if c.isalnum() else "-" for c in report["device"].lower()).strip("-")
slug = "-".join(part for part in slug.split("-") if part) + ("-quick" if QUICK else "")
Path(args.docs_dir).mkdir(parents=True, exist_ok=True)
(Path(args.docs_dir) / f"{slug}.json").write_text(text + "\n")
print(f"[gpu_check] written to {Path(args.docs_dir) / (slug + '.json')}", file=sys.stderr)
if os.environ.get("OUT"):
    Path(os.environ["OUT"]).mkdir(parents=True, exist_ok=True)
    (Path(os.environ["OUT"]) / "gpu_check.json").write_text(text + "\n")
sys.exit(1 if failed else 0)
PYTHON_CHECK
