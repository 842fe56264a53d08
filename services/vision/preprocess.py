"""Image preprocessing that follows the served model's own input contract.

* The default CNN expects Fashion-MNIST-like input: 28x28 grayscale, the product centred on a dark
  background, filling the frame on its longest side. Any photo is brought there the way the data
  set itself was made: grayscale, invert when the background is light, stretch the contrast, trim to
  the product, resize the longest side, pad to a square, then normalise with the training mean and std.
* A Hugging Face model uses its own image processor (resize, RGB, rescale, normalisation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from PIL import Image, ImageOps

from .net import CNNConfig

BORDER_PX = 2
OVERSAMPLE = 4  # working resolution before the final resize, in multiples of the output size
LIGHT_BACKGROUND = 128  # mean border value above which the image is inverted
FOREGROUND_FRACTION = 0.04  # of the brightest value; dimmer pixels count as background when trimming


def border_mean(gray: Image.Image, width: int = BORDER_PX) -> float:
    """Mean value of the outer ``width`` pixels of a grayscale image (its background estimate)."""
    arr = np.asarray(gray, dtype=np.float32)
    w = max(1, min(width, arr.shape[0] // 2, arr.shape[1] // 2))
    edges = np.concatenate([arr[:w].ravel(), arr[-w:].ravel(), arr[:, :w].ravel(), arr[:, -w:].ravel()])
    return float(edges.mean())


def to_grayscale(img: Image.Image) -> Image.Image:
    """L-mode copy; transparency is flattened onto white first (a cut-out product on no background)."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(canvas, rgba)
    return img.convert("L")


def fashion_mnist_array(img: Image.Image, size: int = 28) -> np.ndarray:
    """Any PIL image → uint8 ``size`` x ``size`` array in Fashion-MNIST style (dark background)."""
    gray = to_grayscale(img)
    if gray.size == (size, size) and border_mean(gray) < LIGHT_BACKGROUND:
        return np.asarray(gray, dtype=np.uint8).copy()  # already in the training distribution
    factor = max(gray.size) // (OVERSAMPLE * size)
    if factor >= 2:
        gray = gray.reduce(factor)  # box filter: a big photo keeps 4x the output resolution, cheaply
    if border_mean(gray) >= LIGHT_BACKGROUND:
        gray = ImageOps.invert(gray)
    gray = ImageOps.autocontrast(gray)  # the data set spans 0 (background) to 255 in every image
    arr = np.asarray(gray, dtype=np.uint8)
    peak = int(arr.max())
    if peak > 0:
        mask = arr > max(1, int(peak * FOREGROUND_FRACTION))
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        gray = gray.crop((int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1))
    width, height = gray.size
    scale = size / max(width, height)
    new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
    gray = gray.resize((new_w, new_h), Image.Resampling.LANCZOS, reducing_gap=3.0)
    canvas = Image.new("L", (size, size), 0)
    canvas.paste(gray, ((size - new_w) // 2, (size - new_h) // 2))
    return np.asarray(ImageOps.autocontrast(canvas), dtype=np.uint8).copy()  # resampling lowers the peak


def normalise_uint8(batch: np.ndarray, mean: float, std: float) -> torch.Tensor:
    """uint8 (n, h, w) → float32 tensor (n, 1, h, w) scaled to [0, 1] and standardised."""
    writable = np.require(batch, dtype=np.uint8, requirements=["C", "W"])
    tensor = torch.from_numpy(writable).to(torch.float32).div_(255.0)
    return tensor.sub_(mean).div_(std).unsqueeze(1)


class FashionPreprocessor:
    """PIL images → the CNN's input tensor, following its :class:`CNNConfig`."""

    def __init__(self, config: CNNConfig) -> None:
        self.size = config.image_size
        self.mean = config.mean
        self.std = config.std

    def arrays(self, images: Sequence[Image.Image]) -> np.ndarray:
        if not images:
            return np.zeros((0, self.size, self.size), dtype=np.uint8)
        return np.stack([fashion_mnist_array(img, self.size) for img in images])

    def __call__(self, images: Sequence[Image.Image]) -> torch.Tensor:
        return normalise_uint8(self.arrays(images), self.mean, self.std)


class ProcessorPreprocessor:
    """PIL images → ``pixel_values`` with a Hugging Face image processor (the PIL backend)."""

    def __init__(self, processor: Any) -> None:
        self.processor = processor

    def __call__(self, images: Sequence[Image.Image]) -> torch.Tensor:
        rgb = [img.convert("RGB") if img.mode != "RGB" else img for img in images]
        out = self.processor(images=rgb, return_tensors="pt")
        return out["pixel_values"]
