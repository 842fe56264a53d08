"""Diffusion engine: load any SD-family diffusers folder and run text-to-image and image-to-image.

``AutoPipelineForText2Image.from_pretrained`` picks the pipeline class from ``model_index.json``
(SD 1.5, SD-Turbo, SDXL, SDXL-Turbo); the image-to-image pipeline is made with ``from_pipe`` and
shares every component, so the weights are in memory once. On CUDA the weights are fp16 and
attention slicing is on. One lock serialises pipeline calls: the scheduler is shared state.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PIL import Image

from services.core.device import pick_device as pick_torch_device
from services.core.device import pick_dtype

from .grouping import Call, CallParams, Job, plan_calls
from .settings import CreativeSettings, get_creative_settings

if TYPE_CHECKING:  # bentoml is not needed to run pipelines (the GPU check runs without it)
    import bentoml

log = logging.getLogger(__name__)


@dataclass
class GeneratedImage:
    image: Image.Image
    seed: int


@dataclass
class Defaults:
    """Generation defaults: model metadata first (e.g. a Turbo model's 1 step, no guidance), else settings."""

    side: int
    steps: int
    guidance_scale: float


@dataclass
class DiffusionEngine:
    text2img: Any
    img2img: Any
    device: str
    dtype: str
    defaults: Defaults
    tag: str
    max_rows: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    calls: int = 0

    # ------------------------------------------------------------------ text to image
    def resolve(
        self,
        prompt: str,
        negative_prompt: str | None,
        width: int | None,
        height: int | None,
        steps: int | None,
        guidance_scale: float | None,
        seed: int,
        num_images: int,
    ) -> Job:
        params = CallParams(
            width=width or self.defaults.side,
            height=height or self.defaults.side,
            steps=steps or self.defaults.steps,
            guidance_scale=self.defaults.guidance_scale if guidance_scale is None else guidance_scale,
        )
        return Job(prompt, negative_prompt, params, seed, num_images)

    def run_call(self, call: Call) -> list[Image.Image]:
        """One pipeline call for rows that share their parameters."""
        import torch

        generators = [torch.Generator("cpu").manual_seed(row.seed) for row in call.rows]
        with self.lock, torch.inference_mode():
            self.calls += 1
            out = self.text2img(
                prompt=[row.prompt for row in call.rows],
                negative_prompt=call.negative_prompts,
                width=call.params.width,
                height=call.params.height,
                num_inference_steps=call.params.steps,
                guidance_scale=call.params.guidance_scale,
                generator=generators,
                output_type="pil",
            )
        return list(out.images)

    def generate(self, jobs: Sequence[Job]) -> list[list[GeneratedImage]]:
        """Images for each job, in order; jobs with equal parameters share pipeline calls."""
        results: list[list[GeneratedImage]] = [[] for _ in jobs]
        for call in plan_calls(jobs, self.max_rows):
            started = time.perf_counter()
            images = self.run_call(call)
            log.debug(
                "pipeline call: %d images %dx%d, %d steps in %.2fs",
                len(images),
                call.params.width,
                call.params.height,
                call.params.steps,
                time.perf_counter() - started,
            )
            for row, image in zip(call.rows, images, strict=True):
                results[row.request_index].append(GeneratedImage(image, row.seed))
        return results

    # ------------------------------------------------------------------ image to image
    def restyle(
        self,
        image: Image.Image,
        prompt: str,
        *,
        negative_prompt: str | None,
        strength: float,
        steps: int | None,
        guidance_scale: float | None,
        seed: int,
        side: int | None,
    ) -> Image.Image:
        """Image-to-image: keep the layout of ``image``, repaint it after ``prompt`` with ``strength``."""
        import torch

        steps = steps or self.defaults.steps
        if int(steps * strength) < 1:
            raise ValueError("steps x strength must be at least 1 (raise steps or strength)")
        init = fit_to_multiple_of_8(image.convert("RGB"), side or self.defaults.side)
        guidance = self.defaults.guidance_scale if guidance_scale is None else guidance_scale
        with self.lock, torch.inference_mode():
            self.calls += 1
            out = self.img2img(
                prompt=prompt,
                negative_prompt=negative_prompt,
                image=init,
                strength=strength,
                num_inference_steps=steps,
                guidance_scale=guidance,
                generator=torch.Generator("cpu").manual_seed(seed),
                output_type="pil",
            )
        return out.images[0]


def fit_to_multiple_of_8(image: Image.Image, longest: int) -> Image.Image:
    """Resize so the longer side is ``longest``, both sides multiples of 8 (at least 64)."""
    width, height = image.size
    scale = longest / max(width, height)
    new_w = max(64, round(width * scale / 8) * 8)
    new_h = max(64, round(height * scale / 8) * 8)
    return image.resize((new_w, new_h), Image.Resampling.LANCZOS)


def pick_device(settings: CreativeSettings) -> str:
    return pick_torch_device(settings.device, "ADSERVE_CREATIVE_DEVICE").type


def load_pipelines(path: str, settings: CreativeSettings) -> tuple[Any, Any, str, str]:
    """Text-to-image and image-to-image pipelines sharing components, on the chosen device."""
    import torch
    from diffusers import AutoPipelineForImage2Image, AutoPipelineForText2Image

    device = pick_device(settings)
    if settings.torch_threads:
        torch.set_num_threads(settings.torch_threads)
    dtype = pick_dtype(torch.device(device), settings.fp16)
    text2img = AutoPipelineForText2Image.from_pretrained(path, dtype=dtype)
    text2img = text2img.to(device)
    if device == "cuda" and settings.attention_slicing:
        text2img.enable_attention_slicing()
    text2img.set_progress_bar_config(disable=True)
    img2img = AutoPipelineForImage2Image.from_pipe(text2img)
    img2img.set_progress_bar_config(disable=True)
    return text2img, img2img, device, str(dtype).removeprefix("torch.")


def native_side(pipe: Any) -> int:
    sample = pipe.unet.config.sample_size
    sample = sample[0] if isinstance(sample, list | tuple) else sample
    return int(sample) * int(pipe.vae_scale_factor)


def load_engine(model: bentoml.Model, settings: CreativeSettings | None = None) -> DiffusionEngine:
    """``ManagedModel`` loader: a BentoML model holding a diffusers ``save_pretrained`` folder."""
    settings = settings or get_creative_settings()
    text2img, img2img, device, dtype = load_pipelines(model.path, settings)
    meta = model.info.metadata
    defaults = Defaults(
        side=int(meta.get("default_side") or native_side(text2img)),
        steps=int(meta.get("default_steps") or settings.default_steps),
        guidance_scale=float(meta.get("default_guidance", settings.default_guidance)),
    )
    log.info(
        "diffusion %s: %s on %s (%s), default %dx%d, %d steps, guidance %.1f",
        model.tag,
        type(text2img).__name__,
        device,
        dtype,
        defaults.side,
        defaults.side,
        defaults.steps,
        defaults.guidance_scale,
    )
    return DiffusionEngine(text2img, img2img, device, dtype, defaults, str(model.tag), settings.max_images_per_call)
