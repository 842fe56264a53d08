"""Frame-by-frame style transfer that stays steady over time.

Two mechanisms, both documented in docs/creative.md (Video):

1. **Smoothed colour statistics that follow the persisting content.** Reinhard transfer
   (``style_transfer.reinhard_lab``) maps each frame's Lab mean and spread onto the style's. Per
   frame, those content statistics jump whenever something enters or leaves the picture and the
   whole frame changes colour: the main flicker of naive per-frame transfer. Here the content
   statistics are an exponential moving average over frames (weight ``smoothing`` for the past),
   and, when the flow between frames is known, the past is first moved by how the content that
   persists from the previous frame changed (``persisting_change``: the shift of its Lab mean and
   the ratio of its spread, over the pixels where the warped previous input matches): a change of
   light on what stays in the picture is followed at once, while what enters or leaves moves the
   statistics only through the slow average. The detail energy behind the texture gain is a plain
   moving average. For diffusion frames, whose colours drift from frame to frame, each output
   frame's own Lab statistics are pulled onto their moving average.
2. **Blending along optical flow.** The output is blended with the previous *output* warped onto
   the current frame by the flow of the *input* (``flow.backward_flow``), with weight
   ``flow_blend`` where the warped previous input agrees with the current input
   (``flow.agreement``, falling to none at ``threshold`` levels of difference: occlusions, new
   content, flow errors), so moving things are not smeared and new content shows at once.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

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

AGREEMENT_THRESHOLD = 6.0  # 8-bit levels of (blurred) mean RGB difference at which a pixel counts as new content
PERSIST_CUT = 0.5  # agreement above which a pixel counts as persisting content for the statistics
PERSIST_MIN_SHARE = 0.05  # below this share of persisting pixels (a cut), the statistics just average
PERSIST_STEP = 2  # the persisting statistics are taken every PERSIST_STEP pixels in each direction


class Motion(NamedTuple):
    """From the current input frame back to the previous one."""

    flow: np.ndarray  # (H, W, 2) offsets, ``flow.backward_flow``
    agreement: np.ndarray  # (H, W, 1) in [0, 1], ``flow.agreement``


class FrameStyler(Protocol):
    def __call__(self, frame: np.ndarray, motion: Motion | None = None) -> np.ndarray:
        """RGB uint8 frame in, stylized RGB float32 in [0, 1] out (same size); ``motion`` to the previous frame."""
        ...


class Ema:
    """Exponential moving average of arrays; the first value starts it."""

    def __init__(self, smoothing: float) -> None:
        self.smoothing = smoothing
        self.value: np.ndarray | None = None

    def __call__(self, value: np.ndarray, past: np.ndarray | None = None) -> np.ndarray:
        """Average in ``value``; ``past`` (when given) stands for the previous average."""
        if self.value is None:
            self.value = value
        else:
            before = self.value if past is None else past
            self.value = self.smoothing * before + (1 - self.smoothing) * value
        return self.value


def persisting_change(
    cur_lab: np.ndarray, prev_lab: np.ndarray, motion: Motion
) -> tuple[np.ndarray, np.ndarray] | None:
    """How the content that persists from the previous frame changed: Lab mean shift and spread ratio.

    Persisting pixels are those whose agreement is above ``PERSIST_CUT`` (sampled every
    ``PERSIST_STEP`` pixels); ``None`` when they are fewer than ``PERSIST_MIN_SHARE`` (a cut, a
    new scene), or the frames differ in size.
    """
    if cur_lab.shape != prev_lab.shape:
        return None
    step = PERSIST_STEP
    keep = motion.agreement[::step, ::step, 0] > PERSIST_CUT
    if keep.mean() < PERSIST_MIN_SHARE:
        return None
    now = cur_lab[::step, ::step][keep]
    before = warp(prev_lab, motion.flow)[::step, ::step][keep]
    ratio = np.clip(now.std(0) / np.maximum(before.std(0), 1e-3), 0.5, 2.0)
    return now.mean(0) - before.mean(0), ratio


class ReinhardStyler:
    """Reinhard colour transfer with content statistics (and detail energy) smoothed over frames."""

    def __init__(self, style: Image.Image, *, strength: float, texture: float, smoothing: float) -> None:
        reference = thumbnail(style)
        self.s_mean, self.s_std = lab_moments(rgb_to_lab(to_float(reference)))
        self.s_energy = detail_energy(reference)
        self.strength, self.texture = strength, texture
        self.mean, self.std, self.energy = Ema(smoothing), Ema(smoothing), Ema(smoothing)
        self.prev_lab: np.ndarray | None = None

    def __call__(self, frame: np.ndarray, motion: Motion | None = None) -> np.ndarray:
        base = frame.astype(np.float32) / 255.0
        c_lab = rgb_to_lab(base)
        c_mean, c_std = lab_moments(c_lab)
        change = None
        if motion is not None and self.prev_lab is not None and self.mean.value is not None:
            change = persisting_change(c_lab, self.prev_lab, motion)
        if change is None:
            mean, std = self.mean(c_mean), self.std(c_std)
        else:
            shift, ratio = change
            assert self.std.value is not None
            mean, std = self.mean(c_mean, self.mean.value + shift), self.std(c_std, self.std.value * ratio)
        self.prev_lab = c_lab
        moved = reinhard_lab(c_lab, mean, std, self.s_mean, self.s_std)
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

    def __call__(self, frame: np.ndarray, motion: Motion | None = None) -> np.ndarray:
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
    """Blend each stylized frame with the previous output warped along the input's optical flow.

    ``motion(frame)`` gives the flow and agreement from ``frame`` back to the previous input (for
    the styler's statistics too; computed once per frame), when blending is on or ``track`` asks
    for it; ``blender(frame, stylized)`` blends and remembers the frame and its output.
    """

    def __init__(
        self, blend: float, *, flow_side: int = 320, threshold: float = AGREEMENT_THRESHOLD, track: bool = False
    ) -> None:
        self.blend, self.flow_side, self.threshold, self.track = blend, flow_side, threshold, track
        self.prev_in: np.ndarray | None = None
        self.prev_grey: np.ndarray | None = None
        self.prev_out: np.ndarray | None = None
        self._seen: tuple[np.ndarray, np.ndarray, Motion | None] | None = None

    def motion(self, frame: np.ndarray) -> Motion | None:
        """Flow and agreement from ``frame`` back to the previous input; ``None`` for the first or when off."""
        if self._seen is not None and self._seen[0] is frame:
            return self._seen[2]
        cur_grey = grey(frame)
        found = None
        wanted = self.blend > 0 or self.track
        if wanted and self.prev_in is not None and self.prev_grey is not None and self.prev_in.shape == frame.shape:
            flow = backward_flow(self.prev_grey, cur_grey, self.flow_side)
            found = Motion(flow, agreement(self.prev_in, frame, flow, self.threshold))
        self._seen = (frame, cur_grey, found)
        return found

    def __call__(self, frame: np.ndarray, stylized: np.ndarray) -> np.ndarray:
        motion = self.motion(frame)
        assert self._seen is not None
        out = stylized
        if self.blend > 0 and motion is not None and self.prev_out is not None:
            weight = motion.agreement * self.blend
            out = stylized * (1.0 - weight) + warp(self.prev_out, motion.flow) * weight
        self.prev_in, self.prev_grey, self.prev_out = frame, self._seen[1], out
        self._seen = None
        return out


def to_uint8(rgb: np.ndarray) -> np.ndarray:
    return np.asarray(to_image(rgb))
