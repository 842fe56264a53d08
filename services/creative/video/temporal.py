"""Frame-by-frame style transfer that stays steady over time.

Two mechanisms, both documented in docs/creative.md (Video):

1. **Smoothed colour statistics.** Reinhard transfer (``style_transfer.reinhard_lab``) maps each
   frame's Lab mean and spread onto the style's. Per frame, those content statistics jump whenever
   something enters or leaves the picture and the whole frame changes colour: the main flicker of
   naive per-frame transfer. Here the content statistics are an exponential moving average over
   frames (weight ``smoothing`` for the past), and so is the detail energy behind the texture gain.
   For diffusion frames, whose colours drift from frame to frame, each output frame's own Lab
   statistics are pulled onto their moving average the same way.
2. **Blending along optical flow.** The output is blended with the previous *output* warped onto
   the current frame by the flow of the *input* (``flow.backward_flow``), with weight
   ``flow_blend`` where the warped previous input agrees with the current input
   (``flow.agreement``) and none where it does not (occlusions, new content), so moving things are
   not smeared and new content shows at once.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from PIL import Image

from ..colour import rgb_to_lab
from ..style_transfer import (
    detail_energy,
    lab_moments,
    reinhard_lab,
    scale_detail,
    texture_gain,
    thumbnail,
    to_float,
    to_image,
)
from .flow import agreement, backward_flow, grey, warp

AGREEMENT_THRESHOLD = 24.0  # 8-bit levels of mean RGB difference at which a pixel counts as new content


class FrameStyler(Protocol):
    def __call__(self, frame: np.ndarray) -> np.ndarray:
        """RGB uint8 frame in, stylized RGB float32 in [0, 1] out (same size)."""
        ...


class Ema:
    """Exponential moving average of arrays; the first value starts it."""

    def __init__(self, smoothing: float) -> None:
        self.smoothing = smoothing
        self.value: np.ndarray | None = None

    def __call__(self, value: np.ndarray) -> np.ndarray:
        self.value = value if self.value is None else self.smoothing * self.value + (1 - self.smoothing) * value
        return self.value


class ReinhardStyler:
    """Reinhard colour transfer with content statistics (and detail energy) smoothed over frames."""

    def __init__(self, style: Image.Image, *, strength: float, texture: float, smoothing: float) -> None:
        reference = thumbnail(style)
        self.s_mean, self.s_std = lab_moments(rgb_to_lab(to_float(reference)))
        self.s_energy = detail_energy(reference)
        self.strength, self.texture = strength, texture
        self.mean, self.std, self.energy = Ema(smoothing), Ema(smoothing), Ema(smoothing)

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        base = frame.astype(np.float32) / 255.0
        c_lab = rgb_to_lab(base)
        c_mean, c_std = lab_moments(c_lab)
        moved = reinhard_lab(c_lab, self.mean(c_mean), self.std(c_std), self.s_mean, self.s_std)
        if self.texture > 0:
            energy = float(self.energy(np.array(detail_energy(thumbnail(Image.fromarray(frame))))))
            moved = scale_detail(moved, texture_gain(energy, self.s_energy, self.texture))
        return base + (moved - base) * self.strength


class SteadyColours:
    """Pull each frame's Lab mean and spread onto their moving average (for diffusion outputs)."""

    def __init__(self, smoothing: float) -> None:
        self.mean, self.std = Ema(smoothing), Ema(smoothing)

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        lab = rgb_to_lab(rgb)
        mean, std = lab_moments(lab)
        return reinhard_lab(lab, mean, std, self.mean(mean), self.std(std))


class DiffusionStyler:
    """Image-to-image diffusion on every frame with one seed (the same starting noise every frame)."""

    def __init__(
        self,
        engine: object,
        *,
        prompt: str,
        strength: float,
        steps: int | None,
        guidance: float | None,
        seed: int,
        smoothing: float,
    ) -> None:
        self.engine, self.prompt, self.strength = engine, prompt, strength
        self.steps, self.guidance, self.seed = steps, guidance, seed
        self.colours = SteadyColours(smoothing)

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        image = Image.fromarray(frame)
        out = self.engine.restyle(  # type: ignore[attr-defined]
            image,
            self.prompt,
            negative_prompt=None,
            strength=self.strength,
            steps=self.steps,
            guidance_scale=self.guidance,
            seed=self.seed,
            side=None,
        )
        out = out.convert("RGB").resize(image.size, Image.Resampling.LANCZOS)
        return self.colours(to_float(out))


class FlowBlender:
    """Blend each stylized frame with the previous output warped along the input's optical flow."""

    def __init__(self, blend: float, *, flow_side: int = 320, threshold: float = AGREEMENT_THRESHOLD) -> None:
        self.blend, self.flow_side, self.threshold = blend, flow_side, threshold
        self.prev_in: np.ndarray | None = None
        self.prev_grey: np.ndarray | None = None
        self.prev_out: np.ndarray | None = None

    def __call__(self, frame: np.ndarray, stylized: np.ndarray) -> np.ndarray:
        out = stylized
        cur_grey = grey(frame)
        if self.blend > 0 and self.prev_in is not None and self.prev_grey is not None and self.prev_out is not None:
            flow = backward_flow(self.prev_grey, cur_grey, self.flow_side)
            weight = agreement(self.prev_in, frame, flow, self.threshold) * self.blend
            out = stylized * (1.0 - weight) + warp(self.prev_out, flow) * weight
        self.prev_in, self.prev_grey, self.prev_out = frame, cur_grey, out
        return out


def to_uint8(rgb: np.ndarray) -> np.ndarray:
    return np.asarray(to_image(rgb))
